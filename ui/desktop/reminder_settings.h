#pragma once

#include "models/reminder_schedule.h"

namespace hale {

// The reminders a person chose on this device (QSettings).
struct ReminderSettings
{
    bool doses = true; // a notification when a dose falls due
    QList<reminders::LoggingReminder> logging;

    // The kinds a logging reminder can ask for, in Settings' order.
    static QStringList loggingKinds();
    static ReminderSettings load();
    void save() const;
    QTime loggingTime(const QString &kind) const; // invalid: no reminder
};

} // namespace hale
