#include "sync/server/server_store.h"

#include "sync/core/merge.h"
#include "sync/server/postgres_bulk.h"
#include "sync/server/sqlite_bulk.h"

#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QUuid>
#include <algorithm>
#include <cmath>
#include <mutex>

Q_LOGGING_CATEGORY(lcServerStore, "hale.server.store")

namespace hale::server {

namespace {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

[[noreturn]] void unavailable(const QSqlError &error)
{
    // The log names the statement's failure, never its bound values.
    qCWarning(lcServerStore) << "SQL failed:" << error.text();
    throw DatabaseUnavailable(error.text().toStdString());
}

void run(QSqlQuery &q)
{
    if (!q.exec())
        unavailable(q.lastError());
}

void run(QSqlQuery &q, const QString &sql)
{
    if (!q.exec(sql))
        unavailable(q.lastError());
}

QSqlQuery prepare(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery q(db);
    if (!q.prepare(sql))
        unavailable(q.lastError());
    for (const QVariant &b : binds)
        q.addBindValue(b);
    return q;
}

// Runs a prepared statement; the first row's first column, if there is a row.
std::optional<QVariant> firstValue(QSqlQuery q)
{
    run(q);
    if (!q.next())
        return std::nullopt;
    return q.value(0);
}

std::optional<sync::RecordState> decodeState(const QByteArray &json)
{
    // Stored states were validated on the way in.
    return sync::decodeStoredRecord(json);
}

} // namespace

// BEGIN on construction; ROLLBACK unless commit() succeeded, so a statement
// that throws leaves nothing half-written.
class ServerStore::Transaction
{
public:
    enum class Mode { Write, ReadSnapshot };
    Transaction(ServerStore &store, const QSqlDatabase &db, Mode mode = Mode::Write) : m_db(db)
    {
        QSqlQuery q(m_db);
        // PostgreSQL: no bitmap scans. Every query here is a key lookup or a
        // range of an index read in its order; but when the statistics were
        // taken before a user's records came (a new server's; autovacuum
        // analyses a minute after a large push at best), the planner guessed
        // a dozen rows and read each pull page by a bitmap scan of all the
        // user's records after the cursor, then sorted them: 40 ms a page
        // instead of 4 at 100,000 records (docs/benchmarks.md). Set with
        // BEGIN, in its round trip, and for this transaction only (safe
        // behind a pooler).
        const QString noBitmapScans = QStringLiteral("; SET LOCAL enable_bitmapscan = off");
        if (mode == Mode::ReadSnapshot) {
            // Every statement sees one snapshot, and nothing is locked or
            // written: no SQLite write lock, no PostgreSQL row lock (whose
            // commit would be flushed to disk like a write's).
            run(q, store.m_postgres
                       ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") +
                             noBitmapScans
                       : QStringLiteral("BEGIN"));
            m_open = true;
            return;
        }
        // SQLite: take the write lock up front, so two syncs cannot both
        // read the same sequence number. PostgreSQL locks rows instead.
        // This process's writers queue on a mutex first: SQLite's own busy
        // handler polls with sleeps of up to 100 ms, which under load turned
        // a few milliseconds of waiting into a second (docs/benchmarks.md).
        if (!store.m_postgres)
            m_writer = std::unique_lock(store.m_sqliteWriter);
        run(q, store.m_postgres ? QStringLiteral("BEGIN") + noBitmapScans
                                : QStringLiteral("BEGIN IMMEDIATE"));
        m_open = true;
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    ~Transaction()
    {
        if (!m_open)
            return;
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("ROLLBACK")))
            qCWarning(lcServerStore) << "ROLLBACK failed:" << q.lastError().text();
    }
    void commit()
    {
        QSqlQuery q(m_db);
        run(q, QStringLiteral("COMMIT"));
        m_open = false;
        if (m_writer.owns_lock())
            m_writer.unlock();
    }

private:
    std::unique_lock<QMutex> m_writer;
    QSqlDatabase m_db;
    bool m_open = false;
};

ServerStore::ServerStore(QString dataDir, QString databaseUrl)
    : m_dataDir(std::move(dataDir)), m_url(std::move(databaseUrl)),
      m_postgres(m_url.startsWith(QLatin1String("postgres://")) ||
                 m_url.startsWith(QLatin1String("postgresql://"))),
      m_prefix(QStringLiteral("hale-server-%1-")
                   .arg(QUuid::createUuid().toString(QUuid::WithoutBraces).left(8)))
{
}

ServerStore::~ServerStore()
{
    m_sqliteBulk.clear(); // before the connections its statements belong to go

    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (name.startsWith(m_prefix)) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }
}

void ServerStore::dropConnection(const QString &name)
{
    {
        QMutexLocker lock(&m_statementsMutex);
        m_sqliteBulk.erase(name);
    }
    QSqlDatabase::database(name, false).close();
    QSqlDatabase::removeDatabase(name);
}

