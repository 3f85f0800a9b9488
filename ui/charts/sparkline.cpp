#include "ui/charts/sparkline.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace hale {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumSize(80, 32);
}

void Sparkline::setValues(const QList<double> &values)
{
    m_values = values;
    update();
}

QSize Sparkline::sizeHint() const
{
    return {160, 36};
}

void Sparkline::paintEvent(QPaintEvent *event)
{
    Q_UNUSED(event);
    if (m_values.isEmpty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    const auto extremes = std::minmax_element(m_values.cbegin(), m_values.cend());
    const double low = *extremes.first;
    const double span = *extremes.second - low;
    auto at = [&](qsizetype i) {
        const double x = m_values.size() == 1
                             ? area.center().x()
                             : area.left() + area.width() * double(i) / double(m_values.size() - 1);
        // A flat series sits in the middle rather than on an edge.
        const double y = span > 0 ? area.bottom() - area.height() * (m_values.at(i) - low) / span
                                  : area.center().y();
        return QPointF(x, y);
    };
    const QColor ink = palette().color(QPalette::Highlight);
    QPainterPath line(at(0));
    for (qsizetype i = 1; i < m_values.size(); ++i)
        line.lineTo(at(i));
    painter.setPen(QPen(ink, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawPath(line);
    // The latest value, as a dot.
    painter.setPen(Qt::NoPen);
    painter.setBrush(ink);
    painter.drawEllipse(at(m_values.size() - 1), 3, 3);
}

} // namespace hale
