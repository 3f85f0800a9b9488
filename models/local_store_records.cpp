// LocalStore: writing records (each write stamped and queued for sync) and
// reading them for the screens.
#include "models/local_store.h"
#include "models/record_codec.h"
#include "models/store_sql.h"
#include "sync/core/record_id.h"

#include <QJsonDocument>
#include <QLocale>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace hale {

using store::exec;
using store::execPrepared;
using store::storageError;

namespace {

QString escapeLike(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    text.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return text;
}

} // namespace

QVariantList LocalStore::rowOf(const sync::RecordState &state)
{
    const KindSpec *kind = SchemaRegistry::instance().kind(state.kind);
    if (!kind)
        return {};
    const RowValues row = codec::stateToRow(*kind, state);
    QVariantList values;
    values.reserve(kind->fields.size() + 6); // and writeState's times and id
    // Text as UTF-8 bytes, which SqliteStatements binds as they are: the
    // conversion from UTF-16 happens here, on the caller's thread.
    const auto bindable = [](const QVariant &value) {
        return value.typeId() == QMetaType::QString ? QVariant(value.toString().toUtf8()) : value;
    };
    values << (state.isDeleted() ? 1 : 0) << state.metaToJson() << bindable(row.extra);
    for (const FieldSpec &field : kind->fields)
        values << bindable(row.columns.value(field.name));
    return values;
}

WriteResult LocalStore::writeState(const KindSpec &kind, const sync::RecordState &state, bool isNew,
                                   const QDateTime &createdAt, Queue queue)
{
    WriteResult result;
    result.id = state.id;
    QVariantList values = rowOf(state);
    values << schema::formatDateTime(now()) << state.id;
    if (isNew)
        values << schema::formatDateTime(createdAt);
    if (!begin()) {
        result.message = storageError();
        return result;
    }
    if (!m_rowStatements.run(database(), writeSql(kind, isNew), values) ||
        (queue == Queue::Push && !enqueue(kind.name, state.id))) {
        rollback();
        result.message = storageError();
        return result;
    }
    if (!m_changedKinds.contains(kind.name))
        m_changedKinds << kind.name;
    if (!commit())
        result.message = storageError();
    return result;
}

int LocalStore::insertPulled(const KindSpec &kind, const sync::RecordState &state,
                             const QVariantList &row)
{
    QString &sql = m_writeSql[kind.name + QLatin1Char('?')];
    if (sql.isEmpty())
        sql = writeSql(kind, true) + QStringLiteral(" ON CONFLICT (id) DO NOTHING");
    QVariantList values = row;
    const QString at = schema::formatDateTime(now());
    values << at << state.id << at;
    if (!m_rowStatements.run(database(), sql, values))
        return -1;
    const int inserted = m_rowStatements.changes();
    if (inserted > 0 && !m_changedKinds.contains(kind.name))
        m_changedKinds << kind.name;
    return inserted;
}

// The INSERT or UPDATE of a whole row, built once per kind (its columns are
// the registry's, in writeState's order).
const QString &LocalStore::writeSql(const KindSpec &kind, bool isNew) const
{
    QString &sql = m_writeSql[kind.name + (isNew ? QLatin1Char('+') : QLatin1Char('='))];
    if (!sql.isEmpty())
        return sql;
    QStringList columns{QStringLiteral("deleted"), QStringLiteral("sync_meta"),
                        QStringLiteral("extra")};
    for (const FieldSpec &field : kind.fields)
        columns << field.name;
    columns << QStringLiteral("updated_at");
    if (isNew) {
        columns << QStringLiteral("id") << QStringLiteral("created_at");
        QStringList marks;
        marks.fill(QStringLiteral("?"), columns.size());
        sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                  .arg(kind.table, columns.join(QLatin1Char(',')), marks.join(QLatin1Char(',')));
    } else {
        sql = QStringLiteral("UPDATE %1 SET %2 = ? WHERE id = ?")
                  .arg(kind.table, columns.join(QStringLiteral(" = ?, ")));
    }
    return sql;
}

WriteResult LocalStore::writeTransaction(const std::function<WriteResult()> &write)
{
    WriteResult result;
    if (!begin()) {
        result.message = storageError();
        return result;
    }
    result = write();
    // A refused write wrote nothing, so committing is harmless; a failed one
    // has already marked the transaction to roll back.
    if (!commit() && result.message.isEmpty())
        result.message = storageError();
    return result;
}

