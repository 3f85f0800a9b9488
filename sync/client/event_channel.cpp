#include "sync/client/event_channel.h"

#include "sync/core/protocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcEvents, "hale.sync.events")

namespace hale::sync {

EventChannel::EventChannel(QObject *parent) : EventChannel(Timing{}, parent) {}

EventChannel::EventChannel(Timing timing, QObject *parent)
    : QObject(parent), m_timing(timing), m_ping(this), m_deadline(this)
{
    m_ping.setSingleShot(true);
    m_deadline.setSingleShot(true);
    connect(&m_ping, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        m_socket->ping();
        m_deadline.start(m_timing.pongTimeoutMs);
    });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(0, m_open ? tr("The server stopped answering.")
                         : tr("The server did not open the event stream in time."));
    });
}

EventChannel::~EventChannel()
{
    close();
}

void EventChannel::open(const QUrl &baseUrl, const QString &accessToken)
{
    close();
    QUrl url = baseUrl;
    url.setScheme(baseUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                             : QStringLiteral("ws"));
    url.setPath(baseUrl.path() + QLatin1String(route::kEvents));
    // The token goes in a header, never in the URL (URLs end up in logs).
    QNetworkRequest request(url);
    request.setRawHeader(kProtocolHeader, QByteArray::number(kProtocolVersion));
    request.setRawHeader(kAuthorizationHeader, kBearerPrefix + accessToken.toLatin1());
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // The server sends small text frames only.
    m_socket->setMaxAllowedIncomingFrameSize(64 * 1024);
    m_socket->setMaxAllowedIncomingMessageSize(64 * 1024);
    QWebSocket *socket = m_socket;
    connect(socket, &QWebSocket::connected, this, [this] {
        m_open = true;
        m_deadline.stop();
        m_ping.start(m_timing.pingIntervalMs);
        emit opened();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, &EventChannel::received);
    connect(socket, &QWebSocket::pong, this, [this] {
        m_deadline.stop();
        m_ping.start(m_timing.pingIntervalMs);
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            finish(socket->closeCode(), socket->closeReason());
    });
    // Qt 6.4 names the signal error(); errorOccurred() came in 6.5.
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError) {
                if (socket == m_socket)
                    finish(0, socket->errorString());
            });
    m_deadline.start(m_timing.openTimeoutMs);
    socket->open(request);
}

void EventChannel::close()
{
    m_ping.stop();
    m_deadline.stop();
    m_open = false;
    if (QWebSocket *socket = std::exchange(m_socket, nullptr)) {
        disconnect(socket, nullptr, this, nullptr);
        // A failed handshake leaves the socket open in Qt 6.4: abort, not close.
        socket->abort();
        socket->deleteLater();
    }
}

void EventChannel::finish(int closeCode, const QString &reason)
{
    if (!m_socket)
        return;
    qCInfo(lcEvents) << "event stream ended:" << closeCode << reason;
    close();
    emit ended(closeCode, reason);
}

void EventChannel::received(const QString &message)
{
    // Any frame shows the stream is alive.
    if (!m_deadline.isActive())
        m_ping.start(m_timing.pingIntervalMs);
    const QJsonObject event = QJsonDocument::fromJson(message.toUtf8()).object();
    // Other types may come from newer servers: they are not for this version.
    if (event.value(QStringLiteral("type")).toString() != QLatin1String(events::kChanged))
        return;
    const qint64 seq = event.value(QStringLiteral("seq")).toInteger(-1);
    if (seq >= 0)
        emit changed(seq);
}

} // namespace hale::sync
