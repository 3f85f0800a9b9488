// The app killed with SIGKILL 100 times while it writes and syncs. A child
// process (this program with --child) writes records through LocalStore, prints
// each id once the write has returned, and syncs with the real hale-server all
// the while; the parent kills it at a random moment, then checks the data
// folder: PRAGMA integrity_check is "ok" and every write that returned is
// there. At the end one clean sync empties the outbox and leaves the server
// holding every record exactly as stored on the device: nothing a kill cut
// off (a write, a queued change, an acknowledgement) went missing.
#include "../integration/api_client_for_tests.h"
#include "../integration/server_process.h"
#include "models/local_store.h"
#include "sync/client/sync_worker.h"

#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <csignal>
#include <cstdio>

using namespace hale;
using namespace hale::sync;

namespace {

const QString kMetric = QStringLiteral("metric");
const QString kPassword = QStringLiteral("correct horse battery");

// The child: writes a record every few milliseconds and syncs every 30 ms
// until it is killed.
int runChild(const QString &dataDir)
{
    LocalStore store;
    if (!store.open(dataDir).ok())
        return 3;
    SyncWorker::Options options;
    options.debounceMs = 60'000;
    options.backoff = {20, 100};
    SyncWorker worker(dataDir, options);
    worker.start(false);
    QTimer sync;
    QObject::connect(&sync, &QTimer::timeout, &worker, &SyncWorker::syncNow);
    sync.start(30);
    QTimer write;
    int n = 0;
    QObject::connect(&write, &QTimer::timeout, [&] {
        const WriteResult r =
            store.create(kMetric, {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                                   {QStringLiteral("weight"), 60 + (n++ % 40)}});
        if (r.ok()) {
            std::printf("%s\n", qPrintable(r.id)); // only once the write returned
            std::fflush(stdout);
        }
    });
    write.start(2);
    return QCoreApplication::exec();
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private slots:
    void killedAHundredTimesLosesNothing()
    {
        test::ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute=1000000\n"));
        QVERIFY(server.started());
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        const QString email = QStringLiteral("crash@example.org");
        {
            SyncWorker worker(data);
            worker.start(false);
            QSignalSpy action(&worker, &SyncWorker::accountActionFinished);
            worker.signUp(server.baseUrl(), email, kPassword);
            QVERIFY(action.wait(30'000));
            QVERIFY2(action.first().at(1).toBool(), qPrintable(action.first().at(2).toString()));
        }

        QRandomGenerator rng(20261124);
        QStringList returned;
        for (int kill = 0; kill < 100; ++kill) {
            QProcess child;
            child.setProgram(QCoreApplication::applicationFilePath());
            child.setArguments({QStringLiteral("--child"), data});
            child.setProcessChannelMode(QProcess::SeparateChannels);
            child.start();
            QVERIFY(child.waitForStarted(10'000));
            QTest::qWait(int(rng.bounded(40, 250)));
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(10'000));
            for (const QByteArray &line : child.readAllStandardOutput().split('\n')) {
                if (!line.isEmpty())
                    returned << QString::fromLatin1(line);
            }

            // The folder as the killed app left it.
            LocalStore store;
            QVERIFY2(store.open(data).ok(), "the data folder no longer opens");
            QSqlQuery check(store.database());
            QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
            QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
            for (const QString &id : std::as_const(returned))
                QVERIFY2(store.record(kMetric, id),
                         qPrintable(QStringLiteral("kill %1 lost %2").arg(kill).arg(id)));
        }
        QVERIFY(returned.size() > 100);

        // One clean sync: the server holds every record, each as stored here.
        LocalStore store;
        QVERIFY(store.open(data).ok());
        SyncWorker worker(data);
        worker.start(false);
        QSignalSpy cycle(&worker, &SyncWorker::cycleFinished);
        worker.syncNow();
        QVERIFY(cycle.wait(60'000));
        QVERIFY2(cycle.last().at(0).toBool(), qPrintable(cycle.last().at(1).toString()));
        QCOMPARE(store.pendingChangeCount(), 0);
        test::RawApi api(server.baseUrl());
        const QString token =
            api.call("POST", QStringLiteral("/api/v1/auth/login"),
                     QJsonObject{{QStringLiteral("email"), email},
                                 {QStringLiteral("password"), kPassword},
                                 {QStringLiteral("device"),
                                  test::RawApi::device(QStringLiteral("checker"))}})
                .body.value(QStringLiteral("access_token"))
                .toString();
        const QJsonArray records =
            api.call("GET", QStringLiteral("/api/v1/account/export"), QByteArray(), token)
                .body.value(QStringLiteral("records"))
                .toArray();
        QCOMPARE(records.size(), store.count(kMetric));
        for (const QJsonValue &json : records) {
            const std::optional<RecordState> stored = decodeStoredRecord(json);
            QVERIFY(stored);
            QVERIFY2(store.state(kMetric, stored->id) == stored,
                     qPrintable(QStringLiteral("the server holds another %1").arg(stored->id)));
        }
        qInfo("%lld writes returned over 100 kills; the server holds all %lld records",
              qint64(returned.size()), qint64(records.size()));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args.at(1) == QLatin1String("--child"))
        return runChild(args.at(2));
    TestCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_crash_safety.moc"
