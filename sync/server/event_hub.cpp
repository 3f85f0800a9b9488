#include "sync/server/event_hub.h"

#include "sync/core/protocol.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QWebSocket>
#include <algorithm>

Q_LOGGING_CATEGORY(lcEvents, "hale.server.events")

namespace hale::server {

namespace {

// Clients send nothing but control frames (at most 125 bytes): anything
// larger is refused by QWebSocket (close 1009) before it is buffered.
constexpr int kMaxIncomingBytes = 1024;
constexpr int kHandshakeTimeoutMs = 10'000;
// A close handshake the peer does not finish in this time is cut.
constexpr int kCloseGraceMs = 2'000;

QPair<QString, quint16> peerKey(const QHostAddress &address, quint16 port)
{
    return {address.toString(), port};
}

QString changedMessage(qint64 seq)
{
    return QStringLiteral(R"({"type":"%1","seq":%2})")
        .arg(QLatin1String(sync::events::kChanged))
        .arg(seq);
}

} // namespace

EventHub::EventHub(const EventLimits &limits, QObject *parent)
    : QObject(parent), m_limits(limits),
      m_server(QStringLiteral("hale-server"), QWebSocketServer::NonSecureMode)
{
    m_clock.start();
    m_server.setHandshakeTimeout(kHandshakeTimeoutMs);
    // Handshakes are taken as soon as they finish; this only bounds a burst.
    m_server.setMaxPendingConnections(std::max(30, limits.maxStreams));
    connect(&m_server, &QWebSocketServer::newConnection, this, &EventHub::accepted);
    m_pings.setInterval(std::max(100, limits.pingIntervalMs));
    connect(&m_pings, &QTimer::timeout, this, &EventHub::sweep);
    m_pings.start();
}

EventHub::~EventHub()
{
    // The streams are children: deleted with the hub, without their
    // disconnected() reaching a half-destroyed hub.
    for (QWebSocket *socket : m_streams.keys())
        disconnect(socket, nullptr, this, nullptr);
}

void EventHub::adopt(QTcpSocket *socket, const QJsonObject &handover)
{
    m_pending.insert(peerKey(socket->peerAddress(), socket->peerPort()),
                     {EventGrant::fromJson(handover), m_clock.elapsed()});
    // The upgrade request's head is still unread in the socket: the
    // WebSocket server reads and answers the handshake itself.
    m_server.handleConnection(socket);
}

void EventHub::accepted()
{
    while (m_server.hasPendingConnections()) {
        QWebSocket *socket = m_server.nextPendingConnection();
        socket->setParent(this);
        const auto pending = m_pending.find(peerKey(socket->peerAddress(), socket->peerPort()));
        if (pending == m_pending.end()) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const EventGrant grant = pending->grant;
        m_pending.erase(pending);
        open(socket, grant);
    }
}

void EventHub::open(QWebSocket *socket, const EventGrant &grant)
{
    socket->setMaxAllowedIncomingFrameSize(kMaxIncomingBytes);
    socket->setMaxAllowedIncomingMessageSize(kMaxIncomingBytes);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        forget(socket);
        socket->deleteLater();
    });
    if (grant.closeCode != 0)
        return drop(socket, grant.closeCode, grant.closeReason);
    if (m_open >= m_limits.maxStreams ||
        m_byUser.count(grant.userId) >= m_limits.maxStreamsPerUser ||
        m_perAddress.value(grant.address) >= m_limits.maxStreamsPerAddress) {
        return drop(socket, sync::events::kTooMany,
                    QStringLiteral("Too many event streams are open; try again later."));
    }
    m_streams.insert(socket, {grant.userId, grant.deviceId, grant.address, -1, m_clock.elapsed()});
    m_byUser.insert(grant.userId, socket);
    ++m_perAddress[grant.address];
    ++m_open;
    const auto refuseMessage = [this, socket] {
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("This stream takes no messages."));
    };
    connect(socket, &QWebSocket::textMessageReceived, this, refuseMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, refuseMessage);
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        if (auto stream = m_streams.find(socket); stream != m_streams.end())
            stream->lastPongMs = m_clock.elapsed();
    });
    // The stream lives as long as the token it was opened with; the device
    // then refreshes it and opens another (so a revoked session's stream
    // ends by itself even where revoke() never hears of it).
    const qint64 left = grant.expiresAtMs - QDateTime::currentMSecsSinceEpoch();
    QTimer::singleShot(
        std::clamp<qint64>(left, 0, std::numeric_limits<int>::max()), socket, [this, socket] {
            drop(socket, sync::events::kUnauthorized, QStringLiteral("The access token expired."));
        });
    const qint64 seq = std::max(
        {grant.seq, m_published.value(grant.userId), m_publishedBefore.value(grant.userId)});
    send(socket, m_streams[socket], seq);
}

