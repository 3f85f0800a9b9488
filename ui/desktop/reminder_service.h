#pragma once

#include "models/reminder_schedule.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>

class QUndoStack;

namespace hale {

class Notifier;

// Shows a notification when a dose falls due (with Taken, Skip and Remind me
// in 15 min) and at the person's logging reminders. A dose logged anywhere,
// here or on another device once synced, closes its notification. After the
// computer slept, what fell due meanwhile is shown once, together.
class ReminderService : public QObject
{
    Q_OBJECT

public:
    inline static const QString kTaken = QStringLiteral("taken");
    inline static const QString kSkipped = QStringLiteral("skipped");
    inline static const QString kSnooze = QStringLiteral("snooze");
    inline static const QString kLogNow = QStringLiteral("log");
    static constexpr int kSnoozeMinutes = 15;

    ReminderService(LocalStore *store, QUndoStack *undo, Notifier *notifier,
                    QObject *parent = nullptr);

    void setDoseReminders(bool on);
    bool doseReminders() const { return m_doses; }
    void setLoggingReminders(const QList<reminders::LoggingReminder> &asked);
    // Test seam: the wall clock (UTC).
    void setClock(std::function<QDateTime()> clock);
    // Begins reminding. Doses that fell due in the last hour and are still
    // open are shown at once, as after sleep.
    void start();
    // Looks for what fell due since the last look; runs on its own timer.
    void check();
    // Notifications on screen, waiting for an answer.
    int openNotifications() const { return static_cast<int>(m_shown.size()); }

signals:
    // The person asked to see Hale (a click on a notification); `kind` is
    // the kind to log for a logging reminder's "Log now", else empty.
    void openRequested(const QString &kind);

private:
    void notifyOne(const reminders::Reminder &reminder, bool missed);
    void notifyMissed(const QList<reminders::Reminder> &missed);
    void onAction(quint32 handle, const QString &action);
    void forget(quint32 handle);
    void closeAnswered();
    void arm();

    LocalStore *m_store;
    QUndoStack *m_undo;
    Notifier *m_notifier;
    std::function<QDateTime()> m_clock;
    bool m_doses = true;
    QList<reminders::LoggingReminder> m_logging;
    QDateTime m_lastCheck;
    QList<QPair<QDateTime, reminders::Reminder>> m_snoozed;
    // What each notification on screen is about (several: the after-sleep
    // summary), by its handle.
    QHash<quint32, QList<reminders::Reminder>> m_shown;
    QTimer m_timer;
};

} // namespace hale
