#include "ui/dose_log.h"

#include "ui/record_commands.h"

#include <QUndoStack>

namespace hale {

WriteResult logDoseUndoably(LocalStore *store, QUndoStack *undo,
                            const medication::ScheduledDose &dose, const QString &status)
{
    const QString kind = QStringLiteral("dose");
    const auto before = dose.doseId.isEmpty() ? std::nullopt : store->record(kind, dose.doseId);
    const QDateTime at = QDateTime::currentDateTimeUtc();
    WriteResult r = medication::logDose(*store, dose, status, at);
    if (!r.ok())
        return r;
    if (before) {
        const QVariantMap was{
            {QStringLiteral("status"), before->value(QStringLiteral("status"))},
            {QStringLiteral("logged_at"), before->value(QStringLiteral("logged_at"))}};
        const QVariantMap now{{QStringLiteral("status"), status},
                              {QStringLiteral("logged_at"), at}};
        undo->push(new EditRecordCommand(store, kind, r.id, was, now));
    } else {
        undo->push(new CreateRecordCommand(store, kind, r.id));
    }
    return r;
}

} // namespace hale
