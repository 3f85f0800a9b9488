#include "models/medication_schedule.h"

#include <QHash>
#include <QLocale>
#include <QTime>
#include <algorithm>

namespace hale::medication {

namespace {

const QString kMedication = QStringLiteral("medication");
const QString kDose = QStringLiteral("dose");

bool activeOn(const Record &med, const QDate &day)
{
    const QDate start = med.value(QStringLiteral("start_date")).toDate();
    const QDate end = med.value(QStringLiteral("end_date")).toDate();
    return start.isValid() && start <= day && (!end.isValid() || end >= day);
}

QString amountOf(const Record &med)
{
    return QStringLiteral("%1 %2").arg(
        QLocale().toString(med.value(QStringLiteral("dose")).toDouble()),
        med.value(QStringLiteral("unit")).toString());
}

QString key(const QString &medicationId, const QDateTime &scheduledAt)
{
    return medicationId + QLatin1Char('@') + schema::formatDateTime(scheduledAt);
}

// Logged doses by (medication, scheduled time) for doses logged in a window
// around the days asked about (a dose may be logged a little early or late).
QHash<QString, Record> loggedDoses(const LocalStore &store, const QDate &first, const QDate &last)
{
    RecordFilter window;
    window.from = first.addDays(-2).startOfDay();
    window.to = last.addDays(3).startOfDay();
    QHash<QString, Record> out;
    for (const Record &dose : store.records(kDose, window)) {
        const QDateTime at = dose.value(QStringLiteral("scheduled_at")).toDateTime();
        if (at.isValid())
            out.insert(key(dose.value(QStringLiteral("medication_id")).toString(), at), dose);
    }
    return out;
}

QList<ScheduledDose> scheduleFor(const QList<Record> &meds, const QDate &day,
                                 const QHash<QString, Record> &logged)
{
    QList<ScheduledDose> out;
    for (const Record &med : meds) {
        if (!activeOn(med, day))
            continue;
        for (const QString &time : med.value(QStringLiteral("schedule")).toStringList()) {
            ScheduledDose d;
            d.medicationId = med.id;
            d.medicationName = med.value(QStringLiteral("name")).toString();
            d.amount = amountOf(med);
            d.scheduledAt =
                QDateTime(day, QTime::fromString(time, QStringLiteral("HH:mm"))).toUTC();
            const auto it = logged.constFind(key(med.id, d.scheduledAt));
            if (it != logged.cend()) {
                d.status = it->value(QStringLiteral("status")).toString();
                d.doseId = it->id;
            }
            out.append(d);
        }
    }
    std::sort(out.begin(), out.end(), [](const ScheduledDose &a, const ScheduledDose &b) {
        return a.scheduledAt != b.scheduledAt ? a.scheduledAt < b.scheduledAt
                                              : a.medicationName < b.medicationName;
    });
    return out;
}

} // namespace

QList<ScheduledDose> dosesOn(const LocalStore &store, const QDate &day)
{
    return scheduleFor(store.records(kMedication), day, loggedDoses(store, day, day));
}

Adherence adherence(const LocalStore &store, const QDate &today, int days, const QDateTime &now)
{
    Adherence result;
    const QDate first = today.addDays(-(days - 1));
    const QList<Record> meds = store.records(kMedication);
    const QHash<QString, Record> logged = loggedDoses(store, first, today);
    for (QDate day = first; day <= today; day = day.addDays(1)) {
        for (const ScheduledDose &d : scheduleFor(meds, day, logged)) {
            if (d.scheduledAt > now)
                continue;
            ++result.expected;
            if (d.status == QLatin1String("taken"))
                ++result.taken;
            else if (d.status == QLatin1String("skipped"))
                ++result.skipped;
        }
    }
    return result;
}

WriteResult logDose(LocalStore &store, const ScheduledDose &dose, const QString &status,
                    const QDateTime &at)
{
    if (!dose.doseId.isEmpty())
        return store.update(
            kDose, dose.doseId,
            {{QStringLiteral("status"), status}, {QStringLiteral("logged_at"), at}});
    return store.create(kDose, {{QStringLiteral("medication_id"), dose.medicationId},
                                {QStringLiteral("scheduled_at"), dose.scheduledAt},
                                {QStringLiteral("status"), status},
                                {QStringLiteral("logged_at"), at}});
}

} // namespace hale::medication
