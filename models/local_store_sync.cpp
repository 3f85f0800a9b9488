// LocalStore: the sync side: the outbox of local changes, states pulled
// from the server, and the conflicts this device lost.
#include "models/local_store.h"
#include "models/record_codec.h"
#include "models/store_sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace hale {

using store::exec;
using store::execPrepared;
using store::storageError;

bool LocalStore::enqueue(const QString &kind, const QString &id)
{
    QSqlQuery &q =
        prepared(QStringLiteral("INSERT INTO outbox (kind, record_id, revision, queued_at) "
                                "VALUES (?, ?, 1, ?) ON CONFLICT(kind, record_id) DO UPDATE SET "
                                "revision = revision + 1, queued_at = excluded.queued_at, "
                                "rejected = NULL"));
    q.addBindValue(kind);
    q.addBindValue(id);
    q.addBindValue(schema::formatDateTime(now()));
    return execPrepared(q);
}

namespace {

// "AND kind IN (?, ...)" for a list of kinds, or nothing for all kinds.
QString kindFilter(const QStringList &kinds, QVariantList &binds)
{
    if (kinds.isEmpty())
        return {};
    QStringList marks;
    for (const QString &kind : kinds) {
        marks << QStringLiteral("?");
        binds << kind;
    }
    // "+kind": not through the primary key's index, so that the outbox is
    // read oldest first through outbox_by_age, stopping at the limit,
    // instead of sorting every queued change for each batch.
    return QStringLiteral(" AND +kind IN (%1)").arg(marks.join(QLatin1Char(',')));
}

} // namespace

int LocalStore::pendingChangeCount(const QStringList &kinds) const
{
    QVariantList binds;
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT count(*) FROM outbox WHERE rejected IS NULL") +
              kindFilter(kinds, binds));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (!execPrepared(q) || !q.next())
        return 0;
    return q.value(0).toInt();
}

QList<OutboxEntry> LocalStore::pendingChanges(int limit, const QStringList &kinds, int skip) const
{
    QList<OutboxEntry> out;
    QVariantList binds;
    QSqlQuery q(database());
    q.prepare(
        QStringLiteral("SELECT kind, record_id, revision FROM outbox WHERE rejected IS NULL") +
        kindFilter(kinds, binds) + QStringLiteral(" ORDER BY queued_at, rowid LIMIT ? OFFSET ?"));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    q.addBindValue(limit);
    q.addBindValue(skip);
    if (!execPrepared(q))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    return out;
}

QList<LocalStore::PendingState> LocalStore::pendingStates(int limit, const QStringList &kinds,
                                                          int skip) const
{
    // One read transaction (deferred: it never holds up the other
    // connection's writes) instead of one per statement.
    QSqlQuery q(database());
    const bool inTransaction = m_transactionDepth == 0 && exec(q, QStringLiteral("BEGIN"));
    const QList<OutboxEntry> entries = pendingChanges(limit, kinds, skip);
    QHash<QString, QStringList> idsByKind;
    for (const OutboxEntry &entry : entries)
        idsByKind[entry.kind].append(entry.recordId);
    const auto held = heldStates(idsByKind);
    if (!held) { // unreadable now: send nothing rather than take rows for gone
        if (inTransaction)
            exec(q, QStringLiteral("COMMIT"));
        return {};
    }
    QList<PendingState> out;
    out.reserve(entries.size());
    for (const OutboxEntry &entry : entries) {
        const auto ofKind = held->value(entry.kind);
        const auto found = ofKind.constFind(entry.recordId);
        out.append({entry, found != ofKind.cend() ? std::optional(*found) : std::nullopt});
    }
    if (inTransaction)
        exec(q, QStringLiteral("COMMIT"));
    return out;
}

bool LocalStore::acknowledge(const OutboxEntry &entry)
{
    return acknowledgeAll({entry}) == 1;
}

int LocalStore::acknowledgeAll(const QList<OutboxEntry> &entries)
{
    // Through SQLite's C API: a pushed batch's thousands of deletes sit
    // between its answer and the next batch's request.
    const QString sql =
        QStringLiteral("DELETE FROM outbox WHERE kind = ? AND record_id = ? AND revision = ?");
    int removed = 0;
    const bool ok = runInTransaction([&] {
        for (const OutboxEntry &entry : entries) {
            if (!m_rowStatements.run(database(), sql, {entry.kind, entry.recordId, entry.revision}))
                return false;
            removed += m_rowStatements.changes();
        }
        return true;
    });
    return ok ? removed : -1;
}

bool LocalStore::setAside(const OutboxEntry &entry, const QString &reason)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "UPDATE outbox SET rejected = ? WHERE kind = ? AND record_id = ? AND revision = ?"));
    q.addBindValue(reason);
    q.addBindValue(entry.kind);
    q.addBindValue(entry.recordId);
    q.addBindValue(entry.revision);
    return execPrepared(q);
}