// One connection per thread, opened on first use in that thread, and opened
// afresh when it no longer stands (PostgreSQL restarted, the network cut).
QSqlDatabase ServerStore::connection()
{
    const QString name =
        m_prefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
    if (QSqlDatabase::contains(name)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen() && (!m_postgres || PostgresBulk(db).connectionAlive()))
                return db;
        }
        dropConnection(name);
    }
    QSqlDatabase db;
    if (m_postgres) {
        const QUrl url(m_url);
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password()); // or PGPASSWORD / ~/.pgpass through libpq
        db.setDatabaseName(url.path().mid(1));
        // A database host that does not answer fails the request in
        // seconds (503, retry later), not after the TCP timeout.
        db.setConnectOptions(QStringLiteral("connect_timeout=3"));
    } else {
        QDir().mkpath(m_dataDir);
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(m_dataDir).filePath(QStringLiteral("hale-server.sqlite")));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    if (!db.open()) {
        const QSqlError error = db.lastError();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        qCCritical(lcServerStore) << "cannot open the database:" << error.text();
        throw DatabaseUnavailable(error.text().toStdString());
    }
    if (!m_postgres) {
        QSqlQuery q(db);
        run(q, QStringLiteral("PRAGMA journal_mode=WAL"));
        run(q, QStringLiteral("PRAGMA foreign_keys=ON"));
        // An answered sync is durable: with NORMAL, a power cut could undo
        // commits the devices were told about, and a device whose cursor is
        // past the server's sequence would miss what comes next. The cost
        // is one fsync of the WAL per commit (docs/benchmarks.md).
        run(q, QStringLiteral("PRAGMA synchronous=FULL"));
        // A bulk push dirties index pages all over the random-UUID primary
        // key. A 32 MiB page cache and a checkpoint every ~40 MiB of WAL
        // (not every 4 MiB) write each page out once per checkpoint rather
        // than once per commit (docs/benchmarks.md, "Choices the numbers
        // made"). The WAL file is truncated back to 64 MiB after a checkpoint.
        run(q, QStringLiteral("PRAGMA cache_size=-32768"));
        run(q, QStringLiteral("PRAGMA wal_autocheckpoint=10000"));
        run(q, QStringLiteral("PRAGMA journal_size_limit=67108864"));
    }
    return db;
}

ServerStore::Rows ServerStore::selectUser(const QSqlDatabase &db, const QString &columns,
                                          const QString &userId, bool lock)
{
    // SQLite's write transaction already excludes other writers; PostgreSQL
    // locks the row, which orders this user's writes.
    return select(db,
                  QStringLiteral("SELECT %1 FROM users WHERE id = ?%2")
                      .arg(columns, m_postgres && lock ? QStringLiteral(" FOR UPDATE") : QString()),
                  {userId});
}

ServerStore::Rows ServerStore::select(const QSqlDatabase &db, const QString &sql,
                                      const QVariantList &binds)
{
    if (m_postgres) {
        // "?" -> "$1", "$2", ...: the statements hold no other question mark.
        QByteArray text;
        text.reserve(sql.size() + 16);
        int mark = 0;
        for (const QChar c : sql) {
            if (c == QLatin1Char('?'))
                text += '$' + QByteArray::number(++mark);
            else
                text += char(c.unicode());
        }
        QList<QByteArray> params;
        params.reserve(binds.size());
        for (const QVariant &b : binds)
            params << b.toByteArray(); // text as UTF-8, numbers as digits
        QString error;
        auto rows = PostgresBulk(db).rows(text.constData(), params, &error);
        if (!rows) {
            qCWarning(lcServerStore) << "SQL failed:" << error;
            throw DatabaseUnavailable(error.toStdString());
        }
        return *std::move(rows);
    }
    QString error;
    auto rows = sqliteBulk(db).rows(sql, binds, &error);
    if (!rows) {
        qCWarning(lcServerStore) << "SQL failed:" << error;
        throw DatabaseUnavailable(error.toStdString());
    }
    return *std::move(rows);
}

SqliteBulk &ServerStore::sqliteBulk(const QSqlDatabase &db)
{
    QMutexLocker lock(&m_statementsMutex);
    std::unique_ptr<SqliteBulk> &bulk = m_sqliteBulk[db.connectionName()];
    if (!bulk)
        bulk = std::make_unique<SqliteBulk>(db);
    return *bulk; // used only by this connection's thread
}

int ServerStore::cachedStatements()
{
    QMutexLocker lock(&m_statementsMutex);
    int count = 0;
    for (const auto &[name, bulk] : m_sqliteBulk)
        count += bulk->preparedStatements();
    return count;
}

bool ServerStore::ping()
{
    try {
        QSqlQuery q(connection());
        run(q, QStringLiteral("SELECT 1"));
        return true;
    } catch (const DatabaseUnavailable &) {
        return false;
    }
}

