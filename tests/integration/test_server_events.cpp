// The event stream (GET /api/v1/events, a WebSocket) against the real
// hale-server: who hears of what, and what ends a stream — a bad token, a
// revoked device, anything a client sends, a client that stopped answering,
// too many streams — always that stream alone.
#include "event_stream.h"
#include "server_process.h"
#include "sync_bodies.h"

#include <QTcpSocket>

using namespace hale;
using namespace hale::test;
using namespace hale::test::bodies;

constexpr int kWaitMs = kStreamWaitMs;

class TestServerEvents : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<RawApi> m_api;
    QString m_a, m_b; // access tokens of two devices of one account
    QString m_bDevice;

    void start(const QString &ini = {})
    {
        m_server = std::make_unique<ServerProcess>(ini);
        QVERIFY2(m_server->started(), qPrintable(m_server->stderrText()));
        m_api = std::make_unique<RawApi>(m_server->baseUrl());
        const QString email = QStringLiteral("events-%1@example.org")
                                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        m_a = tokenOf(m_api->account(email, RawApi::device(QStringLiteral("a"))));
        m_bDevice = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_b = tokenOf(m_api->account(email, RawApi::device(QStringLiteral("b"), m_bDevice), false));
        QVERIFY(!m_a.isEmpty() && !m_b.isEmpty());
    }

    int push(const QString &token, double weight) { return pushOneMetric(*m_api, token, weight); }

    bool serverAnswers()
    {
        return m_api->call("GET", QLatin1String(sync::route::kHealth)).status == 200;
    }