WriteResult LocalStore::create(const QString &kindName, const QVariantMap &values,
                               const QString &requestedId)
{
    return writeTransaction([&]() -> WriteResult {
        WriteResult result;
        const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
        if (!kind) {
            result.message = tr("Unknown kind of record: %1").arg(kindName);
            return result;
        }
        result.errors = schema::validate(*kind, values, now());
        if (result.errors.isEmpty())
            result.errors = checkDefinedRanges(*kind, values);
        if (!result.errors.isEmpty())
            return result;
        QString id = requestedId;
        if (id.isEmpty()) {
            id = sync::newRecordId(m_physical());
        } else if (QUuid::fromString(id).isNull()) {
            result.message = tr("%1 is not a valid record id.").arg(id);
            return result;
        }
        // The id is the identity: creating the same record twice never duplicates it.
        if (state(kindName, id)) {
            result.id = id;
            result.message = tr("A record with id %1 already exists.").arg(id);
            return result;
        }
        const sync::HlcStamp stamp = m_clock->send();
        const sync::RecordState st = codec::stateFromValues(*kind, id, values, stamp);
        return writeState(*kind, st, true, now());
    });
}

QList<FieldError> LocalStore::checkDefinedRanges(const KindSpec &kind,
                                                 const QVariantMap &values) const
{
    QList<FieldError> errors;
    for (const FieldSpec &field : kind.fields) {
        const FieldSpec *reference = kind.field(field.definedBy);
        const QVariant value = values.value(field.name);
        if (!reference || value.isNull() || !value.isValid())
            continue;
        // A definition not here (deleted, or not synced yet) has no range to hold to.
        const auto definition =
            record(reference->refKind, values.value(reference->name).toString());
        if (!definition || definition->deleted)
            continue;
        const double v = value.toDouble();
        const QVariant low = definition->value(QStringLiteral("range_min"));
        const QVariant high = definition->value(QStringLiteral("range_max"));
        if ((!low.isNull() && v < low.toDouble()) || (!high.isNull() && v > high.toDouble())) {
            const QString unit = definition->value(QStringLiteral("unit")).toString();
            const QLocale locale;
            const QString message =
                low.isNull() ? tr("must be at most %1").arg(locale.toString(high.toDouble()))
                : high.isNull()
                    ? tr("must be at least %1").arg(locale.toString(low.toDouble()))
                    : tr("must be between %1 and %2")
                          .arg(locale.toString(low.toDouble()), locale.toString(high.toDouble()));
            errors.append(
                {field.name, unit.isEmpty() ? message : message + QLatin1Char(' ') + unit});
        }
    }
    return errors;
}

WriteResult LocalStore::update(const QString &kindName, const QString &id,
                               const QVariantMap &changes)
{
    // Read, stamp and write in one transaction: nothing (the sync worker
    // merging pulled changes, say) can come between the read and the write.
    return writeTransaction([&]() -> WriteResult {
        WriteResult result;
        result.id = id;
        const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
        const auto current = kind ? record(kindName, id) : std::nullopt;
        if (!current || current->deleted) {
            result.message = tr("The record no longer exists.");
            return result;
        }
        QVariantMap merged = current->values;
        for (auto it = changes.cbegin(); it != changes.cend(); ++it)
            merged.insert(it.key(), it.value());
        result.errors = schema::validate(*kind, merged, now());
        if (result.errors.isEmpty())
            result.errors = checkDefinedRanges(*kind, merged);
        if (!result.errors.isEmpty())
            return result;

        sync::RecordState st = *state(kindName, id);
        const sync::HlcStamp stamp = m_clock->send();
        if (!codec::applyChanges(*kind, st, current->values, changes, stamp))
            return result; // nothing changed: nothing to store or sync
        return writeState(*kind, st, false, current->createdAt);
    });
}

WriteResult LocalStore::remove(const QString &kindName, const QString &id)
{
    return writeTransaction([&]() -> WriteResult {
        WriteResult result;
        result.id = id;
        const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
        auto st = kind ? state(kindName, id) : std::nullopt;
        if (!st || st->isDeleted()) {
            result.message = tr("The record no longer exists.");
            return result;
        }
        st->deleted = {true, m_clock->send()};
        return writeState(*kind, *st, false, {});
    });
}

