#include "models/local_store.h"

#include "models/record_codec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

Q_LOGGING_CATEGORY(lcStore, "hale.store")

namespace hale {

namespace {

QString columnType(FieldType type)
{
    switch (type) {
    case FieldType::Integer:
        return QStringLiteral("INTEGER");
    case FieldType::Real:
        return QStringLiteral("REAL");
    default:
        return QStringLiteral("TEXT");
    }
}

bool exec(QSqlQuery &q, const QString &sql)
{
    if (!q.exec(sql)) {
        qCWarning(lcStore) << "SQL failed:" << q.lastError().text();
        return false;
    }
    return true;
}

bool execPrepared(QSqlQuery &q)
{
    if (!q.exec()) {
        qCWarning(lcStore) << "SQL failed:" << q.lastError().text();
        return false;
    }
    return true;
}

QString escapeLike(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    text.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return text;
}

// Empty if SQLite can read the schema; the reason otherwise.
QString readabilityProblem(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !q.next())
        return q.lastError().text();
    return {};
}

bool setPragmas(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    return exec(q, QStringLiteral("PRAGMA journal_mode=WAL")) &&
           exec(q, QStringLiteral("PRAGMA foreign_keys=ON")) &&
           exec(q, QStringLiteral("PRAGMA synchronous=NORMAL")) &&
           // 16 MiB instead of 2: the id indexes of 100,000 records stay in
           // memory, which a sync's lookups by random UUID need.
           exec(q, QStringLiteral("PRAGMA cache_size=-16384"));
}

QString storageError()
{
    return LocalStore::tr("The change could not be saved to the database.");
}

} // namespace