bool ServerStore::migrate(QString *error)
{
    try {
        QSqlDatabase db = connection();
        QSqlQuery q(db);
        run(q,
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
        int version = 0;
        run(q, QStringLiteral("SELECT max(version) FROM schema_version"));
        if (q.next())
            version = q.value(0).toInt();
        q.finish();
        // Numbered steps; each runs once, in one transaction, in order.
        const QList<QStringList> steps{
            {
                QStringLiteral(
                    "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
                    "password_hash TEXT NOT NULL, created_at TEXT NOT NULL, "
                    "change_seq BIGINT NOT NULL DEFAULT 0)"),
                QStringLiteral(
                    "CREATE TABLE devices (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE "
                    "CASCADE, id TEXT NOT NULL, name TEXT NOT NULL, platform TEXT NOT NULL, "
                    "created_at TEXT NOT NULL, last_seen TEXT NOT NULL, "
                    "revoked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, id))"),
                QStringLiteral(
                    "CREATE TABLE refresh_tokens (digest TEXT PRIMARY KEY, user_id TEXT NOT NULL "
                    "REFERENCES users(id) ON DELETE CASCADE, device_id TEXT NOT NULL, "
                    "expires_at BIGINT NOT NULL, used INTEGER NOT NULL DEFAULT 0)"),
                QStringLiteral(
                    "CREATE TABLE records (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE "
                    "CASCADE, kind TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL, "
                    "seq BIGINT NOT NULL, PRIMARY KEY (user_id, kind, id))"),
                QStringLiteral("CREATE INDEX records_by_seq ON records (user_id, seq)"),
            },
            // PostgreSQL checked the records -> users key with a trigger per
            // inserted row, a third of a bulk push's database time. Records are
            // only written while the sync holds the user's row lock, and
            // deleteUser() removes them first, so the key adds nothing there.
            // (SQLite's check is cheap and dropping it means rebuilding the table.)
            m_postgres ? QStringList{QStringLiteral(
                             "ALTER TABLE records DROP CONSTRAINT IF EXISTS records_user_id_fkey")}
                       : QStringList{},
            // PostgreSQL keeps the record key's UUIDs as uuid, not text: 16-byte
            // compares in the primary key instead of collated strings, which
            // inserts faster into a large table (docs/benchmarks.md). Every
            // stored id is a UUID: the server makes user ids and validates
            // record ids.
            m_postgres ? QStringList{QStringLiteral(
                             "ALTER TABLE records ALTER COLUMN user_id TYPE uuid USING "
                             "user_id::uuid, ALTER COLUMN id TYPE uuid USING id::uuid")}
                       : QStringList{},
            // A device's session number, carried by its access tokens: revoking
            // the device or signing in on it again starts a new one, so access
            // tokens from before stay dead. Refresh tokens by device, for
            // ending a device's sessions.
            {QStringLiteral("ALTER TABLE devices ADD COLUMN session BIGINT NOT NULL DEFAULT 0"),
             QStringLiteral("CREATE INDEX refresh_tokens_by_device ON refresh_tokens "
                            "(user_id, device_id)")},
            // The token that replaced a used one: a used token presented
            // again while its successor is unused is a retry whose answer
            // was lost, not a leak.
            {QStringLiteral("ALTER TABLE refresh_tokens ADD COLUMN replaced_by TEXT")},
            // What every instance on this database must agree on (the
            // signing key's fingerprint).
            {QStringLiteral("CREATE TABLE server_settings (name TEXT PRIMARY KEY, "
                            "value TEXT NOT NULL)")},
            // Sign-in throttling's token buckets (takeSignIn), shared by the
            // instances on the database.
            {QStringLiteral("CREATE TABLE sign_in_buckets (key TEXT PRIMARY KEY, "
                            "tokens DOUBLE PRECISION NOT NULL, updated_ms BIGINT NOT NULL)")},
            // An end-to-end encrypted account's wrapped data key (JSON the
            // server cannot open); null for an account in clear.
            {QStringLiteral("ALTER TABLE users ADD COLUMN e2e_keys TEXT")},
        };
        if (version > steps.size()) {
            *error = QStringLiteral("the database was written by a newer hale-server (schema %1)")
                         .arg(version);
            return false;
        }
        for (qsizetype step = version; step < steps.size(); ++step) {
            Transaction tx(*this, db);
            QStringList statements = steps.at(step);
            statements
                << QStringLiteral("DELETE FROM schema_version")
                << QStringLiteral("INSERT INTO schema_version (version) VALUES (%1)").arg(step + 1);
            for (const QString &sql : std::as_const(statements))
                run(q, sql);
            tx.commit();
        }
        return true;
    } catch (const DatabaseUnavailable &e) {
        *error = QStringLiteral("the database cannot be prepared: %1")
                     .arg(QString::fromStdString(e.what()));
        return false;
    }
}

ServerStore::Created ServerStore::createAccount(const QString &email, const QString &passwordHash,
                                                const DeviceInfo &device,
                                                const NewRefreshToken &token, QString *userId)
{
    QSqlDatabase db = connection();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Transaction tx(*this, db);
    // A taken email is an answer; any other failure is the database's.
    QSqlQuery user = prepare(db,
                             QStringLiteral("INSERT INTO users (id, email, password_hash, "
                                            "created_at) VALUES (?, ?, ?, ?) "
                                            "ON CONFLICT (email) DO NOTHING"),
                             {id, email, passwordHash, now()});
    run(user);
    if (user.numRowsAffected() != 1)
        return Created::EmailTaken;
    signInLocked(db, id, device, token);
    tx.commit();
    *userId = id;
    return Created::Ok;
}

std::optional<ServerStore::Account> ServerStore::accountByEmail(const QString &email)
{
    QSqlQuery q =
        prepare(connection(), QStringLiteral("SELECT id, password_hash FROM users WHERE email = ?"),
                {email});
    run(q);
    if (!q.next())
        return std::nullopt;
    return Account{q.value(0).toString(), q.value(1).toString()};
}

qint64 ServerStore::signInLocked(const QSqlDatabase &db, const QString &userId,
                                 const DeviceInfo &device, const NewRefreshToken &token)
{
    // Inserting or updating the device's row locks it for the transaction.
    QSqlQuery upsert = prepare(
        db,
        QStringLiteral("INSERT INTO devices (user_id, id, name, platform, created_at, last_seen) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, id) DO UPDATE SET "
                       "name = excluded.name, platform = excluded.platform, "
                       "last_seen = excluded.last_seen, revoked = 0, "
                       "session = devices.session + 1"),
        {userId, device.id, device.name, device.platform, now(), now()});
    run(upsert);
    QSqlQuery earlier = prepare(
        db, QStringLiteral("DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?"),
        {userId, device.id});
    run(earlier);
    QSqlQuery store = prepare(db,
                              QStringLiteral("INSERT INTO refresh_tokens (digest, user_id, "
                                             "device_id, expires_at) VALUES (?, ?, ?, ?)"),
                              {token.digest, userId, device.id, token.expiresAtSeconds});
    run(store);
    return firstValue(prepare(db,
                              QStringLiteral("SELECT session FROM devices WHERE user_id = ? AND "
                                             "id = ?"),
                              {userId, device.id}))
        .value_or(QVariant(0))
        .toLongLong();
}

qint64 ServerStore::signIn(const QString &userId, const DeviceInfo &device,
                           const NewRefreshToken &token)
{
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    const qint64 session = signInLocked(db, userId, device, token);
    tx.commit();
    return session;
}

bool ServerStore::sessionActive(const QString &userId, const QString &deviceId, qint64 session)
{
    QSqlDatabase db = connection();
    const Rows found =
        select(db,
               QStringLiteral(
                   "SELECT revoked, session, last_seen FROM devices WHERE user_id = ? AND id = ?"),
               {userId, deviceId});
    if (found.isEmpty() || found[0][0].toInt() != 0 || found[0][1].toLongLong() != session)
        return false;
    // "Last seen" to the minute: a write per minute and device, not per
    // request (most requests write nothing else: a no-op sync). Best
    // effort: a device is not refused for it.
    const QDateTime current = QDateTime::currentDateTimeUtc();
    const QDateTime lastSeen =
        QDateTime::fromString(QString::fromUtf8(found[0][2]), Qt::ISODateWithMs);
    if (lastSeen.isValid() && lastSeen.secsTo(current) < 60)
        return true;
    try {
        Transaction tx(*this, db);
        QSqlQuery seen = prepare(
            db, QStringLiteral("UPDATE devices SET last_seen = ? WHERE user_id = ? AND id = ?"),
            {current.toString(Qt::ISODateWithMs), userId, deviceId});
        run(seen);
        tx.commit();
    } catch (const DatabaseUnavailable &) {
        qCInfo(lcServerStore) << "last seen not noted";
    }
    return true;
}

QList<DeviceInfo> ServerStore::devices(const QString &userId)
{
    QList<DeviceInfo> out;
    QSqlQuery q =
        prepare(connection(),
                QStringLiteral("SELECT id, name, platform, last_seen, revoked FROM devices "
                               "WHERE user_id = ? ORDER BY created_at, id"),
                {userId});
    run(q);
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                    QDateTime::fromString(q.value(3).toString(), Qt::ISODateWithMs),
                    q.value(4).toInt() != 0});
    return out;
}

