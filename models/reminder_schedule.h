#pragma once

#include "models/medication_schedule.h"

#include <QTime>

namespace hale::reminders {

// "Log a meal at 12:30": asks for an entry of `kind` at `time` (local) on
// days with none logged yet by then.
struct LoggingReminder
{
    QString kind;
    QTime time;
};

// One thing to remind the person of.
struct Reminder
{
    enum class Type { Dose, Logging };
    Type type = Type::Dose;
    // Stable across checks, so a reminder fires once and can be snoozed:
    // "dose:<medication>@<time>" or "log:<kind>@<time>".
    QString key;
    QDateTime dueAt;                // UTC
    medication::ScheduledDose dose; // for Type::Dose
    QString kind;                   // for Type::Logging
};

// Every reminder falling due in (after, until] that still asks something:
// doses not logged yet (on this device or, once synced, on another), and
// logging reminders for kinds with no entry that day. In time order.
QList<Reminder> dueBetween(const LocalStore &store, const QDateTime &after, const QDateTime &until,
                           const QList<LoggingReminder> &logging);

// The first time after `after` at which something may fall due, looking two
// days ahead; invalid when nothing is scheduled.
QDateTime nextDueAfter(const LocalStore &store, const QDateTime &after,
                       const QList<LoggingReminder> &logging);

// Whether a reminder's question is still open (the dose not logged, nothing
// of the kind logged that day).
bool stillOpen(const LocalStore &store, const Reminder &reminder);

} // namespace hale::reminders