WriteResult LocalStore::restore(const QString &kindName, const QString &id)
{
    return writeTransaction([&]() -> WriteResult {
        WriteResult result;
        result.id = id;
        const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
        auto st = kind ? state(kindName, id) : std::nullopt;
        if (!st) {
            result.message = tr("The record no longer exists.");
            return result;
        }
        if (!st->isDeleted())
            return result;
        st->deleted = {false, m_clock->send()};
        return writeState(*kind, *st, false, {});
    });
}

std::optional<Record> LocalStore::rowToRecord(const KindSpec &kind, const QSqlQuery &q) const
{
    Record r;
    r.kind = kind.name;
    r.id = q.value(0).toString();
    r.deleted = q.value(1).toBool();
    r.createdAt = schema::parseDateTime(q.value(2).toString());
    r.updatedAt = schema::parseDateTime(q.value(3).toString());
    for (int i = 0; i < kind.fields.size(); ++i) {
        const FieldSpec &field = kind.fields.at(i);
        const QVariant v = schema::fromSql(field, q.value(4 + i));
        if (!v.isNull())
            r.values.insert(field.name, v);
    }
    return r;
}

namespace {
QString selectColumns(const KindSpec &kind)
{
    QStringList columns{QStringLiteral("id"), QStringLiteral("deleted"),
                        QStringLiteral("created_at"), QStringLiteral("updated_at")};
    for (const FieldSpec &field : kind.fields)
        columns << field.name;
    return columns.join(QLatin1Char(','));
}
} // namespace

std::optional<Record> LocalStore::record(const QString &kindName, const QString &id) const
{
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return std::nullopt;
    QSqlQuery &q = prepared(
        QStringLiteral("SELECT %1 FROM %2 WHERE id = ?").arg(selectColumns(*kind), kind->table));
    q.addBindValue(id);
    if (!execPrepared(q) || !q.next())
        return std::nullopt;
    auto rec = rowToRecord(*kind, q);
    q.finish();
    return rec;
}

std::optional<sync::RecordState> LocalStore::state(const QString &kindName, const QString &id) const
{
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return std::nullopt;
    std::optional<sync::RecordState> state;
    m_rowStatements.query(
        database(),
        QStringLiteral("SELECT deleted, sync_meta, extra, %1 FROM %2 WHERE id = ?")
            .arg(selectColumns(*kind).section(QLatin1Char(','), 4), kind->table),
        {id},
        [&](const store::SqliteStatements::Row &row) { state = stateFromRow(*kind, id, row, 0); });
    return state;
}

sync::RecordState LocalStore::stateFromRow(const KindSpec &kind, const QString &id,
                                           const store::SqliteStatements::Row &row, int first)
{
    RowValues values;
    values.deleted = row.value(first).toBool();
    values.extra = row.value(first + 2);
    for (int i = 0; i < kind.fields.size(); ++i)
        values.columns.insert(kind.fields.at(i).name, row.value(first + 3 + i));
    return codec::stateFromRow(kind, id, values, row.utf8(first + 1));
}

std::optional<LocalStore::HeldStates>
LocalStore::heldStates(const QHash<QString, QStringList> &idsByKind) const
{
    HeldStates held;
    for (auto it = idsByKind.cbegin(); it != idsByKind.cend(); ++it) {
        const KindSpec *kind = SchemaRegistry::instance().kind(it.key());
        if (!kind)
            continue; // a kind from a newer version
        const auto ofKind = statesOf(*kind, it.value());
        if (!ofKind)
            return std::nullopt;
        held.insert(it.key(), *ofKind);
    }
    return held;
}

