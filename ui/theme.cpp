#include "ui/theme.h"

#if defined(Q_OS_WIN)
#include <QApplication>
#include <QSettings>
#endif
#include <algorithm>
#include <cmath>

namespace hale::theme {

namespace {
double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}
double luminance(const QColor &c)
{
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}
} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

void askForSystemColorScheme()
{
#if defined(Q_OS_WIN)
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "windows:darkmode=2");
#endif
}

void followSystemColorScheme()
{
#if defined(Q_OS_WIN)
    const QSettings personalize(
        QStringLiteral("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\"
                       "Themes\\Personalize"),
        QSettings::NativeFormat);
    if (personalize.value(QStringLiteral("AppsUseLightTheme"), 1).toInt() == 0)
        QApplication::setStyle(QStringLiteral("Fusion"));
#endif
}

QColor errorText(const QPalette &palette)
{
    // Material red 200 on dark windows, red 900 on light ones: both above
    // 4.5:1 on the usual window colours.
    return isDark(palette) ? QColor(0xef, 0x9a, 0x9a) : QColor(0xb7, 0x1c, 0x1c);
}

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace hale::theme
