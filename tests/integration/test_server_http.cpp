// hale-server's HTTP layer against raw sockets: limits, timeouts, bounded
// connections, pipelining, TLS. Every wait is bounded.
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync/core/wire.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

using hale::test::RawApi;
using hale::test::ServerProcess;

namespace {

const QString kFastTimeouts = QStringLiteral("[http]\n"
                                             "header_timeout_ms=400\n"
                                             "body_timeout_ms=400\n"
                                             "idle_timeout_ms=400\n"
                                             "max_connections=4\n");

// Sends `bytes` and reads until the server closes or `waitMs` passes.
QByteArray exchange(quint16 port, const QByteArray &bytes, int waitMs = 3000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return "connect failed";
    socket.write(bytes);
    QByteArray reply;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < waitMs && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(50);
        reply += socket.readAll();
    }
    reply += socket.readAll();
    return reply;
}

int statusOf(const QByteArray &reply)
{
    return reply.startsWith("HTTP/1.1 ") ? reply.mid(9, 3).toInt() : -1;
}

QJsonObject bodyOf(const QByteArray &reply)
{
    return QJsonDocument::fromJson(reply.mid(reply.indexOf("\r\n\r\n") + 4)).object();
}

} // namespace

class TestServerHttp : public QObject
{
    Q_OBJECT

private slots:
    void answersHealthAndInfo()
    {
        ServerProcess server;
        QVERIFY(server.started());
        const QByteArray health = exchange(
            server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(statusOf(health), 200);
        const QByteArray info = exchange(
            server.port(), "GET /api/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(bodyOf(info).value(QStringLiteral("protocol_version")).toInt(), 1);
        QCOMPARE(bodyOf(info).value(QStringLiteral("schema_version")).toInt(), 3);
    }

    void unknownPathsAndMethodsGetJsonErrors()
    {
        ServerProcess server;
        QVERIFY(server.started());
        const QByteArray missing =
            exchange(server.port(), "GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(statusOf(missing), 404);
        QCOMPARE(bodyOf(missing)[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QStringLiteral("not_found"));
        const QByteArray wrongMethod = exchange(
            server.port(), "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(statusOf(wrongMethod), 405);
        QVERIFY(wrongMethod.contains("Allow: GET"));
        const QByteArray garbage = exchange(server.port(), "HELLO THERE\r\n\r\n");
        QCOMPARE(statusOf(garbage), 400);
    }

    void anOversizedBodyIsRefusedFromItsLengthWithoutBeingSent()
    {
        ServerProcess server;
        QVERIFY(server.started());
        // Only the head is sent: the answer must not wait for 9 MiB.
        const QByteArray reply = exchange(server.port(), "POST /api/v1/sync HTTP/1.1\r\nHost: x\r\n"
                                                         "Content-Type: application/json\r\n"
                                                         "Content-Length: 9437184\r\n\r\n{");
        QCOMPARE(statusOf(reply), 413);
        QCOMPARE(bodyOf(reply)[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QStringLiteral("body_too_large"));
    }

    void aClientThatExpectsContinueMaySendItsBody()
    {
        ServerProcess server;
        QVERIFY(server.started());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                     "Expect: 100-continue\r\nConnection: close\r\n\r\n");
        QVERIFY(socket.waitForReadyRead(2000));
        QCOMPARE(socket.readAll(), QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        socket.write("{}");
        QByteArray reply;
        while (socket.waitForReadyRead(2000))
            reply += socket.readAll();
        QCOMPARE(statusOf(reply), 426); // the body arrived and was answered (no protocol header)
    }

    void aChunkedBodyThatGrowsTooLargeIsRefused()
    {
        ServerProcess server(QStringLiteral("[http]\nmax_body_bytes=4096\n"));
        QVERIFY(server.started());
        QByteArray request =
            "POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 10; ++i)
            request += "400\r\n" + QByteArray(1024, 'a') + "\r\n";
        request += "0\r\n\r\n";
        QCOMPARE(statusOf(exchange(server.port(), request)), 413);
    }

    void oversizedHeadersAreRefused()
    {
        ServerProcess server;
        QVERIFY(server.started());
        const QByteArray reply =
            exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                        QByteArray(70 * 1024, 'a') + "\r\n\r\n");
        QCOMPARE(statusOf(reply), 431);
    }

    void aStalledRequestIsAnsweredWithATimeoutAndClosed_data()
    {
        QTest::addColumn<QByteArray>("partial");
        QTest::newRow("slow headers") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\n");
        QTest::newRow("body never delivered")
            << QByteArray("POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}");
    }
    void aStalledRequestIsAnsweredWithATimeoutAndClosed()
    {
        QFETCH(QByteArray, partial);
        ServerProcess server(kFastTimeouts);
        QVERIFY(server.started());
        QElapsedTimer clock;
        clock.start();
        const QByteArray reply = exchange(server.port(), partial, 5000);
        QCOMPARE(statusOf(reply), 408);
        QVERIFY2(clock.elapsed() < 4000, "the server must close the connection itself");
    }

    void anIdleKeepAliveConnectionIsClosed()
    {
        ServerProcess server(kFastTimeouts);
        QVERIFY(server.started());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(socket.waitForReadyRead(2000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
        QVERIFY(socket.state() == QAbstractSocket::ConnectedState);
        QVERIFY2(socket.waitForDisconnected(3000), "idle connection was not closed");
    }

    void openConnectionsAreBounded()
    {
        ServerProcess server(kFastTimeouts);
        QVERIFY(server.started());
        QList<QTcpSocket *> held;
        for (int i = 0; i < 4; ++i) {
            auto *s = new QTcpSocket(this);
            s->connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(s->waitForConnected(2000));
            s->write("GET /hea"); // keep them busy in the head phase
            held << s;
        }
        QTest::qWait(100);
        const QByteArray reply =
            exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
        QCOMPARE(statusOf(reply), 503);
        qDeleteAll(held);
        // Once the held connections are gone (closed or timed out) there is room again.
        QTest::qWait(600);
        QCOMPARE(
            statusOf(exchange(server.port(),
                              "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            200);
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        ServerProcess server;
        QVERIFY(server.started());
        const QByteArray reply = exchange(
            server.port(), "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n"
                           "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const qsizetype info = reply.indexOf("protocol_version");
        const qsizetype health = reply.indexOf("\"status\":\"ok\"");
        QVERIFY2(info > 0 && health > info, reply.constData());
        QCOMPARE(reply.count("HTTP/1.1 200 OK"), 2);
    }

    void plainHttpOnANonLoopbackAddressIsRefused()
    {
        QProcess process;
        process.start(QString::fromLocal8Bit(qgetenv("HALE_SERVER_BINARY")),
                      {QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--allow-insecure-http"));
    }

    void aDatabaseFromANewerServerIsRefusedAndLeftAlone()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("hale-server.sqlite"));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE schema_version (version INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version VALUES (99)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));

        QProcess process;
        process.start(QString::fromLocal8Bit(qgetenv("HALE_SERVER_BINARY")),
                      {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"), dir.path()});
        QVERIFY(process.waitForFinished(5000));
        QVERIFY(process.exitCode() != 0);
        QVERIFY(process.readAllStandardError().contains("newer hale-server"));
        // Nothing was migrated "down" or created alongside.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("after"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QCOMPARE(db.tables(), QStringList{QStringLiteral("schema_version")});
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 99);
            QVERIFY(!q.next());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("after"));
    }

    void servesHttpsWithAThrowawayCertificateAndSyncsThroughIt()
    {
        QTemporaryDir dir;
        QString cert, key;
        QVERIFY2(hale::test::makeTestCertificate(dir.path(), &cert, &key),
                 "openssl could not make a test certificate");
        ServerProcess server(
            {}, {QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
        QVERIFY(server.started());
        QVERIFY(server.baseUrl().startsWith(QStringLiteral("https://")));

        // The client trusts exactly the throwaway certificate and verifies it.
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(cert));
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        RawApi api(server.baseUrl());
        api.setTls(tls);
        const RawApi::Reply health = api.call("GET", QStringLiteral("/healthz"));
        QCOMPARE(health.status, 200);

        const QString laptop =
            api.account(QStringLiteral("ann@example.org"), RawApi::device(QStringLiteral("Laptop")))
                .body.value(QStringLiteral("access_token"))
                .toString();
        const QString desk = api.account(QStringLiteral("ann@example.org"),
                                         RawApi::device(QStringLiteral("Desk")), false)
                                 .body.value(QStringLiteral("access_token"))
                                 .toString();
        QVERIFY(!laptop.isEmpty() && !desk.isEmpty());
        hale::sync::RecordState weight;
        weight.kind = QStringLiteral("metric");
        weight.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        weight.fields[QStringLiteral("weight")] = {
            71.5, {QDateTime::currentMSecsSinceEpoch(), 0, QStringLiteral("laptop")}};
        hale::sync::SyncRequest push;
        push.changes = {weight};
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/sync"),
                          hale::sync::encodeSyncRequest(push), laptop)
                     .status,
                 200);
        const RawApi::Reply pulled = api.call("POST", QStringLiteral("/api/v1/sync"),
                                              hale::sync::encodeSyncRequest({}), desk);
        QCOMPARE(pulled.status, 200);
        const auto response =
            hale::sync::decodeSyncResponse(pulled.body, hale::sync::UnknownFields::Keep, nullptr);
        QVERIFY(response);
        QCOMPARE(response->changes.size(), 1);
        QCOMPARE(response->changes.first().fields.value(QStringLiteral("weight")).value.toDouble(),
                 71.5);

        // Plain HTTP to the TLS port gets nothing useful.
        QVERIFY(statusOf(exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                  1000)) != 200);
    }
};

QTEST_GUILESS_MAIN(TestServerHttp)
#include "test_server_http.moc"
