#pragma once

#include "sync/core/wire.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace hale::server {

class SqliteBulk;

// The database could not answer: it is down, restarting, or a statement
// failed. Never an answer about the caller (not "signed out", not "taken"):
// the API turns it into 503 with Retry-After, and the connection that failed
// is opened afresh on its next use.
class DatabaseUnavailable : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// A refresh token to store, as its digest (the token itself is never stored).
struct NewRefreshToken
{
    QString digest;
    qint64 expiresAtSeconds = 0;
};

struct DeviceInfo
{
    QString id;
    QString name;
    QString platform;
    QDateTime lastSeen;
    bool revoked = false;
};

// hale-server's database: accounts, devices, refresh tokens and every user's
// records with their per-user change sequence. SQLite (QSQLITE) by default,
// PostgreSQL (QPSQL) in production. Safe to call from any worker thread:
// each thread gets its own connection.
class ServerStore
{
public:
    ServerStore(QString dataDir, QString databaseUrl);
    ~ServerStore();

    bool isPostgres() const { return m_postgres; }
    // Creates or upgrades the schema; run once at start.
    bool migrate(QString *error);
    // The signing key's fingerprint the database was first served with
    // (empty: none yet); see loadSigningSecret().
    QString signingKeyFingerprint();
    // Records `fingerprint` if none is; false if another one is.
    bool adoptSigningKeyFingerprint(const QString &fingerprint);
    // Whether the database answers now (for /readyz).
    bool ping();
    // Prepared statements kept for reuse, over all connections (for /metrics).
    int cachedStatements();

    // Every call below throws DatabaseUnavailable when the database fails.

    enum class Created { Ok, EmailTaken };
    // The account, its first device and that device's first refresh token, at once.
    Created createAccount(const QString &email, const QString &passwordHash,
                          const DeviceInfo &device, const NewRefreshToken &token, QString *userId);
    struct Account
    {
        QString id;
        QString passwordHash;
    };
    std::optional<Account> accountByEmail(const QString &email);

    // Registers the device (bringing a revoked one back) and starts its new
    // session: its earlier refresh tokens die, `token` is the only one.
    // Returns the device's session number, which its access tokens carry.
    qint64 signIn(const QString &userId, const DeviceInfo &device, const NewRefreshToken &token);
    // Whether an access token of this device and session is still good: the
    // device exists, is not revoked, and was not revoked after the token's
    // session began. Notes the device as seen.
    bool sessionActive(const QString &userId, const QString &deviceId, qint64 session);
    QList<DeviceInfo> devices(const QString &userId);
    bool renameDevice(const QString &userId, const QString &deviceId, const QString &name);
    // An end-to-end encrypted account's wrapped keys (compact JSON), or
    // nothing for an account in clear.
    std::optional<QByteArray> accountKeys(const QString &userId);
    bool isEndToEnd(const QString &userId);
    struct KeysChange
    {
        QByteArray keys;                    // compact JSON
        std::optional<QByteArray> previous; // the keys replaced, as read; none to switch on
        qint64 cursor = 0;                  // the device's sync cursor
        QStringList kinds;                  // the kinds the device knows
    };
    enum class KeysOutcome { Set, NoAccount, KeysChanged, SyncFirst, UnknownKinds };
    // Keeps the wrapped keys if `previous` is what is stored (KeysChanged
    // otherwise). Switching encryption on (no keys before) also erases the
    // account's records, all in clear, in the same transaction: the devices
    // send everything again, sealed. Only from the account's latest change
    // (`cursor`): otherwise another device wrote what the switching one has
    // not seen (SyncFirst); and only if the device knows every kind stored
    // (UnknownKinds), or those records would be lost.
    KeysOutcome setAccountKeys(const QString &userId, const KeysChange &change);
    // Its refresh tokens die; its access tokens stop working at once.
    bool revokeDevice(const QString &userId, const QString &deviceId);

