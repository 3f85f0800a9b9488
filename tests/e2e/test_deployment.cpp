// The deployment a provider copies, run for real: Debian's nginx with the
// shipped site (installer/nginx/hale-server.conf: TLS, the WebSocket
// upgrade, two upstreams) in front of two hale-server instances on one
// throwaway PostgreSQL, and two devices of one person syncing through it.
// A device whose stream is on one instance is woken by changes pushed
// through either; when an instance is killed, the devices reconnect through
// nginx to the other and nothing is lost.
#include "../integration/server_process.h"
#include "sync_device.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QUuid>

using namespace hale;
using namespace hale::test;

namespace {

bool waitUntil(const std::function<bool()> &done, int ms = kWaitMs)
{
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QTest::qWait(10);
    return done();
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool run(const QString &program, const QStringList &arguments, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    const bool ok =
        p.waitForFinished(60'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return ok;
}

// The open event streams an instance reports on /metrics (read directly,
// not through nginx).
int streamsOn(const ServerProcess &server)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(server.baseUrl() + QStringLiteral("/metrics"))));
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
    SyncWorker::Options options;
    options.debounceMs = 2000;
    options.backoff = {200, 1000};
    return options;
}

} // namespace

class TestDeployment : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_one, m_two;
    QProcess m_nginx;
    quint16 m_port = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool writeFile(const QString &name, const QString &text)
    {
        QFile f(path(name));
        return f.open(QIODevice::WriteOnly) && f.write(text.toUtf8()) == text.toUtf8().size();
    }

    // The shipped site, pointed at this test's ports, certificate and folder.
    bool writeNginxConfig()
    {
        QFile shipped(QString::fromLocal8Bit(qgetenv("HALE_NGINX_SITE")));
        if (!shipped.open(QIODevice::ReadOnly)) {
            qWarning() << "HALE_NGINX_SITE does not name the shipped nginx site";
            return false;
        }
        QString site = QString::fromUtf8(shipped.readAll());
        const QList<std::pair<QString, QString>> edits{
            {QStringLiteral("server 127.0.0.1:8787 "),
             QStringLiteral("server 127.0.0.1:%1 ").arg(m_one->port())},
            {QStringLiteral("server 127.0.0.1:8788 "),
             QStringLiteral("server 127.0.0.1:%1 ").arg(m_two->port())},
            {QStringLiteral("listen 443 ssl;"),
             QStringLiteral("listen 127.0.0.1:%1 ssl;").arg(m_port)},
            {QStringLiteral("listen [::]:443 ssl;"), QString()},
            {QStringLiteral("/etc/ssl/hale/fullchain.pem"), path(QStringLiteral("cert.pem"))},
            {QStringLiteral("/etc/ssl/hale/privkey.pem"), path(QStringLiteral("key.pem"))},
        };
        for (const auto &[from, to] : edits) {
            if (!site.contains(from)) {
                qWarning() << "the shipped site no longer has" << from;
                return false;
            }
            site.replace(from, to);
        }
        QDir(m_dir.path()).mkpath(QStringLiteral("tmp"));
        const QString main =
            QStringLiteral("%1daemon off;\nworker_processes 1;\npid %2/nginx.pid;\n"
                           "error_log %2/error.log info;\nevents { worker_connections 1024; }\n"
                           "http {\n  access_log %2/access.log;\n"
                           "  client_body_temp_path %2/tmp/body;\n  proxy_temp_path %2/tmp/proxy;\n"
                           "  fastcgi_temp_path %2/tmp/fastcgi;\n  uwsgi_temp_path %2/tmp/uwsgi;\n"
                           "  scgi_temp_path %2/tmp/scgi;\n  include %2/site.conf;\n}\n")
                .arg(geteuid() == 0 ? QStringLiteral("user root;\n") : QString(), m_dir.path());
        return writeFile(QStringLiteral("site.conf"), site) &&
               writeFile(QStringLiteral("nginx.conf"), main);
    }

    QString url() const { return QStringLiteral("https://127.0.0.1:%1").arg(m_port); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A certificate for 127.0.0.1 that this process trusts.
        QString out;
        QVERIFY2(run(QStringLiteral("openssl"),
                     {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                      QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                      QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                      QStringLiteral("-keyout"), path(QStringLiteral("key.pem")),
                      QStringLiteral("-out"), path(QStringLiteral("cert.pem"))},
                     &out),
                 qPrintable(out));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(path(QStringLiteral("cert.pem")));
        QSslConfiguration::setDefaultConfiguration(tls);

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

        m_port = freePort();
        QVERIFY(writeNginxConfig());
        QVERIFY2(run(QStringLiteral("/usr/sbin/nginx"),
                     {QStringLiteral("-t"), QStringLiteral("-p"), m_dir.path(),
                      QStringLiteral("-e"), path(QStringLiteral("error.log")), QStringLiteral("-c"),
                      path(QStringLiteral("nginx.conf"))},
                     &out),
                 qPrintable(out));
        m_nginx.setProcessChannelMode(QProcess::ForwardedChannels);
        m_nginx.start(QStringLiteral("/usr/sbin/nginx"),
                      {QStringLiteral("-p"), m_dir.path(), QStringLiteral("-e"),
                       path(QStringLiteral("error.log")), QStringLiteral("-c"),
                       path(QStringLiteral("nginx.conf"))});
        QVERIFY(m_nginx.waitForStarted());
        QVERIFY(waitUntil(
            [&] {
                QTcpSocket probe;
                probe.connectToHost(QHostAddress::LocalHost, m_port);
                return probe.waitForConnected(200);
            },
            10'000));
    }

    void cleanupTestCase()
    {
        m_nginx.terminate();
        m_nginx.waitForFinished(5000);
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
        // it on the instance A's is not on.
        for (int i = 0; i < 20 && !(streamsOn(*m_one) == 1 && streamsOn(*m_two) == 1); ++i) {
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
