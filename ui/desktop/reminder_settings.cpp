#include "ui/desktop/reminder_settings.h"

#include <QSettings>

namespace hale {

namespace {
const QString kDoses = QStringLiteral("reminders/doses");
QString loggingKey(const QString &kind)
{
    return QStringLiteral("reminders/log_%1").arg(kind);
}
} // namespace

QStringList ReminderSettings::loggingKinds()
{
    return {QStringLiteral("metric"), QStringLiteral("meal"), QStringLiteral("exercise"),
            QStringLiteral("journal")};
}

ReminderSettings ReminderSettings::load()
{
    QSettings settings;
    ReminderSettings out;
    out.doses = settings.value(kDoses, true).toBool();
    for (const QString &kind : loggingKinds()) {
        const QTime at =
            QTime::fromString(settings.value(loggingKey(kind)).toString(), QStringLiteral("HH:mm"));
        if (at.isValid())
            out.logging.append({kind, at});
    }
    return out;
}

void ReminderSettings::save() const
{
    QSettings settings;
    settings.setValue(kDoses, doses);
    for (const QString &kind : loggingKinds()) {
        const QTime at = loggingTime(kind);
        if (at.isValid())
            settings.setValue(loggingKey(kind), at.toString(QStringLiteral("HH:mm")));
        else
            settings.remove(loggingKey(kind));
    }
}

QTime ReminderSettings::loggingTime(const QString &kind) const
{
    for (const reminders::LoggingReminder &r : logging) {
        if (r.kind == kind)
            return r.time;
    }
    return {};
}

} // namespace hale
