#pragma once

#include "models/local_store.h"

#include <QDate>
#include <QList>

namespace hale::trends {

struct DailyPoint
{
    QDate day; // the person's local calendar day
    double value = 0;
    friend bool operator==(const DailyPoint &, const DailyPoint &) = default;
};

enum class Aggregate { Average, Sum };

// A value worked out from stored ones rather than stored itself, usable as a
// field by daily(): "sleep_hours" of a metric, from bedtime to wake_time.
// Null for any other name.
const FieldSpec *derivedField(const QString &kind, const QString &name);
// The hours between a metric's bedtime and wake_time, or -1 without both.
double sleepHours(const Record &metric);

// Only the records whose `field` holds `value` (one measure's values);
// an empty field means all.
struct Only
{
    QString field;
    QString value;
};

// One value per local day for a numeric field, computed in SQL. Null ends of
// the range are unbounded.
QList<DailyPoint> daily(const LocalStore &store, const QString &kind, const QString &field,
                        Aggregate aggregate, const QDateTime &from = {}, const QDateTime &to = {},
                        const Only &only = {});

// A numeric field summed per local week (Monday first) and per value of a
// text field: exercise minutes per week by activity.
struct WeeklyBreakdown
{
    QList<QDate> weeks;        // each week's Monday, consecutive, oldest first
    QStringList categories;    // largest total first; an empty name is "the rest"
    QList<QList<double>> sums; // sums[category][week]
};

// Categories compare without case or surrounding spaces ("Running" and
// "running " are one); past the `maxCategories - 1` largest, the rest are
// summed as one unnamed category. At most the last `maxWeeks` weeks with data.
WeeklyBreakdown weeklyByCategory(const LocalStore &store, const QString &kind,
                                 const QString &valueField, const QString &categoryField,
                                 const QDateTime &from, const QDateTime &to, int maxCategories,
                                 int maxWeeks);

// The mean of the points within the trailing `days` calendar days of each
// point (days without data are not counted as zeros).
QList<DailyPoint> movingAverage(const QList<DailyPoint> &points, int days);

// At most `maxPoints` points: consecutive points are averaged in equal
// groups, each placed at its group's middle day. Years of daily values stay
// readable and fast to draw; short series come back unchanged.
QList<DailyPoint> downsample(const QList<DailyPoint> &points, int maxPoints);

} // namespace hale::trends
