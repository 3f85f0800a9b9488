// The seeded convergence sweep: 3-5 devices of one person (each a real
// LocalStore with its own SyncWorker) and the real hale-server, every device
// behind its own FaultProxy. Each seed runs rounds of random creates, field
// edits, set changes, deletes and restores, with faults on the wire (delays,
// resets, requests and responses cut midway, duplicated requests, responses
// dropped after the server committed), offline spells, device clocks up to
// 2 h behind (or a few minutes ahead: the server refuses more), sync workers
// torn down in the middle of a cycle, the server killed (SIGKILL) and
// restarted, and on PostgreSQL the database stopped and started. Then the
// faults stop and every device syncs until quiet, and:
//   - every device and the server hold, for every record, exactly the merge
//     of every state any device wrote (the oracle: merge is a join, so the
//     converged state is the join of all writes),
//   - nothing is duplicated, nothing is pending or set aside, and no device
//     was asked to sign in.
// A failing seed is named in the test row; run it alone with
//   test_convergence --seed N      (HALE_SWEEP_SEEDS=A-B for a range)
#include "../integration/api_client_for_tests.h"
#include "../integration/fault_proxy.h"
#include "../integration/server_process.h"
#include "models/local_store.h"
#include "sync/client/sync_worker.h"
#include "sync/core/merge.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <atomic>
#include <memory>

using namespace hale;
using namespace hale::sync;

namespace {

const QString kMetric = QStringLiteral("metric");
const QString kMedication = QStringLiteral("medication");
constexpr int kCycleWaitMs = 20'000;
QList<quint32> g_seeds; // from --seed or HALE_SWEEP_SEEDS

class SweepDevice
{
public:
    SweepDevice(const QString &name, qint64 skewMs) : m_skew(skewMs)
    {
        m_options.deviceName = name;
        m_options.debounceMs = 60'000; // cycles run when the sweep says
        m_options.periodicMs = 60 * 60'000;
        m_options.backoff = {20, 200};
        m_options.physicalClock = [this] {
            return HybridLogicalClock::systemMillis() + m_skew;
        };
        store.setPhysicalClock(m_options.physicalClock);
        opened = store.open(m_dir.path()).ok();
        startWorker();
    }

    void startWorker()
    {
        worker = std::make_unique<SyncWorker>(m_dir.path(), m_options);
        QObject::connect(worker.get(), &SyncWorker::statusChanged,
                         [this](const SyncStatus &s) { status = s; });
        worker->start(false);
    }

    // One cycle, waited for (bounded); true if everything synced.
    bool sync()
    {
        QSignalSpy cycle(worker.get(), &SyncWorker::cycleFinished);
        worker->syncNow();
        if (cycle.isEmpty() && !cycle.wait(kCycleWaitMs))
            return false;
        return cycle.last().at(0).toBool();
    }

    // The app dies in the middle of a cycle: its worker goes, a new one starts.
    void crashMidCycle(int afterMs)
    {
        worker->syncNow();
        QTest::qWait(afterMs);
        worker.reset();
        startWorker();
    }

    bool join(const QString &url, const QString &email, bool signUp)
    {
        QSignalSpy action(worker.get(), &SyncWorker::accountActionFinished);
        if (signUp)
            worker->signUp(url, email, QStringLiteral("correct horse battery"));
        else
            worker->signIn(url, email, QStringLiteral("correct horse battery"));
        return action.wait(kCycleWaitMs) && action.first().at(1).toBool();
    }

    LocalStore store;
    std::unique_ptr<SyncWorker> worker;
    SyncStatus status;
    bool opened = false;

private:
    QTemporaryDir m_dir;
    std::atomic<qint64> m_skew;
    SyncWorker::Options m_options;
};

QString keyOf(const QString &kind, const QString &id)
{
    return kind + QLatin1Char('/') + id;
}

} // namespace

