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

// One value per local day for a numeric field, computed in SQL. Null ends of
// the range are unbounded.
QList<DailyPoint> daily(const LocalStore &store, const QString &kind, const QString &field,
                        Aggregate aggregate, const QDateTime &from = {}, const QDateTime &to = {});

// The mean of the points within the trailing `days` calendar days of each
// point (days without data are not counted as zeros).
QList<DailyPoint> movingAverage(const QList<DailyPoint> &points, int days);

// At most `maxPoints` points: consecutive points are averaged in equal
// groups, each placed at its group's middle day. Years of daily values stay
// readable and fast to draw; short series come back unchanged.
QList<DailyPoint> downsample(const QList<DailyPoint> &points, int maxPoints);

} // namespace hale::trends
