#include "ui/report/report_renderer.h"

#include "models/own_measures.h"
#include "models/owner_only.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocale>
#include <QPageLayout>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>
#include <cmath>

namespace hale::report {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Report", text);
}

// The painter's units are points already (it is scaled to them), while a
// font's point size is resolved at the device's resolution: ask for the size
// that comes out right after both.
void setFont(QPainter &painter, double points, bool bold)
{
    QFont font = painter.font();
    font.setPointSizeF(points * 72.0 / painter.device()->logicalDpiY());
    font.setBold(bold);
    painter.setFont(font);
}

// A cursor down the pages: where the next block goes, and a new page when it
// would not fit.
class Layout
{
public:
    Layout(QPainter &painter, const QRectF &page, const std::function<void()> &newPage)
        : m_painter(painter), m_page(page), m_newPage(newPage), m_y(page.top())
    {
    }

    int pages() const { return m_pages; }
    QPainter &painter() { return m_painter; }
    double width() const { return m_page.width(); }
    double left() const { return m_page.left(); }

    // Room for `height` points, on a new page if need be; returns the top.
    double take(double height)
    {
        if (m_y + height > m_page.bottom() - kFooter && m_y > m_page.top()) {
            footer();
            m_newPage();
            ++m_pages;
            m_y = m_page.top();
        }
        const double top = m_y;
        m_y += height;
        return top;
    }

