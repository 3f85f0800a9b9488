#include "sync/server/http_server.h"

#include "sync/core/protocol.h"
#include "sync/server/http_connection.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>

Q_LOGGING_CATEGORY(lcHttp, "hale.server.http")

namespace hale::server {

HttpServer::~HttpServer()
{
    close();
    m_workers.waitForDone();
}

bool HttpServer::enableTls(const QString &certificatePath, const QString &keyPath, QString *error)
{
    QFile certFile(certificatePath);
    QFile keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        *error = tr("The TLS certificate or key cannot be read.");
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        *error = tr("The TLS certificate or key is not valid PEM.");
        return false;
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    m_tls = config;
    return true;
}

HttpServer::HttpServer(const Router *router, const HttpLimits &limits, int workers, QObject *parent)
    : QTcpServer(parent), m_router(router), m_limits(limits)
{
    m_workers.setMaxThreadCount(std::max(1, workers));
    // Workers keep their thread (and its database connection) for good.
    m_workers.setExpiryTimeout(-1);
    // Out of file descriptors (EMFILE), QTcpServer stops accepting for
    // good. Try again shortly: connections that end free descriptors.
    connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        if (!m_acceptErrorLogged.isValid() || m_acceptErrorLogged.elapsed() > 10'000) {
            qCWarning(lcHttp) << "cannot accept connections:" << error << errorString();
            m_acceptErrorLogged.start();
        }
        QTimer::singleShot(100, this, &QTcpServer::resumeAccepting);
    });
}

QString HttpServer::addressKey(const QHostAddress &peer)
{
    bool mapped = false;
    const quint32 v4 = peer.toIPv4Address(&mapped);
    if (mapped)
        return QHostAddress(v4).toString();
    // One IPv6 user usually holds a whole /64.
    Q_IPV6ADDR bytes = peer.toIPv6Address();
    std::fill(std::begin(bytes.c) + 8, std::end(bytes.c), quint8(0));
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

void HttpServer::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = m_tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QString peer = addressKey(socket->peerAddress());
    if (m_open >= m_limits.maxConnections ||
        (m_perAddress.value(peer) >= m_limits.maxConnectionsPerAddress &&
         !isTrustedProxy(socket->peerAddress()))) {
        if (m_tls) {
            // No answer can be sent before a handshake: end it at once.
            socket->abort();
            delete socket;
            return;
        }
        // Answered and closed at once: a full server stays responsive, and
        // a client that does not read the answer does not keep the socket.
        socket->setParent(this);
        socket->write(HttpResponse::error(503, QLatin1String(sync::errorcode::kBusy),
                                          QStringLiteral("Too many open connections."))
                          .serialize(false));
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(1000, socket, &QTcpSocket::abort);
        return;
    }
    if (m_tls) {
        auto *tls = static_cast<QSslSocket *>(socket);
        tls->setSslConfiguration(*m_tls);
        tls->startServerEncryption();
    }
    ++m_open;
    ++m_perAddress[peer];
    auto *connection = new HttpConnection(socket, m_limits, this);
    connect(connection, &HttpConnection::closed, this, [this, peer] {
        --m_open;
        if (--m_perAddress[peer] <= 0)
            m_perAddress.remove(peer);
    });
    connect(connection, &HttpConnection::requestReady, this,
            [this, connection](const HttpRequest &request) { dispatch(connection, request); });
}

bool HttpServer::isTrustedProxy(const QHostAddress &address) const
{
    return std::any_of(m_trustedProxies.cbegin(), m_trustedProxies.cend(),
                       [&address](const QHostAddress &proxy) { return proxy.isEqual(address); });
}

QHostAddress HttpServer::clientAddress(const HttpRequest &request) const
{
    if (!isTrustedProxy(request.peer))
        return request.peer;
    // Each proxy appends the address it was reached from: read from the
    // right, past the proxies we trust; what is left of that was written
    // by the client and proves nothing.
    const QList<QByteArray> hops = request.header("x-forwarded-for").split(',');
    QHostAddress client = request.peer;
    for (auto hop = hops.crbegin(); hop != hops.crend(); ++hop) {
        const QHostAddress address(QString::fromLatin1(hop->trimmed()));
        if (address.isNull())
            break;
        client = address;
        if (!isTrustedProxy(address))
            break;
    }
    return client;
}

namespace {

// One JSON line per request on stderr. Written with snprintf: building it
// as a QJsonObject with QDateTime's formatting was a sixth of the HTTP
// thread's work per request. The method is one http_parser knows (capital
// letters) and the route is a pattern of ours, so neither needs escaping.
void writeAccessLogLine(const QByteArray &method, const QString &route, int status, double millis)
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    char time[32];
    std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);
    // Hundredths of a millisecond as integers: %f would follow the locale
    // (a decimal comma is not JSON).
    const long long hundredths = qRound64(millis * 100);
    std::fprintf(stderr,
                 "{\"method\":\"%s\",\"ms\":%lld.%02lld,\"route\":\"%s\",\"status\":%d,"
                 "\"time\":\"%s.%03dZ\"}\n",
                 method.constData(), hundredths / 100, hundredths % 100, route.toUtf8().constData(),
                 status, time, int(now.tv_nsec / 1'000'000));
}

} // namespace

void HttpServer::dispatch(HttpConnection *connection, HttpRequest request)
{
    QElapsedTimer clock;
    clock.start();
    request.peer = clientAddress(request);
    const Router::Match match = m_router->match(request.method, request.path);
    auto finish = [this, clock, method = request.method, upgrade = request.upgrade,
                   route = match.route ? match.route->pattern : QStringLiteral("(unmatched)")](
                      const QPointer<HttpConnection> &target, HttpResponse response) {
        if (response.status == 101 && !(upgrade && m_upgrade)) {
            qCCritical(lcHttp) << "a route switched protocols on a request that cannot";
            response = HttpResponse::error(500, QLatin1String(sync::errorcode::kInternal),
                                           QStringLiteral("The server failed to answer."));
        }
        if (target && response.status == 101)
            m_upgrade(target->release(), response.handover);
        else if (target)
            target->respond(response);
        const double millis = double(clock.nsecsElapsed()) / 1e6;
        emit requestServed(method, route, response.status, millis);
        if (m_accessLog)
            writeAccessLogLine(method, route, response.status, millis);
    };
    if (!match.route) {
        HttpResponse response =
            match.allowed.isEmpty()
                ? HttpResponse::error(404, QLatin1String(sync::errorcode::kNotFound),
                                      QStringLiteral("There is nothing at this address."))
                : HttpResponse::error(405, QLatin1String(sync::errorcode::kMethodNotAllowed),
                                      QStringLiteral("This address does not take %1.")
                                          .arg(QString::fromLatin1(request.method)));
        if (!match.allowed.isEmpty())
            response.setHeader("Allow", match.allowed);
        finish(connection, response);
        return;
    }
    QPointer<HttpConnection> target(connection);
    const Router::Route *route = match.route;
    m_workers.start([this, target, request, route, params = match.params, finish]() mutable {
        HttpResponse response;
        try {
            response = route->handler(request, params);
        } catch (const std::exception &e) {
            qCCritical(lcHttp) << "handler failed:" << e.what();
            response = HttpResponse::error(500, QLatin1String(sync::errorcode::kInternal),
                                           QStringLiteral("The server failed to answer."));
        }
        QMetaObject::invokeMethod(
            this, [finish, target, response] { finish(target, response); }, Qt::QueuedConnection);
    });
}

} // namespace hale::server
