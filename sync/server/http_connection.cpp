#include "sync/server/http_connection.h"

#include "sync/core/protocol.h"

#include <QCoreApplication>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace hale::server {

namespace {

HttpConnection *self(http_parser *p)
{
    return static_cast<HttpConnection *>(p->data);
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpLimits &limits, QObject *parent)
    : QObject(parent), m_socket(socket), m_limits(limits), m_timer(new QTimer(this)),
      m_writeDeadline(new QTimer(this))
{
    socket->setParent(this);
    // Unread bytes stay in the kernel, which then slows the sender down.
    socket->setReadBufferSize(64 * 1024);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &HttpConnection::timedOut);
    m_writeDeadline->setSingleShot(true);
    connect(m_writeDeadline, &QTimer::timeout, socket, &QTcpSocket::abort);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::readAvailable);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::drained);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        emit closed();
        deleteLater();
    });
    setPhase(Phase::Idle);
    if (auto *tls = qobject_cast<QSslSocket *>(socket); tls && !tls->isEncrypted()) {
        // The handshake gets less time than an idle connection: a client
        // that never sends one holds nothing for long.
        m_handshaking = true;
        m_timer->start(m_limits.tlsHandshakeTimeoutMs);
        connect(tls, &QSslSocket::encrypted, this, [this] {
            m_handshaking = false;
            setPhase(Phase::Idle);
        });
    }
}

HttpConnection::~HttpConnection() = default;

const http_parser_settings &HttpConnection::settings()
{
    static const http_parser_settings s = [] {
        http_parser_settings init;
        http_parser_settings_init(&init);
        init.on_message_begin = &HttpConnection::onMessageBegin;
        init.on_url = &HttpConnection::onUrl;
        init.on_header_field = &HttpConnection::onHeaderField;
        init.on_header_value = &HttpConnection::onHeaderValue;
        init.on_headers_complete = &HttpConnection::onHeadersComplete;
        init.on_body = &HttpConnection::onBody;
        init.on_message_complete = &HttpConnection::onMessageComplete;
        return init;
    }();
    return s;
}

void HttpConnection::setPhase(Phase phase)
{
    m_phase = phase;
    switch (phase) {
    case Phase::Idle:
        m_timer->start(m_limits.idleTimeoutMs);
        break;
    case Phase::Head:
        m_timer->start(m_limits.headerTimeoutMs);
        break;
    case Phase::Body:
        m_timer->start(m_limits.bodyTimeoutMs);
        break;
    case Phase::Handling:
        m_timer->stop();
        break;
    }
}

void HttpConnection::timedOut()
{
    if (m_handshaking) {
        m_socket->abort();
        return;
    }
    if (m_phase == Phase::Idle) {
        m_socket->disconnectFromHost();
        return;
    }
    refuse(408, QLatin1String(sync::errorcode::kRequestTimeout),
           QStringLiteral("The request did not arrive in time."));
}

bool HttpConnection::readingPaused() const
{
    return m_phase == Phase::Handling || m_socket->bytesToWrite() > m_limits.maxPendingOutputBytes;
}

void HttpConnection::readAvailable()
{
    // Pipelined requests wait in the socket until their turn.
    if (readingPaused())
        return;
    if (!m_peeking) {
        feed(m_socket->readAll());
        return;
    }
    const QByteArray seen = m_socket->peek(m_socket->bytesAvailable());
    const qint64 parsedBefore = std::exchange(m_peeked, seen.size());
    feed(seen.mid(qsizetype(parsedBefore)));
    // Past the head of anything but an upgrade, the bytes are taken; so are
    // they when a head fills the whole read buffer (no upgrade's is that
    // long, and a full buffer would read no more).
    if (m_peeking && ((m_phase != Phase::Idle && m_phase != Phase::Head && !m_request.upgrade) ||
                      m_peeked >= m_socket->readBufferSize()))
        stopPeeking();
}

void HttpConnection::stopPeeking()
{
    m_socket->skip(std::exchange(m_peeked, 0));
    m_peeking = false;
    if (m_request.upgrade) {
        // Its head is gone from the socket: it can only be refused, and
        // what follows it is not HTTP.
        m_request.upgrade = false;
        m_keepAlive = false;
    }
}

QTcpSocket *HttpConnection::release()
{
    QTcpSocket *socket = m_socket;
    disconnect(socket, nullptr, this, nullptr);
    disconnect(m_writeDeadline, nullptr, socket, nullptr);
    m_timer->stop();
    m_writeDeadline->stop();
    socket->setParent(nullptr);
    emit closed();
    deleteLater();
    return socket;
}

void HttpConnection::sent(const QByteArray &bytes)
{
    m_socket->write(bytes);
    if (m_socket->bytesToWrite() > 0 && !m_writeDeadline->isActive())
        m_writeDeadline->start(m_limits.writeTimeoutMs);
}

void HttpConnection::drained()
{
    if (m_socket->bytesToWrite() > 0)
        return;
    m_writeDeadline->stop();
    // Reading may have stopped for the backlog: take up what waits.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::readAvailable, Qt::QueuedConnection);
}

