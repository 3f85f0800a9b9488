#include "ui/desktop/reminder_service.h"

#include "ui/desktop/notifier.h"
#include "ui/dose_log.h"

namespace hale {

namespace {

using reminders::Reminder;

// The timer looks at least this often, so a longer gap between two looks
// means the computer slept (or the app was stopped).
constexpr int kLookEveryMs = 60'000;
constexpr qint64 kSleptAfterSecs = 180;
constexpr int kListedInSummary = 5;

QString localTime(const QDateTime &at)
{
    return at.toLocalTime().time().toString(QStringLiteral("HH:mm"));
}

QString loggingTitle(const QString &kind)
{
    if (kind == QLatin1String("metric"))
        return ReminderService::tr("Time to weigh yourself");
    if (kind == QLatin1String("meal"))
        return ReminderService::tr("Time to log your meal");
    if (kind == QLatin1String("exercise"))
        return ReminderService::tr("Time to log your exercise");
    if (kind == QLatin1String("journal"))
        return ReminderService::tr("Time to write in your journal");
    return ReminderService::tr("Time to log %1")
        .arg(SchemaRegistry::instance().kind(kind)->displaySingular().toLower());
}

QString summaryLine(const Reminder &r)
{
    return r.type == Reminder::Type::Dose
               ? QStringLiteral("%1  %2, %3")
                     .arg(localTime(r.dueAt), r.dose.medicationName, r.dose.amount)
               : QStringLiteral("%1  %2").arg(localTime(r.dueAt), loggingTitle(r.kind));
}

} // namespace

ReminderService::ReminderService(LocalStore *store, QUndoStack *undo, Notifier *notifier,
                                 QObject *parent)
    : QObject(parent), m_store(store), m_undo(undo), m_notifier(notifier),
      m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReminderService::check);
    connect(m_notifier, &Notifier::actionInvoked, this, &ReminderService::onAction);
    connect(m_notifier, &Notifier::dismissed, this, &ReminderService::forget);
    // Only writes that can answer a reminder: a dose, a medication, or an
    // entry of a kind a logging reminder asks for (not every page of a pull).
    connect(m_store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (m_shown.isEmpty())
            return;
        const bool answers =
            kind == QLatin1String("dose") || kind == QLatin1String("medication") ||
            std::any_of(m_logging.cbegin(), m_logging.cend(),
                        [&kind](const reminders::LoggingReminder &r) { return r.kind == kind; });
        if (answers)
            closeAnswered();
    });
}

void ReminderService::setDoseReminders(bool on)
{
    m_doses = on;
}

void ReminderService::setLoggingReminders(const QList<reminders::LoggingReminder> &asked)
{
    m_logging = asked;
    if (m_lastCheck.isValid())
        arm();
}

void ReminderService::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

void ReminderService::start()
{
    m_lastCheck = m_clock().addSecs(-3600);
    check();
}

void ReminderService::check()
{
    const QDateTime now = m_clock();
    if (!m_lastCheck.isValid())
        m_lastCheck = now;
    const bool slept = m_lastCheck.secsTo(now) > kSleptAfterSecs;
    QList<Reminder> due;
    for (const Reminder &r : reminders::dueBetween(*m_store, m_lastCheck, now, m_logging)) {
        if (r.type == Reminder::Type::Logging || m_doses)
            due << r;
    }
    for (auto it = m_snoozed.begin(); it != m_snoozed.end();) {
        if (it->first <= now) {
            if (reminders::stillOpen(*m_store, it->second))
                due << it->second;
            it = m_snoozed.erase(it);
        } else {
            ++it;
        }
    }
    m_lastCheck = now;
    if (slept && due.size() > 1)
        notifyMissed(due);
    else
        for (const Reminder &r : due)
            notifyOne(r, slept);
    arm();
}

void ReminderService::arm()
{
    const QDateTime now = m_clock();
    QDateTime next = reminders::nextDueAfter(*m_store, now, m_logging);
    for (const auto &[at, reminder] : m_snoozed) {
        if (!next.isValid() || at < next)
            next = at;
    }
    const qint64 wait = next.isValid() ? now.msecsTo(next) + 500 : kLookEveryMs;
    m_timer.start(static_cast<int>(std::clamp<qint64>(wait, 1000, kLookEveryMs)));
}

void ReminderService::notifyOne(const Reminder &r, bool missed)
{
    Notification n;
    if (r.type == Reminder::Type::Dose) {
        n.title = missed ? tr("Missed dose: %1").arg(r.dose.medicationName)
                         : tr("Time for %1").arg(r.dose.medicationName);
        n.body = tr("%1, due at %2.").arg(r.dose.amount, localTime(r.dueAt));
        n.actions = {{kTaken, tr("Taken")},
                     {kSkipped, tr("Skip")},
                     {kSnooze, tr("Remind me in %n min", nullptr, kSnoozeMinutes)}};
    } else {
        n.title = loggingTitle(r.kind);
        n.body = tr("Your reminder for %1.").arg(localTime(r.dueAt));
        n.actions = {{kLogNow, tr("Log now")},
                     {kSnooze, tr("Remind me in %n min", nullptr, kSnoozeMinutes)}};
    }
    m_shown.insert(m_notifier->show(n), {r});
}

void ReminderService::notifyMissed(const QList<Reminder> &missed)
{
    Notification n;
    n.title =
        tr("%n reminders while the computer was asleep", nullptr, static_cast<int>(missed.size()));
    QStringList lines;
    for (qsizetype i = 0; i < missed.size() && i < kListedInSummary; ++i)
        lines << summaryLine(missed.at(i));
    if (missed.size() > kListedInSummary)
        lines << tr("and %n more", nullptr, static_cast<int>(missed.size() - kListedInSummary));
    n.body = lines.join(QLatin1Char('\n'));
    m_shown.insert(m_notifier->show(n), missed);
}

void ReminderService::onAction(quint32 handle, const QString &action)
{
    const QList<Reminder> about = m_shown.take(handle);
    if (about.isEmpty())
        return;
    m_notifier->close(handle);
    const Reminder &first = about.first();
    if (action == kSnooze) {
        for (const Reminder &r : about)
            m_snoozed.append({m_clock().addSecs(kSnoozeMinutes * 60), r});
        arm();
    } else if ((action == kTaken || action == kSkipped) && about.size() == 1 &&
               first.type == Reminder::Type::Dose) {
        // The dose as the log has it now: logged meanwhile, it is an edit.
        for (const medication::ScheduledDose &dose :
             medication::dosesOn(*m_store, first.dueAt.toLocalTime().date())) {
            if (dose.medicationId == first.dose.medicationId &&
                dose.scheduledAt == first.dose.scheduledAt)
                logDoseUndoably(m_store, m_undo, dose, action);
        }
    } else if (action == kLogNow && first.type == Reminder::Type::Logging) {
        emit openRequested(first.kind);
    } else {
        emit openRequested(QString());
    }
}

void ReminderService::forget(quint32 handle)
{
    m_shown.remove(handle);
}

void ReminderService::closeAnswered()
{
    for (auto it = m_shown.begin(); it != m_shown.end();) {
        const bool open = std::any_of(it->cbegin(), it->cend(), [this](const Reminder &r) {
            return reminders::stillOpen(*m_store, r);
        });
        if (open) {
            ++it;
        } else {
            m_notifier->close(it.key());
            it = m_shown.erase(it);
        }
    }
}

} // namespace hale
