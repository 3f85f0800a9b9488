// The sync worker's decisions, against a stand-in server inside its
// QNetworkAccessManager (fake_server.h): no socket, no keychain daemon,
// milliseconds per case. The same paths against the real hale-server are in
// tests/e2e.
#include "models/local_store.h"
#include "sync/client/api_client.h"
#include "sync/client/sync_worker.h"
#include "tests/unit/fake_server.h"

#include <QDir>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace hale;
using namespace hale::sync;
using hale::test::FakeAnswer;
using hale::test::FakeKeychain;
using hale::test::FakeRequest;
using hale::test::FakeServer;

namespace {

const QString kMetric = QStringLiteral("metric");
const qint64 kNow = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

QVariantMap metric(double weight)
{
    return {{QStringLiteral("recorded_at"), QDateTime::fromMSecsSinceEpoch(kNow - 60'000, Qt::UTC)},
            {QStringLiteral("weight"), weight}};
}

SyncWorker::Options withBatch(int records)
{
    SyncWorker::Options o;
    o.pushBatch = records;
    return o;
}

SyncWorker::Options withBackoff(qint64 baseMs, qint64 capMs)
{
    SyncWorker::Options o;
    o.backoff.baseMs = baseMs;
    o.backoff.capMs = capMs;
    return o;
}

// A worker over a data folder with `records` metrics queued, signed in
// (a refresh token in the stand-in keychain) and sync switched on.
struct Rig
{
    QTemporaryDir dir;
    QString deviceId;
    QStringList recordIds;
    FakeServer::Handler handler; // what the stand-in server answers
    FakeServer *server = nullptr;
    FakeKeychain *keychain = nullptr;
    std::unique_ptr<SyncWorker> worker;
    qint64 cursor = 0; // the stand-in server's change sequence
    int refreshes = 0;

    // Answers refresh with new tokens and takes every change it is sent.
    FakeAnswer serve(const FakeRequest &r)
    {
        if (r.path == QLatin1String(route::kRefresh) || r.path == QLatin1String(route::kLogin)) {
            ++refreshes;
            return FakeAnswer::json(
                200, encodeTokens({QStringLiteral("user-1"), deviceId,
                                   QStringLiteral("access-%1").arg(refreshes),
                                   QStringLiteral("refresh-%1").arg(refreshes), 900}));
        }
        if (r.path == QLatin1String(route::kSync))
            return acceptAll(r);
        return FakeAnswer::error(404, errorcode::kNotFound, QStringLiteral("No such route."));
    }

    FakeAnswer acceptAll(const FakeRequest &r)
    {
        WireError error;
        const auto request = decodeSyncRequest(r.body, UnknownFields::Keep, &error);
        if (!request)
            return FakeAnswer::error(400, errorcode::kValidation, error.message);
        SyncResponse response;
        for (const RecordState &change : request->changes)
            response.applied.append(recordKey(change));
        cursor += request->changes.size();
        response.cursor = cursor;
        return {200, encodeSyncResponseJson(response, {}), {}, false};
    }

    // Every sync request gets `answer`; the other routes are served as usual.
    void answerSyncWith(const FakeAnswer &answer)
    {
        handler = [this, answer](const FakeRequest &r) {
            return r.path == QLatin1String(route::kSync) ? answer : serve(r);
        };
    }

    // Every change pushed, in the order sent.
    QList<QJsonObject> pushedChanges() const
    {
        QList<QJsonObject> changes;
        for (const FakeRequest &r : server->requestsTo(route::kSync)) {
            for (const QJsonValue change : r.body.value(QStringLiteral("changes")).toArray())
                changes << change.toObject();
        }
        return changes;
    }
    static double weightOf(const QJsonObject &change)
    {
        return change[QStringLiteral("fields")][QStringLiteral("weight")][QStringLiteral("v")]
            .toDouble();
    }

    // The first `count` sync answers wait for the test (server->releaseHeld);
    // `onRequest`, if given, runs as each of them arrives, before its body is
    // reported sent (so before the worker reads the batch after it).
    void holdSyncAnswers(int count, std::function<bool(int request)> onRequest = {})
    {
        handler = [this, count, onRequest](const FakeRequest &r) {
            FakeAnswer a = serve(r);
            const int request = int(server->requestsTo(route::kSync).size());
            if (r.path != QLatin1String(route::kSync) || request > count)
                return a;
            if (onRequest && !onRequest(request))
                return FakeAnswer::error(500, errorcode::kInternal, QStringLiteral("test hook"));
            a.hold = true;
            return a;
        };
    }
    // Waits until held sync request number `request` is uploaded and lets
    // the worker read the batch after it: on the event the upload posted,
    // which the first pass of the event loop may leave to the second.
    bool waitForReadingAhead(int request)
    {
        const bool uploaded = QTest::qWaitFor([&] {
            return server->heldCount() == 1 &&
                   server->uploaded.count(QLatin1String(route::kSync)) == request;
        });
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        return uploaded;
    }

    QList<qsizetype> pushedBatchSizes() const
    {
        QList<qsizetype> sizes;
        for (const FakeRequest &r : server->requestsTo(route::kSync))
            sizes.append(r.body.value(QStringLiteral("changes")).toArray().size());
        return sizes;
    }

    bool setUp(int records, SyncWorker::Options options = {},
               const QString &kinds = QStringLiteral("*"))
    {
        {
            LocalStore store;
            store.setPhysicalClock([] { return kNow; });
            if (!store.open(dir.path()).ok())
                return false;
            deviceId = store.deviceId();
            store.setSetting(settings::kEnabled, QStringLiteral("1"));
            store.setSetting(settings::kServer, QStringLiteral("https://sync.test"));
            store.setSetting(settings::kUserId, QStringLiteral("user-1"));
            store.setSetting(settings::kAccount, QStringLiteral("person@example.org"));
            store.setSetting(settings::kKinds, kinds);
            for (int i = 0; i < records; ++i)
                recordIds.append(store.create(kMetric, metric(70 + i)).id);
        }
        handler = [this](const FakeRequest &r) {
            return serve(r);
        };
        options.physicalClock = [] {
            return kNow;
        };
        options.network = [this](QObject *parent) {
            server = new FakeServer(parent);
            server->handler = [this](const FakeRequest &r) {
                return handler(r);
            };
            return server;
        };
        options.tokenStore = [this](QObject *parent) {
            keychain = new FakeKeychain(parent);
            keychain->tokens.insert(deviceId, QStringLiteral("refresh-0"));
            return keychain;
        };
        // No timer may start a cycle of its own during a case, and nothing
        // may reach past the fake transport (the event stream is a socket of
        // its own: tests/e2e/test_live_sync).
        options.debounceMs = 3'600'000;
        options.periodicMs = 3'600'000;
        options.liveUpdates = false;
        worker = std::make_unique<SyncWorker>(dir.path(), options);
        return true;
    }

    // Starts the worker (which starts a cycle) and waits for the cycle's end.
    bool runCycle()
    {
        QSignalSpy finished(worker.get(), &SyncWorker::cycleFinished);
        if (worker->isReady())
            worker->syncNow();
        else
            worker->start();
        return finished.wait(5000);
    }

    int localCount(const char *what)
    {
        LocalStore store;
        store.open(dir.path());
        if (qstrcmp(what, "pending") == 0)
            return store.pendingChangeCount();
        if (qstrcmp(what, "rejected") == 0)
            return store.rejectedChangeCount();
        if (qstrcmp(what, "metrics") == 0)
            return store.count(kMetric);
        return int(store.syncCursor());
    }
};

} // namespace

class TestSyncWorker : public QObject
{
    Q_OBJECT

private slots:
    // Issue 18: a person who had switched one kind off (the journal) kept a
    // list of the kinds switched on, so the kinds a later version added
    // (goals, preferences, their own measures) never synced. What is kept
    // now is what was switched off; a list kept by an older version counts
    // only for the kinds that version had.
    void kindsALaterVersionAddsSyncUnlessSwitchedOff()
    {
        QTemporaryDir dir;
        {
            LocalStore store;
            QVERIFY(store.open(dir.path()).ok());
            store.setSetting(settings::kKinds,
                             QStringLiteral("metric,meal,exercise,medication,dose"));
            const QStringList synced = sync::syncedKinds(store);
            for (const char *kind : {"metric", "goal", "preference", "measure", "measurement"})
                QVERIFY2(synced.contains(QLatin1String(kind)), kind);
            QVERIFY(!synced.contains(QStringLiteral("journal")));
        }
        SyncWorker worker(dir.path(), {});
        worker.start();
        QStringList all;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds())
            all << kind.name;
        all.removeAll(QStringLiteral("measurement"));
        worker.setKinds(all);
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QCOMPARE(store.setting(settings::kKindsOff), QStringLiteral("measurement"));
        QCOMPARE(sync::syncedKinds(store), all);
    }

    void aBatchTheServerFindsTooLargeIsHalved()
    {
        Rig rig;
        QVERIFY(rig.setUp(8, withBatch(8)));
        rig.handler = [&rig](const FakeRequest &r) {
            if (r.path == QLatin1String(route::kSync) &&
                r.body.value(QStringLiteral("changes")).toArray().size() > 2)
                return FakeAnswer::error(413, errorcode::kBodyTooLarge,
                                         QStringLiteral("Too large."));
            return rig.serve(r);
        };
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        // Halved until the server takes it; the rest go in batches of that
        // size, and the last full batch is followed by a pull that sends nothing.
        QCOMPARE(rig.pushedBatchSizes(), (QList<qsizetype>{8, 4, 2, 2, 2, 2, 0}));
        QCOMPARE(rig.localCount("pending"), 0);
        QCOMPARE(rig.localCount("rejected"), 0);
    }

    void aRecordTooLargeAloneIsSetAsideAndTheRestSynced()
    {
        Rig rig;
        QVERIFY(rig.setUp(3, withBatch(8)));
        const QString big = rig.recordIds.at(1);
        rig.handler = [&rig, big](const FakeRequest &r) {
            const QString body = QString::fromUtf8(QJsonDocument(r.body).toJson());
            if (r.path == QLatin1String(route::kSync) && body.contains(big))
                return FakeAnswer::error(413, errorcode::kBodyTooLarge,
                                         QStringLiteral("Too large."));
            return rig.serve(r);
        };
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        QCOMPARE(rig.worker->status().rejected, 1);
        QCOMPARE(rig.localCount("pending"), 0);
        QCOMPARE(rig.localCount("rejected"), 1);
    }

    void upgradeRequiredStopsWithoutRetrying()
    {
        Rig rig;
        QVERIFY(rig.setUp(1));
        rig.answerSyncWith(FakeAnswer::error(426, errorcode::kUpgradeRequired,
                                             QStringLiteral("Please update Hale.")));
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Error);
        QCOMPARE(rig.worker->status().message, QStringLiteral("Please update Hale."));
        QCOMPARE(rig.worker->retryInMs(), -1); // nothing will try again by itself
        QCOMPARE(rig.server->requestsTo(route::kSync).size(), 1);
        QCOMPARE(rig.localCount("pending"), 1); // kept for an updated app
    }

