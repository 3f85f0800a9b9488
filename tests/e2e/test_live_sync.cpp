// Live sync: devices keep the server's event stream open and hear of each
// other's changes at once, without a Sync now or a poll; when the stream
// cannot be open they fall back to polling and say so; they sync when the
// machine wakes and push what waits when the app quits. Against the real
// hale-server (SQLite, or PostgreSQL with HALE_TEST_DATABASE=postgres) and a
// real keychain.
#include "../integration/server_process.h"
#include "sync_device.h"

#include <QElapsedTimer>
#include <QUuid>

using namespace hale;
using namespace hale::test;

class TestLiveSync : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ServerProcess> m_server;
    QString m_email;

    QString url() const { return m_server->baseUrl(); }

    void startServer(const QString &ini = {})
    {
        m_server = std::make_unique<test::ServerProcess>(
            QStringLiteral("[rate_limit]\nrequests_per_minute = 100000\n") + ini);
        QVERIFY2(m_server->started(), qPrintable(m_server->stderrText()));
    }

    // Two devices of one account, both synced once, with their streams open.
    void twoLiveDevices(Device &a, Device &b)
    {
        a.syncOnLocalChanges();
        b.syncOnLocalChanges();
        QVERIFY(a.join(url(), m_email, true));
        QVERIFY(b.join(url(), m_email, false));
        QVERIFY(waitUntil([&] { return a.status.live && b.status.live; }));
    }

private slots:
    void init()
    {
        startServer();
        m_email = QStringLiteral("live-%1@example.org")
                      .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
    }

    void cleanup() { m_server.reset(); }

    void aChangeOnOneDeviceShowsOnTheOtherByItself()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QVERIFY2(a.worker->status().live, "the status says the stream is open");

        QElapsedTimer clock;
        clock.start();
        const QString id = a.store.create(kMetric, metric(71.5)).id;
        QVERIFY(waitUntil([&] { return weightOf(b.store, id) == 71.5; }, 10'000));
        qInfo() << "an edit on one device reached the other's database in" << clock.elapsed()
                << "ms";

        // And back, an edit and a deletion.
        QVERIFY(b.store.update(kMetric, id, {{QStringLiteral("weight"), 70.0}}).ok());
        QVERIFY(waitUntil([&] { return weightOf(a.store, id) == 70.0; }, 10'000));
        QVERIFY(a.store.remove(kMetric, id).ok());
        QVERIFY(waitUntil([&] { return b.store.count(kMetric) == 0; }, 10'000));
    }

    void theDeviceThatMadeAChangeIsNotWokenForIt()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QSignalSpy aCycles(a.worker.get(), &SyncWorker::cycleFinished);
        QSignalSpy bCycles(b.worker.get(), &SyncWorker::cycleFinished);
        const QString id = a.store.create(kMetric, metric(80)).id;
        QVERIFY(waitUntil([&] { return weightOf(b.store, id) == 80; }, 10'000));
        // Time for a wake-up of its own to arrive, were one sent.
        QTest::qWait(1000);
        QCOMPARE(aCycles.size(), 1); // its push, and nothing after it
        QCOMPARE(bCycles.size(), 1); // the pull the stream asked for
    }

    void anExpiredTokenEndsTheStreamAndItReopensWithANewOne()
    {
        startServer(QStringLiteral("[auth]\naccess_token_seconds = 2\n"));
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QSignalSpy ended(b.worker.get(), &SyncWorker::statusChanged);
        // The server ends the stream when the token it was opened with
        // expires; the device renews the token and opens another.
        QVERIFY(waitUntil([&] { return !b.status.live; }, 5000));
        QVERIFY(waitUntil([&] { return b.status.live; }, 10'000));
        const QString id = a.store.create(kMetric, metric(65)).id;
        QVERIFY(waitUntil([&] { return weightOf(b.store, id) == 65; }, 10'000));
    }

    void withoutTheStreamTheDevicePollsAndSaysSo()
    {
        // A server that takes no event streams (as behind an old proxy).
        startServer(QStringLiteral("[events]\nmax_streams = 0\n"));
        Device a(QStringLiteral("laptop"), asTheAppRuns());
        QVERIFY(a.join(url(), m_email, true));
        QVERIFY(waitUntil([&] { return !a.status.liveMessage.isEmpty(); }, 10'000));
        QVERIFY(!a.status.live);
        QCOMPARE(a.status.state, SyncState::Synced);
        // Syncing itself goes on.
        QVERIFY(a.store.create(kMetric, metric(60)).ok());
        QVERIFY(a.sync());
        QCOMPARE(a.status.pending, 0);
    }

    void aRestartedServerIsReconnectedTo()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QVERIFY(m_server->restart());
        QVERIFY(waitUntil([&] { return a.status.live && b.status.live; }, 20'000));
        const QString id = a.store.create(kMetric, metric(90)).id;
        QVERIFY(waitUntil([&] { return weightOf(b.store, id) == 90; }, 10'000));
    }

    void aDeviceSignedOutElsewhereLosesItsStream()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QSignalSpy revoked(a.worker.get(), &SyncWorker::accountActionFinished);
        a.worker->revokeDevice(b.id());
        QVERIFY(revoked.wait(kWaitMs));
        QVERIFY(waitUntil([&] { return b.status.state == SyncState::SignInNeeded; }, 10'000));
        QVERIFY(!b.status.live);
    }

    void wakingFromSleepSyncsAndReopensTheStream()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns()),
            b(QStringLiteral("desktop"), asTheAppRuns());
        twoLiveDevices(a, b);
        QSignalSpy cycles(b.worker.get(), &SyncWorker::cycleFinished);
        b.worker->machineWoke();
        QVERIFY(cycles.wait(kWaitMs));
        QVERIFY(cycles.first().at(0).toBool());
        QVERIFY(waitUntil([&] { return b.status.live; }, 10'000));
    }

    void activatingTheWindowSyncsUnlessItJustDid()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns());
        QVERIFY(a.join(url(), m_email, true));
        QSignalSpy cycles(a.worker.get(), &SyncWorker::cycleFinished);
        a.worker->windowActivated(); // the sign-in's cycle ended moments ago
        QTest::qWait(200);
        QCOMPARE(cycles.size(), 0);
    }

    void quittingPushesWhatWaits()
    {
        SyncWorker::Options polling = asTheAppRuns();
        polling.liveUpdates = false; // the slow debounce: nothing goes before the quit
        Device a(QStringLiteral("laptop"), polling), b(QStringLiteral("desktop"), asTheAppRuns());
        a.syncOnLocalChanges();
        QVERIFY(a.join(url(), m_email, true));
        QVERIFY(b.join(url(), m_email, false));
        const QString id = a.store.create(kMetric, metric(55)).id;
        QSignalSpy finished(a.worker.get(), &SyncWorker::finishedPending);
        a.worker->finishPending();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(a.status.pending, 0);
        QVERIFY(b.sync());
        QCOMPARE(weightOf(b.store, id), 55.0);
    }

    void quittingWithTheServerGoneEndsAtOnce()
    {
        Device a(QStringLiteral("laptop"), asTheAppRuns());
        QVERIFY(a.join(url(), m_email, true));
        m_server->kill();
        QVERIFY(a.store.create(kMetric, metric(50)).ok());
        QSignalSpy finished(a.worker.get(), &SyncWorker::finishedPending);
        a.worker->finishPending();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(a.status.pending, 1); // still queued for the next start
    }
};

QTEST_GUILESS_MAIN(TestLiveSync)
#include "test_live_sync.moc"
