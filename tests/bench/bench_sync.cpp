// Sync end to end on loopback, through the real worker and hale-server (see
// tests/bench/run-sync-benchmarks.sh, which runs it under a keychain):
//   HALE_SERVER_BINARY=hale-server QT_QPA_PLATFORM=offscreen bench_sync [--records N]
//   [--end-to-end]
// Device A pushes N demo records; device B, with its main window open,
// signs in and pulls them all through its sync thread while the UI thread's
// longest event-loop stall is measured; then one edit from A reaches B, and
// no-op cycles are timed. Bytes are request and response bodies.
#include "../integration/server_process.h"
#include "bench_common.h"
#include "models/demo_data.h"
#include "models/local_store.h"
#include "sync/client/sync_worker.h"
#include "ui/main_window.h"
#include "ui/sync_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace hale;

namespace {

const QString kPassword = QStringLiteral("correct horse battery");
constexpr int kWaitMs = 30 * 60 * 1000;

// The longest gap between ticks of a 1 ms timer on this thread, minus the
// tick itself: how long the event loop could not react to anything.
class StallProbe : public QObject
{
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            if (m_clock.isValid())
                m_longest = std::max(m_longest, bench::elapsedMs(m_clock) - 1.0);
            m_clock.restart();
        });
    }
    void start()
    {
        m_longest = 0;
        m_clock.invalidate();
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        return m_longest;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_longest = 0;
};

bool waitFor(QSignalSpy &spy)
{
    return spy.count() > 0 || spy.wait(kWaitMs);
}

