#pragma once

#include "models/sqlite_statements.h"
#include "models/store_migrations.h"
#include "sync/core/hlc.h"
#include "sync/core/merge.h"
#include "sync/core/record_state.h"
#include "sync/core/schema.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace hale {

// One record as the screens see it: typed values keyed by field name.
struct Record
{
    QString kind;
    QString id;
    QVariantMap values;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;

    QVariant value(const QString &field) const { return values.value(field); }
};

// Which rows of one kind a screen wants, in what order. Tombstones are never
// returned.
struct RecordFilter
{
    QDateTime from; // inclusive, on the kind's time field; null = unbounded
    QDateTime to;   // exclusive
    QString search; // substring of any text field, case-insensitive (ASCII)
    // Set: only records whose field `matchField` holds `matchValue` (the
    // measurements of one measure).
    QString matchField;
    QString matchValue;
    QString orderBy; // a field name; empty = the kind's time field
    bool descending = true;
    int limit = -1;
    int offset = 0;
};

struct WriteResult
{
    QString id;               // the record written
    QList<FieldError> errors; // validation errors, by field
    QString message;          // a storage failure
    bool ok() const { return errors.isEmpty() && message.isEmpty(); }
};

// One queued local change waiting to be pushed. `revision` grows with every
// write to the record, so a change acknowledged at revision r leaves the
// outbox only if nothing wrote the record again while it was in flight.
struct OutboxEntry
{
    QString kind;
    QString recordId;
    qint64 revision = 0;
};

// A queued change the server refused as invalid, kept aside with its reason
// until the record is edited again; or (`pulled`) a record pulled from an
// end-to-end encrypted account that did not open or check, never applied,
// until a later state of it does.
struct RejectedChange
{
    QString kind;
    QString recordId;
    QString reason;
    bool pulled = false;
};

// A write of this device that lost to a concurrent write from another
// device when pulled changes were merged in (shown on the Conflicts page).
struct Conflict
{
    qint64 id = 0;
    QString kind;
    QString recordId;
    sync::LostWrite lost;
    QDateTime detectedAt;
};

// What merging pulled states into the store did.
struct RemoteApplyResult
{
    int changed = 0;           // records whose local state changed
    QList<Conflict> conflicts; // this device's writes that lost, newly recorded
    QString message;           // a storage failure: nothing was applied
    bool ok() const { return message.isEmpty(); }
};

// The device's SQLite database and the one write path to it. Every create,
// edit and delete is validated against the schema registry, stamped with the
// device's hybrid logical clock and queued in the outbox in one transaction.
// A LocalStore belongs to the thread that opened it (one connection per thread).
class LocalStore : public QObject
{
    Q_OBJECT

public:
    static constexpr int kSchemaVersion = store::kLatestSchemaVersion;
    static constexpr const char *kFileName = "hale.sqlite";

    enum class OpenStatus { Ok, Corrupt, TooNew, Unwritable };
    struct OpenResult
    {
        OpenStatus status = OpenStatus::Ok;
        QString message;
        bool ok() const { return status == OpenStatus::Ok; }
    };

    explicit LocalStore(QObject *parent = nullptr);
    ~LocalStore() override;

    // Opens (creating if needed) the database in `dataDir`. Never overwrites a
    // file it cannot read: a corrupt or newer database is reported and left as is.
    OpenResult open(const QString &dataDir);
    void close();
    bool isOpen() const;
    QString databasePath() const { return m_path; }
    QString deviceId() const { return m_deviceId; }
    QSqlDatabase database() const;
    int schemaVersion() const;

    // Test seam: the wall clock that feeds the HLC and the created/updated times.
    void setPhysicalClock(sync::HybridLogicalClock::PhysicalClock clock);

    WriteResult create(const QString &kind, const QVariantMap &values, const QString &id = {});
    // The checks of values whose range a person chose (FieldSpec::definedBy):
    // a measurement against its measure's lowest and highest value. Part of
    // every create and update; public so that an editor can show them live.
    QList<FieldError> checkDefinedRanges(const KindSpec &kind, const QVariantMap &values) const;
    WriteResult update(const QString &kind, const QString &id, const QVariantMap &changes);
    // Soft delete: the row becomes a tombstone that no view shows and sync propagates.
    WriteResult remove(const QString &kind, const QString &id);
    // Undoes a delete with a newer tombstone stamp.
    WriteResult restore(const QString &kind, const QString &id);

    std::optional<Record> record(const QString &kind, const QString &id) const;
    std::optional<sync::RecordState> state(const QString &kind, const QString &id) const;
    QList<Record> records(const QString &kind, const RecordFilter &filter = {}) const;
    // Tombstones of `kind` written since `since` (deleted here or on another
    // device, as synced), newest first, at most `limit`: what Recently
    // deleted lists and restore() brings back.
    QList<Record> deletedSince(const QString &kind, const QDateTime &since, int limit = 1000) const;
    int count(const QString &kind, const RecordFilter &filter = {}) const;

