// PostgreSQL stops and starts again under a running hale-server: every
// request in between is "unavailable, retry" (503 with Retry-After), never a
// sign-out; no refresh token is used up; /healthz (liveness) stays up while
// /readyz reports the database; and the first requests once PostgreSQL is back
// are served. Needs the PostgreSQL test cluster (HALE_TEST_DATABASE=postgres).
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync/core/wire.h"

#include <QJsonArray>

using hale::test::RawApi;
using hale::test::ServerProcess;

namespace {

QJsonObject emptySync()
{
    return {{QStringLiteral("cursor"), 0}, {QStringLiteral("changes"), QJsonArray()}};
}

} // namespace

class TestDatabaseOutage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(ServerProcess::usesPostgres(), "run with the PostgreSQL test cluster");
    }

    void anOutageIsUnavailableNeverASignOut()
    {
        ServerProcess server;
        QVERIFY(server.started());
        RawApi api(server.baseUrl());
        const RawApi::Reply session = api.account(QStringLiteral("ann@example.org"),
                                                  RawApi::device(QStringLiteral("Laptop")));
        QCOMPARE(session.status, 201);
        const QString access = session.body.value(QStringLiteral("access_token")).toString();
        const QString refresh = session.body.value(QStringLiteral("refresh_token")).toString();
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/sync"), emptySync(), access).status, 200);
        QCOMPARE(api.call("GET", QStringLiteral("/readyz")).status, 200);

        QVERIFY(hale::test::postgresCluster(QStringLiteral("pause")));
        const auto unavailable = [&](const RawApi::Reply &r, const char *what) {
            if (r.status != 503 || r.retryAfter.toInt() < 1 ||
                r.errorCode() != QLatin1String("unavailable"))
                qWarning() << what << r.status << r.raw.left(300);
            return r.status == 503 && r.retryAfter.toInt() >= 1 &&
                   r.errorCode() == QLatin1String("unavailable");
        };
        bool allUnavailable =
            unavailable(api.call("POST", QStringLiteral("/api/v1/sync"), emptySync(), access),
                        "sync") &&
            unavailable(api.call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), access),
                        "devices") &&
            unavailable(api.call("POST", QStringLiteral("/api/v1/auth/refresh"),
                                 QJsonObject{{QStringLiteral("refresh_token"), refresh}}),
                        "refresh") &&
            unavailable(api.account(QStringLiteral("bob@example.org"),
                                    RawApi::device(QStringLiteral("Desk"))),
                        "sign-up") &&
            unavailable(api.account(QStringLiteral("ann@example.org"),
                                    RawApi::device(QStringLiteral("Desk")), false),
                        "sign-in");
        const int health = api.call("GET", QStringLiteral("/healthz")).status;
        const int ready = api.call("GET", QStringLiteral("/readyz")).status;
        QVERIFY(hale::test::postgresCluster(QStringLiteral("resume")));
        QVERIFY(allUnavailable);
        QCOMPARE(health, 200); // liveness: the process is fine
        QCOMPARE(ready, 503);  // readiness: its database is not

        // Back: the very first requests are served, on the same session.
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/sync"), emptySync(), access).status, 200);
        QCOMPARE(api.call("GET", QStringLiteral("/readyz")).status, 200);
        const RawApi::Reply renewed =
            api.call("POST", QStringLiteral("/api/v1/auth/refresh"),
                     QJsonObject{{QStringLiteral("refresh_token"), refresh}});
        QCOMPARE(renewed.status, 200);
        QCOMPARE(
            api.account(QStringLiteral("bob@example.org"), RawApi::device(QStringLiteral("Desk")))
                .status,
            201);
    }
};

QTEST_GUILESS_MAIN(TestDatabaseOutage)
#include "test_database_outage.moc"