private slots:
    void init() { start(); }
    void cleanup() { m_server.reset(); }

    void aStreamStartsWithTheSequenceAndHearsOtherDevicesChanges()
    {
        Stream a(m_server->baseUrl(), m_a), b(m_server->baseUrl(), m_b);
        QVERIFY(a.waitOpen() && b.waitOpen());
        QCOMPARE(a.waitMessage(1), 0);
        QCOMPARE(b.waitMessage(1), 0);
        QCOMPARE(push(m_a, 70), 200);
        QCOMPARE(b.waitMessage(2), 1);
        QCOMPARE(push(m_a, 71), 200);
        QCOMPARE(b.waitMessage(3), 2);
        // The device that pushed hears nothing of its own changes.
        QTest::qWait(200);
        QCOMPARE(a.messages.size(), 1);
        // A stream opened later starts where the account is.
        Stream late(m_server->baseUrl(), m_b);
        QCOMPARE(late.waitMessage(1), 2);
    }

    void anotherAccountHearsNothing()
    {
        const QString other = tokenOf(m_api->account(
            QStringLiteral("other-%1@example.org").arg(QUuid::createUuid().toString(QUuid::Id128)),
            RawApi::device(QStringLiteral("c"))));
        Stream c(m_server->baseUrl(), other);
        QCOMPARE(c.waitMessage(1), 0);
        QCOMPARE(push(m_a, 70), 200);
        QTest::qWait(300);
        QCOMPARE(c.messages.size(), 1);
    }

    void aPlainRequestIsRefused()
    {
        const RawApi::Reply reply =
            m_api->call("GET", QLatin1String(sync::route::kEvents), QByteArray(), m_a);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), QStringLiteral("validation"));
    }

    void aForgedOrMissingTokenClosesTheStreamAsUnauthorized()
    {
        for (const QString &token : {QStringLiteral("forged"), QString()}) {
            Stream s(m_server->baseUrl(), token);
            QVERIFY(s.waitClosed());
            QCOMPARE(int(s.socket.closeCode()), sync::events::kUnauthorized);
            QVERIFY(s.messages.isEmpty());
        }
    }

    void anythingAClientSendsEndsItsStreamAlone()
    {
        Stream bystander(m_server->baseUrl(), m_b);
        QVERIFY(bystander.waitOpen());
        {
            Stream s(m_server->baseUrl(), m_a);
            QVERIFY(s.waitOpen());
            s.socket.sendTextMessage(QStringLiteral("{\"type\":\"hello\"}"));
            QVERIFY(s.waitClosed());
            QCOMPARE(s.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        }
        {
            Stream s(m_server->baseUrl(), m_a);
            QVERIFY(s.waitOpen());
            s.socket.sendBinaryMessage(QByteArray(16, 'x'));
            QVERIFY(s.waitClosed());
            QCOMPARE(s.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        }
        {
            // A frame larger than the server takes: refused before it is kept.
            Stream s(m_server->baseUrl(), m_a);
            QVERIFY(s.waitOpen());
            s.socket.sendBinaryMessage(QByteArray(1024 * 1024, 'x'));
            QVERIFY(s.waitClosed());
            QCOMPARE(s.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        }
        {
            // A flood: the first message ends it.
            Stream s(m_server->baseUrl(), m_a);
            QVERIFY(s.waitOpen());
            for (int i = 0; i < 10'000; ++i)
                s.socket.sendTextMessage(QStringLiteral("flood"));
            QVERIFY(s.waitClosed());
        }
        QVERIFY(serverAnswers());
        QCOMPARE(bystander.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(push(m_a, 60), 200);
        QCOMPARE(bystander.waitMessage(2), 1);
    }

    void aClientThatStopsAnsweringIsDropped()
    {
        start(QStringLiteral("[events]\nping_interval_ms = 200\n"));
        // A raw connection that does the handshake, then neither reads nor
        // answers a ping again (as a laptop that went to sleep).
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(raw.waitForConnected(kWaitMs));
        raw.write("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\nHale-Protocol: 1\r\nAuthorization: Bearer " +
                  m_a.toLatin1() + "\r\n\r\n");
        QVERIFY(raw.waitForReadyRead(kWaitMs));
        QVERIFY(raw.peek(12).startsWith("HTTP/1.1 101"));
        // Two missed pings and a half: the server lets go of it.
        QVERIFY(raw.waitForDisconnected(kWaitMs));
        // A stream that does answer stays.
        Stream alive(m_server->baseUrl(), m_b);
        QVERIFY(alive.waitOpen());
        QTest::qWait(1000);
        QCOMPARE(alive.socket.state(), QAbstractSocket::ConnectedState);
    }

    void streamsOutliveTheHttpIdleTimeout()
    {
        start(QStringLiteral("[http]\nidle_timeout_ms = 300\n"));
        Stream b(m_server->baseUrl(), m_b);
        QVERIFY(b.waitOpen());
        QTest::qWait(1000);
        QCOMPARE(b.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(push(m_a, 70), 200);
        QCOMPARE(b.waitMessage(2), 1);
    }

    void anUpgradeMayFollowOtherRequestsOnItsConnection()
    {
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(raw.waitForConnected(kWaitMs));
        raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray answer;
        while (!answer.contains("\"ok\"") && raw.waitForReadyRead(kWaitMs))
            answer += raw.readAll();
        QVERIFY(answer.startsWith("HTTP/1.1 200"));
        raw.write("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\nHale-Protocol: 1\r\nAuthorization: Bearer " +
                  m_a.toLatin1() + "\r\n\r\n");
        answer.clear();
        while (!answer.contains("changed") && raw.waitForReadyRead(kWaitMs))
            answer += raw.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        QVERIFY(answer.contains(R"({"type":"changed","seq":0})"));
    }

    void aRevokedDeviceLosesItsStream()
    {
        Stream b(m_server->baseUrl(), m_b);
        QVERIFY(b.waitOpen());
        QCOMPARE(m_api
                     ->call("DELETE", sync::routePath(sync::route::kDevice, m_bDevice),
                            QByteArray(), m_a)
                     .status,
                 200);
        QVERIFY(b.waitClosed());
        QCOMPARE(int(b.socket.closeCode()), sync::events::kRevoked);
    }

    void streamsFromOneAddressAreBounded()
    {
        // Counted against the client's address: the connection's, or behind
        // a trusted proxy the one its X-Forwarded-For names.
        start(QStringLiteral("[events]\nmax_streams_per_address = 2\n"
                             "[http]\ntrusted_proxies = 127.0.0.1\n"));
        const auto from = [](const QByteArray &address) {
            return QList<std::pair<QByteArray, QByteArray>>{{"X-Forwarded-For", address}};
        };
        Stream one(m_server->baseUrl(), m_a, {}, from("10.0.0.1")),
            two(m_server->baseUrl(), m_b, {}, from("10.0.0.1"));
        QCOMPARE(one.waitMessage(1), 0);
        QCOMPARE(two.waitMessage(1), 0);
        Stream third(m_server->baseUrl(), m_a, {}, from("10.0.0.1"));
        QVERIFY(third.waitClosed());
        QCOMPARE(int(third.socket.closeCode()), sync::events::kTooMany);
        Stream elsewhere(m_server->baseUrl(), m_a, {}, from("10.0.0.2"));
        QCOMPARE(elsewhere.waitMessage(1), 0);
        // One gone frees its place.
        one.socket.close();
        QVERIFY(one.waitClosed());
        QTest::qWait(200);
        Stream again(m_server->baseUrl(), m_b, {}, from("10.0.0.1"));
        QCOMPARE(again.waitMessage(1), 0);
    }

    void aStreamOpensOverTls()
    {
        QTemporaryDir dir;
        QString cert, key;
        QVERIFY2(makeTestCertificate(dir.path(), &cert, &key),
                 "openssl could not make a test certificate");
        m_server = std::make_unique<ServerProcess>(
            QString(),
            QStringList{QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
        QVERIFY(m_server->baseUrl().startsWith(QStringLiteral("https://")));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(cert));
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_api = std::make_unique<RawApi>(m_server->baseUrl());
        m_api->setTls(tls);
        const QString email = QStringLiteral("tls@example.org");
        const QString a = tokenOf(m_api->account(email, RawApi::device(QStringLiteral("a"))));
        const QString b =
            tokenOf(m_api->account(email, RawApi::device(QStringLiteral("b")), false));
        Stream stream(m_server->baseUrl(), b, tls);
        QCOMPARE(stream.waitMessage(1), 0);
        QCOMPARE(push(a, 70), 200);
        QCOMPARE(stream.waitMessage(2), 1);
    }

    void streamsBeyondTheLimitAreTurnedAway()
    {
        start(QStringLiteral("[events]\nmax_streams_per_user = 2\n"));
        Stream one(m_server->baseUrl(), m_a), two(m_server->baseUrl(), m_b);
        QVERIFY(one.waitOpen() && two.waitOpen());
        Stream three(m_server->baseUrl(), m_a);
        QVERIFY(three.waitClosed());
        QCOMPARE(int(three.socket.closeCode()), sync::events::kTooMany);
        QCOMPARE(one.socket.state(), QAbstractSocket::ConnectedState);
    }
};

QTEST_GUILESS_MAIN(TestServerEvents)
#include "test_server_events.moc"