LocalStore::LocalStore(QObject *parent)
    : QObject(parent),
      m_connection(
          QStringLiteral("hale-store-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces))),
      m_physical(sync::HybridLogicalClock::systemMillis)
{
}

LocalStore::~LocalStore()
{
    close();
}

QSqlDatabase LocalStore::database() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool LocalStore::isOpen() const
{
    return database().isOpen();
}

// Statements on the write path are prepared once per connection: preparing
// costs more than running them.
QSqlQuery &LocalStore::prepared(const QString &sql) const
{
    auto &slot = m_statements[sql];
    if (!slot) {
        slot = std::make_unique<QSqlQuery>(database());
        if (!slot->prepare(sql))
            qCWarning(lcStore) << "SQL prepare failed:" << slot->lastError().text();
    }
    return *slot;
}

void LocalStore::close()
{
    m_statements.clear();
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = database();
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

void LocalStore::setPhysicalClock(sync::HybridLogicalClock::PhysicalClock clock)
{
    m_physical = std::move(clock);
    if (m_clock) {
        const sync::HlcStamp last = m_clock->last();
        m_clock = std::make_unique<sync::HybridLogicalClock>(m_deviceId, m_physical);
        m_clock->restore(last);
    }
}

QDateTime LocalStore::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_physical(), Qt::UTC);
}

LocalStore::OpenResult LocalStore::open(const QString &dataDir)
{
    close();
    if (!QDir().mkpath(dataDir))
        return {OpenStatus::Unwritable, tr("The data folder %1 cannot be created.").arg(dataDir)};
    m_path = QDir(dataDir).filePath(QLatin1String(kFileName));

    // Look at the header before SQLite does: a file that is not a database is
    // reported and left alone, never replaced by an empty one.
    QFile file(m_path);
    if (file.exists() && file.size() > 0) {
        if (!file.open(QIODevice::ReadOnly))
            return {OpenStatus::Unwritable, tr("%1 cannot be read.").arg(m_path)};
        if (file.read(16) != QByteArray("SQLite format 3\0", 16))
            return {OpenStatus::Corrupt, tr("%1 is not a Hale database.").arg(m_path)};
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        const QString reason = db.lastError().text();
        close();
        return {OpenStatus::Unwritable, tr("%1 cannot be opened: %2").arg(m_path, reason)};
    }

    if (const QString reason = readabilityProblem(db); !reason.isEmpty()) {
        close();
        return {OpenStatus::Corrupt, tr("%1 is damaged: %2").arg(m_path, reason)};
    }
    const int version = schemaVersion();
    if (version > kSchemaVersion) {
        close();
        return {OpenStatus::TooNew,
                tr("%1 was written by a newer version of Hale (schema %2; this version reads up "
                   "to %3). Update Hale to open it.")
                    .arg(m_path)
                    .arg(version)
                    .arg(kSchemaVersion)};
    }
    if (!setPragmas(db)) {
        close();
        return {OpenStatus::Unwritable, tr("%1 cannot be written.").arg(m_path)};
    }
    if (OpenResult r = migrate(); !r.ok()) {
        close();
        return r;
    }
    if (!ensureRegistryColumns() || !loadDeviceState()) {
        close();
        return {OpenStatus::Corrupt, tr("%1 could not be prepared for use.").arg(m_path)};
    }
    return {};
}

int LocalStore::schemaVersion() const
{
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

// Numbered steps; each runs in its own transaction together with the
// user_version bump, so a crash mid-migration leaves the previous version.
LocalStore::OpenResult LocalStore::migrate()
{
    const int from = schemaVersion();
    if (from == kSchemaVersion)
        return {};
    QSqlDatabase db = database();
    if (from > 0) {
        // A copy of the old file before touching it, next to the database.
        const QString backup = m_path + QStringLiteral(".pre-v%1.bak").arg(kSchemaVersion);
        QFile::remove(backup);
        QSqlQuery q(db);
        q.prepare(QStringLiteral("VACUUM INTO ?"));
        q.addBindValue(backup);
        if (!execPrepared(q))
            return {OpenStatus::Unwritable, tr("A backup before upgrading could not be written.")};
    }
    const auto &kinds = SchemaRegistry::instance().kinds();
    for (int step = from + 1; step <= kSchemaVersion; ++step) {
        if (!db.transaction())
            return {OpenStatus::Unwritable, tr("%1 cannot be written.").arg(m_path)};
        QSqlQuery q(db);
        bool ok = true;
        switch (step) {
        case 1:
            ok = exec(q, QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, "
                                        "value TEXT NOT NULL)")) &&
                 exec(q, QStringLiteral(
                             "CREATE TABLE outbox (kind TEXT NOT NULL, record_id TEXT NOT NULL, "
                             "revision INTEGER NOT NULL DEFAULT 1, queued_at TEXT NOT NULL, "
                             "PRIMARY KEY (kind, record_id))"));
            for (const KindSpec &kind : kinds) {
                ok = ok && exec(q, QStringLiteral("CREATE TABLE %1 (id TEXT PRIMARY KEY NOT NULL, "
                                                  "deleted INTEGER NOT NULL DEFAULT 0, "
                                                  "sync_meta TEXT NOT NULL DEFAULT '{}', "
                                                  "extra TEXT, created_at TEXT NOT NULL, "
                                                  "updated_at TEXT NOT NULL)")
                                       .arg(kind.table));
            }
            ok = ok && ensureRegistryColumns();
            break;
        case 2:
            // Indexes for the screens' default order and date filter.
            for (const KindSpec &kind : kinds) {
                ok = ok && exec(q, QStringLiteral("CREATE INDEX %1_by_time ON %1 (deleted, %2)")
                                       .arg(kind.table, kind.timeField));
            }
            ok = ok && exec(q, QStringLiteral("CREATE INDEX doses_by_medication ON doses "
                                              "(medication_id, scheduled_at)"));
            break;
        case 3:
            // This device's writes that lost to concurrent ones from other
            // devices; values and stamps as JSON text.
            ok = exec(q, QStringLiteral(
                             "CREATE TABLE conflicts (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
                             "record_id TEXT NOT NULL, field TEXT NOT NULL, element TEXT NOT NULL, "
                             "mine TEXT NOT NULL, mine_stamp TEXT NOT NULL, theirs TEXT NOT NULL, "
                             "theirs_stamp TEXT NOT NULL, detected_at TEXT NOT NULL)"));
            break;
        case 4:
            // A change the server refused as invalid is set aside with the
            // reason instead of being retried forever; a new edit of the
            // record queues it again.
            // The index serves the oldest-first batches without sorting the
            // whole outbox each time (100,000 queued records after sign-in).
            ok = exec(q, QStringLiteral("ALTER TABLE outbox ADD COLUMN rejected TEXT")) &&
                 exec(q, QStringLiteral("CREATE INDEX outbox_by_age ON outbox (queued_at)"));
            break;
        default:
            ok = false;
        }
        ok = ok && exec(q, QStringLiteral("PRAGMA user_version = %1").arg(step));
        q.finish();
        if (!ok || !db.commit()) {
            db.rollback();
            return {OpenStatus::Corrupt,
                    tr("%1 could not be upgraded to schema version %2.").arg(m_path).arg(step)};
        }
        qCInfo(lcStore) << "migrated database to schema version" << step;
    }
    return {};
}

// Adds a column for every registry field a table lacks, so that a field added
// to the registry appears without a hand-written ALTER TABLE.
bool LocalStore::ensureRegistryColumns()
{
    QSqlDatabase db = database();
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        const QSqlRecord existing = db.record(kind.table);
        if (existing.isEmpty())
            continue; // the table arrives in a later migration step
        for (const FieldSpec &field : kind.fields) {
            if (existing.contains(field.name))
                continue;
            QSqlQuery q(db);
            if (!exec(q, QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
                             .arg(kind.table, field.name, columnType(field.type))))
                return false;
        }
    }
    return true;
}