std::optional<QHash<QString, sync::RecordState>> LocalStore::statesOf(const KindSpec &kind,
                                                                      const QStringList &ids) const
{
    // One read per 500 ids instead of one per record: a page of 1,000
    // pulled records is mostly new to this device, and each lookup of a
    // missing row cost as much as storing one.
    constexpr qsizetype kChunk = 500;
    QHash<QString, sync::RecordState> held;
    const QString columns = QStringLiteral("deleted, sync_meta, extra, ") +
                            selectColumns(kind).section(QLatin1Char(','), 4);
    // A fixed number of marks (the rest bound to no id), so that two
    // prepared statements per kind serve every read: a small one for the
    // usual edit or two, a large one for pages and batches.
    const qsizetype width = ids.size() <= 16 ? 16 : kChunk;
    QStringList marks;
    marks.fill(QStringLiteral("?"), width);
    const QString sql = QStringLiteral("SELECT id, %1 FROM %2 WHERE id IN (%3)")
                            .arg(columns, kind.table, marks.join(QLatin1Char(',')));
    for (qsizetype from = 0; from < ids.size(); from += width) {
        QVariantList bound;
        bound.reserve(width);
        for (qsizetype i = from; i < from + width; ++i)
            bound << (i < ids.size() ? QVariant(ids.at(i)) : QVariant(QString()));
        const bool read = m_rowStatements.query(database(), sql, bound,
                                                [&](const store::SqliteStatements::Row &row) {
                                                    const QString id = row.value(0).toString();
                                                    held.insert(id, stateFromRow(kind, id, row, 1));
                                                });
        if (!read)
            return std::nullopt;
    }
    return held;
}

QString LocalStore::whereClause(const KindSpec &kind, const RecordFilter &filter,
                                QVariantList &binds) const
{
    QStringList conditions{QStringLiteral("deleted = 0")};
    const FieldSpec *time = kind.field(kind.timeField);
    auto bound = [time](const QDateTime &dt) -> QVariant {
        return time->type == FieldType::Date
                   ? QVariant(dt.toLocalTime().date().toString(Qt::ISODate))
                   : QVariant(schema::formatDateTime(dt));
    };
    if (filter.from.isValid()) {
        conditions << kind.timeField + QStringLiteral(" >= ?");
        binds << bound(filter.from);
    }
    if (filter.to.isValid()) {
        conditions << kind.timeField + QStringLiteral(" < ?");
        binds << bound(filter.to);
    }
    if (kind.field(filter.matchField)) {
        conditions << filter.matchField + QStringLiteral(" = ?");
        binds << filter.matchValue;
    }
    if (!filter.search.trimmed().isEmpty()) {
        QStringList any;
        const QString pattern =
            QLatin1Char('%') + escapeLike(filter.search.trimmed()) + QLatin1Char('%');
        for (const FieldSpec &field : kind.fields) {
            if (field.type == FieldType::Text || field.type == FieldType::LongText ||
                field.type == FieldType::Enum || field.type == FieldType::StringSet) {
                any << field.name + QStringLiteral(" LIKE ? ESCAPE '\\'");
                binds << pattern;
            }
        }
        if (!any.isEmpty())
            conditions << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    return conditions.join(QStringLiteral(" AND "));
}

QList<Record> LocalStore::records(const QString &kindName, const RecordFilter &filter) const
{
    QList<Record> out;
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return out;
    QVariantList binds;
    const QString where = whereClause(*kind, filter, binds);
    const QString order = kind->field(filter.orderBy) ? filter.orderBy : kind->timeField;
    const QString direction = filter.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    QSqlQuery q(database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY %4 %5, id %5 LIMIT %6 OFFSET %7")
                  .arg(selectColumns(*kind), kind->table, where, order, direction)
                  .arg(filter.limit)
                  .arg(filter.offset));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!execPrepared(q))
        return out;
    while (q.next())
        out.append(*rowToRecord(*kind, q));
    return out;
}

QList<Record> LocalStore::deletedSince(const QString &kindName, const QDateTime &since,
                                       int limit) const
{
    QList<Record> out;
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return out;
    QSqlQuery q(database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE deleted = 1 AND updated_at >= ? "
                             "ORDER BY updated_at DESC, id LIMIT %3")
                  .arg(selectColumns(*kind), kind->table)
                  .arg(limit));
    q.addBindValue(schema::formatDateTime(since));
    if (!execPrepared(q))
        return out;
    while (q.next())
        out.append(*rowToRecord(*kind, q));
    return out;
}

int LocalStore::count(const QString &kindName, const RecordFilter &filter) const
{
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return 0;
    QVariantList binds;
    const QString where = whereClause(*kind, filter, binds);
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(kind->table, where));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!execPrepared(q) || !q.next())
        return 0;
    return q.value(0).toInt();
}

} // namespace hale