    void retryAfterIsAFloorOnTheBackoff_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("retryAfter");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<int>("state");
        QTest::newRow("429") << 429 << 120 << QByteArray(errorcode::kRateLimited)
                             << int(SyncState::Error);
        QTest::newRow("503") << 503 << 3 << QByteArray(errorcode::kUnavailable)
                             << int(SyncState::Unavailable);
    }
    void retryAfterIsAFloorOnTheBackoff()
    {
        QFETCH(int, status);
        QFETCH(int, retryAfter);
        QFETCH(QByteArray, code);
        QFETCH(int, state);
        Rig rig;
        // The backoff alone would wait at most 10 ms. (The timer runs while
        // the test checks it: half a second of slack.)
        QVERIFY(rig.setUp(1, withBackoff(1, 10)));
        FakeAnswer wait = FakeAnswer::error(status, code.constData(), QStringLiteral("Wait."));
        wait.headers.append({kRetryAfterHeader, QByteArray::number(retryAfter)});
        rig.answerSyncWith(wait);
        QVERIFY(rig.runCycle());
        QCOMPARE(int(rig.worker->status().state), state);
        QVERIFY2(rig.worker->retryInMs() >= retryAfter * 1000 - 500,
                 qPrintable(QString::number(rig.worker->retryInMs())));
        QCOMPARE(rig.localCount("pending"), 1);
    }

    void anExpiredAccessTokenIsRefreshedOnceThenTheCycleGoesOn()
    {
        Rig rig;
        QVERIFY(rig.setUp(2));
        int syncs = 0;
        rig.handler = [&rig, &syncs](const FakeRequest &r) {
            if (r.path == QLatin1String(route::kSync) && ++syncs == 1)
                return FakeAnswer::error(401, errorcode::kUnauthorized, QStringLiteral("Expired."));
            return rig.serve(r);
        };
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        // One refresh to start the cycle, one after the 401; the retried
        // request carries the new token, and the keychain the newest refresh token.
        QCOMPARE(rig.refreshes, 2);
        const auto syncRequests = rig.server->requestsTo(route::kSync);
        QCOMPARE(syncRequests.size(), 2);
        QCOMPARE(syncRequests.at(1).authorization, QByteArray("Bearer access-2"));
        QCOMPARE(rig.keychain->tokens.value(rig.deviceId), QStringLiteral("refresh-2"));
        QCOMPARE(rig.localCount("pending"), 0);
    }

    void aSecond401AfterRefreshingSignsOutInsteadOfLooping()
    {
        Rig rig;
        QVERIFY(rig.setUp(1));
        rig.answerSyncWith(FakeAnswer::error(401, errorcode::kUnauthorized,
                                             QStringLiteral("This device was signed out.")));
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::SignInNeeded);
        QCOMPARE(rig.refreshes, 2);
        QCOMPARE(rig.server->requestsTo(route::kSync).size(), 2);
        QTRY_VERIFY(!rig.keychain->tokens.contains(rig.deviceId));
        QCOMPARE(rig.localCount("pending"), 1); // every local record stays
    }

    void anUnreadableKeychainSendsNothingAndKeepsTheSession()
    {
        Rig rig;
        QVERIFY(rig.setUp(1));
        rig.worker->start(false);
        rig.keychain->failReads = QStringLiteral("The keyring is locked.");
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Error);
        QVERIFY(rig.worker->status().message.startsWith(QStringLiteral("The keyring is locked.")));
        QCOMPARE(rig.server->requests.size(), 0);
        QCOMPARE(rig.keychain->tokens.value(rig.deviceId), QStringLiteral("refresh-0"));
        QCOMPARE(rig.localCount("pending"), 1);
    }

    void anUnwritableKeychainAfterRefreshingStopsTheCycle()
    {
        Rig rig;
        QVERIFY(rig.setUp(1));
        rig.worker->start(false);
        rig.keychain->failWrites = QStringLiteral("The keyring refused the entry.");
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Error);
        QVERIFY(rig.worker->status().message.startsWith(
            QStringLiteral("The keyring refused the entry.")));
        // The refresh went through, nothing was synced with a token that
        // could not be kept.
        QCOMPARE(rig.refreshes, 1);
        QCOMPARE(rig.server->requestsTo(route::kSync).size(), 0);
    }

    void aReplyToARequestSentBeforeACursorResetIsDropped()
    {
        Rig rig;
        // Only metrics sync at first; adding meals resets the cursor for them.
        QVERIFY(rig.setUp(1, {}, kMetric));
        RecordState stale;
        {
            QTemporaryDir otherDir;
            LocalStore other;
            QVERIFY(other.open(otherDir.path()).ok());
            const QString id = other.create(kMetric, metric(99)).id;
            stale = *other.state(kMetric, id);
        }
        int syncs = 0;
        rig.handler = [&rig, &syncs, stale](const FakeRequest &r) {
            if (r.path != QLatin1String(route::kSync))
                return rig.serve(r);
            if (++syncs > 1)
                return rig.acceptAll(r);
            SyncResponse page; // from before the reset: a far cursor and a change
            page.cursor = 500;
            page.changes.append(stale);
            return FakeAnswer{200, encodeSyncResponseJson(page, {}), {}, true};
        };
        QSignalSpy finished(rig.worker.get(), &SyncWorker::cycleFinished);
        rig.worker->start();
        QTRY_COMPARE(rig.server->heldCount(), 1);
        rig.worker->setKinds({kMetric, QStringLiteral("meal")});
        rig.server->releaseHeld();
        QVERIFY(finished.wait(5000));
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        const auto syncRequests = rig.server->requestsTo(route::kSync);
        QCOMPARE(syncRequests.size(), 2);
        QCOMPARE(syncRequests.at(1).body.value(QStringLiteral("cursor")).toInteger(), 0);
        LocalStore store;
        QVERIFY(store.open(rig.dir.path()).ok());
        QVERIFY(!store.record(kMetric, stale.id));
        QCOMPARE(store.syncCursor(), rig.cursor);
    }

    // A pull's next page is asked for as soon as a page arrives, so it is
    // on the wire while the page is stored; answers are still stored in order.
    void theNextPageIsRequestedWhileAPageIsStored()
    {
        Rig rig;
        QVERIFY(rig.setUp(0));
        QList<RecordState> remote; // six records of another device, two a page
        {
            QTemporaryDir otherDir;
            LocalStore other;
            QVERIFY(other.open(otherDir.path()).ok());
            for (int i = 0; i < 6; ++i)
                remote.append(*other.state(kMetric, other.create(kMetric, metric(60 + i)).id));
        }
        QList<int> storedWhenAsked;
        rig.handler = [&](const FakeRequest &r) {
            if (r.path != QLatin1String(route::kSync))
                return rig.serve(r);
            const int page = int(r.body.value(QStringLiteral("cursor")).toInteger() / 2);
            storedWhenAsked.append(rig.localCount("metrics"));
            SyncResponse response;
            response.changes = remote.mid(page * 2, 2);
            response.cursor = page * 2 + 2;
            response.hasMore = page < 2;
            return FakeAnswer{200, encodeSyncResponseJson(response, {}), {}, false};
        };
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        // Page 2 was asked for before page 1 was stored, page 3 before page 2.
        QCOMPARE(storedWhenAsked, (QList<int>{0, 0, 2}));
        QCOMPARE(rig.localCount("metrics"), 6);
        QCOMPARE(rig.localCount("cursor"), 6);
    }

    // The next push batch is read while the one before is on the wire (and
    // used if that one was taken whole); a record edited meanwhile goes
    // again with its edit, and nothing stays queued.
    void theNextPushBatchIsReadWhileOneTravels()
    {
        Rig rig;
        QVERIFY(rig.setUp(6, withBatch(2)));
        rig.holdSyncAnswers(1);
        QSignalSpy finished(rig.worker.get(), &SyncWorker::cycleFinished);
        rig.worker->start();
        QVERIFY(rig.waitForReadingAhead(1));
        {
            LocalStore store;
            QVERIFY(store.open(rig.dir.path()).ok());
            QVERIFY(store.update(kMetric, rig.recordIds.at(2), {{QStringLiteral("weight"), 99.5}})
                        .ok());
        }
        rig.server->releaseHeld();
        QVERIFY(finished.wait(5000));
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        QCOMPARE(rig.localCount("pending"), 0);
        QList<double> sentWeights; // of the edited record, in the order sent
        for (const QJsonObject &change : rig.pushedChanges()) {
            if (change[QStringLiteral("id")].toString() == rig.recordIds.at(2))
                sentWeights << Rig::weightOf(change);
        }
        // Read before the edit (the batch read ahead), then again with it.
        QCOMPARE(sentWeights, (QList<double>{72, 99.5}));
    }

    // The batch read ahead goes before the answered one's entries leave the
    // outbox. A record of a batch on the wire edited before the next batch
    // is read moves to the outbox's end, so that batch starts one entry
    // late; the batch after it is then read from the outbox's start. Every
    // record goes once, and the edited one again with its edit.
    void aBatchThatLeavesAnEntryBehindEndsTheReadingAhead()
    {
        Rig rig;
        QVERIFY(rig.setUp(8, withBatch(2)));
        rig.holdSyncAnswers(2, [&rig](int request) {
            if (request > 1)
                return true;
            LocalStore store;
            return store.open(rig.dir.path()).ok() &&
                   store.update(kMetric, rig.recordIds.at(0), {{QStringLiteral("weight"), 99.5}})
                       .ok();
        });
        QSignalSpy finished(rig.worker.get(), &SyncWorker::cycleFinished);
        rig.worker->start();
        for (int request = 1; request <= 2; ++request) {
            QVERIFY(rig.waitForReadingAhead(request)); // the batch after is read ahead (or not)
            rig.server->releaseHeld();
        }
        QVERIFY(finished.wait(5000));
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        QCOMPARE(rig.localCount("pending"), 0);
        QStringList sent;
        double lastWeightOfEdited = 0;
        for (const QJsonObject &change : rig.pushedChanges()) {
            sent << change[QStringLiteral("id")].toString();
            if (sent.last() == rig.recordIds.at(0))
                lastWeightOfEdited = Rig::weightOf(change);
        }
        QStringList expected = rig.recordIds;
        expected << rig.recordIds.at(0);
        sent.sort();
        expected.sort();
        QCOMPARE(sent, expected);
        QCOMPARE(lastWeightOfEdited, 99.5);
    }

    // Entries whose rows are gone (a backup restored over the data folder)
    // are dropped, and the batch read ahead does not skip past entries
    // behind them: everything still queued goes in the same cycle.
    void entriesOfGoneRowsDoNotHideTheOnesBehindThem()
    {
        Rig rig;
        QVERIFY(rig.setUp(7, withBatch(3)));
        {
            const QString connection = QStringLiteral("restored");
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            db.setDatabaseName(QDir(rig.dir.path()).filePath(QLatin1String(LocalStore::kFileName)));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DELETE FROM metrics WHERE id IN ('%1', '%2')")
                               .arg(rig.recordIds.at(0), rig.recordIds.at(1))));
            QCOMPARE(q.numRowsAffected(), 2);
            q = QSqlQuery();
            db.close();
            db = {};
            QSqlDatabase::removeDatabase(connection);
        }
        rig.holdSyncAnswers(1);
        QSignalSpy finished(rig.worker.get(), &SyncWorker::cycleFinished);
        rig.worker->start();
        QVERIFY(rig.waitForReadingAhead(1));
        rig.server->releaseHeld();
        QVERIFY(finished.wait(5000));
        QCOMPARE(rig.worker->status().state, SyncState::Synced);
        QCOMPARE(rig.localCount("pending"), 0);
        QStringList sent;
        for (const QJsonObject &change : rig.pushedChanges())
            sent << change[QStringLiteral("id")].toString();
        QCOMPARE(sent, rig.recordIds.mid(2));
    }

    // A client replaced by one for another server address is freed once its
    // last reply has reached its callback (not kept for the worker's life).
    void aRetiredClientIsFreedAfterItsLastReply()
    {
        Rig rig;
        QVERIFY(rig.setUp(1));
        QVERIFY(rig.runCycle());
        QCOMPARE(rig.worker->findChildren<ApiClient *>().size(), 1);

        rig.handler = [&rig](const FakeRequest &r) {
            FakeAnswer a = rig.serve(r);
            a.hold = r.path == QLatin1String(route::kSync);
            return a;
        };
        rig.worker->syncNow();
        QTRY_COMPARE(rig.server->heldCount(), 1);
        QSignalSpy signedIn(rig.worker.get(), &SyncWorker::accountActionFinished);
        rig.worker->signIn(QStringLiteral("https://other.test"),
                           QStringLiteral("person@example.org"), QStringLiteral("long enough"));
        QVERIFY(signedIn.wait(5000));
        QVERIFY(signedIn.first().at(1).toBool());
        // The first client still waits for its answer.
        QCOMPARE(rig.worker->findChildren<ApiClient *>().size(), 2);
        rig.handler = [&rig](const FakeRequest &r) {
            return rig.serve(r);
        };
        rig.server->releaseHeld();
        QTRY_COMPARE(rig.worker->findChildren<ApiClient *>().size(), 1);
        QCOMPARE(rig.worker->findChildren<ApiClient *>().first()->baseUrl(),
                 QUrl(QStringLiteral("https://other.test")));
    }
};

QTEST_GUILESS_MAIN(TestSyncWorker)
#include "test_sync_worker.moc"
