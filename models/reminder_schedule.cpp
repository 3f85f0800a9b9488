#include "models/reminder_schedule.h"

#include <algorithm>

namespace hale::reminders {

namespace {

bool loggedOn(const LocalStore &store, const QString &kind, const QDate &day)
{
    RecordFilter that;
    that.from = day.startOfDay();
    that.to = day.addDays(1).startOfDay();
    that.limit = 1;
    return store.count(kind, that) > 0;
}

Reminder doseReminder(const medication::ScheduledDose &dose)
{
    Reminder r;
    r.type = Reminder::Type::Dose;
    r.key =
        QStringLiteral("dose:%1@%2").arg(dose.medicationId, dose.scheduledAt.toString(Qt::ISODate));
    r.dueAt = dose.scheduledAt;
    r.dose = dose;
    return r;
}

Reminder loggingReminder(const LoggingReminder &asked, const QDate &day)
{
    Reminder r;
    r.type = Reminder::Type::Logging;
    r.dueAt = QDateTime(day, asked.time).toUTC();
    r.key = QStringLiteral("log:%1@%2").arg(asked.kind, r.dueAt.toString(Qt::ISODate));
    r.kind = asked.kind;
    return r;
}

// Every reminder scheduled on the local days from `first` to `last`, whether
// answered or not.
QList<Reminder> scheduled(const LocalStore &store, const QDate &first, const QDate &last,
                          const QList<LoggingReminder> &logging)
{
    QList<Reminder> out;
    for (QDate day = first; day <= last; day = day.addDays(1)) {
        for (const medication::ScheduledDose &dose : medication::dosesOn(store, day))
            out.append(doseReminder(dose));
        for (const LoggingReminder &asked : logging) {
            if (asked.time.isValid() && SchemaRegistry::instance().kind(asked.kind))
                out.append(loggingReminder(asked, day));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const Reminder &a, const Reminder &b) { return a.dueAt < b.dueAt; });
    return out;
}

} // namespace

bool stillOpen(const LocalStore &store, const Reminder &reminder)
{
    if (reminder.type == Reminder::Type::Logging)
        return !loggedOn(store, reminder.kind, reminder.dueAt.toLocalTime().date());
    for (const medication::ScheduledDose &dose :
         medication::dosesOn(store, reminder.dueAt.toLocalTime().date())) {
        if (dose.medicationId == reminder.dose.medicationId &&
            dose.scheduledAt == reminder.dose.scheduledAt)
            return dose.status.isEmpty();
    }
    return false; // the medication was deleted, ended or rescheduled
}

QList<Reminder> dueBetween(const LocalStore &store, const QDateTime &after, const QDateTime &until,
                           const QList<LoggingReminder> &logging)
{
    QList<Reminder> out;
    if (!after.isValid() || !until.isValid() || until <= after)
        return out;
    const QList<Reminder> all =
        scheduled(store, after.toLocalTime().date(), until.toLocalTime().date(), logging);
    for (const Reminder &r : all) {
        if (r.dueAt <= after || r.dueAt > until)
            continue;
        const bool open = r.type == Reminder::Type::Dose
                              ? r.dose.status.isEmpty()
                              : !loggedOn(store, r.kind, r.dueAt.toLocalTime().date());
        if (open)
            out.append(r);
    }
    return out;
}

QDateTime nextDueAfter(const LocalStore &store, const QDateTime &after,
                       const QList<LoggingReminder> &logging)
{
    const QDate today = after.toLocalTime().date();
    for (const Reminder &r : scheduled(store, today, today.addDays(2), logging)) {
        if (r.dueAt > after)
            return r.dueAt;
    }
    return {};
}

} // namespace hale::reminders