void line(const char *what, double ms, qint64 sent, qint64 received)
{
    std::printf("%-44s %10.1f ms   sent %10.1f KB   received %10.1f KB\n", what, ms,
                double(sent) / 1024.0, double(received) / 1024.0);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption recordsOption(QStringLiteral("records"),
                                           QStringLiteral("Records to sync (default 100000)."),
                                           QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption liftOption(
        QStringLiteral("lift-rate-limit"),
        QStringLiteral("Run the server without its per-user rate limit (default: its defaults)."));
    const QCommandLineOption randomIdsOption(
        QStringLiteral("random-ids"),
        QStringLiteral("Give the records random (version 4) ids, as earlier versions of Hale "
                       "did (default: time-ordered, as the app makes them now)."));
    const QCommandLineOption endToEndOption(
        QStringLiteral("end-to-end"),
        QStringLiteral("Make the account end-to-end encrypted: A seals every value, B opens and "
                       "checks each (the passphrase's Argon2id is in the sign-up and sign-in)."));
    parser.addOption(recordsOption);
    parser.addOption(liftOption);
    parser.addOption(randomIdsOption);
    parser.addOption(endToEndOption);
    parser.addHelpOption();
    parser.process(app);
    const int records = parser.value(recordsOption).toInt();

    test::ServerProcess server(parser.isSet(liftOption)
                                   ? QStringLiteral("[rate_limit]\nrequests_per_minute = 1000000\n")
                                   : QString());
    std::printf("server rate limit: %s\n", parser.isSet(liftOption) ? "lifted" : "default");
    const DemoIds ids = parser.isSet(randomIdsOption) ? DemoIds::Random : DemoIds::TimeOrdered;
    std::printf("record ids: %s\n", ids == DemoIds::Random ? "random" : "time-ordered");
    if (!server.started()) {
        std::fprintf(stderr, "hale-server did not start: %s\n", qPrintable(server.stderrText()));
        return 1;
    }
    const QString email = QStringLiteral("bench@example.org");
    const QString passphrase =
        parser.isSet(endToEndOption) ? QStringLiteral("a quiet harbour at dusk") : QString();
    std::printf("end-to-end encryption: %s\n", passphrase.isEmpty() ? "off" : "on");

    // Device A: N records, then sign up, which switches sync on: every
    // record is queued and pushed. The clock runs from the sign-up (the
    // person's action) to the end of the cycle that empties the outbox.
    QTemporaryDir dirA;
    {
        LocalStore fill;
        QString error;
        if (!fill.open(dirA.path()).ok() ||
            !generateDemoData(fill, records, &error, {}, kDemoDataSeed, ids)) {
            std::fprintf(stderr, "demo data failed: %s\n", qPrintable(error));
            return 1;
        }
    }
    sync::SyncWorker a(dirA.path());
    a.start();
    QSignalSpy aAction(&a, &sync::SyncWorker::accountActionFinished);
    QSignalSpy aCycle(&a, &sync::SyncWorker::cycleFinished);
    QElapsedTimer clock;
    clock.start();
    a.signUp(server.baseUrl(), email, kPassword, passphrase);
    if (!waitFor(aAction) || !aAction.first().at(1).toBool()) {
        std::fprintf(stderr, "sign up failed\n");
        return 1;
    }
    const double signedUp = bench::elapsedMs(clock);
    if (!waitFor(aCycle) || !aCycle.first().at(0).toBool()) {
        std::fprintf(stderr, "push failed: %s\n", qPrintable(aCycle.value(0).value(1).toString()));
        return 1;
    }
    std::printf("records: %d (%lld pushed)\n", records, static_cast<long long>(a.status().pushed));
    line("push of all records (A, from sign-up)", bench::elapsedMs(clock), a.bytesSent(),
         a.bytesReceived());
    std::printf("%-44s %10.1f ms\n", "  of which the sign-up and queueing", signedUp);

    // Device B: the window open, sync on its own thread, initial pull.
    QTemporaryDir dirB;
    LocalStore storeB;
    if (!storeB.open(dirB.path()).ok())
        return 1;
    SyncController controller(&storeB, dirB.path());
    MainWindow window(&storeB, dirB.path(), &controller);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    QTest::qWait(500); // settle the first layout
    StallProbe probe;
    probe.start();
    QSignalSpy bAction(&controller, &SyncController::accountActionFinished);
    clock.restart();
    controller.signIn(server.baseUrl(), email, kPassword, passphrase);
    if (!waitFor(bAction) || !bAction.first().at(1).toBool()) {
        std::fprintf(stderr, "sign in failed\n");
        return 1;
    }
    auto waitSynced = [&] {
        QDeadlineTimer deadline(kWaitMs);
        while (controller.status().state != sync::SyncState::Synced && !deadline.hasExpired())
            QTest::qWait(5);
        return controller.status().state == sync::SyncState::Synced;
    };
    if (!waitSynced()) {
        std::fprintf(stderr, "initial sync failed: %s\n", qPrintable(controller.status().message));
        return 1;
    }
    const double initial = bench::elapsedMs(clock);
    const double stall = probe.stop();
    const sync::SyncStatus b = controller.status();
    line("initial sync to a fresh device (B)", initial, b.bytesSent, b.bytesReceived);
    std::printf("%-44s %10lld records, %lld in the store\n", "  pulled",
                static_cast<long long>(b.pulled),
                static_cast<long long>(storeB.count(QStringLiteral("metric"))));
    std::printf("%-44s %10.1f ms\n", "  longest UI-thread stall meanwhile", stall);

    // One edit on A, visible on B after B's next cycle.
    const Record first = storeB.records(QStringLiteral("metric"), {}).first();
    LocalStore editor;
    editor.open(dirA.path());
    clock.restart();
    editor.update(QStringLiteral("metric"), first.id, {{QStringLiteral("weight"), 99.5}});
    aCycle.clear();
    a.syncNow();
    waitFor(aCycle);
    const qint64 sentBefore = controller.status().bytesSent;
    const qint64 receivedBefore = controller.status().bytesReceived;
    controller.syncNow();
    QDeadlineTimer deadline(kWaitMs);
    while (storeB.record(QStringLiteral("metric"), first.id)
                   ->value(QStringLiteral("weight"))
                   .toDouble() != 99.5 &&
           !deadline.hasExpired())
        QTest::qWait(1);
    const double visible = bench::elapsedMs(clock);
    // The status with the cycle's byte counts follows the data.
    while ((controller.status().state != sync::SyncState::Synced ||
            controller.status().bytesReceived == receivedBefore) &&
           !deadline.hasExpired())
        QTest::qWait(1);
    line("edit on A visible on B (A's cycle + B's)", visible,
         controller.status().bytesSent - sentBefore,
         controller.status().bytesReceived - receivedBefore);

    // No-op cycles on A (nothing to push or pull).
    QList<double> noop;
    qint64 sent = 0, received = 0;
    for (int i = 0; i < 20; ++i) {
        const qint64 s0 = a.bytesSent(), r0 = a.bytesReceived();
        aCycle.clear();
        clock.restart();
        a.syncNow();
        waitFor(aCycle);
        noop << bench::elapsedMs(clock);
        sent = a.bytesSent() - s0;
        received = a.bytesReceived() - r0;
    }
    bench::report("no-op cycle (A)", noop);
    std::printf("%-44s sent %lld B, received %lld B (bodies)\n", "  bytes per no-op cycle",
                static_cast<long long>(sent), static_cast<long long>(received));
    return 0;
}
