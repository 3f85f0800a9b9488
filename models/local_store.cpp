#include "models/local_store.h"

#include "models/owner_only.h"
#include "models/store_migrations.h"
#include "models/store_sql.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace hale {

using store::exec;
using store::execPrepared;

namespace {

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
    m_rowStatements.clear();
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
    // Owner-only, also a folder an older Hale left readable to everyone.
    owner_only::restrictFolder(dataDir);
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
    // SQLite gives its journal files the database's mode, so these stay
    // owner-only from now on too.
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        owner_only::restrictFile(m_path + QLatin1String(suffix));

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
    if (!store::addRegistryColumns(db) || !loadDeviceState()) {
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
        owner_only::restrictFile(backup);
    }
    for (int step = from + 1; step <= kSchemaVersion; ++step) {
        if (!db.transaction())
            return {OpenStatus::Unwritable, tr("%1 cannot be written.").arg(m_path)};
        QSqlQuery q(db);
        bool ok = store::runMigrationStep(db, step);
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

QString LocalStore::setting(const QString &key, const QString &fallback) const
{
    QSqlQuery &q = prepared(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (!execPrepared(q) || !q.next())
        return fallback;
    QString value = q.value(0).toString();
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

} // namespace hale