    // Queued changes, oldest first, of the given kinds (empty: all kinds);
    // changes set aside as rejected are not counted or listed.
    int pendingChangeCount(const QStringList &kinds = {}) const;
    // The oldest `limit` queued changes after the first `skip` (those of a
    // batch still on its way to the server).
    QList<OutboxEntry> pendingChanges(int limit = 500, const QStringList &kinds = {},
                                      int skip = 0) const;
    // The oldest queued changes with the states to push, read in one
    // transaction (a state is empty if its row is gone).
    struct PendingState
    {
        OutboxEntry entry;
        std::optional<sync::RecordState> state;
    };
    QList<PendingState> pendingStates(int limit, const QStringList &kinds = {}, int skip = 0) const;
    // Removes a pushed change unless the record was written again since.
    bool acknowledge(const OutboxEntry &entry);
    // The same for a batch in one transaction: how many left the outbox, or
    // -1 if the database failed (and none did).
    int acknowledgeAll(const QList<OutboxEntry> &entries);
    // Keeps a change the server refused out of the pushes until the record
    // is written again.
    bool setAside(const OutboxEntry &entry, const QString &reason);
    // Both kinds of RejectedChange: the server's refusals, then the pulled
    // records that did not open.
    QList<RejectedChange> rejectedChanges() const;
    int rejectedChangeCount() const;
    // Queues every record of the given kinds (empty: all) and resets the
    // sync cursor: after signing in to another account, or when a kind is
    // synced again, so that both sides end up with everything.
    bool requeueAll(const QStringList &kinds = {});

    // Small device settings kept in the database beside the data they
    // describe (the sync account, server and kinds; never secrets).
    QString setting(const QString &key, const QString &fallback = {}) const;
    bool setSetting(const QString &key, const QString &value);

    // Merges states pulled from the server into the local records with the
    // shared merge rules and stores the server cursor, all in one
    // transaction. Pulled states are not queued for pushing; a record with
    // local changes still queued keeps them queued (they merge on the
    // server). The clock folds in every pulled stamp, so later local edits
    // order after what this device has seen. Kinds this version does not
    // know are skipped; fields it does not know are kept with the record.
    // `cursorKey` names the record the server numbered `cursor`; it goes back
    // with the cursor so the server can tell a history it no longer has.
    // A pulled deletion that hides an edit made here is listed as a conflict
    // of the field kDeletedField (mine: false, theirs: true); restore() is
    // how it is undone.
    inline static const QString kDeletedField = QStringLiteral("deleted");
    // `rows`, if given, holds rowOf() of each state (worked out elsewhere,
    // on another thread): written as it is for a record this device does
    // not hold yet, whose merge is the pulled state itself.
    // `unreadable` (RejectedChange::pulled) are set aside in the same
    // transaction; a record applied here leaves that list.
    RemoteApplyResult applyRemote(const QList<sync::RecordState> &states, qint64 cursor,
                                  const QString &cursorKey = {},
                                  const QList<QVariantList> &rows = {},
                                  const QList<RejectedChange> &unreadable = {});
    // The values a state's row is written with, apart from its times and id:
    // its deletion, its stamps and its columns. They depend on the state
    // alone, so any thread can work them out. Empty for a kind this version
    // does not know.
    static QVariantList rowOf(const sync::RecordState &state);
    qint64 syncCursor() const;
    QString syncCursorKey() const;
    QList<Conflict> conflicts() const;
    bool dismissConflict(qint64 id);

    // Runs `work` in one transaction: everything it writes lands or nothing
    // does. Nested calls join the outer transaction.
    bool runInTransaction(const std::function<bool()> &work);

    // Emits recordsChanged for a kind another connection to this database
    // wrote (the sync worker's), so that the screens reload it.
    void announceChange(const QString &kind) { emit recordsChanged(kind); }

signals:
    void recordsChanged(const QString &kind);

private:
    void noteHiddenEdit(const sync::RecordState &local, const sync::RecordState &merged,
                        QList<sync::LostWrite> *lost) const;
    struct Migration;
    OpenResult migrate();
    bool loadDeviceState();
    bool begin();
    bool commit();
    void rollback();
    WriteResult writeTransaction(const std::function<WriteResult()> &write);
    enum class Queue { Push, DoNotPush };
    WriteResult writeState(const KindSpec &kind, const sync::RecordState &state, bool isNew,
                           const QDateTime &createdAt, Queue queue = Queue::Push);
    bool enqueue(const QString &kind, const QString &id);
    // A pulled record as new, from its rowOf(), unless one with its id is
    // held: 1 if it was written, 0 if not, -1 if the database failed.
    int insertPulled(const KindSpec &kind, const sync::RecordState &state, const QVariantList &row);
    std::optional<Record> rowToRecord(const KindSpec &kind, const QSqlQuery &q) const;
    const QString &writeSql(const KindSpec &kind, bool isNew) const;
    // The replicated state from a row of "deleted, sync_meta, extra, <fields>"
    // starting at column `first`.
    static sync::RecordState stateFromRow(const KindSpec &kind, const QString &id,
                                          const store::SqliteStatements::Row &row, int first);
    // The states this device holds of these records (ids by kind), by kind
    // and id, read in a few statements instead of one per record; empty if
    // the database could not be read.
    using HeldStates = QHash<QString, QHash<QString, sync::RecordState>>;
    std::optional<HeldStates> heldStates(const QHash<QString, QStringList> &idsByKind) const;
    std::optional<QHash<QString, sync::RecordState>> statesOf(const KindSpec &kind,
                                                              const QStringList &ids) const;
    QString whereClause(const KindSpec &kind, const RecordFilter &filter,
                        QVariantList &binds) const;
    QDateTime now() const;
    QSqlQuery &prepared(const QString &sql) const;

    QString m_connection;
    QString m_path;
    QString m_deviceId;
    std::unique_ptr<sync::HybridLogicalClock> m_clock;
    sync::HybridLogicalClock::PhysicalClock m_physical;
    int m_transactionDepth = 0;
    bool m_transactionFailed = false;
    QStringList m_changedKinds;
    mutable std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    mutable QHash<QString, QString> m_writeSql; // see writeSql()
    // writeState's INSERTs and UPDATEs and the reads of states: through
    // SQLite's C API (sqlite_statements.h).
    mutable store::SqliteStatements m_rowStatements;
};

} // namespace hale
