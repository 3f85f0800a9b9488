// One installation for end-to-end tests: a data folder with its own sync
// worker and the connection its screens would write through, plus what the
// tests read back. The worker runs on the test's thread: every wait spins
// the event loop until a signal arrives or a bounded timeout passes.
#pragma once

#include "models/local_store.h"
#include "sync/client/sync_worker.h"
#include "sync/client/token_store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace hale::test {

using namespace hale::sync;

inline const QString kMetric = QStringLiteral("metric");
inline const QString kJournal = QStringLiteral("journal");
inline constexpr int kWaitMs = 60'000;

// The weight of a record as a device's screens see it; -1 if it has none.
inline double weightOf(const LocalStore &store, const QString &id)
{
    const std::optional<Record> r = store.record(QStringLiteral("metric"), id);
    return r ? r->value(QStringLiteral("weight")).toDouble() : -1;
}

inline QVariantMap metric(double weight)
{
    return {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
            {QStringLiteral("weight"), weight}};
}

// Runs one keychain call and waits (bounded) for its answer.
inline TokenStore::Result awaitKeychain(const std::function<void(TokenStore::Callback)> &start)
{
    std::optional<TokenStore::Result> result;
    start([&](const TokenStore::Result &r) { result = r; });
    QDeadlineTimer deadline(kWaitMs);
    while (!result && !deadline.hasExpired())
        QTest::qWait(10);
    return result.value_or(TokenStore::Result{{}, QStringLiteral("no answer from the keychain")});
}

// Spins the event loop until `done` holds or `ms` pass; whether it held.
inline bool waitUntil(const std::function<bool()> &done, int ms = kWaitMs)
{
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QTest::qWait(5);
    return done();
}

// Options as the app runs the worker: the event stream open, and the app's
// 2 s debounce of local changes (so that only the stream makes them fast).
inline SyncWorker::Options asTheAppRuns()
{
    SyncWorker::Options options;
    options.debounceMs = 2000;
    return options;
}

// Options under which cycles run only when a test asks: no event stream
// (which starts a cycle whenever another device pushes).
inline SyncWorker::Options onRequestOnly()
{
    SyncWorker::Options options;
    options.liveUpdates = false;
    return options;
}

// One installation: its data folder, the worker, and the connection the
// screens would write through.
class Device
{
public:
    explicit Device(const QString &name, SyncWorker::Options options = onRequestOnly())
    {
        options.deviceName = name;
        options.debounceMs = 100;
        options.backoff = {50, 200};
        m_options = options;
        worker = std::make_unique<SyncWorker>(m_dir.path(), options);
        QObject::connect(worker.get(), &SyncWorker::statusChanged,
                         [this](const SyncStatus &s) { status = s; });
        worker->start();
        store.setPhysicalClock(options.physicalClock ? options.physicalClock
                                                     : HybridLogicalClock::systemMillis);
        opened = store.open(m_dir.path()).ok();
    }

    // As the app does: a local write schedules a cycle (not wired by
    // default, so that each test decides when cycles run).
    void syncOnLocalChanges()
    {
        QObject::connect(&store, &LocalStore::recordsChanged, worker.get(),
                         &SyncWorker::scheduleSoon);
    }

    // Signs up or in and waits for the first cycle that follows. A
    // passphrase makes a new account end-to-end encrypted, or opens one.
    bool join(const QString &server, const QString &email, bool signUp,
              const QString &passphrase = {})
    {
        QSignalSpy action(worker.get(), &SyncWorker::accountActionFinished);
        QSignalSpy cycle(worker.get(), &SyncWorker::cycleFinished);
        if (signUp)
            worker->signUp(server, email, QStringLiteral("correct horse battery"), passphrase);
        else
            worker->signIn(server, email, QStringLiteral("correct horse battery"), passphrase);
        if (!action.wait(kWaitMs) || !action.first().at(1).toBool()) {
            qWarning() << "sign in failed:" << (action.isEmpty() ? QVariantList() : action.first());
            return false;
        }
        return cycle.wait(kWaitMs) && cycle.first().at(0).toBool();
    }

    // An account action (`call` starts it): whether it succeeded, and its
    // message.
    bool act(const std::function<void()> &call, QString *message = nullptr)
    {
        QSignalSpy action(worker.get(), &SyncWorker::accountActionFinished);
        call();
        if (action.isEmpty() && !action.wait(kWaitMs))
            return false;
        if (message)
            *message = action.first().at(2).toString();
        return action.first().at(1).toBool();
    }

    // One whole cycle; true if it synced everything.
    bool sync()
    {
        QSignalSpy cycle(worker.get(), &SyncWorker::cycleFinished);
        worker->syncNow();
        // A cycle with nothing to do may end before syncNow() returns.
        if (cycle.isEmpty() && !cycle.wait(kWaitMs))
            return false;
        lastMessage = cycle.last().at(1).toString();
        return cycle.last().at(0).toBool();
    }

    QString id() const { return store.deviceId(); }

    // A new worker on the same data folder, as after restarting the app:
    // it has no access token yet. Not started.
    void replaceWorker()
    {
        worker = std::make_unique<SyncWorker>(m_dir.path(), m_options);
        QObject::connect(worker.get(), &SyncWorker::statusChanged,
                         [this](const SyncStatus &s) { status = s; });
    }

    std::unique_ptr<SyncWorker> worker;
    LocalStore store;
    SyncStatus status;
    QString lastMessage;
    bool opened = false;

private:
    QTemporaryDir m_dir;
    SyncWorker::Options m_options;
};

} // namespace hale::test
