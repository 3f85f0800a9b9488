#pragma once

#include "sync/server/event_grant.h"
#include "sync/server/http_limits.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMultiHash>
#include <QObject>
#include <QTimer>
#include <QWebSocketServer>
#include <atomic>

class QTcpSocket;
class QWebSocket;

namespace hale::server {

// The event streams of one hale-server instance: takes over upgraded
// connections from the HttpServer, tells each stream "changed up to N" when
// another device of its user commits a change, pings them all, and drops the
// dead, the slow, the expired and the ones that send anything. Lives on the
// HTTP thread (a WebSocket must stay on its socket's thread); the slots may
// be invoked from any thread through a queued call.
class EventHub : public QObject
{
    Q_OBJECT

public:
    explicit EventHub(const EventLimits &limits, QObject *parent = nullptr);
    ~EventHub() override;

    // HttpServer::UpgradeHandler: the connection and its EventGrant.
    void adopt(QTcpSocket *socket, const QJsonObject &handover);
    // Open streams (read by /metrics from worker threads).
    int streams() const { return m_open; }
    // The users with a stream here (for a catch-up after missed news).
    QStringList users() const { return m_byUser.uniqueKeys(); }

public slots:
    // The user's data has changes up to `seq`; `origin` (a device id, or
    // empty) made them and is not told.
    void publish(const QString &userId, qint64 seq, const QString &origin);
    // The device was signed out, or the account deleted (empty deviceId:
    // every device of the user).
    void revoke(const QString &userId, const QString &deviceId);
    // Closes every stream (the server is stopping): clients reconnect.
    void closeAll();

private:
    struct Stream
    {
        QString userId;
        QString deviceId;
        QString address;
        qint64 sentSeq = -1; // the last sequence it was told (none yet)
        qint64 lastPongMs = 0;
    };
    void accepted();
    void open(QWebSocket *socket, const EventGrant &grant);
    void send(QWebSocket *socket, Stream &stream, qint64 seq);
    void drop(QWebSocket *socket, int code, const QString &reason);
    void forget(QWebSocket *socket);
    void sweep();

    EventLimits m_limits;
    QWebSocketServer m_server;
    QElapsedTimer m_clock;
    QTimer m_pings;
    // Upgrades whose handshake is under way, by the peer's address and port.
    struct Pending
    {
        EventGrant grant;
        qint64 sinceMs = 0;
    };
    QHash<QPair<QString, quint16>, Pending> m_pending;
    QHash<QWebSocket *, Stream> m_streams;
    QMultiHash<QString, QWebSocket *> m_byUser;
    QHash<QString, int> m_perAddress; // open streams by EventGrant::address
    // The last sequence published per user, over the last two sweeps: a
    // stream whose grant was read just before a change it was not yet there
    // to hear of learns it when it opens. Two generations keep it bounded.
    QHash<QString, qint64> m_published;
    QHash<QString, qint64> m_publishedBefore;
    std::atomic<int> m_open = 0;
};

} // namespace hale::server