int LocalStore::rejectedChangeCount() const
{
    QSqlQuery q(database());
    if (!exec(q, QStringLiteral("SELECT (SELECT count(*) FROM outbox WHERE rejected IS NOT NULL) "
                                "+ (SELECT count(*) FROM unreadable)")) ||
        !q.next())
        return 0;
    return q.value(0).toInt();
}

QList<RejectedChange> LocalStore::rejectedChanges() const
{
    QList<RejectedChange> out;
    QSqlQuery q(database());
    if (!exec(q, QStringLiteral("SELECT kind, record_id, rejected FROM outbox "
                                "WHERE rejected IS NOT NULL ORDER BY queued_at, rowid")))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
    if (!exec(q, QStringLiteral("SELECT kind, record_id, reason FROM unreadable "
                                "ORDER BY received_at, rowid")))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), true});
    return out;
}

bool LocalStore::requeueAll(const QStringList &kinds)
{
    const QString queuedAt = schema::formatDateTime(now());
    return runInTransaction([&] {
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            if (!kinds.isEmpty() && !kinds.contains(kind.name))
                continue;
            QSqlQuery q(database());
            q.prepare(QStringLiteral("INSERT INTO outbox (kind, record_id, revision, queued_at) "
                                     "SELECT ?, id, 1, ? FROM %1 WHERE true "
                                     "ON CONFLICT(kind, record_id) DO UPDATE SET "
                                     "revision = revision + 1, rejected = NULL")
                          .arg(kind.table));
            q.addBindValue(kind.name);
            q.addBindValue(queuedAt);
            if (!execPrepared(q))
                return false;
        }
        return setSetting(QStringLiteral("cursor"), QStringLiteral("0")) &&
               setSetting(QStringLiteral("cursor_key"), QString());
    });
}

namespace {

QString cellJson(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact));
}

QJsonValue cellFromJson(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).array().at(0);
}

} // namespace

void LocalStore::noteHiddenEdit(const sync::RecordState &local, const sync::RecordState &merged,
                                QList<sync::LostWrite> *lost) const
{
    // Another device's deletion hides a record edited here since it was
    // created or last restored: that edit would vanish without a word. It
    // is listed like a lost write of the tombstone, and restoring it brings
    // the entry back with every value it holds.
    if (local.isDeleted() || !merged.isDeleted() || merged.deleted.stamp.node == m_deviceId)
        return;
    // Edits are what came after the record was created (its oldest stamp:
    // a creation stamps every field alike) or last restored.
    std::optional<sync::HlcStamp> oldest;
    std::optional<sync::HlcStamp> newest;
    const auto consider = [&](const sync::HlcStamp &stamp) {
        if (!oldest || stamp < *oldest)
            oldest = stamp;
        if (stamp.node == m_deviceId && (!newest || *newest < stamp))
            newest = stamp;
    };
    for (const sync::Cell &cell : local.fields)
        consider(cell.stamp);
    for (const auto &field : local.elements) {
        for (const sync::Element &element : field)
            consider(element.stamp);
    }
    if (!newest) // nothing here was written on this device
        return;
    if (std::max(*oldest, local.deleted.stamp) < *newest)
        lost->append({kDeletedField, {}, false, *newest, true, merged.deleted.stamp});
}

