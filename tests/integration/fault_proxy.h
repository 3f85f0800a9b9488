#pragma once

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <memory>
#include <utility>

namespace hale::test {

// A loopback HTTP/1.1 proxy in front of hale-server that injects faults per
// request: it delays a request, resets the connection before forwarding it,
// cuts a request or a response midway, sends a request twice, or drops the
// response after the server has committed it. Each client connection gets
// its own upstream connection; requests and responses are framed by their
// Content-Length (hale-server and Qt's client always send one). Runs on the
// thread that creates it; every fault is drawn from a seeded generator.
class FaultProxy : public QObject
{
public:
    enum class Fault { None, Delay, Reset, CutRequest, CutResponse, Duplicate, DropResponse };

    FaultProxy(quint16 target, quint32 seed) : m_target(target), m_rng(seed)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                accept(client);
        });
    }

    ~FaultProxy() override
    {
        // The sockets are children: destroyed after this, each would tell
        // the handlers above that it closed, mid-destruction.
        for (QTcpSocket *socket : findChildren<QTcpSocket *>())
            socket->disconnect();
    }

    quint16 port() const { return m_server.serverPort(); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }
    // The share of requests that meet a fault (0 = none, 1 = every one).
    void setFaultRate(double rate) { m_rate = rate; }
    // Offline: connections are refused (closed at once) and open ones cut.
    void setOffline(bool offline)
    {
        m_offline = offline;
        if (!offline)
            return;
        for (const QPointer<QTcpSocket> &client : std::exchange(m_clients, {})) {
            if (client)
                client->abort(); // its upstream goes with it
        }
    }
    // Points at a restarted server.
    void setTarget(quint16 target) { m_target = target; }
    int faultsInjected() const { return m_injected; }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray fromClient;
        QByteArray fromServer;
        Fault fault = Fault::None;
        bool awaitingResponse = false;
    };

    // Bytes of one whole message at the start of `buffer`, or 0 if incomplete.
    static qsizetype messageLength(const QByteArray &buffer)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return 0;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(end).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        const qsizetype total = end + 4 + length;
        return buffer.size() >= total ? total : 0;
    }

    Fault draw()
    {
        if (m_rate <= 0 || m_rng.generateDouble() >= m_rate)
            return Fault::None;
        ++m_injected;
        return Fault(1 + m_rng.bounded(6));
    }

    void accept(QTcpSocket *client)
    {
        client->setParent(this);
        if (m_offline) {
            client->abort();
            client->deleteLater();
            return;
        }
        auto pair = std::make_shared<Pair>();
        pair->client = client;
        pair->upstream = new QTcpSocket(this);
        pair->upstream->connectToHost(QHostAddress::LocalHost, m_target);
        const auto close = [pair] {
            if (pair->client) {
                pair->client->abort();
                pair->client->deleteLater();
            }
            if (pair->upstream) {
                pair->upstream->abort();
                pair->upstream->deleteLater();
            }
        };
        m_clients.append(client);
        connect(client, &QTcpSocket::disconnected, client, close);
        connect(pair->upstream, &QTcpSocket::disconnected, pair->upstream, close);
        connect(pair->upstream, &QTcpSocket::errorOccurred, pair->upstream, close);
        connect(client, &QTcpSocket::readyRead, client, [this, pair, close] {
            pair->fromClient += pair->client->readAll();
            forwardRequests(pair, close);
        });
        connect(pair->upstream, &QTcpSocket::readyRead, pair->upstream, [this, pair, close] {
            pair->fromServer += pair->upstream->readAll();
            forwardResponse(pair, close);
        });
    }

    template <typename Close> void forwardRequests(const std::shared_ptr<Pair> &pair, Close close)
    {
        if (pair->awaitingResponse || !pair->client || !pair->upstream)
            return;
        const qsizetype length = messageLength(pair->fromClient);
        if (length == 0)
            return;
        const QByteArray request = pair->fromClient.left(length);
        pair->fromClient.remove(0, length);
        pair->fault = draw();
        switch (pair->fault) {
        case Fault::Reset:
            return close();
        case Fault::CutRequest:
            pair->upstream->write(request.left(request.size() / 2));
            pair->upstream->flush();
            return close();
        case Fault::Delay:
            pair->awaitingResponse = true;
            QTimer::singleShot(int(m_rng.bounded(50, 400)), pair->upstream, [pair, request] {
                if (pair->upstream)
                    pair->upstream->write(request);
            });
            return;
        case Fault::Duplicate: {
            // The same request again on a connection of its own, its answer
            // thrown away: a client that retried.
            auto *twin = new QTcpSocket(this);
            connect(twin, &QTcpSocket::connected, twin, [twin, request] { twin->write(request); });
            connect(twin, &QTcpSocket::readyRead, twin, [twin] { twin->readAll(); });
            connect(twin, &QTcpSocket::disconnected, twin, &QObject::deleteLater);
            QTimer::singleShot(5000, twin, &QObject::deleteLater);
            twin->connectToHost(QHostAddress::LocalHost, m_target);
            break;
        }
        default:
            break;
        }
        pair->awaitingResponse = true;
        pair->upstream->write(request);
    }

    template <typename Close> void forwardResponse(const std::shared_ptr<Pair> &pair, Close close)
    {
        const qsizetype length = messageLength(pair->fromServer);
        if (length == 0 || !pair->client)
            return;
        const QByteArray response = pair->fromServer.left(length);
        pair->fromServer.remove(0, length);
        switch (pair->fault) {
        case Fault::CutResponse:
            pair->client->write(response.left(response.size() / 2));
            pair->client->flush();
            return close();
        case Fault::DropResponse: // the server committed; the client never hears
            return close();
        default:
            break;
        }
        pair->client->write(response);
        pair->awaitingResponse = false;
        forwardRequests(pair, close);
    }

    QTcpServer m_server;
    quint16 m_target;
    QRandomGenerator m_rng;
    double m_rate = 0;
    bool m_offline = false;
    int m_injected = 0;
    QList<QPointer<QTcpSocket>> m_clients;
};

} // namespace hale::test