    void text(const QString &line, double size = 10, bool bold = false, double after = 4)
    {
        setFont(m_painter, size, bold);
        const QRectF bounds =
            m_painter.boundingRect(QRectF(0, 0, width(), 10'000), Qt::TextWordWrap, line);
        const double top = take(bounds.height() + after);
        m_painter.setPen(Qt::black);
        m_painter.drawText(QRectF(left(), top, width(), bounds.height()), Qt::TextWordWrap, line);
    }

    void heading(const QString &title) { text(title, 13, true, 6); }
    void gap(double height) { m_y += height; }
    void finish() { footer(); }

private:
    static constexpr double kFooter = 20;

    void footer()
    {
        setFont(m_painter, 8, false);
        m_painter.setPen(Qt::black);
        m_painter.drawText(QRectF(m_page.left(), m_page.bottom() - 12, m_page.width(), 12),
                           Qt::AlignRight, tr("Hale health report, page %1").arg(m_pages));
    }

    QPainter &m_painter;
    QRectF m_page;
    const std::function<void()> &m_newPage;
    double m_y;
    int m_pages = 1;
};

struct Line
{
    QString label;
    QList<trends::DailyPoint> points;
    Qt::PenStyle style;
};

// Round steps for a value axis: 1, 2 or 5 times a power of ten.
double niceStep(double span, int ticks)
{
    const double raw = span / std::max(1, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * magnitude)
            return m * magnitude;
    }
    return 10 * magnitude;
}

void chart(Layout &layout, const QList<Line> &lines, const QDate &from, const QDate &to,
           const QString &unit, UnitSystem units, const QString &siUnit)
{
    constexpr double kHeight = 150;
    constexpr double kAxis = 36; // room for the value labels
    QPainter &p = layout.painter();
    const double top = layout.take(kHeight + 46);
    const QRectF plot(layout.left() + kAxis, top + 16, layout.width() - kAxis - 8, kHeight - 20);
    double lo = std::numeric_limits<double>::max();
    double hi = std::numeric_limits<double>::lowest();
    for (const Line &line : lines) {
        for (const trends::DailyPoint &pt : line.points) {
            const double v = units::toDisplay(pt.value, siUnit, units);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (lo > hi)
        return;
    const double step = niceStep(std::max(hi - lo, 1.0), 4);
    lo = std::floor(lo / step) * step;
    hi = std::max(lo + step, std::ceil(hi / step) * step);
    const qint64 days = std::max<qint64>(1, from.daysTo(to));
    auto at = [&](const trends::DailyPoint &pt) {
        const double v = units::toDisplay(pt.value, siUnit, units);
        return QPointF(plot.left() + plot.width() * double(from.daysTo(pt.day)) / double(days),
                       plot.bottom() - plot.height() * (v - lo) / (hi - lo));
    };
    setFont(p, 7.5, false);
    // Grid and value labels in grey, the frame in black.
    for (double v = lo; v <= hi + step / 2; v += step) {
        const double y = plot.bottom() - plot.height() * (v - lo) / (hi - lo);
        p.setPen(QPen(QColor(200, 200, 200), 0.5));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(Qt::black);
        p.drawText(QRectF(plot.left() - kAxis, y - 6, kAxis - 4, 12), Qt::AlignRight,
                   QLocale().toString(v, 'f', step < 1 ? 1 : 0));
    }
    p.setPen(QPen(Qt::black, 0.8));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    const QLocale locale;
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, 120, 12), Qt::AlignLeft,
               locale.toString(from, QLocale::ShortFormat));
    p.drawText(QRectF(plot.right() - 120, plot.bottom() + 2, 120, 12), Qt::AlignRight,
               locale.toString(to, QLocale::ShortFormat));
    p.drawText(QRectF(layout.left(), plot.top() - 16, kAxis + 40, 12), Qt::AlignLeft, unit);
    p.setRenderHint(QPainter::Antialiasing);
    double legendX = plot.left();
    for (const Line &line : lines) {
        const QPen pen(Qt::black, 1.4, line.style, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        if (line.points.size() == 1) {
            p.setBrush(Qt::black);
            p.drawEllipse(at(line.points.first()), 2, 2);
            p.setBrush(Qt::NoBrush);
        } else if (!line.points.isEmpty()) {
            QPainterPath path(at(line.points.first()));
            for (qsizetype i = 1; i < line.points.size(); ++i)
                path.lineTo(at(line.points.at(i)));
            p.drawPath(path);
        }
        // The legend: the line's pattern, then its name.
        const double y = plot.bottom() + 22;
        p.drawLine(QPointF(legendX, y), QPointF(legendX + 24, y));
        p.setPen(Qt::black);
        p.drawText(QRectF(legendX + 28, y - 6, 150, 12), Qt::AlignLeft, line.label);
        legendX += 40 + p.fontMetrics().horizontalAdvance(line.label);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

QString percent(int part, int whole)
{
    return whole > 0 ? QStringLiteral("%1%").arg(qRound(100.0 * part / whole))
                     : QStringLiteral("—");
}

} // namespace

int paint(const Data &data, QPainter &painter, const QRectF &page,
          const std::function<void()> &newPage, UnitSystem units)
{
    Layout layout(painter, page, newPage);
    const QLocale locale;
    layout.text(tr("Health report"), 18, true, 2);
    layout.text(tr("%1 to %2 · made by Hale on %3")
                    .arg(locale.toString(data.options.from, QLocale::LongFormat),
                         locale.toString(data.options.to, QLocale::LongFormat),
                         locale.toString(data.generatedAt.toLocalTime(), QLocale::ShortFormat)),
                9, false, 14);

    const QString kg = QStringLiteral("kg");
    layout.heading(tr("Weight"));
    if (data.weight.isEmpty()) {
        layout.text(tr("No weight was logged in this range."));
    } else {
        chart(layout, {{tr("Weight, daily average"), data.weight, Qt::SolidLine}},
              data.options.from, data.options.to, units::displayUnit(kg, units), units, kg);
        const Summary &w = data.weightSummary;
        layout.text(
            tr("Average %1 · lowest %2 · highest %3 · change %4 · %5 days with a weight.")
                .arg(units::format(w.average, kg, units), units::format(w.min, kg, units),
                     units::format(w.max, kg, units),
                     units::format(data.weight.last().value - data.weight.first().value, kg, units))
                .arg(w.count));
    }
    layout.gap(8);

    layout.heading(tr("Blood pressure"));
    if (data.systolic.isEmpty()) {
        layout.text(tr("No blood pressure was logged in this range."));
    } else {
        const QString mmHg = QStringLiteral("mmHg");
        chart(layout,
              {{tr("Systolic"), data.systolic, Qt::SolidLine},
               {tr("Diastolic"), data.diastolic, Qt::DashLine}},
              data.options.from, data.options.to, mmHg, units, mmHg);
        layout.text(tr("Average %1/%2 mmHg · systolic %3 to %4 · diastolic %5 to %6 · %7 days.")
                        .arg(qRound(data.systolicSummary.average))
                        .arg(qRound(data.diastolicSummary.average))
                        .arg(qRound(data.systolicSummary.min))
                        .arg(qRound(data.systolicSummary.max))
                        .arg(qRound(data.diastolicSummary.min))
                        .arg(qRound(data.diastolicSummary.max))
                        .arg(data.systolicSummary.count));
    }
    layout.gap(8);

    if (!data.glucose.isEmpty()) {
        layout.heading(tr("Blood glucose"));
        const FieldSpec *context = SchemaRegistry::instance()
                                       .kind(QStringLiteral("metric"))
                                       ->field(QStringLiteral("glucose_context"));
        const QString mmol = QStringLiteral("mmol/L");
        for (const GlucoseByContext &g : data.glucose) {
            layout.text(tr("%1: average %2, from %3 to %4, %5 readings.")
                            .arg(g.context.isEmpty() ? tr("Time not given")
                                                     : context->choiceLabel(g.context),
                                 units::format(g.summary.average, mmol, units),
                                 units::format(g.summary.min, mmol, units),
                                 units::format(g.summary.max, mmol, units))
                            .arg(g.summary.count));
        }
        layout.gap(8);
    }

    if (!data.ownMeasures.isEmpty()) {
        layout.heading(tr("Other measures"));
        for (const OwnMeasure &m : data.ownMeasures)
            layout.text(QCoreApplication::translate("Report",
                                                    "%1: average %2, from %3 to %4, %n days.",
                                                    nullptr, m.summary.count)
                            .arg(m.name, own_measures::format(m.summary.average, m.unit, 1),
                                 own_measures::format(m.summary.min, m.unit),
                                 own_measures::format(m.summary.max, m.unit)));
        layout.gap(8);
    }

    layout.heading(tr("Medications"));
    if (data.medications.isEmpty())
        layout.text(tr("No doses were due in this range."));
    for (const MedicationAdherence &m : data.medications) {
        const int notLogged = m.expected - m.taken - m.skipped;
        layout.text(tr("%1, %2: %3 taken (%4 of %5 doses), %6 skipped, %7 not logged.")
                        .arg(m.name, m.amount, percent(m.taken, m.expected))
                        .arg(m.taken)
                        .arg(m.expected)
                        .arg(m.skipped)
                        .arg(notLogged),
                    10, true, 2);
        QStringList missed;
        for (const medication::ScheduledDose &d : m.missed)
            missed << QStringLiteral("%1 %2 (%3)")
                          .arg(locale.toString(d.scheduledAt.toLocalTime().date(),
                                               QLocale::ShortFormat),
                               d.scheduledAt.toLocalTime().time().toString(QStringLiteral("HH:mm")),
                               d.status == QLatin1String("skipped") ? tr("skipped")
                                                                    : tr("not logged"));
        layout.text(missed.isEmpty() ? tr("No missed doses.")
                                     : tr("Missed: %1.").arg(missed.join(QStringLiteral("; "))),
                    9, false, 8);
    }

    if (data.options.includeJournal) {
        layout.gap(8);
        layout.heading(tr("Journal"));
        if (data.journal.isEmpty())
            layout.text(tr("No journal entries in this range."));
        for (const JournalNote &note : data.journal)
            layout.text(tr("%1 · mood %2 of 5 · %3")
                            .arg(locale.toString(note.day, QLocale::ShortFormat))
                            .arg(note.mood)
                            .arg(note.text),
                        9, false, 4);
    }
    layout.finish();
    return layout.pages();
}

int paint(const Data &data, QPagedPaintDevice &device, UnitSystem units)
{
    QPainter painter;
    if (!painter.begin(&device))
        return 0;
    // Points: the same layout on a 1200 dpi PDF and a 300 dpi printer.
    const double scale = device.logicalDpiX() / 72.0;
    painter.scale(scale, scale);
    const QRectF page = device.pageLayout().paintRect(QPageLayout::Point);
    const QRectF area(0, 0, page.width(), page.height());
    const int pages = paint(
        data, painter, area, [&device] { device.newPage(); }, units);
    painter.end();
    return pages;
}

bool writePdf(const Data &data, const QString &path, UnitSystem units, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !owner_only::restrictOpenFile(file)) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    {
        QPdfWriter pdf(&file);
        pdf.setTitle(tr("Health report"));
        pdf.setCreator(QStringLiteral("Hale"));
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                      QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
        if (paint(data, pdf, units) == 0) {
            *error = tr("The report could not be drawn.");
            file.cancelWriting();
            return false;
        }
    }
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace hale::report
