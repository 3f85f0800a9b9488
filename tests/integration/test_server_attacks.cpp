// Attacks on the real hale-server while another user keeps syncing: forged
// tokens of every kind, another user's ids, a reused refresh token, password
// guessing, oversized, deeply nested and malformed bodies, stalled and
// non-reading clients. Each gets its answer; afterwards both users' data is
// exactly what it was, and the bystander was never refused. Runs on SQLite
// and on PostgreSQL. Every loop is bounded.
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync/core/wire.h"
#include "sync/server/crypto.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTimer>
#include <memory>
#include <vector>

using hale::test::RawApi;
using hale::test::ServerProcess;
using namespace hale::sync;

namespace {

const QString kDevices = QStringLiteral("/api/v1/devices");
const QString kSync = QStringLiteral("/api/v1/sync");

QString tokenOf(const RawApi::Reply &r)
{
    return r.body.value(QStringLiteral("access_token")).toString();
}

QString base64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QJsonObject claimsOf(const QString &token)
{
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(token.section(QLatin1Char('.'), 1, 1).toLatin1(),
                                      QByteArray::Base64UrlEncoding))
        .object();
}

RecordState metric(const QString &id, double weight)
{
    RecordState s;
    s.kind = QStringLiteral("metric");
    s.id = id;
    const HlcStamp stamp{QDateTime::currentMSecsSinceEpoch(), 0, QStringLiteral("dev")};
    s.fields[QStringLiteral("weight")] = {weight, stamp};
    s.deleted = {false, stamp};
    return s;
}

QByteArray syncBody(const QList<RecordState> &changes, qint64 cursor = 0)
{
    SyncRequest request;
    request.cursor = cursor;
    request.changes = changes;
    return encodeSyncRequestJson(request);
}

// A user's records as the server exports them, in a stable order.
QJsonArray recordsOf(RawApi &api, const QString &token)
{
    const RawApi::Reply r =
        api.call("GET", QStringLiteral("/api/v1/account/export"), QByteArray(), token);
    QJsonArray records = r.body.value(QStringLiteral("records")).toArray();
    QList<QJsonValue> sorted(records.begin(), records.end());
    std::sort(sorted.begin(), sorted.end(), [](const QJsonValue &a, const QJsonValue &b) {
        return a[QStringLiteral("id")].toString() < b[QStringLiteral("id")].toString();
    });
    QJsonArray out;
    for (const QJsonValue &v : sorted)
        out.append(v);
    return out;
}

// Another user who syncs every 20 ms while the attacks run, on a network
// access manager of its own; counts the answers it got.
class Bystander : public QObject
{
public:
    Bystander(const QString &base, const QString &token) : m_base(base), m_token(token)
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] { send(); });
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    int ok = 0;
    QList<int> refused;

private:
    void send()
    {
        if (m_inFlight)
            return;
        QNetworkRequest request(QUrl(m_base + kSync));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("Hale-Protocol", "1");
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        QNetworkReply *reply = m_nam.post(request, QByteArray(R"({"cursor":0,"page_size":10})"));
        m_inFlight = true;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200)
                ++ok;
            else
                refused << status;
            reply->deleteLater();
            m_inFlight = false;
        });
    }

    QString m_base;
    QString m_token;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    bool m_inFlight = false;
};

} // namespace

class TestServerAttacks : public QObject
{
    Q_OBJECT

private slots:
    // Sign-in attempts count against the address that made them. Behind a
    // proxy that is the X-Forwarded-For the proxy adds, believed only from
    // a configured proxy: anyone else could write any address there and
    // never be throttled.
    void aForwardedAddressCountsOnlyFromATrustedProxy()
    {
        // Three attempts a minute per address (3 x sign_ins_per_minute).
        const QString limits = QStringLiteral("[rate_limit]\nsign_ins_per_minute = 1\n");
        const auto attempt = [](RawApi &api, int i) {
            return api
                .call("POST", QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{
                          {QStringLiteral("email"), QStringLiteral("nobody-%1@example.org").arg(i)},
                          {QStringLiteral("password"), QStringLiteral("guess")},
                          {QStringLiteral("device"), RawApi::device(QStringLiteral("X"))}})
                .status;
        };
        {
            ServerProcess server(limits);
            QVERIFY(server.started());
            RawApi api(server.baseUrl());
            QList<int> statuses;
            for (int i = 0; i < 4; ++i) {
                api.setHeader("X-Forwarded-For", QByteArray("10.0.0.") + QByteArray::number(i));
                statuses << attempt(api, i);
            }
            QCOMPARE(statuses, (QList<int>{401, 401, 401, 429}));
        }
        {
            ServerProcess server(limits + QStringLiteral("[http]\ntrusted_proxies = 127.0.0.1\n"));
            QVERIFY(server.started());
            RawApi api(server.baseUrl());
            for (int i = 0; i < 4; ++i) {
                api.setHeader("X-Forwarded-For", QByteArray("10.0.0.") + QByteArray::number(i));
                QCOMPARE(attempt(api, i), 401);
            }
            // What a client wrote left of the proxy's entry proves nothing.
            QList<int> statuses;
            for (int i = 0; i < 4; ++i) {
                api.setHeader("X-Forwarded-For",
                              QByteArray("192.0.2.") + QByteArray::number(i) + ", 10.0.0.9");
                statuses << attempt(api, 10 + i);
            }
            QCOMPARE(statuses, (QList<int>{401, 401, 401, 429}));
        }
    }