std::optional<QByteArray> ServerStore::accountKeys(const QString &userId)
{
    QSqlQuery q =
        prepare(connection(), QStringLiteral("SELECT e2e_keys FROM users WHERE id = ?"), {userId});
    run(q);
    if (!q.next() || q.value(0).isNull())
        return std::nullopt;
    return q.value(0).toString().toUtf8();
}

bool ServerStore::isEndToEnd(const QString &userId)
{
    const auto encrypted = firstValue(prepare(
        connection(), QStringLiteral("SELECT 1 FROM users WHERE id = ? AND e2e_keys IS NOT NULL"),
        {userId}));
    return encrypted.has_value();
}

ServerStore::KeysOutcome ServerStore::setAccountKeys(const QString &userId,
                                                     const KeysChange &change)
{
    // Under the user's row lock, as a sync is: no push lands between the
    // checks and the erasure.
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    const Rows user = selectUser(db, QStringLiteral("change_seq, e2e_keys"), userId, true);
    if (user.isEmpty())
        return KeysOutcome::NoAccount;
    // The keys replaced must be the ones the device read (none, to switch
    // on): two devices switching on at once, or a passphrase changed on
    // two, would otherwise leave the account's data under two keys.
    const QByteArray stored = user[0][1];
    const bool switchingOn = stored.isNull() || stored.isEmpty();
    if (switchingOn ? change.previous.has_value() : change.previous != stored)
        return KeysOutcome::KeysChanged;
    if (switchingOn) {
        if (user[0][0].toLongLong() != change.cursor)
            return KeysOutcome::SyncFirst;
        // Records of a kind the device does not know would be erased and
        // never sent again.
        const Rows kinds = select(
            db, QStringLiteral("SELECT DISTINCT kind FROM records WHERE user_id = ?"), {userId});
        for (const auto &row : kinds) {
            if (!change.kinds.contains(QString::fromUtf8(row[0])))
                return KeysOutcome::UnknownKinds;
        }
        beginErasure(db);
        QSqlQuery records =
            prepare(db, QStringLiteral("DELETE FROM records WHERE user_id = ?"), {userId});
        run(records);
    }
    QSqlQuery q = prepare(db, QStringLiteral("UPDATE users SET e2e_keys = ? WHERE id = ?"),
                          {QString::fromUtf8(change.keys), userId});
    run(q);
    tx.commit();
    if (switchingOn)
        endErasure(db);
    return KeysOutcome::Set;
}

