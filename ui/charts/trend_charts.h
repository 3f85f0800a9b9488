#pragma once

#include "models/trends.h"
#include "models/units.h"

#include <QTabWidget>
#include <optional>
#include <utility>

class QChart;
class QChartView;
class QTimer;

namespace hale {

// What one chart plots: numeric fields of one kind, one point per day.
struct TrendSeries
{
    QString field;
    const char *label = ""; // untranslated, context "TrendCharts"
    trends::Aggregate aggregate = trends::Aggregate::Average;
    bool withMovingAverage = false; // adds a 7-day moving average line
    bool rightAxis = false;
};

struct TrendChartSpec
{
    const char *title = ""; // untranslated, context "TrendCharts"
    QString kind;
    QList<TrendSeries> series;
    // Set: stacked bars of the first series' field summed per week, one
    // colour per value of this text field (minutes per week by activity).
    QString categoryField = {};
    // A chart of a measure the person defined: its name and unit as they
    // are (data, not translated), and the records it plots.
    QString ownTitle = {};
    QString ownUnit = {};
    trends::Only only = {};

    QString displayTitle() const;
};

// Tabs of Qt Charts line charts over the store that follow the page's date
// range and redraw (debounced, and only while visible) when records change.
class TrendCharts : public QTabWidget
{
    Q_OBJECT

public:
    TrendCharts(const LocalStore *store, QList<TrendChartSpec> specs, QWidget *parent = nullptr);

    static QList<TrendChartSpec> metricCharts();
    static QList<TrendChartSpec> mealCharts();
    static QList<TrendChartSpec> exerciseCharts();
    static QList<TrendChartSpec> journalCharts();

    // Replaces the charts (the measures a person defined changed).
    void setSpecs(QList<TrendChartSpec> specs);
    void setRange(const QDateTime &from, const QDateTime &to);
    void setUnitSystem(UnitSystem system);
    // Points plotted in tab `tab`, series `series`; -1 if not drawn yet.
    int pointCount(int tab, int series) const;
    // The chart of tab `tab` as drawn (for tests).
    QChart *chart(int tab) const;

public slots:
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // The charts' colours for the current palette, light or dark.
    void applyTheme();
    void scheduleRefresh();
    void plot(int tab);
    void plotWeeklyBreakdown(QChart *chart, const TrendChartSpec &spec);
    // The person's goal for a series (in stored units) and its legend.
    std::optional<std::pair<double, QString>> goalFor(const QString &kind,
                                                      const QString &field) const;

    const LocalStore *m_store;
    QList<TrendChartSpec> m_specs;
    QList<QChartView *> m_views;
    QTimer *m_refreshTimer;
    QDateTime m_from;
    QDateTime m_to;
    UnitSystem m_units = UnitSystem::Metric;
    bool m_stale = true;
    QList<bool> m_plotted;
};

} // namespace hale
