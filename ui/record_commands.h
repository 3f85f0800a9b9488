#pragma once

#include "models/local_store.h"

#include <QUndoCommand>

namespace hale {

// Undoable writes. Each command is pushed after its first write succeeded
// (the page needs the result to show errors), so its first redo() is skipped.
class RecordCommand : public QUndoCommand
{
public:
    RecordCommand(LocalStore *store, QString kind, QString id, const QString &text);
    void redo() final;
    void undo() final;

protected:
    virtual WriteResult apply() = 0;
    virtual WriteResult revert() = 0;

    LocalStore *m_store;
    QString m_kind;
    QString m_id;

private:
    bool m_firstRedo = true;
};

class CreateRecordCommand : public RecordCommand
{
public:
    CreateRecordCommand(LocalStore *store, const QString &kind, const QString &id);

protected:
    WriteResult apply() override { return m_store->restore(m_kind, m_id); }
    WriteResult revert() override { return m_store->remove(m_kind, m_id); }
};

// Brings back a deleted entry (Recently deleted).
class RestoreRecordCommand : public RecordCommand
{
public:
    RestoreRecordCommand(LocalStore *store, const QString &kind, const QString &id);

protected:
    WriteResult apply() override { return m_store->restore(m_kind, m_id); }
    WriteResult revert() override { return m_store->remove(m_kind, m_id); }
};

class EditRecordCommand : public RecordCommand
{
public:
    EditRecordCommand(LocalStore *store, const QString &kind, const QString &id, QVariantMap before,
                      QVariantMap after);

protected:
    WriteResult apply() override { return m_store->update(m_kind, m_id, m_after); }
    WriteResult revert() override { return m_store->update(m_kind, m_id, m_before); }

private:
    QVariantMap m_before;
    QVariantMap m_after;
};

class DeleteRecordCommand : public RecordCommand
{
public:
    DeleteRecordCommand(LocalStore *store, const QString &kind, const QString &id);

protected:
    WriteResult apply() override { return m_store->remove(m_kind, m_id); }
    WriteResult revert() override { return m_store->restore(m_kind, m_id); }
};

} // namespace hale