bool LocalStore::loadDeviceState()
{
    QSqlDatabase db = database();
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT key, value FROM meta WHERE key IN ('device_id', 'hlc')")))
        return false;
    QString hlc;
    m_deviceId.clear();
    while (q.next()) {
        if (q.value(0).toString() == QLatin1String("device_id"))
            m_deviceId = q.value(1).toString();
        else
            hlc = q.value(1).toString();
    }
    if (m_deviceId.isEmpty()) {
        m_deviceId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        q.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('device_id', ?)"));
        q.addBindValue(m_deviceId);
        if (!execPrepared(q))
            return false;
    }
    m_clock = std::make_unique<sync::HybridLogicalClock>(m_deviceId, m_physical);
    // The clock never runs backwards across restarts, even if the wall clock did.
    if (const auto last = sync::HlcStamp::fromString(hlc))
        m_clock->restore(*last);
    return true;
}

bool LocalStore::begin()
{
    if (m_transactionDepth == 0) {
        // IMMEDIATE: take the write lock up front, so that the sync worker's
        // connection and the screens' one wait for each other (busy
        // timeout) instead of failing when a read turns into a write.
        QSqlQuery q(database());
        if (!exec(q, QStringLiteral("BEGIN IMMEDIATE")))
            return false;
        // Another connection to this file (the sync worker's, or the
        // screens') may have advanced the clock with stamps it received:
        // pick that up, so that a local edit always orders after them.
        if (m_clock && exec(q, QStringLiteral("SELECT value FROM meta WHERE key = 'hlc'")) &&
            q.next()) {
            if (const auto stored = sync::HlcStamp::fromString(q.value(0).toString()))
                m_clock->restore(*stored);
        }
        m_transactionFailed = false;
    }
    ++m_transactionDepth;
    return true;
}

