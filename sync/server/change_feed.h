#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

struct pg_conn;
class QSocketNotifier;

namespace hale::server {

// What a sync committed on one instance reaches the devices connected to
// every other instance on the same PostgreSQL, through LISTEN/NOTIFY on one
// connection per instance (libpq, on a thread of its own).
//
// Commits are not notified one by one: every notifying commit takes a lock
// over the whole database in PostgreSQL, which halved pgbench's throughput
// here. An instance gathers what its syncs committed and sends it every
// few milliseconds in as few NOTIFYs as fit (8,000 bytes each), from this
// connection, outside the syncs' transactions.
//
// The connection is checked every few seconds and opened again when it
// fails (PostgreSQL restarted, the network cut); notifications sent while it
// was down are lost, so reconnected() asks for a catch-up: the sequence of
// every user with a stream here, which the devices compare with their cursors.
class ChangeFeed : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *kChannel = "hale_changes";

    explicit ChangeFeed(const QString &databaseUrl, QObject *parent = nullptr);
    ~ChangeFeed() override;

    // libpq's connection string for a postgres:// URL (values quoted).
    static QByteArray connectionString(const QString &databaseUrl);

public slots:
    // Connects and listens; call on the feed's thread.
    void start();
    // A sync on this instance committed: tell the other instances.
    void committed(const QString &userId, qint64 seq, const QString &deviceId);
    // Looks up these users' sequences and reports each through changed()
    // (with no device, so that every stream hears it).
    void catchUp(const QStringList &userIds);

signals:
    // A sync on another instance committed.
    void changed(const QString &userId, qint64 seq, const QString &deviceId);
    // The connection was opened again: notifications may have been missed.
    void reconnected();

private:
    bool connect();
    void disconnect();
    void check();
    void readNotifications();
    void flush();
    bool execute(const char *sql, const QList<QByteArray> &params);

    QByteArray m_conninfo;
    QByteArray m_instance; // names this instance's notifications, to skip its own
    pg_conn *m_connection = nullptr;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_health;
    QTimer m_flush;
    bool m_everConnected = false;
    // Commits not yet sent: (user, device) -> the latest sequence.
    QHash<QPair<QString, QString>, qint64> m_pending;
};

} // namespace hale::server