void EventHub::send(QWebSocket *socket, Stream &stream, qint64 seq)
{
    if (seq <= stream.sentSeq)
        return;
    stream.sentSeq = seq;
    socket->sendTextMessage(changedMessage(seq));
    if (socket->bytesToWrite() > m_limits.maxPendingOutputBytes) {
        forget(socket);
        socket->abort();
    }
}

void EventHub::publish(const QString &userId, qint64 seq, const QString &origin)
{
    qint64 &latest = m_published[userId];
    latest = std::max(latest, seq);
    const QList<QWebSocket *> sockets = m_byUser.values(userId);
    for (QWebSocket *socket : sockets) {
        auto stream = m_streams.find(socket);
        if (stream != m_streams.end() && stream->deviceId != origin)
            send(socket, *stream, seq);
    }
}

void EventHub::revoke(const QString &userId, const QString &deviceId)
{
    const QList<QWebSocket *> sockets = m_byUser.values(userId);
    for (QWebSocket *socket : sockets) {
        if (deviceId.isEmpty() || m_streams.value(socket).deviceId == deviceId)
            drop(socket, sync::events::kRevoked, QStringLiteral("This device was signed out."));
    }
}

void EventHub::closeAll()
{
    const QList<QWebSocket *> sockets = m_streams.keys();
    for (QWebSocket *socket : sockets)
        drop(socket, QWebSocketProtocol::CloseCodeGoingAway,
             QStringLiteral("The server is stopping."));
}

void EventHub::drop(QWebSocket *socket, int code, const QString &reason)
{
    forget(socket);
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(kCloseGraceMs, socket, &QWebSocket::abort);
}

void EventHub::forget(QWebSocket *socket)
{
    const auto stream = m_streams.constFind(socket);
    if (stream == m_streams.cend())
        return;
    m_byUser.remove(stream->userId, socket);
    if (--m_perAddress[stream->address] <= 0)
        m_perAddress.remove(stream->address);
    m_streams.erase(stream);
    --m_open;
}

void EventHub::sweep()
{
    const qint64 now = m_clock.elapsed();
    // A stream that answered neither of the last two pings is gone (a
    // laptop that slept, a cable pulled): its socket may never say so.
    const qint64 deadline = now - 2 * qint64(m_pings.interval()) - m_pings.interval() / 2;
    QList<QWebSocket *> dead;
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it) {
        if (it->lastPongMs < deadline || it.key()->bytesToWrite() > m_limits.maxPendingOutputBytes)
            dead << it.key();
        else
            it.key()->ping();
    }
    for (QWebSocket *socket : dead) {
        forget(socket);
        socket->abort();
    }
    if (!dead.isEmpty())
        qCInfo(lcEvents) << "dropped" << dead.size() << "event streams that stopped answering";
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (now - it->sinceMs > 2 * kHandshakeTimeoutMs)
            it = m_pending.erase(it);
        else
            ++it;
    }
    m_publishedBefore = std::exchange(m_published, {});
}

} // namespace hale::server
