#pragma once

#include "sync/server/http_limits.h"
#include "sync/server/router.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <optional>

namespace hale::server {

class HttpConnection;

// hale-server's HTTP/1.1 front: accepts at most HttpLimits::maxConnections
// connections (plain or TLS), and maxConnectionsPerAddress from one address
// (an IPv6 /64), so one client cannot take every connection; hands each complete request to the
// Router's handler on a bounded worker pool (so one slow query never stalls the others) and writes
// the answer back on this thread. Logs one line per request: method, route, status, time; never
// bodies, tokens or health data.
class HttpServer : public QTcpServer
{
    Q_OBJECT

public:
    HttpServer(const Router *router, const HttpLimits &limits, int workers,
               QObject *parent = nullptr);
    ~HttpServer() override;

    bool enableTls(const QString &certificatePath, const QString &keyPath, QString *error);
    bool tlsEnabled() const { return m_tls.has_value(); }
    int openConnections() const { return m_open; }
    void setAccessLog(bool enabled) { m_accessLog = enabled; }
    // Where a route's 101 answer takes the connection: the socket (the
    // upgrade request's head still unread in it, so a QWebSocketServer can
    // read the handshake) and the route's HttpResponse::handover. Called
    // on this thread; it owns the socket from then on.
    using UpgradeHandler = std::function<void(QTcpSocket *socket, const QJsonObject &handover)>;
    void setUpgradeHandler(UpgradeHandler handler) { m_upgrade = std::move(handler); }
    // Reverse proxies (nginx) whose X-Forwarded-For is believed: a request
    // from one of them counts against the address it names (its rightmost
    // entry that is not a trusted proxy itself), and their own connections
    // are not held to maxConnectionsPerAddress. Anyone else's header is
    // ignored: a client could write any address in it.
    void setTrustedProxies(const QList<QHostAddress> &proxies) { m_trustedProxies = proxies; }
    // The address a request counts against (see setTrustedProxies).
    QHostAddress clientAddress(const HttpRequest &request) const;
    // Whom a connection counts against: the IPv4 address, or the IPv6 /64.
    static QString addressKey(const QHostAddress &peer);

signals:
    // After each answered request, for metrics.
    void requestServed(const QByteArray &method, const QString &route, int status, double millis);

protected:
    void incomingConnection(qintptr handle) override;

private:
    bool isTrustedProxy(const QHostAddress &address) const;
    void dispatch(HttpConnection *connection, HttpRequest request);

    const Router *m_router;
    HttpLimits m_limits;
    QThreadPool m_workers;
    std::optional<QSslConfiguration> m_tls;
    std::atomic<int> m_open = 0; // read by /metrics from worker threads
    bool m_accessLog = true;
    QHash<QString, int> m_perAddress; // open connections by addressKey()
    UpgradeHandler m_upgrade;
    QList<QHostAddress> m_trustedProxies;
    QElapsedTimer m_acceptErrorLogged;
};

} // namespace hale::server