void HttpConnection::feed(const QByteArray &data)
{
    if (data.isEmpty())
        return;
    const size_t parsed =
        http_parser_execute(&m_parser, &settings(), data.constData(), size_t(data.size()));
    const http_errno error = HTTP_PARSER_ERRNO(&m_parser);
    if (error == HPE_PAUSED) {
        // A whole request arrived; keep what follows it for later (unless
        // it is an upgrade's, which stays in the socket for the next owner).
        if (!m_request.upgrade)
            m_pending = data.mid(qsizetype(parsed)) + m_pending;
        return;
    }
    if (error != HPE_OK) {
        if (m_refusal == 413)
            refuse(413, QLatin1String(sync::errorcode::kBodyTooLarge),
                   QStringLiteral("The request body is larger than %1 bytes.")
                       .arg(m_limits.maxBodyBytes));
        else if (m_refusal == 431 || error == HPE_HEADER_OVERFLOW)
            refuse(431, QLatin1String(sync::errorcode::kHeadersTooLarge),
                   QStringLiteral("The request headers are larger than %1 bytes.")
                       .arg(m_limits.maxHeaderBytes));
        else
            refuse(400, QLatin1String(sync::errorcode::kMalformedHttp),
                   QStringLiteral("The request is not valid HTTP/1.1."));
    }
}

void HttpConnection::refuse(int status, const QString &code, const QString &message)
{
    // After a refusal the rest of the stream cannot be trusted: answer, then close.
    m_keepAlive = false;
    m_timer->stop();
    m_phase = Phase::Handling;
    disconnect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::readAvailable);
    sent(HttpResponse::error(status, code, message).serialize(false));
    m_socket->disconnectFromHost();
}

void HttpConnection::respond(const HttpResponse &response)
{
    if (m_phase != Phase::Handling)
        return;
    // An upgrade refused: its head is still in the socket, and the client
    // expected another protocol to follow. Answer and close.
    if (m_request.upgrade)
        stopPeeking();
    sent(response.serialize(m_keepAlive));
    if (!m_keepAlive) {
        m_socket->disconnectFromHost();
        return;
    }
    setPhase(Phase::Idle);
    http_parser_pause(&m_parser, 0);
    // Bytes already taken (pipelined) are parsed from m_pending; only a
    // request that starts in the socket is peeked at.
    m_peeking = m_pending.isEmpty();
    feed(std::exchange(m_pending, {}));
    readAvailable();
}

bool HttpConnection::countHeaderBytes(size_t length)
{
    m_headerBytes += qint64(length);
    if (m_headerBytes <= m_limits.maxHeaderBytes)
        return true;
    m_refusal = 431;
    return false;
}

void HttpConnection::finishHeader()
{
    if (!m_field.isEmpty())
        m_request.headers.insert(m_field.toLower(), m_value.trimmed());
    m_field.clear();
    m_value.clear();
}

int HttpConnection::onMessageBegin(http_parser *p)
{
    HttpConnection *c = self(p);
    c->m_request = HttpRequest{};
    c->m_request.peer = c->m_socket->peerAddress();
    c->m_url.clear();
    c->m_field.clear();
    c->m_value.clear();
    c->m_lastWasValue = false;
    c->m_headerBytes = 0;
    c->m_refusal = 0;
    c->setPhase(Phase::Head);
    return 0;
}

int HttpConnection::onUrl(http_parser *p, const char *at, size_t length)
{
    HttpConnection *c = self(p);
    c->m_url.append(at, qsizetype(length));
    return c->countHeaderBytes(length) ? 0 : 1;
}

int HttpConnection::onHeaderField(http_parser *p, const char *at, size_t length)
{
    HttpConnection *c = self(p);
    if (c->m_lastWasValue) {
        c->finishHeader();
        c->m_lastWasValue = false;
    }
    c->m_field.append(at, qsizetype(length));
    return c->countHeaderBytes(length) ? 0 : 1;
}

int HttpConnection::onHeaderValue(http_parser *p, const char *at, size_t length)
{
    HttpConnection *c = self(p);
    c->m_lastWasValue = true;
    c->m_value.append(at, qsizetype(length));
    return c->countHeaderBytes(length) ? 0 : 1;
}

int HttpConnection::onHeadersComplete(http_parser *p)
{
    HttpConnection *c = self(p);
    c->finishHeader();
    const QUrl url = QUrl::fromEncoded(c->m_url);
    c->m_request.method = http_method_str(http_method(p->method));
    c->m_request.path = url.path();
    c->m_request.query = QUrlQuery(url);
    // Only a path names a resource here ("*" and the like name none; found
    // by fuzzing).
    if (!c->m_request.path.startsWith(QLatin1Char('/'))) {
        c->m_refusal = 400;
        return -1;
    }
    c->m_keepAlive = http_should_keep_alive(p) != 0;
    c->m_request.upgrade = p->upgrade != 0 && c->m_peeking;
    // Refuse an oversized body from its declared length, before reading it.
    if (c->m_request.headers.contains("content-length") &&
        p->content_length > quint64(c->m_limits.maxBodyBytes)) {
        c->m_refusal = 413;
        return -1;
    }
    // A client that asked before sending its body (curl does for large ones)
    // hears that it may go ahead.
    if (c->m_request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        c->sent("HTTP/1.1 100 Continue\r\n\r\n");
    c->setPhase(Phase::Body);
    return 0;
}

int HttpConnection::onBody(http_parser *p, const char *at, size_t length)
{
    HttpConnection *c = self(p);
    if (c->m_request.body.size() + qint64(length) > c->m_limits.maxBodyBytes) {
        c->m_refusal = 413; // a chunked body that grew too large
        return 1;
    }
    c->m_request.body.append(at, qsizetype(length));
    return 0;
}

int HttpConnection::onMessageComplete(http_parser *p)
{
    HttpConnection *c = self(p);
    c->setPhase(Phase::Handling);
    http_parser_pause(p, 1); // one request at a time
    // Delivered from the event loop, never from inside the parser, so that a
    // handler that answers at once cannot re-enter http_parser_execute().
    QMetaObject::invokeMethod(
        c, [c, request = c->m_request] { emit c->requestReady(request); }, Qt::QueuedConnection);
    return 0;
}

} // namespace hale::server