RemoteApplyResult LocalStore::applyRemote(const QList<sync::RecordState> &states, qint64 cursor,
                                          const QString &cursorKey, const QList<QVariantList> &rows,
                                          const QList<RejectedChange> &unreadable)
{
    RemoteApplyResult result;
    const auto fail = [&] {
        rollback();
        result = {};
        result.message = storageError();
        return result;
    };
    if (!begin()) {
        result.message = storageError();
        return result;
    }
    const QString detectedAt = schema::formatDateTime(now());
    for (const RejectedChange &r : unreadable) {
        QSqlQuery &q = prepared(QStringLiteral(
            "INSERT INTO unreadable (kind, record_id, reason, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(kind, record_id) DO UPDATE SET reason = excluded.reason, "
            "received_at = excluded.received_at"));
        for (const QString &v : {r.kind, r.recordId, r.reason, detectedAt})
            q.addBindValue(v);
        if (!execPrepared(q))
            return fail();
    }
    // A record set aside before that opens now leaves the list (looked
    // for only while the list has any).
    QSqlQuery anyUnreadable(database());
    if (!exec(anyUnreadable, QStringLiteral("SELECT EXISTS (SELECT 1 FROM unreadable)")) ||
        !anyUnreadable.next())
        return fail();
    if (anyUnreadable.value(0).toBool()) {
        for (const sync::RecordState &remote : states) {
            QSqlQuery &q =
                prepared(QStringLiteral("DELETE FROM unreadable WHERE kind = ? AND record_id = ?"));
            q.addBindValue(remote.kind);
            q.addBindValue(remote.id);
            if (!execPrepared(q))
                return fail();
        }
    }
    // What this device holds of these records, read per kind in one go.
    // With their rows worked out (pulled pages, mostly new to this device),
    // each record is inserted unless one with its id is held, and only then
    // read: the read of a whole page first cost a tenth of storing it.
    QHash<QString, QStringList> idsByKind;
    if (rows.isEmpty()) {
        for (const sync::RecordState &remote : states)
            idsByKind[remote.kind].append(remote.id);
    }
    auto held = heldStates(idsByKind);
    if (!held)
        return fail();
    for (qsizetype i = 0; i < states.size(); ++i) {
        const sync::RecordState &remote = states.at(i);
        const KindSpec *kind = SchemaRegistry::instance().kind(remote.kind);
        if (!kind)
            continue; // a kind from a newer version; the server keeps it
        // Every stamp, set elements' too: folding in the newest covers them all.
        m_clock->receive(remote.latestStamp());
        QHash<QString, sync::RecordState> &mine = (*held)[kind->name];
        if (i < rows.size() && !rows.at(i).isEmpty() && !mine.contains(remote.id)) {
            const int inserted = insertPulled(*kind, remote, rows.at(i));
            if (inserted < 0)
                return fail();
            if (inserted > 0) {
                ++result.changed;
                continue;
            }
            const auto one = statesOf(*kind, {remote.id});
            if (!one)
                return fail();
            mine.insert(*one);
        }
        const auto heldIt = mine.constFind(remote.id);
        const std::optional<sync::RecordState> local =
            heldIt != mine.cend() ? std::optional(*heldIt) : std::nullopt;
        QList<sync::LostWrite> lost;
        const sync::RecordState merged = local ? sync::merge(*local, remote, &lost) : remote;
        if (local && merged == *local)
            continue;
        if (local)
            noteHiddenEdit(*local, merged, &lost);
        if (!writeState(*kind, merged, !local, now(), Queue::DoNotPush).ok())
            return fail();
        mine.insert(remote.id, merged); // the same record may come twice in a page
        ++result.changed;
        for (const sync::LostWrite &write : std::as_const(lost)) {
            if (write.mineStamp.node != m_deviceId)
                continue; // another device's write, replaced by a later one
            QSqlQuery &q = prepared(QStringLiteral(
                "INSERT INTO conflicts (kind, record_id, field, element, mine, mine_stamp, "
                "theirs, theirs_stamp, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            for (const QVariant &v :
                 {QVariant(kind->name), QVariant(remote.id), QVariant(write.field),
                  QVariant(write.element.isNull() ? QStringLiteral("") : write.element),
                  QVariant(cellJson(write.mine)), QVariant(write.mineStamp.toString()),
                  QVariant(cellJson(write.theirs)), QVariant(write.theirsStamp.toString()),
                  QVariant(detectedAt)})
                q.addBindValue(v);
            if (!execPrepared(q))
                return fail();
            result.conflicts.append({q.lastInsertId().toLongLong(), kind->name, remote.id, write,
                                     schema::parseDateTime(detectedAt)});
        }
    }
    if (!setSetting(QStringLiteral("cursor"), QString::number(cursor)) ||
        !setSetting(QStringLiteral("cursor_key"), cursorKey))
        return fail();
    if (!commit()) {
        result = {};
        result.message = storageError();
    }
    return result;
}

QString LocalStore::syncCursorKey() const
{
    return setting(QStringLiteral("cursor_key"));
}

qint64 LocalStore::syncCursor() const
{
    return setting(QStringLiteral("cursor")).toLongLong();
}

QList<Conflict> LocalStore::conflicts() const
{
    QList<Conflict> out;
    QSqlQuery q(database());
    if (!exec(q, QStringLiteral("SELECT id, kind, record_id, field, element, mine, mine_stamp, "
                                "theirs, theirs_stamp, detected_at FROM conflicts ORDER BY id")))
        return out;
    while (q.next()) {
        Conflict c;
        c.id = q.value(0).toLongLong();
        c.kind = q.value(1).toString();
        c.recordId = q.value(2).toString();
        c.lost.field = q.value(3).toString();
        c.lost.element = q.value(4).toString();
        c.lost.mine = cellFromJson(q.value(5).toString());
        c.lost.mineStamp =
            sync::HlcStamp::fromString(q.value(6).toString()).value_or(sync::HlcStamp{});
        c.lost.theirs = cellFromJson(q.value(7).toString());
        c.lost.theirsStamp =
            sync::HlcStamp::fromString(q.value(8).toString()).value_or(sync::HlcStamp{});
        c.detectedAt = schema::parseDateTime(q.value(9).toString());
        out.append(c);
    }
    return out;
}

bool LocalStore::dismissConflict(qint64 id)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("DELETE FROM conflicts WHERE id = ?"));
    q.addBindValue(id);
    return execPrepared(q) && q.numRowsAffected() == 1;
}

} // namespace hale