class TestConvergence : public QObject
{
    Q_OBJECT

private slots:
    void converges_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : std::as_const(g_seeds))
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
    }

    void converges()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        const bool postgres = test::ServerProcess::usesPostgres();
        test::ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute=1000000\n"
                                                  "sign_ins_per_minute=1000\n"));
        QVERIFY2(server.started(), qPrintable(server.stderrText()));
        const QString email = QStringLiteral("sweep-%1@example.org").arg(seed);

        const int deviceCount = 3 + int(rng.bounded(3));
        std::vector<std::unique_ptr<SweepDevice>> devices;
        std::vector<std::unique_ptr<test::FaultProxy>> proxies;
        for (int i = 0; i < deviceCount; ++i) {
            // Up to 2 h behind, or up to 4 minutes ahead (the server refuses
            // stamps more than 5 minutes in its future).
            const qint64 skew = rng.bounded(3) == 0 ? qint64(rng.bounded(4 * 60'000))
                                                    : -qint64(rng.bounded(2 * 3'600'000));
            devices.push_back(
                std::make_unique<SweepDevice>(QStringLiteral("device-%1").arg(i), skew));
            QVERIFY(devices.back()->opened);
            proxies.push_back(std::make_unique<test::FaultProxy>(server.port(), seed * 31 + i));
            QVERIFY2(devices.back()->join(proxies.back()->baseUrl(), email, i == 0),
                     qPrintable(devices.back()->status.message));
        }

        // The oracle: per record, the merge of every state a device wrote.
        QHash<QString, RecordState> oracle;
        QList<QPair<QString, QString>> known; // (kind, id) of every record
        const auto wrote = [&](SweepDevice &d, const QString &kind, const QString &id) {
            const std::optional<RecordState> now = d.store.state(kind, id);
            if (!now)
                return;
            const QString key = keyOf(kind, id);
            oracle[key] = oracle.contains(key) ? merge(oracle.value(key), *now) : *now;
        };
        const auto randomOp = [&](SweepDevice &d) {
            const int op = int(rng.bounded(10));
            if (known.isEmpty() || op < 3) {
                const bool med = rng.bounded(2) == 0;
                const QVariantMap values =
                    med ? QVariantMap{{QStringLiteral("name"),
                                       QStringLiteral("Med %1").arg(rng.bounded(100))},
                                      {QStringLiteral("dose"), 1 + int(rng.bounded(500))},
                                      {QStringLiteral("unit"), QStringLiteral("mg")},
                                      {QStringLiteral("start_date"), QDate(2026, 11, 1)},
                                      {QStringLiteral("side_effects"),
                                       QStringList{QStringLiteral("nausea")}}}
                        : QVariantMap{
                              {QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                              {QStringLiteral("weight"), 50 + int(rng.bounded(50))}};
                const WriteResult r = d.store.create(med ? kMedication : kMetric, values);
                if (r.ok()) {
                    known.append({med ? kMedication : kMetric, r.id});
                    wrote(d, med ? kMedication : kMetric, r.id);
                }
                return;
            }
            const auto [kind, id] = known.at(int(rng.bounded(int(known.size()))));
            const std::optional<Record> here = d.store.record(kind, id);
            if (!here) // not arrived on this device yet
                return;
            WriteResult r;
            if (here->deleted) {
                r = d.store.restore(kind, id);
            } else if (op == 9) {
                r = d.store.remove(kind, id);
            } else if (kind == kMedication && op >= 7) {
                static const QStringList effects{QStringLiteral("nausea"), QStringLiteral("rash"),
                                                 QStringLiteral("headache")};
                QStringList chosen;
                for (const QString &e : effects) {
                    if (rng.bounded(2))
                        chosen << e;
                }
                r = d.store.update(kind, id, {{QStringLiteral("side_effects"), chosen}});
            } else if (kind == kMedication) {
                r = d.store.update(kind, id, {{QStringLiteral("dose"), 1 + int(rng.bounded(500))}});
            } else {
                r = d.store.update(kind, id,
                                   {{QStringLiteral("weight"), 40 + int(rng.bounded(80))}});
            }
            if (r.ok())
                wrote(d, kind, id);
        };

        // Rounds of writes and syncs under faults.
        int serverKills = 0, crashes = 0, offlineSpells = 0;
        for (int round = 0; round < 8; ++round) {
            for (auto &proxy : proxies) {
                proxy->setFaultRate(0.3);
                const bool offline = rng.bounded(5) == 0;
                offlineSpells += offline;
                proxy->setOffline(offline);
            }
            for (auto &d : devices) {
                for (int n = int(rng.bounded(4)); n > 0; --n)
                    randomOp(*d);
            }
            for (int i = 0; i < deviceCount; ++i) {
                if (rng.bounded(8) == 0) {
                    ++crashes;
                    devices[i]->crashMidCycle(int(rng.bounded(30)));
                } else {
                    devices[i]->sync();
                }
            }
            if (rng.bounded(6) == 0) {
                ++serverKills;
                server.kill();
                QVERIFY(server.restart());
            }
            if (postgres && round == 4) {
                QVERIFY(test::postgresCluster(QStringLiteral("pause")));
                for (auto &d : devices)
                    d->sync(); // refused with 503: nobody signs out
                QVERIFY(test::postgresCluster(QStringLiteral("resume")));
            }
        }

        // Faults off: sync until quiet.
        int faults = 0;
        for (auto &proxy : proxies) {
            faults += proxy->faultsInjected();
            proxy->setFaultRate(0);
            proxy->setOffline(false);
        }
        for (int pass = 0; pass < 3; ++pass) {
            for (auto &d : devices) {
                bool ok = false;
                for (int attempt = 0; attempt < 5 && !ok; ++attempt)
                    ok = d->sync();
                QVERIFY2(ok, qPrintable(QStringLiteral("seed %1: a device did not sync: %2")
                                            .arg(seed)
                                            .arg(d->status.message)));
            }
        }
        qInfo("seed %u: %d devices, %lld records, %d faults, %d offline spells, %d crashes, "
              "%d server kills",
              seed, deviceCount, qint64(oracle.size()), faults, offlineSpells, crashes,
              serverKills);

        // Every device holds exactly the oracle; nothing more, nothing pending.
        for (int i = 0; i < deviceCount; ++i) {
            SweepDevice &d = *devices[i];
            QVERIFY(d.status.state != SyncState::SignInNeeded);
            QCOMPARE(d.store.pendingChangeCount(), 0);
            QCOMPARE(d.store.rejectedChangeCount(), 0);
            int visible[2] = {0, 0};
            for (auto it = oracle.cbegin(); it != oracle.cend(); ++it) {
                const std::optional<RecordState> held = d.store.state(it->kind, it->id);
                QVERIFY2(held, qPrintable(QStringLiteral("seed %1: device %2 lacks %3")
                                              .arg(seed)
                                              .arg(i)
                                              .arg(it.key())));
                QVERIFY2(*held == *it, qPrintable(QStringLiteral("seed %1: device %2 holds "
                                                                 "another %3")
                                                      .arg(seed)
                                                      .arg(i)
                                                      .arg(it.key())));
                if (!it->isDeleted())
                    ++visible[it->kind == kMetric ? 0 : 1];
            }
            QCOMPARE(d.store.count(kMetric), visible[0]);
            QCOMPARE(d.store.count(kMedication), visible[1]);
        }
        // And the server.
        test::RawApi api(server.baseUrl());
        const QString token =
            api.call(
                   "POST", QStringLiteral("/api/v1/auth/login"),
                   QJsonObject{
                       {QStringLiteral("email"), email},
                       {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                       {QStringLiteral("device"), test::RawApi::device(QStringLiteral("checker"))}})
                .body.value(QStringLiteral("access_token"))
                .toString();
        const test::RawApi::Reply exported =
            api.call("GET", QStringLiteral("/api/v1/account/export"), QByteArray(), token);
        QCOMPARE(exported.status, 200);
        const QJsonArray records = exported.body.value(QStringLiteral("records")).toArray();
        QCOMPARE(records.size(), oracle.size());
        for (const QJsonValue &json : records) {
            const std::optional<RecordState> stored = decodeStoredRecord(json);
            QVERIFY(stored);
            QVERIFY2(oracle.value(recordKey(*stored)) == *stored,
                     qPrintable(QStringLiteral("seed %1: the server holds another %2")
                                    .arg(seed)
                                    .arg(recordKey(*stored))));
        }
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    QString seeds = qEnvironmentVariable("HALE_SWEEP_SEEDS", QStringLiteral("1-3"));
    const qsizetype flag = args.indexOf(QStringLiteral("--seed"));
    if (flag >= 0 && flag + 1 < args.size()) {
        seeds = args.at(flag + 1);
        args.remove(flag, 2);
    }
    for (const QString &part : seeds.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const quint32 first = part.section(QLatin1Char('-'), 0, 0).toUInt();
        const quint32 last =
            part.contains(QLatin1Char('-')) ? part.section(QLatin1Char('-'), 1, 1).toUInt() : first;
        for (quint32 s = first; s <= last; ++s)
            g_seeds << s;
    }
    TestConvergence test;
    return QTest::qExec(&test, args);
}

#include "test_convergence.moc"
