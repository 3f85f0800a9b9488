#include "ui/desktop/autostart.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace hale::autostart {

namespace {

const QString kHiddenOption = QStringLiteral("--hidden");

#if defined(Q_OS_WIN)
const QString kRunKey =
    QStringLiteral("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
#else
// A desktop entry's Exec argument, quoted as the Desktop Entry
// Specification asks.
QString quotedExecArgument(const QString &arg)
{
    QString escaped = arg;
    for (const QChar c : {QLatin1Char('\\'), QLatin1Char('"'), QLatin1Char('`'), QLatin1Char('$')})
        escaped.replace(c, QStringLiteral("\\") + c);
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString entryText()
{
    const QString program = QCoreApplication::applicationFilePath();
#if defined(Q_OS_MACOS)
    return QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                          "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                          "<plist version=\"1.0\"><dict>\n"
                          "<key>Label</key><string>org.hale.Hale</string>\n"
                          "<key>ProgramArguments</key><array><string>%1</string><string>%2</string>"
                          "</array>\n"
                          "<key>RunAtLoad</key><true/>\n"
                          "</dict></plist>\n")
        .arg(program.toHtmlEscaped(), kHiddenOption);
#else
    return QStringLiteral("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=Hale\n"
                          "Comment=Private health tracker\n"
                          "Exec=%1 %2\n"
                          "Icon=org.hale.Hale\n"
                          "Terminal=false\n"
                          "X-GNOME-Autostart-enabled=true\n")
        .arg(quotedExecArgument(program), kHiddenOption);
#endif
}
#endif

} // namespace

QString location()
{
#if defined(Q_OS_WIN)
    return kRunKey + QStringLiteral("\\Hale");
#elif defined(Q_OS_MACOS)
    return QDir::homePath() + QStringLiteral("/Library/LaunchAgents/org.hale.Hale.plist");
#else
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/autostart/org.hale.Hale.desktop");
#endif
}

bool enabled()
{
#if defined(Q_OS_WIN)
    return QSettings(kRunKey, QSettings::NativeFormat).contains(QStringLiteral("Hale"));
#else
    return QFileInfo::exists(location());
#endif
}

bool setEnabled(bool on, QString *error)
{
#if defined(Q_OS_WIN)
    QSettings run(kRunKey, QSettings::NativeFormat);
    if (on)
        run.setValue(QStringLiteral("Hale"),
                     QStringLiteral("\"%1\" %2")
                         .arg(QDir::toNativeSeparators(QCoreApplication::applicationFilePath()),
                              kHiddenOption));
    else
        run.remove(QStringLiteral("Hale"));
    run.sync();
    if (run.status() != QSettings::NoError) {
        *error = QCoreApplication::translate("Autostart", "Windows refused the change.");
        return false;
    }
    return true;
#else
    const QString path = location();
    if (!on) {
        if (QFile::exists(path) && !QFile::remove(path)) {
            *error = QCoreApplication::translate("Autostart", "Could not remove %1.").arg(path);
            return false;
        }
        return true;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(entryText().toUtf8()) < 0 ||
        !file.commit()) {
        *error = QCoreApplication::translate("Autostart", "Could not write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    return true;
#endif
}

} // namespace hale::autostart
