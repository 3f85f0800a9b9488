// Several hale-server instances on one PostgreSQL database: a change
// committed through one wakes the streams held by another (LISTEN/NOTIFY),
// also after the listener's connection was cut or PostgreSQL restarted; the
// instances must share one signing key, and refuse to start otherwise.
#include "event_stream.h"
#include "server_process.h"
#include "sync_bodies.h"

#include <QFile>

using namespace hale;
using namespace hale::test;
using namespace hale::test::bodies;

class TestServerInstances : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_first;
    std::unique_ptr<ServerProcess> m_second;
    QString m_a, m_b; // access tokens of two devices of one account

    // Another instance on the first one's database ("--database" comes last
    // and wins over the test database ServerProcess makes for it).
    std::unique_ptr<ServerProcess> sibling(const QString &signingKey)
    {
        return std::make_unique<ServerProcess>(
            signingKey.isEmpty() ? QString()
                                 : QStringLiteral("[auth]\nsigning_key = %1\n").arg(signingKey),
            QStringList{QStringLiteral("--database"), m_first->databaseUrl()});
    }

    QString firstKey() const { return m_first->dataDir() + QStringLiteral("/signing.key"); }

    static int push(const QString &baseUrl, const QString &token, double weight)
    {
        RawApi api(baseUrl);
        return pushOneMetric(api, token, weight);
    }

