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
#include <unordered_map>

namespace hale::server {

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

    enum class Created { Ok, EmailTaken, Failed };
    Created createUser(const QString &email, const QString &passwordHash, QString *userId);
    struct Account
    {
        QString id;
        QString passwordHash;
    };
    std::optional<Account> accountByEmail(const QString &email);

    // Registers a device for the user (or brings a revoked one back on a new sign-in).
    bool upsertDevice(const QString &userId, const DeviceInfo &device);
    bool deviceActive(const QString &userId, const QString &deviceId);
    QList<DeviceInfo> devices(const QString &userId);
    bool renameDevice(const QString &userId, const QString &deviceId, const QString &name);
    // Its refresh tokens die; its access token stops working (deviceActive is false).
    bool revokeDevice(const QString &userId, const QString &deviceId);

    bool storeRefreshToken(const QString &digest, const QString &userId, const QString &deviceId,
                           qint64 expiresAtSeconds);
    enum class Refresh { Ok, Unknown, Reused, Expired };
    // Uses a refresh token up. A token presented twice means it leaked: the
    // device's sessions are revoked.
    Refresh consumeRefreshToken(const QString &digest, qint64 nowSeconds, QString *userId,
                                QString *deviceId);
    bool dropRefreshTokens(const QString &userId, const QString &deviceId);

    // One sync round trip, in one transaction with the user's row locked:
    // merges the changes, numbers what changed, returns the page since the
    // cursor. The page's records come in `changes` as stored JSON, not
    // decoded (the response's own `changes` stays empty).
    std::optional<sync::SyncResponse> sync(const QString &userId, const sync::SyncRequest &request,
                                           QList<QByteArray> *changes, QString *error);

    QList<sync::RecordState> allRecords(const QString &userId);
    // Erases the user, their devices, tokens and records.
    bool deleteUser(const QString &userId);
    // Erases one kind of the user's records from the server; how many, or -1.
    int deleteKind(const QString &userId, const QString &kind);

private:
    QSqlDatabase connection();
    // On SQLite a statement prepared once per connection and reused: the
    // sync path runs the same few large statements over and over. On
    // PostgreSQL a fresh statement each time (see the .cpp).
    QSqlQuery &cached(const QSqlDatabase &db, const QString &sql, const QVariantList &binds);
    // The sync path's bulk statements, each shaped for the database in use.
    struct StoredRow
    {
        QString kind;
        QString id;
        QByteArray state; // JSON
        qint64 seq = 0;
    };
    qsizetype rowsPerStatement() const;
    bool readStored(const QSqlDatabase &db, const QString &userId, const QString &kind,
                    const QStringList &ids, QHash<QString, sync::RecordState> *stored);
    bool writeRows(const QSqlDatabase &db, const QString &userId, const QList<StoredRow> &rows);
    bool begin(QSqlDatabase &db);

    QString m_dataDir;
    QString m_url;
    bool m_postgres = false;
    QString m_prefix;
    QMutex m_statementsMutex;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements; // key: connection + SQL
};

} // namespace hale::server