    enum class Refresh { Ok, Unknown, Reused, Expired };
    // Trades a refresh token for `next`, in one transaction with the device's
    // row locked: the token is used up, the device checked and the new token
    // stored together, so no new token outlives a revocation. `next` is
    // derived from the token (crypto::successorToken), so a used token
    // presented again while its successor is unused (a lost answer, a
    // duplicated request) gets the same answer again; presented after its
    // successor was used, it has leaked, and the device's sessions end.
    Refresh rotateRefreshToken(const QString &digest, const NewRefreshToken &next,
                               qint64 nowSeconds, QString *userId, QString *deviceId,
                               qint64 *session);

    // One sync round trip, in one transaction with the user's row locked:
    // merges the changes, numbers what changed, returns the page since the
    // cursor. The page's records come in `changes` as stored JSON, not
    // decoded (the response's own `changes` stays empty).
    // `changedTo`: the user's new change sequence if the request changed
    // anything, else 0.
    // `sealed`: the request was read as an end-to-end encrypted account's
    // (every value sealed); if the account is not (any more) what it was
    // read as, nothing is written (EncryptionChanged).
    enum class SyncOutcome { Ok, NoAccount, CursorAhead, EncryptionChanged };
    SyncOutcome sync(const QString &userId, const sync::SyncRequest &request, bool sealed,
                     sync::SyncResponse *response, QList<QByteArray> *changes,
                     qint64 *changedTo = nullptr);
    // Takes one sign-in attempt from the token bucket `key` (`perMinute`
    // attempts a minute, bursts up to that many), kept in the database so
    // that every instance on it counts against the same bucket. False (and
    // the seconds until one is free) if the bucket is empty.
    bool takeSignIn(const QString &key, int perMinute, qint64 nowMs, int *retryAfterSeconds);
    // The user's change sequence now (0 if there is no such user).
    qint64 changeSeq(const QString &userId);

    QList<sync::RecordState> allRecords(const QString &userId);
    // Erases the user, their devices, tokens and records.
    bool deleteUser(const QString &userId);
    // Erases one kind of the user's records from the server; how many.
    int deleteKind(const QString &userId, const QString &kind);

private:
    class Transaction;
    QSqlDatabase connection();
    void dropConnection(const QString &name);
    // The sync path's small statements ("?" placeholders): every row's
    // columns as UTF-8 text, NULL as a null QByteArray. On PostgreSQL one
    // round trip through libpq (see postgres_bulk.h), on SQLite a statement
    // prepared once per connection through its C API (see sqlite_bulk.h).
    // Throws DatabaseUnavailable.
    void beginErasure(const QSqlDatabase &db);
    void endErasure(const QSqlDatabase &db);
    using Rows = QList<QList<QByteArray>>;
    Rows select(const QSqlDatabase &db, const QString &sql, const QVariantList &binds);
    // `columns` of the user's row, the row locked for the transaction if
    // `lock` (on PostgreSQL); no row if there is no such user.
    Rows selectUser(const QSqlDatabase &db, const QString &columns, const QString &userId,
                    bool lock);
    // The sync path's bulk statements, each shaped for the database in use.
    struct StoredRow
    {
        QString kind;
        QString id;
        QByteArray state; // JSON
        qint64 seq = 0;
    };
    void readStored(const QSqlDatabase &db, const QString &userId, const QString &kind,
                    const QStringList &ids, QHash<QString, sync::RecordState> *stored);
    void writeRows(const QSqlDatabase &db, const QString &userId, const QList<StoredRow> &rows);
    bool cursorStillStands(const QSqlDatabase &db, const QString &userId,
                           const sync::SyncRequest &request);
    // Within a transaction: see signIn() and revokeDevice().
    qint64 signInLocked(const QSqlDatabase &db, const QString &userId, const DeviceInfo &device,
                        const NewRefreshToken &token);
    void revokeLocked(const QSqlDatabase &db, const QString &userId, const QString &deviceId);

    QString m_dataDir;
    QString m_url;
    bool m_postgres = false;
    QString m_prefix;
    QMutex m_statementsMutex;
    QMutex m_sqliteWriter; // see Transaction
    // connection name -> its record reads and writes on SQLite
    std::unordered_map<QString, std::unique_ptr<SqliteBulk>> m_sqliteBulk;
    SqliteBulk &sqliteBulk(const QSqlDatabase &db);
};

} // namespace hale::server