private slots:
    void init()
    {
        m_first = std::make_unique<ServerProcess>();
        QVERIFY2(m_first->started(), qPrintable(m_first->stderrText()));
        QVERIFY2(!m_first->databaseUrl().isEmpty(), "runs on PostgreSQL only");
        m_second = sibling(firstKey());
        QVERIFY2(m_second->started(), qPrintable(m_second->stderrText()));
        // An account made through one instance, its second device signed in
        // through the other: the tokens each signs are good on both.
        RawApi one(m_first->baseUrl()), two(m_second->baseUrl());
        const QString email = QStringLiteral("instances-%1@example.org")
                                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        m_a = tokenOf(one.account(email, RawApi::device(QStringLiteral("a"))));
        m_b = tokenOf(two.account(email, RawApi::device(QStringLiteral("b")), false));
        QVERIFY(!m_a.isEmpty() && !m_b.isEmpty());
    }

    void cleanup()
    {
        m_second.reset();
        m_first.reset();
    }

    void aChangeThroughOneInstanceWakesStreamsOnTheOther()
    {
        Stream b(m_second->baseUrl(), m_b);
        QCOMPARE(b.waitMessage(1), 0);
        QCOMPARE(push(m_first->baseUrl(), m_a, 70), 200);
        QCOMPARE(b.waitMessage(2), 1);
        // And the other way, to a stream on the first.
        Stream a(m_first->baseUrl(), m_a);
        QCOMPARE(a.waitMessage(1), 1);
        QCOMPARE(push(m_second->baseUrl(), m_b, 71), 200);
        QCOMPARE(a.waitMessage(2), 2);
        // The device that pushed is not woken, whichever instance holds it.
        QTest::qWait(300);
        QCOMPARE(b.messages.size(), 2);
    }

    void aListenerCutOffCatchesUpWhenItIsBack()
    {
        Stream b(m_second->baseUrl(), m_b);
        QCOMPARE(b.waitMessage(1), 0);
        // The database takes no new connections, and the second instance's
        // listening connection is cut: it cannot listen again yet.
        const QString database = QUrl(m_first->databaseUrl()).path().mid(1);
        QUrl maintenance(m_first->databaseUrl());
        maintenance.setPath(QStringLiteral("/postgres"));
        const auto allowConnections = [&](bool allow) {
            return postgresAdmin(
                maintenance.toString(),
                QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS %2")
                    .arg(database, allow ? QStringLiteral("true") : QStringLiteral("false")));
        };
        QVERIFY(allowConnections(false));
        QVERIFY(postgresAdmin(maintenance.toString(),
                              QStringLiteral("SELECT pg_terminate_backend(pid) FROM "
                                             "pg_stat_activity WHERE application_name = "
                                             "'hale-server-feed-%1'")
                                  .arg(m_second->processId())));
        // A change through the first instance (on a worker whose connection
        // is open; one that would open a new one is refused meanwhile) is
        // announced while the second is not listening.
        int status = 0;
        for (int i = 0; i < 20 && status != 200; ++i)
            status = push(m_first->baseUrl(), m_a, 70);
        QCOMPARE(status, 200);
        QTest::qWait(500);
        QCOMPARE(b.messages.size(), 1);
        // Once it listens again it catches up.
        QVERIFY(allowConnections(true));
        QCOMPARE(b.waitMessage(2), 1);
    }

    void postgresRestartingLosesNoChange()
    {
        Stream b(m_second->baseUrl(), m_b);
        QCOMPARE(b.waitMessage(1), 0);
        QVERIFY(postgresCluster(QStringLiteral("pause")));
        QVERIFY(postgresCluster(QStringLiteral("resume")));
        // The first request after the restart may meet a dead pooled
        // connection and be asked to retry (503).
        int status = 0;
        for (int i = 0; i < 10 && status != 200; ++i) {
            status = push(m_first->baseUrl(), m_a, 70);
            if (status != 200)
                QTest::qWait(500);
        }
        QCOMPARE(status, 200);
        QCOMPARE(b.waitMessage(2), 1);
    }

    void signInThrottlingCountsEveryInstance()
    {
        // Ten guesses a minute per account (the default), spread over both
        // instances: the eleventh is refused, wherever it goes.
        RawApi one(m_first->baseUrl()), two(m_second->baseUrl());
        const QString email = QStringLiteral("guessed-%1@example.org")
                                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        QCOMPARE(one.account(email, RawApi::device(QStringLiteral("a"))).status, 201);
        int refusedAt = 0;
        for (int i = 1; i <= 12 && refusedAt == 0; ++i) {
            RawApi &api = i % 2 ? one : two;
            const RawApi::Reply guess = api.call(
                "POST", QLatin1String(sync::route::kLogin),
                QJsonObject{{QStringLiteral("email"), email},
                            {QStringLiteral("password"), QStringLiteral("wrong guess %1").arg(i)},
                            {QStringLiteral("device"), RawApi::device(QStringLiteral("x"))}});
            QVERIFY2(guess.status == 401 || guess.status == 429, guess.raw.constData());
            if (guess.status == 429) {
                QVERIFY(guess.retryAfter.toInt() > 0);
                refusedAt = i;
            }
        }
        // The account's first sign-up counted too.
        QCOMPARE(refusedAt, 10);
    }

    void anInstanceWithoutTheSharedKeyRefusesToStart()
    {
        // No key file of its own: it must not make one.
        const auto keyless = sibling({});
        QVERIFY(!keyless->started());
        QVERIFY2(keyless->stderrText().contains(QStringLiteral("signing key")),
                 qPrintable(keyless->stderrText()));
        QVERIFY(!QFile::exists(keyless->dataDir() + QStringLiteral("/signing.key")));

        // A key of its own: refused as well.
        QTemporaryDir dir;
        const QString other = dir.filePath(QStringLiteral("other.key"));
        QFile file(other);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("c2l4dHktZm91ci1ieXRlcy1vZi1hbm90aGVyLWtleS1mb3ItdGhlLXRlc3Q\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        const auto stranger = sibling(other);
        QVERIFY(!stranger->started());
        QVERIFY2(stranger->stderrText().contains(QStringLiteral("not the one")),
                 qPrintable(stranger->stderrText()));
    }

    void aKeyOthersMayReadIsRefused()
    {
        m_second.reset();
        QVERIFY(QFile::setPermissions(firstKey(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                      QFileDevice::ReadOther));
        const auto exposed = sibling(firstKey());
        QVERIFY(!exposed->started());
        QVERIFY2(exposed->stderrText().contains(QStringLiteral("chmod 600")),
                 qPrintable(exposed->stderrText()));
        QVERIFY(
            QFile::setPermissions(firstKey(), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(sibling(firstKey())->started());
    }
};

QTEST_GUILESS_MAIN(TestServerInstances)
#include "test_server_instances.moc"
