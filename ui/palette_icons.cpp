#include "ui/palette_icons.h"

#include <QAbstractButton>
#include <QAction>
#include <QEvent>
#include <QPainter>
#include <QPointer>
#include <QSvgRenderer>
#include <functional>

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

// Redraws an icon when the palette of the widget it is shown in changes.
class PaletteFollower : public QObject
{
public:
    PaletteFollower(QWidget *watched, std::function<void()> redraw)
        : QObject(watched), m_redraw(std::move(redraw))
    {
        watched->installEventFilter(this);
        m_redraw();
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::PaletteChange)
            m_redraw();
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_redraw;
};

} // namespace

void setPaletteIcon(QAbstractButton *button, const QString &name)
{
    new PaletteFollower(button, [button, name] {
        button->setIcon(paletteIcon(name, button->palette(), QPalette::ButtonText));
    });
}

void setPaletteIcon(QAction *action, const QString &name, QWidget *shownIn)
{
    QPointer<QAction> guarded(action);
    new PaletteFollower(shownIn, [guarded, shownIn, name] {
        if (guarded)
            guarded->setIcon(paletteIcon(name, shownIn->palette()));
    });
}

QIcon paletteIcon(const QString &name, const QPalette &palette, QPalette::ColorRole role)
{
    QSvgRenderer svg(QStringLiteral(":/icons/%1.svg").arg(name));
    QIcon icon;
    if (!svg.isValid())
        return icon;
    for (const int size : {16, 24, 32, 48}) {
        icon.addPixmap(tinted(svg, size, palette.color(QPalette::Active, role)), QIcon::Normal);
        icon.addPixmap(tinted(svg, size, palette.color(QPalette::Disabled, role)), QIcon::Disabled);
        // On a selected row, in the highlight's text colour.
        icon.addPixmap(
            tinted(svg, size, palette.color(QPalette::Active, QPalette::HighlightedText)),
            QIcon::Selected);
    }
    return icon;
}

} // namespace hale