// Erased health data must not linger in the database's files: SQLite keeps
// deleted rows in free pages, and old page images in the write-ahead log,
// until they happen to be reused. For an erasure (an account, a kind, the
// clear copy of an account switched to end-to-end encryption) deleted
// content is overwritten with zeros, and the log is emptied once it is
// committed. (PostgreSQL keeps dead rows until vacuum; see docs/security.md.)
void ServerStore::beginErasure(const QSqlDatabase &db)
{
    if (m_postgres)
        return;
    QSqlQuery q(db);
    run(q, QStringLiteral("PRAGMA secure_delete=ON"));
}

void ServerStore::endErasure(const QSqlDatabase &db)
{
    if (m_postgres)
        return;
    QSqlQuery q(db);
    run(q, QStringLiteral("PRAGMA secure_delete=OFF"));
    // Best effort: a reader still on an older snapshot keeps the log for
    // now, and the next erasure (or the automatic checkpoint) empties it.
    q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

bool ServerStore::renameDevice(const QString &userId, const QString &deviceId, const QString &name)
{
    QSqlQuery q = prepare(
        connection(), QStringLiteral("UPDATE devices SET name = ? WHERE user_id = ? AND id = ?"),
        {name, userId, deviceId});
    run(q);
    return q.numRowsAffected() == 1;
}

void ServerStore::revokeLocked(const QSqlDatabase &db, const QString &userId,
                               const QString &deviceId)
{
    QSqlQuery device = prepare(db,
                               QStringLiteral("UPDATE devices SET revoked = 1, session = session "
                                              "+ 1 WHERE user_id = ? AND id = ?"),
                               {userId, deviceId});
    run(device);
    QSqlQuery tokens = prepare(
        db, QStringLiteral("DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?"),
        {userId, deviceId});
    run(tokens);
}

bool ServerStore::revokeDevice(const QString &userId, const QString &deviceId)
{
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    const auto exists =
        firstValue(prepare(db,
                           QStringLiteral("SELECT 1 FROM devices WHERE user_id = ? AND id = ?%1")
                               .arg(m_postgres ? QStringLiteral(" FOR UPDATE") : QString()),
                           {userId, deviceId}));
    if (!exists)
        return false;
    revokeLocked(db, userId, deviceId);
    tx.commit();
    return true;
}

ServerStore::Refresh ServerStore::rotateRefreshToken(const QString &digest,
                                                     const NewRefreshToken &next, qint64 nowSeconds,
                                                     QString *userId, QString *deviceId,
                                                     qint64 *session)
{
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    QSqlQuery owner = prepare(
        db, QStringLiteral("SELECT user_id, device_id FROM refresh_tokens WHERE digest = ?"),
        {digest});
    run(owner);
    if (!owner.next())
        return Refresh::Unknown;
    *userId = owner.value(0).toString();
    *deviceId = owner.value(1).toString();
    owner.finish();
    // The device's row is the lock: concurrent refreshes, revocations and
    // sign-ins of one device happen one after the other.
    QSqlQuery device = prepare(db,
                               QStringLiteral("SELECT revoked, session FROM devices WHERE "
                                              "user_id = ? AND id = ?%1")
                                   .arg(m_postgres ? QStringLiteral(" FOR UPDATE") : QString()),
                               {*userId, *deviceId});
    run(device);
    if (!device.next() || device.value(0).toInt() != 0)
        return Refresh::Unknown;
    *session = device.value(1).toLongLong();
    device.finish();
    // Read again under the lock: another refresh may have used it meanwhile.
    QSqlQuery token = prepare(
        db,
        QStringLiteral("SELECT expires_at, used, replaced_by FROM refresh_tokens WHERE digest = ?"),
        {digest});
    run(token);
    if (!token.next())
        return Refresh::Unknown; // the device's sessions ended meanwhile
    const qint64 expires = token.value(0).toLongLong();
    const bool used = token.value(1).toInt() != 0;
    const QString successor = token.value(2).toString();
    token.finish();
    if (used) {
        // Used before. If the token that replaced it was never used, the
        // answer that carried it was lost on the way (a cut connection, a
        // duplicated request, a crash): this is the device trying again, and
        // it gets the same answer (`next` is derived from the token). If the
        // successor was used, two parties hold this session: it leaked, and
        // the device's sessions end.
        QSqlQuery after = prepare(
            db, QStringLiteral("SELECT used FROM refresh_tokens WHERE digest = ?"), {successor});
        run(after);
        const bool retry = after.next() && after.value(0).toInt() == 0;
        after.finish();
        if (!retry) {
            revokeLocked(db, *userId, *deviceId);
            tx.commit();
            return Refresh::Reused;
        }
        if (successor == next.digest) {
            tx.commit();
            return expires > nowSeconds ? Refresh::Ok : Refresh::Expired;
        }
        // A successor drawn at random (before successors were derived):
        // replaced by the derived one.
        QSqlQuery old =
            prepare(db, QStringLiteral("DELETE FROM refresh_tokens WHERE digest = ?"), {successor});
        run(old);
    }
    // Used tokens are kept until they expire, to recognise a reuse.
    QSqlQuery spend = prepare(
        db, QStringLiteral("UPDATE refresh_tokens SET used = 1, replaced_by = ? WHERE digest = ?"),
        {next.digest, digest});
    run(spend);
    QSqlQuery prune = prepare(db,
                              QStringLiteral("DELETE FROM refresh_tokens WHERE user_id = ? AND "
                                             "device_id = ? AND expires_at < ?"),
                              {*userId, *deviceId, nowSeconds});
    run(prune);
    if (expires <= nowSeconds) {
        tx.commit();
        return Refresh::Expired;
    }
    QSqlQuery issue = prepare(db,
                              QStringLiteral("INSERT INTO refresh_tokens (digest, user_id, "
                                             "device_id, expires_at) VALUES (?, ?, ?, ?)"),
                              {next.digest, *userId, *deviceId, next.expiresAtSeconds});
    run(issue);
    tx.commit();
    return Refresh::Ok;
}

void ServerStore::readStored(const QSqlDatabase &db, const QString &userId, const QString &kind,
                             const QStringList &ids, QHash<QString, sync::RecordState> *stored)
{
    QList<QByteArray> idValues;
    for (const QString &id : ids)
        idValues << id.toUtf8();
    QList<QByteArray> states;
    QString error;
    bool ok = false;
    if (m_postgres) {
        // One primary-key probe per id. Written as `id IN (...)`, a table
        // that grew since autovacuum last analysed it (a first push of 100k
        // records) got a plan that filtered all of the user's records by
        // the id list: a bulk push became quadratic. A LATERAL subquery with
        // LIMIT is never flattened, so each id is its own index lookup
        // whatever the statistics say.
        const auto found = PostgresBulk(db).column(
            "SELECT r.state FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL "
            "(SELECT state FROM records WHERE user_id = $2::uuid AND kind = $3 AND "
            "id = k.id LIMIT 1) AS r",
            {PostgresBulk::textArray(idValues), userId.toUtf8(), kind.toUtf8()}, &error);
        ok = found.has_value();
        if (ok)
            states = *found;
    } else {
        ok = sqliteBulk(db).readStates(userId.toUtf8(), kind.toUtf8(), idValues, &states, &error);
    }
    if (!ok) {
        qCWarning(lcServerStore) << "SQL failed:" << error;
        throw DatabaseUnavailable(error.toStdString());
    }
    for (const QByteArray &json : std::as_const(states)) {
        if (auto state = decodeState(json))
            stored->insert(sync::recordKey(*state), *state);
    }
}

void ServerStore::writeRows(const QSqlDatabase &db, const QString &userId,
                            const QList<StoredRow> &rows)
{
    if (m_postgres) {
        // Each column is one array parameter: one statement per request.
        QList<QByteArray> kinds, ids, states, seqs;
        for (const StoredRow &row : rows) {
            kinds << row.kind.toUtf8();
            ids << row.id.toUtf8();
            states << row.state;
            seqs << QByteArray::number(row.seq);
        }
        QString error;
        if (PostgresBulk(db).command("INSERT INTO records (user_id, kind, id, state, seq) "
                                     "SELECT $1::uuid, t.kind, t.id, t.state, t.seq FROM "
                                     "unnest($2::text[], $3::uuid[], $4::text[], $5::bigint[]) "
                                     "AS t(kind, id, state, seq) "
                                     "ON CONFLICT (user_id, kind, id) DO UPDATE SET "
                                     "state = excluded.state, seq = excluded.seq",
                                     {userId.toUtf8(), PostgresBulk::textArray(kinds),
                                      PostgresBulk::textArray(ids), PostgresBulk::textArray(states),
                                      PostgresBulk::textArray(seqs)},
                                     &error))
            return;
        qCWarning(lcServerStore) << "SQL failed:" << error;
        throw DatabaseUnavailable(error.toStdString());
    }
    QList<SqliteBulk::Row> sqliteRows;
    sqliteRows.reserve(rows.size());
    for (const StoredRow &row : rows)
        sqliteRows.append({row.kind.toUtf8(), row.id.toUtf8(), row.state, row.seq});
    QString error;
    if (!sqliteBulk(db).writeRows(userId.toUtf8(), sqliteRows, &error)) {
        qCWarning(lcServerStore) << "SQL failed:" << error;
        throw DatabaseUnavailable(error.toStdString());
    }
}

bool ServerStore::takeSignIn(const QString &key, int perMinute, qint64 nowMs,
                             int *retryAfterSeconds)
{
    const double capacity = perMinute;
    const double perMs = perMinute / 60'000.0;
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    // Refilled for the time since the last attempt, one token taken if there
    // is one: a row back means the attempt may go ahead.
    const Rows taken =
        select(db,
               // Typed parameters: PostgreSQL would take a rate next to a bigint
               // for a bigint.
               QStringLiteral("INSERT INTO sign_in_buckets AS b (key, tokens, updated_ms) "
                              "VALUES (?, CAST(? AS DOUBLE PRECISION) - 1, CAST(? AS BIGINT)) "
                              "ON CONFLICT (key) DO UPDATE SET "
                              "tokens = min(excluded.tokens + 1, b.tokens + (excluded.updated_ms - "
                              "b.updated_ms) * CAST(? AS DOUBLE PRECISION)) - 1, "
                              "updated_ms = excluded.updated_ms "
                              "WHERE b.tokens + (excluded.updated_ms - b.updated_ms) * "
                              "CAST(? AS DOUBLE PRECISION) >= 1 RETURNING tokens")
                   .replace(QStringLiteral("min("),
                            m_postgres ? QStringLiteral("LEAST(") : QStringLiteral("min(")),
               {key, capacity, nowMs, perMs, perMs});
    if (taken.isEmpty()) {
        const Rows bucket = select(
            db, QStringLiteral("SELECT tokens, updated_ms FROM sign_in_buckets WHERE key = ?"),
            {key});
        const double tokens =
            bucket.isEmpty()
                ? 0
                : bucket[0][0].toDouble() + double(nowMs - bucket[0][1].toLongLong()) * perMs;
        *retryAfterSeconds = std::max(1, int(std::ceil((1 - tokens) / perMs / 1000)));
    }
    // Buckets untouched for an hour are full again: forget them now and
    // then, so the table holds only recent attempts.
    if (QRandomGenerator::global()->bounded(256) == 0) {
        select(db, QStringLiteral("DELETE FROM sign_in_buckets WHERE updated_ms < ?"),
               {nowMs - 3'600'000});
    }
    tx.commit();
    return !taken.isEmpty();
}

QString ServerStore::signingKeyFingerprint()
{
    const Rows found =
        select(connection(), QStringLiteral("SELECT value FROM server_settings WHERE name = ?"),
               {QStringLiteral("signing_key_fingerprint")});
    return found.isEmpty() ? QString() : QString::fromUtf8(found[0][0]);
}

bool ServerStore::adoptSigningKeyFingerprint(const QString &fingerprint)
{
    select(connection(),
           QStringLiteral("INSERT INTO server_settings (name, value) VALUES (?, ?) "
                          "ON CONFLICT (name) DO NOTHING"),
           {QStringLiteral("signing_key_fingerprint"), fingerprint});
    return signingKeyFingerprint() == fingerprint;
}

qint64 ServerStore::changeSeq(const QString &userId)
{
    QSqlDatabase db = connection();
    const Rows found =
        select(db, QStringLiteral("SELECT change_seq FROM users WHERE id = ?"), {userId});
    return found.isEmpty() ? 0 : found[0][0].toLongLong();
}

ServerStore::SyncOutcome ServerStore::sync(const QString &userId, const sync::SyncRequest &request,
                                           bool sealed, sync::SyncResponse *out,
                                           QList<QByteArray> *pageRecords, qint64 *changedTo)
{
    QSqlDatabase db = connection();
    // A pull (nothing pushed) reads one snapshot and locks nothing: the
    // user's sequence and its rows are committed together, so the page up
    // to the sequence it reads is complete, and a record rewritten since
    // comes in a later page with its new number.
    const bool pullOnly = request.changes.isEmpty();
    Transaction tx(*this, db,
                   pullOnly ? Transaction::Mode::ReadSnapshot : Transaction::Mode::Write);

    // The user's row is the lock that orders this user's writes: sequence
    // numbers are handed out in commit order, so a pull never skips one.
    const Rows locked =
        selectUser(db, QStringLiteral("change_seq, CASE WHEN e2e_keys IS NULL THEN 0 ELSE 1 END"),
                   userId, !pullOnly);
    if (locked.isEmpty())
        return SyncOutcome::NoAccount;
    // Encryption switched on since the request was read as an account in
    // clear's: its values are in clear, and must not land now.
    if (!pullOnly && (locked[0][1] == "1") != sealed)
        return SyncOutcome::EncryptionChanged;
    const qint64 seqBefore = locked[0][0].toLongLong();
    qint64 seq = seqBefore;
    // A cursor past every change: the database was restored from an older
    // copy (or lost its last commits). Pulling on from there would skip the
    // changes numbered anew; the device must start over.
    if (request.cursor > seq || !cursorStillStands(db, userId, request))
        return SyncOutcome::CursorAhead;

    sync::SyncResponse response;
    // Read what is stored for the whole batch, then write what changed:
    // on PostgreSQL one statement each (a round trip per request, not two
    // per record), on SQLite one prepared statement run per row.
    const QList<sync::RecordState> &changes = request.changes;
    QHash<QString, QStringList> idsByKind;
    for (const sync::RecordState &change : changes)
        idsByKind[change.kind] << change.id;
    QHash<QString, sync::RecordState> stored;
    for (auto kind = idsByKind.cbegin(); kind != idsByKind.cend(); ++kind)
        readStored(db, userId, kind.key(), *kind, &stored);

    QHash<QString, qint64> toWrite; // key -> seq of its last change in this batch
    for (const sync::RecordState &incoming : changes) {
        const QString key = sync::recordKey(incoming);
        const auto existing = stored.constFind(key);
        const sync::RecordState merged =
            existing != stored.cend() ? sync::merge(*existing, incoming) : incoming;
        if (existing == stored.cend() || !(merged == *existing)) {
            ++seq;
            toWrite.insert(key, seq);
            stored.insert(key, merged);
        }
        response.applied << key;
        if (!(merged == incoming))
            response.merged << merged;
    }
    if (!toWrite.isEmpty()) {
        QList<StoredRow> rows;
        rows.reserve(toWrite.size());
        for (auto it = toWrite.cbegin(); it != toWrite.cend(); ++it) {
            const sync::RecordState &state = stored.value(it.key());
            rows.append({state.kind, state.id, sync::encodeRecordJson(state), it.value()});
        }
        writeRows(db, userId, rows);
    }
    // Nothing changed, nothing written: a no-op sync commits no write (and
    // costs no fsync with synchronous=FULL).
    if (seq != seqBefore)
        select(db, QStringLiteral("UPDATE users SET change_seq = ? WHERE id = ?"), {seq, userId});

    // The page of other devices' writes since the device's cursor. This
    // request's own writes are numbered after `seqBefore` (the user's row
    // lock keeps them together), so the page stops there and never reads
    // them back; a device that is up to date costs no query at all. The
    // statement's text depends only on how many kinds are asked for (the
    // decoder removes repeats; there are few kinds), so few variants are
    // cached.
    qint64 last = request.cursor;
    if (request.cursor < seqBefore) {
        QString sql = QStringLiteral(
            "SELECT state, seq FROM records WHERE user_id = ? AND seq > ? AND seq <= ?");
        QVariantList binds{userId, request.cursor, seqBefore};
        if (!request.kinds.isEmpty()) {
            QStringList marks;
            for (const QString &kind : request.kinds) {
                marks << QStringLiteral("?");
                binds << kind;
            }
            // "kind || ''": never through the primary key (user_id, kind,
            // id), which would read all of the user's records of those
            // kinds, but along records_by_seq from the cursor, stopping at
            // the page's end.
            sql += QStringLiteral(" AND kind || '' IN (%1)").arg(marks.join(QLatin1Char(',')));
        }
        sql += QStringLiteral(" ORDER BY seq LIMIT ?");
        binds << request.pageSize + 1;
        const Rows page = select(db, sql, binds);
        for (const QList<QByteArray> &row : page) {
            if (pageRecords->size() == request.pageSize) {
                response.hasMore = true;
                break;
            }
            last = row[1].toLongLong();
            *pageRecords << row[0];
        }
    }
    response.cursor = response.hasMore ? last : seq;
    // The record numbered `cursor`, which the device sends back with it:
    // unchanged for a cursor that did not move (a no-op sync), one of this
    // request's writes, or else looked up once per answer (not per row).
    if (response.cursor == request.cursor) {
        response.cursorKey = request.cursorKey;
    } else {
        for (auto it = toWrite.cbegin(); it != toWrite.cend(); ++it) {
            if (it.value() == response.cursor)
                response.cursorKey = it.key();
        }
        if (response.cursorKey.isEmpty()) {
            const Rows at = select(
                db, QStringLiteral("SELECT kind, id FROM records WHERE user_id = ? AND seq = ?"),
                {userId, response.cursor});
            if (!at.isEmpty())
                response.cursorKey = QString::fromUtf8(at[0][0] + '/' + at[0][1]);
        }
    }
    tx.commit();
    *out = std::move(response);
    if (changedTo)
        *changedTo = seq != seqBefore ? seq : 0;
    return SyncOutcome::Ok;
}

bool ServerStore::cursorStillStands(const QSqlDatabase &db, const QString &userId,
                                    const sync::SyncRequest &request)
{
    if (request.cursor == 0 || request.cursorKey.isEmpty())
        return true;
    // The record that had number `cursor` has it still, or a later one if it
    // changed since. Missing or numbered lower: this is not the history the
    // device saw (a restored backup, lost commits).
    const qsizetype slash = request.cursorKey.indexOf(QLatin1Char('/'));
    const Rows found = select(
        db, QStringLiteral("SELECT seq FROM records WHERE user_id = ? AND kind = ? AND id = ?"),
        {userId, request.cursorKey.left(slash), request.cursorKey.mid(slash + 1)});
    return !found.isEmpty() && found[0][0].toLongLong() >= request.cursor;
}

QList<sync::RecordState> ServerStore::allRecords(const QString &userId)
{
    QList<sync::RecordState> out;
    QSqlQuery q = prepare(
        connection(), QStringLiteral("SELECT state FROM records WHERE user_id = ? ORDER BY seq"),
        {userId});
    run(q);
    while (q.next()) {
        if (auto state = decodeState(q.value(0).toString().toUtf8()))
            out << *state;
    }
    return out;
}

bool ServerStore::deleteUser(const QString &userId)
{
    // Devices and tokens cascade from the user; records are deleted here
    // (see migration 2), under the user's row lock so that a sync running
    // at the same moment cannot leave records behind.
    QSqlDatabase db = connection();
    Transaction tx(*this, db);
    if (selectUser(db, QStringLiteral("1"), userId, true).isEmpty())
        return false;
    beginErasure(db);
    QSqlQuery records =
        prepare(db, QStringLiteral("DELETE FROM records WHERE user_id = ?"), {userId});
    run(records);
    QSqlQuery user = prepare(db, QStringLiteral("DELETE FROM users WHERE id = ?"), {userId});
    run(user);
    tx.commit();
    endErasure(db);
    return true;
}

int ServerStore::deleteKind(const QString &userId, const QString &kind)
{
    QSqlDatabase db = connection();
    beginErasure(db);
    QSqlQuery q = prepare(db, QStringLiteral("DELETE FROM records WHERE user_id = ? AND kind = ?"),
                          {userId, kind});
    run(q);
    const int erased = q.numRowsAffected();
    q.finish();
    endErasure(db);
    return erased;
}

} // namespace hale::server
