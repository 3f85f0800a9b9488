#include "ui/palette_icons.h"

#include <QPainter>
#include <QSvgRenderer>

namespace hale {

namespace {

QPixmap tinted(QSvgRenderer &svg, int size, const QColor &color)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    // Keep the strokes' coverage, take the colour.
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(image.rect(), color);
    painter.end();
    return QPixmap::fromImage(image);
}

} // namespace

QIcon paletteIcon(const QString &name, const QPalette &palette)
{
    QSvgRenderer svg(QStringLiteral(":/icons/%1.svg").arg(name));
    QIcon icon;
    if (!svg.isValid())
        return icon;
    for (const int size : {16, 24, 32, 48}) {
        icon.addPixmap(tinted(svg, size, palette.color(QPalette::Active, QPalette::WindowText)),
                       QIcon::Normal);
        icon.addPixmap(tinted(svg, size, palette.color(QPalette::Disabled, QPalette::WindowText)),
                       QIcon::Disabled);
        // On a selected row, in the highlight's text colour.
        icon.addPixmap(
            tinted(svg, size, palette.color(QPalette::Active, QPalette::HighlightedText)),
            QIcon::Selected);
    }
    return icon;
}

} // namespace hale