    void attacksChangeNothingAndOthersAreStillServed()
    {
        // The bystander syncs 50 times a second: its per-user limit is
        // lifted; every other limit is the default but the stall deadlines.
        ServerProcess server(QStringLiteral("[http]\nheader_timeout_ms=500\n"
                                            "body_timeout_ms=500\n"
                                            "[rate_limit]\nrequests_per_minute=100000\n"));
        QVERIFY(server.started());
        RawApi api(server.baseUrl());
        const QJsonObject annLaptop = RawApi::device(QStringLiteral("Laptop"));
        const RawApi::Reply annSession = api.account(QStringLiteral("ann@example.org"), annLaptop);
        const QString ann = tokenOf(annSession);
        const QString bob = tokenOf(
            api.account(QStringLiteral("bob@example.org"), RawApi::device(QStringLiteral("Desk"))));
        const QString carol = tokenOf(api.account(QStringLiteral("carol@example.org"),
                                                  RawApi::device(QStringLiteral("Phone"))));
        QVERIFY(!ann.isEmpty() && !bob.isEmpty() && !carol.isEmpty());
        const QString bobsRecord = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QCOMPARE(
            api.call("POST", kSync,
                     syncBody({metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 70),
                               metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 71)}),
                     ann)
                .status,
            200);
        QCOMPARE(api.call("POST", kSync, syncBody({metric(bobsRecord, 90)}), bob).status, 200);
        const QJsonArray annBefore = recordsOf(api, ann);
        const QJsonArray bobBefore = recordsOf(api, bob);
        QCOMPARE(annBefore.size(), 2);
        QCOMPARE(bobBefore.size(), 1);

        Bystander bystander(server.baseUrl(), carol);

        // Forged tokens of every kind.
        const QJsonObject annClaims = claimsOf(ann);
        const QJsonObject bobClaims = claimsOf(bob);
        const QByteArray wrongKey(32, 'k');
        QJsonObject asBob = annClaims;
        asBob[QStringLiteral("sub")] = bobClaims.value(QStringLiteral("sub"));
        QJsonObject otherAudience = annClaims;
        otherAudience[QStringLiteral("aud")] = QStringLiteral("someone-else");
        QJsonObject expired = annClaims;
        expired[QStringLiteral("exp")] = 1;
        const QStringList parts = ann.split(QLatin1Char('.'));
        const QStringList forged{
            QStringLiteral("not-a-token"),
            QString(),
            hale::server::crypto::signJwt(annClaims, wrongKey),
            hale::server::crypto::signJwt(asBob, wrongKey),
            // Bob's id in Ann's token, with Ann's signature.
            parts[0] + QLatin1Char('.') +
                base64Url(QJsonDocument(asBob).toJson(QJsonDocument::Compact)) + QLatin1Char('.') +
                parts[2],
            base64Url(R"({"alg":"none","typ":"JWT"})") + QLatin1Char('.') + parts[1] +
                QLatin1Char('.'),
            base64Url(R"({"alg":"HS512","typ":"JWT"})") + QLatin1Char('.') + parts[1] +
                QLatin1Char('.') + parts[2],
            hale::server::crypto::signJwt(otherAudience, wrongKey),
            hale::server::crypto::signJwt(expired, wrongKey),
            parts[0] + QLatin1Char('.') + parts[1], // no signature
            ann + QStringLiteral("x"),
        };
        for (const QString &token : forged) {
            QCOMPARE(api.call("GET", kDevices, QByteArray(), token).status, 401);
            QCOMPARE(api.call("POST", kSync, syncBody({metric(bobsRecord, 1)}), token).status, 401);
        }

        // Another user's ids: Bob's device is not Ann's to rename or revoke;
        // a record with Bob's id is Ann's own record, not Bob's.
        const QString bobDevice = bobClaims.value(QStringLiteral("dev")).toString();
        QCOMPARE(
            api.call("DELETE", kDevices + QLatin1Char('/') + bobDevice, QByteArray(), ann).status,
            404);
        QCOMPARE(api.call("PATCH", kDevices + QLatin1Char('/') + bobDevice,
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("mine now")}}, ann)
                     .status,
                 404);
        QCOMPARE(api.call("DELETE", QStringLiteral("/api/v1/data/metric"), QByteArray(), QString())
                     .status,
                 401);

        // A refresh token used again after its successor was used ends that
        // session (Ann signs in again below).
        const QJsonObject stolen{{QStringLiteral("refresh_token"),
                                  annSession.body.value(QStringLiteral("refresh_token"))}};
        const RawApi::Reply second =
            api.call("POST", QStringLiteral("/api/v1/auth/refresh"), stolen);
        QCOMPARE(second.status, 200);
        const RawApi::Reply third =
            api.call("POST", QStringLiteral("/api/v1/auth/refresh"),
                     QJsonObject{{QStringLiteral("refresh_token"),
                                  second.body[QStringLiteral("refresh_token")]}});
        QCOMPARE(third.status, 200);
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/auth/refresh"), stolen).status, 401);
        QCOMPARE(api.call("GET", kDevices, QByteArray(), tokenOf(third)).status, 401);

        // Password guessing is throttled (429 with Retry-After), never let through.
        bool throttled = false;
        for (int i = 0; i < 40 && !throttled; ++i) {
            const RawApi::Reply guess = api.call(
                "POST", QStringLiteral("/api/v1/auth/login"),
                QJsonObject{{QStringLiteral("email"), QStringLiteral("bob@example.org")},
                            {QStringLiteral("password"), QStringLiteral("guess %1").arg(i)},
                            {QStringLiteral("device"), RawApi::device(QStringLiteral("X"))}});
            QVERIFY2(guess.status == 401 || guess.status == 429, guess.raw.constData());
            throttled = guess.status == 429 && guess.retryAfter.toInt() > 0;
        }
        QVERIFY(throttled);

        // Bodies no server should take, with Bob's valid token.
        const auto refused = [&](const QByteArray &body) {
            return api.call("POST", kSync, body, bob).status;
        };
        {
            // Refused from its declared length, before a byte of it is sent.
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(socket.waitForConnected(2000));
            socket.write("POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 9437184\r\n"
                         "Hale-Protocol: 1\r\nAuthorization: Bearer " +
                         bob.toLatin1() + "\r\n\r\n");
            QVERIFY(socket.waitForReadyRead(3000));
            QVERIFY(socket.readAll().startsWith("HTTP/1.1 413"));
        }
        QCOMPARE(refused(QByteArray(200'000, '[') + QByteArray(200'000, ']')), 400);
        QCOMPARE(refused(QByteArray("{\"cursor\":0,\"changes\":[\"\xff\xfe\"]}")), 400);
        QCOMPARE(refused(QByteArray(R"({"cursor": NaN})")), 400);
        QCOMPARE(refused(QByteArray(R"({"cursor": 1e400})")), 400);
        QCOMPARE(refused(QByteArray(R"({"cursor": -1})")), 400);
        QCOMPARE(refused(syncBody({metric(bobsRecord, 1e308)})), 400);
        QCOMPARE(refused(QByteArray("{\"cursor\":0,\"changes\":") + QByteArray(100, '{')), 400);
        QCOMPARE(refused(QByteArray()), 400);

        // Clients that stall or never read, from another address.
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 80; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            if (!s->bind(QHostAddress(QStringLiteral("127.0.0.2"))))
                break;
            s->setReadBufferSize(1);
            s->connectToHost(QHostAddress::LocalHost, server.port());
            if (s->waitForConnected(2000))
                s->write(i % 2
                             ? QByteArray("POST /api/v1/sync HTTP/1.1\r\nHost: x\r\n")
                             : QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").repeated(50));
            held.push_back(std::move(s));
        }
        QTest::qWait(1500); // past the stalled heads' deadline

        bystander.stop();
        QTest::qWait(200);
        QVERIFY2(bystander.refused.isEmpty(),
                 qPrintable(QStringLiteral("the bystander was refused: %1")
                                .arg(QString::number(bystander.refused.value(0)))));
        QVERIFY2(bystander.ok >= 10, qPrintable(QString::number(bystander.ok)));

        // Afterwards: both users' data is exactly what it was.
        const QString annAgain =
            tokenOf(api.account(QStringLiteral("ann@example.org"), annLaptop, false));
        QCOMPARE(recordsOf(api, annAgain), annBefore);
        QCOMPARE(recordsOf(api, bob), bobBefore);
    }
};

QTEST_GUILESS_MAIN(TestServerAttacks)
#include "test_server_attacks.moc"
