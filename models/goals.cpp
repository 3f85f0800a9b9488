#include "models/goals.h"

#include "models/shared_record.h"
#include "models/trends.h"

#include <cmath>

namespace hale::goals {

std::optional<Record> current(const LocalStore &store)
{
    std::optional<Record> goals = store.record(kKind, kRecordId);
    if (goals && goals->deleted)
        return std::nullopt;
    return goals;
}

WriteResult save(LocalStore &store, QVariantMap targets, const QDate &today, QVariantMap *before)
{
    if (targets.value(QStringLiteral("set_on")).isNull())
        targets.insert(QStringLiteral("set_on"), today);
    const std::optional<Record> existing = store.record(kKind, kRecordId);
    if (before) {
        before->clear();
        if (existing && !existing->deleted) {
            for (auto it = targets.cbegin(); it != targets.cend(); ++it)
                before->insert(it.key(), existing->value(it.key()));
        }
    }
    return writeSharedRecord(store, kKind, kRecordId, targets);
}

WeightProgress weightProgress(const LocalStore &store, const Record &goals, const QDate &today)
{
    WeightProgress out;
    const QVariant target = goals.value(QStringLiteral("weight_target"));
    const QList<trends::DailyPoint> days = trends::daily(
        store, QStringLiteral("metric"), QStringLiteral("weight"), trends::Aggregate::Average,
        today.addDays(-27).startOfDay(), today.addDays(1).startOfDay());
    if (target.isNull() || days.isEmpty())
        return out;
    out.target = target.toDouble();
    out.latest = days.last().value;
    out.by = goals.value(QStringLiteral("weight_by")).toDate();
    const double toGo = out.target - out.latest;
    if (std::abs(toGo) <= 0.2) {
        out.state = WeightProgress::State::Reached;
        return out;
    }
    out.state = WeightProgress::State::NotMoving;
    if (days.size() < 7 || days.first().day.daysTo(days.last().day) < 7)
        return out;
    // Least squares: kilograms a day.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const trends::DailyPoint &p : days) {
        const auto x = double(days.first().day.daysTo(p.day));
        sx += x;
        sy += p.value;
        sxx += x * x;
        sxy += x * p.value;
    }
    const auto n = double(days.size());
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    out.perWeek = slope * 7;
    // Flat (under 50 g a week) or the wrong way: no date to promise.
    if (std::abs(out.perWeek) < 0.05 || (toGo < 0) != (slope < 0))
        return out;
    // (less a hair, so that 37.0000001 days of floating point are 37)
    out.reachedOn = days.last().day.addDays(qint64(std::ceil(toGo / slope - 1e-6)));
    out.state = out.by.isValid() && out.reachedOn > out.by ? WeightProgress::State::Behind
                                                           : WeightProgress::State::OnTrack;
    return out;
}

} // namespace hale::goals
