#include "ui/charts/trend_charts.h"

#include "models/goals.h"
#include "ui/theme.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QTimer>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

namespace hale {

namespace {
QString trText(const char *text)
{
    return QCoreApplication::translate("TrendCharts", text);
}

// More points than a chart is wide in pixels only cost drawing time.
constexpr int kMaxPoints = 600;
constexpr int kMaxDots = 200;

qreal msecs(const QDate &day)
{
    return qreal(day.startOfDay().toMSecsSinceEpoch());
}
} // namespace

QList<TrendChartSpec> TrendCharts::metricCharts()
{
    using A = trends::Aggregate;
    return {
        {QT_TRANSLATE_NOOP("TrendCharts", "Weight"),
         QStringLiteral("metric"),
         {{QStringLiteral("weight"), QT_TRANSLATE_NOOP("TrendCharts", "Weight"), A::Average, true,
           false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Sleep and energy"),
         QStringLiteral("metric"),
         {{QStringLiteral("sleep_quality"), QT_TRANSLATE_NOOP("TrendCharts", "Sleep quality"),
           A::Average, false, false},
          {QStringLiteral("energy_level"), QT_TRANSLATE_NOOP("TrendCharts", "Energy level"),
           A::Average, false, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Resting heart rate"),
         QStringLiteral("metric"),
         {{QStringLiteral("resting_heart_rate"),
           QT_TRANSLATE_NOOP("TrendCharts", "Resting heart rate"), A::Average, false, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Blood pressure"),
         QStringLiteral("metric"),
         {{QStringLiteral("systolic"), QT_TRANSLATE_NOOP("TrendCharts", "Systolic"), A::Average,
           false, false},
          {QStringLiteral("diastolic"), QT_TRANSLATE_NOOP("TrendCharts", "Diastolic"), A::Average,
           false, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Glucose"),
         QStringLiteral("metric"),
         {{QStringLiteral("glucose"), QT_TRANSLATE_NOOP("TrendCharts", "Blood glucose"), A::Average,
           true, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Body fat"),
         QStringLiteral("metric"),
         {{QStringLiteral("body_fat"), QT_TRANSLATE_NOOP("TrendCharts", "Body fat"), A::Average,
           true, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Steps"),
         QStringLiteral("metric"),
         {{QStringLiteral("steps"), QT_TRANSLATE_NOOP("TrendCharts", "Steps"), A::Sum, true,
           false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Water"),
         QStringLiteral("metric"),
         {{QStringLiteral("water"), QT_TRANSLATE_NOOP("TrendCharts", "Water"), A::Sum, false,
           false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Sleep"),
         QStringLiteral("metric"),
         {{QStringLiteral("sleep_hours"), QT_TRANSLATE_NOOP("TrendCharts", "Hours asleep"),
           A::Average, true, false}}},
    };
}

QList<TrendChartSpec> TrendCharts::mealCharts()
{
    using A = trends::Aggregate;
    return {
        {QT_TRANSLATE_NOOP("TrendCharts", "Calories and macros"),
         QStringLiteral("meal"),
         {{QStringLiteral("calories"), QT_TRANSLATE_NOOP("TrendCharts", "Calories (kcal)"), A::Sum,
           false, false},
          {QStringLiteral("protein"), QT_TRANSLATE_NOOP("TrendCharts", "Protein (g)"), A::Sum,
           false, true},
          {QStringLiteral("carbs"), QT_TRANSLATE_NOOP("TrendCharts", "Carbohydrates (g)"), A::Sum,
           false, true},
          {QStringLiteral("fat"), QT_TRANSLATE_NOOP("TrendCharts", "Fat (g)"), A::Sum, false,
           true}}},
    };
}

QList<TrendChartSpec> TrendCharts::exerciseCharts()
{
    // Minutes a day, and their 7-day average: a week's minutes / 7.
    return {
        {QT_TRANSLATE_NOOP("TrendCharts", "Minutes"),
         QStringLiteral("exercise"),
         {{QStringLiteral("duration"), QT_TRANSLATE_NOOP("TrendCharts", "Minutes of exercise"),
           trends::Aggregate::Sum, true, false}}},
        {QT_TRANSLATE_NOOP("TrendCharts", "Minutes per week by activity"),
         QStringLiteral("exercise"),
         {{QStringLiteral("duration"), QT_TRANSLATE_NOOP("TrendCharts", "Minutes"),
           trends::Aggregate::Sum, false, false}},
         QStringLiteral("activity")},
    };
}

QList<TrendChartSpec> TrendCharts::journalCharts()
{
    return {
        {QT_TRANSLATE_NOOP("TrendCharts", "Mood"),
         QStringLiteral("journal"),
         {{QStringLiteral("mood"), QT_TRANSLATE_NOOP("TrendCharts", "Mood (1-5)"),
           trends::Aggregate::Average, true, false}}},
    };
}

QString TrendChartSpec::displayTitle() const
{
    return ownTitle.isEmpty() ? trText(title) : ownTitle;
}

TrendCharts::TrendCharts(const LocalStore *store, QList<TrendChartSpec> specs, QWidget *parent)
    : QTabWidget(parent), m_store(store), m_refreshTimer(new QTimer(this))
{
    setAccessibleName(tr("Charts"));
    setSpecs(std::move(specs));
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(300);
    connect(m_refreshTimer, &QTimer::timeout, this, &TrendCharts::refresh);
    connect(this, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab >= 0 && tab < m_plotted.size() && !m_plotted.at(tab))
            plot(tab);
    });
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        for (const TrendChartSpec &spec : m_specs) {
            if (spec.kind == kind || kind == goals::kKind) {
                scheduleRefresh();
                return;
            }
        }
    });
}

void TrendCharts::setSpecs(QList<TrendChartSpec> specs)
{
    const int shown = currentIndex();
    // Emptied first: removing and adding tabs changes the current one, which
    // must not plot meanwhile.
    m_views.clear();
    m_plotted.clear();
    m_specs = std::move(specs);
    while (count() > 0) {
        QWidget *view = widget(0);
        removeTab(0);
        delete view;
    }
    for (const TrendChartSpec &spec : std::as_const(m_specs)) {
        auto *view = new QChartView(new QChart, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setAccessibleName(spec.displayTitle() + tr(" chart"));
        view->setMinimumHeight(220);
        view->chart()->legend()->setAlignment(Qt::AlignBottom);
        m_views.append(view);
        addTab(view, spec.displayTitle());
    }
    m_plotted.fill(false, m_views.size());
    if (shown >= 0 && shown < count())
        setCurrentIndex(shown);
    applyTheme();
    scheduleRefresh();
}

void TrendCharts::setRange(const QDateTime &from, const QDateTime &to)
{
    m_from = from;
    m_to = to;
    scheduleRefresh();
}

void TrendCharts::setUnitSystem(UnitSystem system)
{
    m_units = system;
    scheduleRefresh();
}

void TrendCharts::scheduleRefresh()
{
    m_stale = true;
    if (isVisible())
        m_refreshTimer->start();
}

void TrendCharts::showEvent(QShowEvent *event)
{
    QTabWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void TrendCharts::applyTheme()
{
    const QChart::ChartTheme chosen =
        theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    for (QChartView *view : std::as_const(m_views)) {
        if (view->chart()->theme() != chosen)
            view->chart()->setTheme(chosen);
    }
}

void TrendCharts::changeEvent(QEvent *event)
{
    QTabWidget::changeEvent(event);
    // The desktop switched between light and dark: new colours, and axes
    // drawn again in them.
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        scheduleRefresh();
    }
}

void TrendCharts::refresh()
{
    // Only the tab on screen is drawn; the others when they are shown.
    m_stale = false;
    m_plotted.fill(false, m_views.size());
    if (currentIndex() >= 0)
        plot(currentIndex());
}

void TrendCharts::plot(int tab)
{
    m_plotted[tab] = true;
    const TrendChartSpec &spec = m_specs.at(tab);
    const KindSpec *kind = SchemaRegistry::instance().kind(spec.kind);
    QChart *chart = m_views.at(tab)->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis); // gives up ownership without deleting
        delete axis;
    }
    if (!spec.categoryField.isEmpty()) {
        plotWeeklyBreakdown(chart, spec);
        return;
    }

    auto *xAxis = new QDateTimeAxis;
    xAxis->setFormat(QStringLiteral("d MMM yy"));
    auto *leftAxis = new QValueAxis;
    QValueAxis *rightAxis = nullptr;
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(leftAxis, Qt::AlignLeft);

    double minX = std::numeric_limits<double>::max();
    double maxX = std::numeric_limits<double>::lowest();
    QHash<QValueAxis *, QPair<double, double>> ranges;
    auto attach = [&](QXYSeries *series, QValueAxis *axis, const QList<trends::DailyPoint> &pts,
                      const FieldSpec &field) {
        QList<QPointF> points;
        points.reserve(pts.size());
        if (!ranges.contains(axis))
            ranges.insert(
                axis, {std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()});
        auto &[lo, hi] = ranges[axis];
        for (const trends::DailyPoint &p : pts) {
            const double y = units::toDisplay(p.value, field.unit, m_units);
            points.append({msecs(p.day), y});
            lo = std::min(lo, y);
            hi = std::max(hi, y);
            minX = std::min(minX, msecs(p.day));
            maxX = std::max(maxX, msecs(p.day));
        }
        series->replace(points);
        // A line through a day or two would be a dot or nothing at all.
        if (!qobject_cast<QScatterSeries *>(series))
            series->setPointsVisible(points.size() <= kMaxDots);
        chart->addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(axis);
    };

    for (const TrendSeries &s : spec.series) {
        const FieldSpec *field = kind->field(s.field);
        if (!field)
            field = trends::derivedField(spec.kind, s.field);
        const auto points =
            trends::daily(*m_store, spec.kind, s.field, s.aggregate, m_from, m_to, spec.only);
        QValueAxis *axis = leftAxis;
        if (s.rightAxis) {
            if (!rightAxis) {
                rightAxis = new QValueAxis;
                chart->addAxis(rightAxis, Qt::AlignRight);
            }
            axis = rightAxis;
        }
        const QString unit =
            spec.ownTitle.isEmpty() ? units::displayUnit(field->unit, m_units) : spec.ownUnit;
        const QString name = spec.ownTitle.isEmpty() ? trText(s.label) : spec.ownTitle;
        if (s.withMovingAverage) {
            // Daily values as dots while they are few enough to tell apart.
            QXYSeries *raw = nullptr;
            if (points.size() <= kMaxDots) {
                auto *dots = new QScatterSeries;
                dots->setMarkerSize(5);
                raw = dots;
            } else {
                raw = new QLineSeries;
            }
            raw->setName(unit.isEmpty() ? name : QStringLiteral("%1 (%2)").arg(name, unit));
            attach(raw, axis, trends::downsample(points, kMaxPoints), *field);
            auto *average = new QLineSeries;
            average->setName(tr("7-day average"));
            attach(average, axis, trends::downsample(trends::movingAverage(points, 7), kMaxPoints),
                   *field);
        } else {
            auto *line = new QLineSeries;
            line->setName(name);
            attach(line, axis, trends::downsample(points, kMaxPoints), *field);
        }
        // The person's target for this value, as a dashed line across the
        // days shown (and inside the axis's range, so it is seen).
        if (const auto goal = goalFor(spec.kind, s.field); goal && minX <= maxX) {
            auto *line = new QLineSeries;
            line->setName(goal->second);
            QPen dashed = line->pen();
            dashed.setStyle(Qt::DashLine);
            dashed.setWidthF(1.5);
            line->setPen(dashed);
            const double y = units::toDisplay(goal->first, field->unit, m_units);
            line->append(minX, y);
            line->append(maxX, y);
            chart->addSeries(line);
            line->attachAxis(xAxis);
            line->attachAxis(axis);
            auto &[lo, hi] = ranges[axis];
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
    }
    for (auto it = ranges.cbegin(); it != ranges.cend(); ++it) {
        // An axis with nothing on it (no protein logged, say) is not shown.
        it.key()->setVisible(it->first <= it->second);
        if (it->first <= it->second) {
            const double pad = std::max(1.0, (it->second - it->first) * 0.08);
            QValueAxis *axis = it.key();
            // Down to zero at most, unless a value lies below it.
            const double low = it->first - pad;
            axis->setRange(it->first >= 0 ? std::max(0.0, low) : low, it->second + pad);
            axis->applyNiceNumbers(); // round tick values
            // As many decimals as the step between ticks needs, so that no
            // two labels read the same ("420, 420" for 419.5 and 420).
            const double step = (axis->max() - axis->min()) / std::max(1, axis->tickCount() - 1);
            const int decimals =
                step >= 1 ? 0 : std::min(3, int(std::ceil(-std::log10(step) - 1e-9)));
            axis->setLabelFormat(QStringLiteral("%.") + QString::number(decimals) +
                                 QLatin1Char('f'));
        }
    }
    const bool empty = minX > maxX;
    if (!empty) {
        // One day per tick at most, so that no date shows twice.
        const qint64 days = qint64(std::llround((maxX - minX) / 86'400'000)) + 1;
        xAxis->setTickCount(int(std::clamp<qint64>(days + 1, 2, 7)));
        xAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(minX)),
                        QDateTime::fromMSecsSinceEpoch(qint64(minX) + days * 86'400'000));
    }
    // Nothing to plot: no dates either (an empty date axis reads "1 Jan 70").
    xAxis->setVisible(!empty);
    chart->setTitle(empty ? tr("Nothing logged in this range yet") : QString());
}

void TrendCharts::plotWeeklyBreakdown(QChart *chart, const TrendChartSpec &spec)
{
    // Six colours stay apart; a bar per week stays readable for half a year.
    constexpr int kMaxCategories = 6;
    constexpr int kMaxWeeks = 26;
    const TrendSeries &measure = spec.series.first();
    const trends::WeeklyBreakdown weekly =
        trends::weeklyByCategory(*m_store, spec.kind, measure.field, spec.categoryField, m_from,
                                 m_to, kMaxCategories, kMaxWeeks);
    if (weekly.weeks.isEmpty()) {
        chart->setTitle(tr("Nothing logged in this range yet"));
        return;
    }
    auto *bars = new QStackedBarSeries;
    for (qsizetype c = 0; c < weekly.categories.size(); ++c) {
        auto *set =
            new QBarSet(weekly.categories.at(c).isEmpty() ? tr("Other") : weekly.categories.at(c));
        for (const double minutes : weekly.sums.at(c))
            set->append(minutes);
        bars->append(set);
    }
    chart->addSeries(bars);
    auto *weeks = new QBarCategoryAxis;
    const QLocale locale;
    for (const QDate &monday : weekly.weeks)
        weeks->append(locale.toString(monday, QStringLiteral("d MMM")));
    weeks->setTitleText(tr("Week starting"));
    auto *minutes = new QValueAxis;
    minutes->setTitleText(trText(measure.label));
    minutes->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(weeks, Qt::AlignBottom);
    chart->addAxis(minutes, Qt::AlignLeft);
    bars->attachAxis(weeks);
    bars->attachAxis(minutes);
    minutes->setMin(0);
    minutes->applyNiceNumbers();
    chart->setTitle(weekly.weeks.size() == kMaxWeeks ? tr("The last %1 weeks").arg(kMaxWeeks)
                                                     : QString());
}

std::optional<std::pair<double, QString>> TrendCharts::goalFor(const QString &kind,
                                                               const QString &field) const
{
    const std::optional<Record> set = goals::current(*m_store);
    if (!set)
        return std::nullopt;
    auto target = [&](const char *name) {
        return set->value(QLatin1String(name));
    };
    if (kind == QLatin1String("metric") && field == QLatin1String("weight") &&
        !target("weight_target").isNull())
        return std::pair{target("weight_target").toDouble(), tr("Target weight")};
    if (kind == QLatin1String("metric") && field == QLatin1String("steps") &&
        !target("steps").isNull())
        return std::pair{target("steps").toDouble(), tr("Goal")};
    if (kind == QLatin1String("meal") && field == QLatin1String("calories") &&
        !target("calories").isNull())
        return std::pair{target("calories").toDouble(), tr("Goal")};
    // Daily minutes against a weekly goal: its seventh, beside the 7-day average.
    if (kind == QLatin1String("exercise") && field == QLatin1String("duration") &&
        !target("exercise_minutes").isNull())
        return std::pair{target("exercise_minutes").toDouble() / 7,
                         tr("Goal (%1 min a week)")
                             .arg(QLocale().toString(target("exercise_minutes").toDouble()))};
    return std::nullopt;
}

int TrendCharts::pointCount(int tab, int series) const
{
    const auto all = m_views.at(tab)->chart()->series();
    if (series < 0 || series >= all.size())
        return -1;
    return int(static_cast<QXYSeries *>(all.at(series))->count());
}

QChart *TrendCharts::chart(int tab) const
{
    return m_views.at(tab)->chart();
}

} // namespace hale