bool LocalStore::commit()
{
    if (--m_transactionDepth > 0)
        return !m_transactionFailed;
    QSqlDatabase db = database();
    bool ok = !m_transactionFailed;
    if (ok) {
        // Persist the clock once per transaction rather than once per write.
        QSqlQuery &q =
            prepared(QStringLiteral("INSERT INTO meta (key, value) VALUES ('hlc', ?) "
                                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
        q.addBindValue(m_clock->last().toString());
        ok = execPrepared(q) && db.commit();
    }
    if (!ok) {
        db.rollback();
        m_changedKinds.clear();
        return false;
    }
    const QStringList changed = std::exchange(m_changedKinds, {});
    for (const QString &kind : changed)
        emit recordsChanged(kind);
    return true;
}

void LocalStore::rollback()
{
    m_transactionFailed = true;
    commit();
}

bool LocalStore::runInTransaction(const std::function<bool()> &work)
{
    if (!begin())
        return false;
    if (!work()) {
        rollback();
        return false;
    }
    return commit();
}

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

WriteResult LocalStore::writeState(const KindSpec &kind, const sync::RecordState &state, bool isNew,
                                   const QDateTime &createdAt, Queue queue)
{
    WriteResult result;
    result.id = state.id;
    const RowValues row = codec::stateToRow(kind, state);
    QStringList columns{QStringLiteral("deleted"), QStringLiteral("sync_meta"),
                        QStringLiteral("extra"), QStringLiteral("updated_at")};
    QVariantList values{
        state.isDeleted() ? 1 : 0,
        QString::fromUtf8(QJsonDocument(state.metaToJson()).toJson(QJsonDocument::Compact)),
        row.extra, schema::formatDateTime(now())};
    for (const FieldSpec &field : kind.fields) {
        columns << field.name;
        values << row.columns.value(field.name);
    }

    QString sql;
    if (isNew) {
        columns << QStringLiteral("id") << QStringLiteral("created_at");
        values << state.id << schema::formatDateTime(createdAt);
        QStringList marks;
        marks.fill(QStringLiteral("?"), columns.size());
        sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                  .arg(kind.table, columns.join(QLatin1Char(',')), marks.join(QLatin1Char(',')));
    } else {
        sql = QStringLiteral("UPDATE %1 SET %2 = ? WHERE id = ?")
                  .arg(kind.table, columns.join(QStringLiteral(" = ?, ")));
        values << state.id;
    }
    QSqlQuery &q = prepared(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);

    if (!begin()) {
        result.message = storageError();
        return result;
    }
    if (!execPrepared(q) || (queue == Queue::Push && !enqueue(kind.name, state.id))) {
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
        if (!result.errors.isEmpty())
            return result;
        QString id = requestedId;
        if (id.isEmpty()) {
            id = QUuid::createUuid().toString(QUuid::WithoutBraces);
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
    QSqlQuery &q =
        prepared(QStringLiteral("SELECT deleted, sync_meta, extra, %1 FROM %2 WHERE id = ?")
                     .arg(selectColumns(*kind).section(QLatin1Char(','), 4), kind->table));
    q.addBindValue(id);
    if (!execPrepared(q) || !q.next())
        return std::nullopt;
    RowValues row;
    row.deleted = q.value(0).toBool();
    row.extra = q.value(2);
    for (int i = 0; i < kind->fields.size(); ++i)
        row.columns.insert(kind->fields.at(i).name, q.value(3 + i));
    const QJsonObject meta = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
    q.finish();
    return codec::stateFromRow(*kind, id, row, meta);
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

QList<OutboxEntry> LocalStore::pendingChanges(int limit, const QStringList &kinds) const
{
    QList<OutboxEntry> out;
    QVariantList binds;
    QSqlQuery q(database());
    q.prepare(
        QStringLiteral("SELECT kind, record_id, revision FROM outbox WHERE rejected IS NULL") +
        kindFilter(kinds, binds) + QStringLiteral(" ORDER BY queued_at, rowid LIMIT ?"));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    q.addBindValue(limit);
    if (!execPrepared(q))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    return out;
}

QList<LocalStore::PendingState> LocalStore::pendingStates(int limit, const QStringList &kinds) const
{
    // One read transaction (deferred: it never holds up the other
    // connection's writes) instead of one per statement.
    QSqlQuery q(database());
    const bool inTransaction = m_transactionDepth == 0 && exec(q, QStringLiteral("BEGIN"));
    QList<PendingState> out;
    for (const OutboxEntry &entry : pendingChanges(limit, kinds))
        out.append({entry, state(entry.kind, entry.recordId)});
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
    int removed = 0;
    const bool ok = runInTransaction([&] {
        for (const OutboxEntry &entry : entries) {
            QSqlQuery &q = prepared(QStringLiteral(
                "DELETE FROM outbox WHERE kind = ? AND record_id = ? AND revision = ?"));
            q.addBindValue(entry.kind);
            q.addBindValue(entry.recordId);
            q.addBindValue(entry.revision);
            if (!execPrepared(q))
                return false;
            removed += q.numRowsAffected();
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
    if (!exec(q, QStringLiteral("SELECT count(*) FROM outbox WHERE rejected IS NOT NULL")) ||
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

QString LocalStore::setting(const QString &key, const QString &fallback) const
{
    QSqlQuery &q = prepared(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (!execPrepared(q) || !q.next())
        return fallback;
    const QString value = q.value(0).toString();
    q.finish();
    return value;
}

bool LocalStore::setSetting(const QString &key, const QString &value)
{
    QSqlQuery &q =
        prepared(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value.isNull() ? QStringLiteral("") : value); // the column is NOT NULL
    return execPrepared(q);
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
                                          const QString &cursorKey)
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
    for (const sync::RecordState &remote : states) {
        const KindSpec *kind = SchemaRegistry::instance().kind(remote.kind);
        if (!kind)
            continue; // a kind from a newer version; the server keeps it
        // Every stamp, set elements' too: folding in the newest covers them all.
        m_clock->receive(remote.latestStamp());
        const std::optional<sync::RecordState> local = state(kind->name, remote.id);
        QList<sync::LostWrite> lost;
        const sync::RecordState merged = local ? sync::merge(*local, remote, &lost) : remote;
        if (local && merged == *local)
            continue;
        if (local)
            noteHiddenEdit(*local, merged, &lost);
        if (!writeState(*kind, merged, !local, now(), Queue::DoNotPush).ok())
            return fail();
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
