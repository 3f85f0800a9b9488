// The deployment a provider copies, run for real: Debian's nginx with the
// shipped site (installer/nginx/hale-server.conf: TLS, the WebSocket
// upgrade, two upstreams) in front of two hale-server instances on one
// throwaway PostgreSQL, and two devices of one person syncing through it.
// A device whose stream is on one instance is woken by changes pushed
// through either; when an instance is killed, the devices reconnect through
// nginx to the other and nothing is lost.
#include "../integration/server_process.h"
#include "nginx_front.h"
#include "sync_device.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUuid>

using namespace hale;
using namespace hale::test;

namespace {

// The open event streams an instance reports on /metrics (read directly,
// not through nginx).
int streamsOn(const ServerProcess &server)
{
    QNetworkAccessManager network;
    QNetworkReply *reply =
        network.get(QNetworkRequest(QUrl(server.baseUrl() + QStringLiteral("/metrics"))));
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(10'000);
    const QString text = QString::fromUtf8(reply->readAll());
    reply->deleteLater();
    static const QRegularExpression gauge(QStringLiteral("^hale_event_streams (\\d+)$"),
                                          QRegularExpression::MultilineOption);
    const auto m = gauge.match(text);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

SyncWorker::Options appLike()
{
    SyncWorker::Options options = asTheAppRuns();
    options.backoff = {200, 1000};
    return options;
}

} // namespace

class TestDeployment : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_one, m_two;
    NginxFront m_nginx;

    QString url() const { return m_nginx.url(); }

private slots:
    void initTestCase()
    {
        const QString trusted = QStringLiteral("[http]\ntrusted_proxies = 127.0.0.1\n"
                                               "[rate_limit]\nrequests_per_minute = 100000\n");
        m_one = std::make_unique<ServerProcess>(trusted);
        QVERIFY2(m_one->started(), qPrintable(m_one->stderrText()));
        QVERIFY2(!m_one->databaseUrl().isEmpty(), "runs on PostgreSQL only");
        m_two = std::make_unique<ServerProcess>(
            trusted +
                QStringLiteral("[auth]\nsigning_key = %1/signing.key\n").arg(m_one->dataDir()),
            QStringList{QStringLiteral("--database"), m_one->databaseUrl()});
        QVERIFY2(m_two->started(), qPrintable(m_two->stderrText()));
        QString error;
        QVERIFY2(m_nginx.start(m_one->port(), m_two->port(), &error), qPrintable(error));
    }

    void devicesOnDifferentInstancesWakeEachOtherAndSurviveAnInstanceDying()
    {
        const QString email = QStringLiteral("deploy-%1@example.org")
                                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        Device a(QStringLiteral("laptop"), appLike()), b(QStringLiteral("desktop"), appLike());
        a.syncOnLocalChanges();
        b.syncOnLocalChanges();
        QVERIFY(a.join(url(), email, true));
        QVERIFY(b.join(url(), email, false));
        QVERIFY(waitUntil([&] { return a.status.live && b.status.live; }));

        // One stream on each instance: B's is opened again until nginx puts
        // it on the instance A's is not on. nginx takes turns, and a wake
        // makes two requests (a sync, the stream), so every other try makes
        // one more first (the device list) to shift the turn.
        for (int i = 0; i < 20 && !(streamsOn(*m_one) == 1 && streamsOn(*m_two) == 1); ++i) {
            if (i % 2 == 1) {
                QVERIFY(b.act([&] { b.worker->refreshDevices(); }));
            }
            b.worker->machineWoke();
            QVERIFY(waitUntil([&] { return b.status.live; }));
            QTest::qWait(100);
        }
        QCOMPARE(streamsOn(*m_one), 1);
        QCOMPARE(streamsOn(*m_two), 1);

        // Changes go both ways, through either instance.
        QStringList ids;
        for (int i = 0; i < 6; ++i) {
            Device &from = i % 2 ? b : a;
            Device &to = i % 2 ? a : b;
            const QString id = from.store.create(kMetric, metric(70 + i)).id;
            ids << id;
            QVERIFY2(waitUntil([&] { return weightOf(to.store, id) == 70 + i; }, 15'000),
                     qPrintable(QStringLiteral("change %1 did not arrive").arg(i)));
        }

        // One instance dies: the stream it held reconnects through nginx to
        // the other, and edits made meanwhile all arrive.
        m_one->kill();
        QVERIFY(waitUntil([&] { return a.status.live && b.status.live && streamsOn(*m_two) == 2; },
                          30'000));
        for (int i = 0; i < 20; ++i)
            ids << a.store.create(kMetric, metric(50 + i)).id;
        QVERIFY(waitUntil([&] { return b.store.count(kMetric) == 26 && a.status.pending == 0; },
                          30'000));
        for (const QString &id : std::as_const(ids))
            QVERIFY(weightOf(b.store, id) > 0);
    }
};

QTEST_GUILESS_MAIN(TestDeployment)
#include "test_deployment.moc"
