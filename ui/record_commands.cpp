#include "ui/record_commands.h"

#include <QCoreApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcUndo, "hale.ui.undo")

namespace hale {

namespace {
QString singular(const QString &kind)
{
    const KindSpec *spec = SchemaRegistry::instance().kind(kind);
    return spec ? spec->displaySingular() : kind;
}

void logFailure(const WriteResult &r)
{
    if (!r.ok())
        qCWarning(lcUndo) << "undo/redo could not write" << r.id << r.message;
}
} // namespace

RecordCommand::RecordCommand(LocalStore *store, QString kind, QString id, const QString &text)
    : QUndoCommand(text), m_store(store), m_kind(std::move(kind)), m_id(std::move(id))
{
}

void RecordCommand::redo()
{
    if (std::exchange(m_firstRedo, false))
        return;
    logFailure(apply());
}

void RecordCommand::undo()
{
    logFailure(revert());
}

CreateRecordCommand::CreateRecordCommand(LocalStore *store, const QString &kind, const QString &id)
    : RecordCommand(store, kind, id,
                    QCoreApplication::translate("RecordCommand", "Add %1").arg(singular(kind)))
{
}

RestoreRecordCommand::RestoreRecordCommand(LocalStore *store, const QString &kind,
                                           const QString &id)
    : RecordCommand(store, kind, id,
                    QCoreApplication::translate("RecordCommand", "Restore %1").arg(singular(kind)))
{
}

EditRecordCommand::EditRecordCommand(LocalStore *store, const QString &kind, const QString &id,
                                     QVariantMap before, QVariantMap after)
    : RecordCommand(store, kind, id,
                    QCoreApplication::translate("RecordCommand", "Edit %1").arg(singular(kind))),
      m_before(std::move(before)), m_after(std::move(after))
{
}

DeleteRecordCommand::DeleteRecordCommand(LocalStore *store, const QString &kind, const QString &id)
    : RecordCommand(store, kind, id,
                    QCoreApplication::translate("RecordCommand", "Delete %1").arg(singular(kind)))
{
}

} // namespace hale
