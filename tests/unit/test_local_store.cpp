#include "models/local_store.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace hale;

namespace {
const QString kMetric = QStringLiteral("metric");
const QString kMedication = QStringLiteral("medication");
const qint64 kStart = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

QVariantMap metric(double weight, qint64 atMs = kStart - 60'000)
{
    return {{QStringLiteral("recorded_at"), QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC)},
            {QStringLiteral("weight"), weight}};
}

QVariantMap medication()
{
    return {{QStringLiteral("name"), QStringLiteral("Ibuprofen")},
            {QStringLiteral("dose"), 200},
            {QStringLiteral("unit"), QStringLiteral("mg")},
            {QStringLiteral("start_date"), QDate(2026, 11, 1)},
            {QStringLiteral("side_effects"), QStringList{QStringLiteral("nausea")}}};
}
} // namespace

class TestLocalStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
    qint64 m_wall = kStart;

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_wall = kStart;
        m_store = std::make_unique<LocalStore>();
        m_store->setPhysicalClock([this] { return m_wall; });
        const auto result = m_store->open(m_dir.filePath(QStringLiteral("data")));
        QVERIFY2(result.ok(), qPrintable(result.message));
    }
    void cleanup()
    {
        m_store.reset();
        QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    }

    void openSetsWalAndTheSchemaVersion()
    {
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(m_store->schemaVersion(), LocalStore::kSchemaVersion);
        QVERIFY(!QUuid::fromString(m_store->deviceId()).isNull());
    }

    void createStoresTypedValuesAndQueuesTheChange()
    {
        QSignalSpy changed(m_store.get(), &LocalStore::recordsChanged);
        const WriteResult r = m_store->create(kMetric, metric(72.5));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(changed.count(), 1);
        const auto rec = m_store->record(kMetric, r.id);
        QVERIFY(rec);
        QCOMPARE(rec->value(QStringLiteral("weight")).toDouble(), 72.5);
        QCOMPARE(rec->createdAt.toMSecsSinceEpoch(), kStart);

        const auto st = m_store->state(kMetric, r.id);
        QCOMPARE(st->fields.value(QStringLiteral("weight")).stamp.node, m_store->deviceId());
        QCOMPARE(st->fields.value(QStringLiteral("weight")).stamp.millis, kStart);

        QCOMPARE(m_store->pendingChangeCount(), 1);
        const OutboxEntry queued = m_store->pendingChanges().first();
        QCOMPARE(queued.kind, kMetric);
        QCOMPARE(queued.recordId, r.id);
        QCOMPARE(queued.revision, 1);
    }

    // A new record's id is time-ordered (sync::newRecordId), from this
    // store's clock.
    void newRecordsGetIdsInTheOrderTheyWereMade()
    {
        const QString first = m_store->create(kMetric, metric(70)).id;
        m_wall += 1;
        const QString second = m_store->create(kMetric, metric(71)).id;
        QVERIFY2(first < second, qPrintable(first + QLatin1Char(' ') + second));
        const QUuid id = QUuid::fromString(second);
        QCOMPARE(id.data3 >> 12, 7);
        QCOMPARE((qint64(id.data1) << 16) | id.data2, m_wall);
    }

    void invalidValuesSaveNothing()
    {
        const WriteResult r = m_store->create(kMetric, metric(-3));
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().field, QStringLiteral("weight"));
        QCOMPARE(m_store->count(kMetric), 0);
        QCOMPARE(m_store->pendingChangeCount(), 0);

        const WriteResult ok = m_store->create(kMetric, metric(70));
        const WriteResult bad = m_store->update(kMetric, ok.id, {{QStringLiteral("weight"), 9999}});
        QVERIFY(!bad.ok());
        QCOMPARE(m_store->record(kMetric, ok.id)->value(QStringLiteral("weight")).toDouble(), 70.0);
        QCOMPARE(m_store->pendingChanges().first().revision, 1);
    }

    void creatingTheSameIdTwiceNeverDuplicates()
    {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QVERIFY(m_store->create(kMetric, metric(70), id).ok());
        const WriteResult again = m_store->create(kMetric, metric(71), id);
        QVERIFY(!again.ok());
        QCOMPARE(m_store->count(kMetric), 1);
        QCOMPARE(m_store->record(kMetric, id)->value(QStringLiteral("weight")).toDouble(), 70.0);
        QVERIFY(!m_store->create(kMetric, metric(70), QStringLiteral("not-a-uuid")).ok());
    }

    void updateStampsOnlyChangedFieldsAndBumpsTheRevision()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const auto before = *m_store->state(kMetric, id);
        m_wall += 1000;
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("sleep_quality"), 8}}).ok());
        const auto after = *m_store->state(kMetric, id);
        QCOMPARE(after.fields[QStringLiteral("weight")].stamp,
                 before.fields[QStringLiteral("weight")].stamp);
        QVERIFY(after.fields[QStringLiteral("sleep_quality")].stamp >
                before.fields[QStringLiteral("weight")].stamp);
        QCOMPARE(m_store->pendingChanges().first().revision, 2);

        // An edit that changes nothing is not a change.
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("sleep_quality"), 8}}).ok());
        QCOMPARE(m_store->pendingChanges().first().revision, 2);
    }

    void elementWiseFieldsTrackEachElement()
    {
        const QString id = m_store->create(kMedication, medication()).id;
        m_wall += 1000;
        QVERIFY(
            m_store
                ->update(kMedication, id,
                         {{QStringLiteral("side_effects"), QStringList{QStringLiteral("rash")}}})
                .ok());
        const auto st = *m_store->state(kMedication, id);
        const auto &members = st.elements[QStringLiteral("side_effects")];
        QCOMPARE(members.size(), 2);
        QVERIFY(members[QStringLiteral("nausea")].removed);
        QVERIFY(!members[QStringLiteral("rash")].removed);
        QCOMPARE(m_store->record(kMedication, id)->value(QStringLiteral("side_effects")),
                 QVariant(QStringList{QStringLiteral("rash")}));
    }

    void deleteLeavesATombstoneThatNoViewShowsAndRestoreUndoesIt()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const QString other = m_store->create(kMetric, metric(80)).id;
        QVERIFY(m_store->acknowledge({kMetric, id, 1})); // pushed before the delete
        QVERIFY(m_store->remove(kMetric, id).ok());
        QCOMPARE(m_store->count(kMetric), 1);
        QCOMPARE(m_store->records(kMetric).first().id, other);
        QVERIFY(m_store->record(kMetric, id)->deleted);
        QVERIFY(m_store->state(kMetric, id)->isDeleted());
        QCOMPARE(m_store->pendingChangeCount(), 2);
        QVERIFY(!m_store->update(kMetric, id, {{QStringLiteral("weight"), 71}}).ok());
        QVERIFY(!m_store->remove(kMetric, id).ok());

        QVERIFY(m_store->restore(kMetric, id).ok());
        QCOMPARE(m_store->count(kMetric), 2);
        QVERIFY(!m_store->state(kMetric, id)->isDeleted());
    }

    void acknowledgeKeepsAChangeThatWasWrittenAgainInFlight()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const OutboxEntry sent = m_store->pendingChanges().first();
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("weight"), 71}}).ok());
        QVERIFY(!m_store->acknowledge(sent));
        QCOMPARE(m_store->pendingChangeCount(), 1);
        QVERIFY(m_store->acknowledge(m_store->pendingChanges().first()));
        QCOMPARE(m_store->pendingChangeCount(), 0);
    }

    void aFailedTransactionWritesNothing()
    {
        const bool ok = m_store->runInTransaction([&] {
            return m_store->create(kMetric, metric(70)).ok() &&
                   m_store->create(kMetric, metric(-1)).ok();
        });
        QVERIFY(!ok);
        QCOMPARE(m_store->count(kMetric), 0);
        QCOMPARE(m_store->pendingChangeCount(), 0);
    }

    void filterSearchAndOrder()
    {
        for (int i = 0; i < 10; ++i)
            QVERIFY(m_store->create(kMetric, metric(60 + i, kStart - (i + 1) * 86'400'000)).ok());
        m_store->create(kMetric, {{QStringLiteral("recorded_at"),
                                   QDateTime::fromMSecsSinceEpoch(kStart - 1000, Qt::UTC)},
                                  {QStringLiteral("notes"), QStringLiteral("felt 100% great")}});
        QCOMPARE(m_store->count(kMetric), 11);
        RecordFilter lastThreeDays;
        lastThreeDays.from = QDateTime::fromMSecsSinceEpoch(kStart - 3 * 86'400'000 - 1, Qt::UTC);
        QCOMPARE(m_store->count(kMetric, lastThreeDays), 4);
        RecordFilter search;
        search.search = QStringLiteral("100%");
        QCOMPARE(m_store->count(kMetric, search), 1);
        search.search = QStringLiteral("_");
        QCOMPARE(m_store->count(kMetric, search), 0);
        RecordFilter byWeight;
        byWeight.orderBy = QStringLiteral("weight");
        byWeight.descending = false;
        byWeight.limit = 3;
        byWeight.offset = 1; // the NULL weight sorts first ascending
        const QList<Record> page = m_store->records(kMetric, byWeight);
        QCOMPARE(page.size(), 3);
        QCOMPARE(page.at(0).value(QStringLiteral("weight")).toDouble(), 60.0);
        QCOMPARE(page.at(2).value(QStringLiteral("weight")).toDouble(), 62.0);
    }

    void pulledStatesMergeWithoutBeingQueuedAndStoreTheCursor()
    {
        // A record another device wrote: it appears here, nothing to push.
        sync::RecordState remote;
        remote.kind = kMetric;
        remote.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const sync::HlcStamp other{kStart - 30'000, 0, QStringLiteral("other-device")};
        remote.fields[QStringLiteral("recorded_at")] = {QStringLiteral("2026-11-23T11:00:00.000Z"),
                                                        other};
        remote.fields[QStringLiteral("weight")] = {71.5, other};
        // A field from a newer version of Hale travels with the record.
        remote.fields[QStringLiteral("future_field")] = {QStringLiteral("kept"), other};
        remote.deleted = {false, other};
        QSignalSpy changed(m_store.get(), &LocalStore::recordsChanged);
        const RemoteApplyResult applied = m_store->applyRemote({remote}, 7);
        QVERIFY2(applied.ok(), qPrintable(applied.message));
        QCOMPARE(applied.changed, 1);
        QVERIFY(applied.conflicts.isEmpty());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_store->pendingChangeCount(), 0);
        QCOMPARE(m_store->syncCursor(), 7);
        QCOMPARE(*m_store->state(kMetric, remote.id), remote);
        QCOMPARE(m_store->record(kMetric, remote.id)->values.value(QStringLiteral("weight")), 71.5);

        // The same page again (a retried pull) changes nothing.
        QCOMPARE(m_store->applyRemote({remote}, 7).changed, 0);

        // A local edit after seeing it orders after it even with this
        // device's wall clock an hour behind, and keeps the unknown field.
        m_wall = kStart - 3'600'000;
        QVERIFY(m_store->update(kMetric, remote.id, {{QStringLiteral("weight"), 72.0}}).ok());
        const auto edited = *m_store->state(kMetric, remote.id);
        QVERIFY(edited.fields[QStringLiteral("weight")].stamp > other);
        QCOMPARE(edited.fields[QStringLiteral("future_field")].value.toString(),
                 QStringLiteral("kept"));
        QCOMPARE(m_store->pendingChangeCount(), 1);
    }

    // Rows worked out away from the database (the sync worker's decoding
    // thread) store the same record as applyRemote would on its own, and
    // only for records this device does not hold (a held one is merged).
    void pulledStatesStoreTheRowsWorkedOutForThem()
    {
        LocalStore other;
        QVERIFY(other.open(m_dir.filePath(QStringLiteral("other"))).ok());
        const QString id = other.create(QStringLiteral("medication"), medication()).id;
        const sync::RecordState first = *other.state(QStringLiteral("medication"), id);
        const QVariantMap firstValues = other.record(QStringLiteral("medication"), id)->values;
        QVERIFY(other
                    .update(QStringLiteral("medication"), id,
                            {{QStringLiteral("dose"), 400},
                             {QStringLiteral("side_effects"),
                              QStringList{QStringLiteral("nausea"), QStringLiteral("rash")}}})
                    .ok());
        const sync::RecordState second = *other.state(QStringLiteral("medication"), id);

        QVERIFY(m_store->applyRemote({first}, 1, {}, {LocalStore::rowOf(first)}).ok());
        QCOMPARE(*m_store->state(QStringLiteral("medication"), id), first);
        QCOMPARE(m_store->record(QStringLiteral("medication"), id)->values, firstValues);

        // Held now: the row given (of the first state) is not what is written.
        QVERIFY(m_store->applyRemote({second}, 2, {}, {LocalStore::rowOf(first)}).ok());
        QCOMPARE(*m_store->state(QStringLiteral("medication"), id), second);
        const QVariantMap merged = m_store->record(QStringLiteral("medication"), id)->values;
        QCOMPARE(merged.value(QStringLiteral("dose")).toDouble(), 400.0);
        QCOMPARE(merged.value(QStringLiteral("side_effects")).toStringList(),
                 (QStringList{QStringLiteral("nausea"), QStringLiteral("rash")}));
        QCOMPARE(m_store->pendingChangeCount(), 0);

        // Both versions of another record in one page: the second merges
        // with the first, written just before.
        const QString twice = other.create(QStringLiteral("medication"), medication()).id;
        const sync::RecordState older = *other.state(QStringLiteral("medication"), twice);
        QVERIFY(other.update(QStringLiteral("medication"), twice, {{QStringLiteral("dose"), 600}})
                    .ok());
        const sync::RecordState newer = *other.state(QStringLiteral("medication"), twice);
        QVERIFY(m_store
                    ->applyRemote({older, newer}, 3, {},
                                  {LocalStore::rowOf(older), LocalStore::rowOf(newer)})
                    .ok());
        QCOMPARE(*m_store->state(QStringLiteral("medication"), twice), newer);
        QCOMPARE(m_store->record(QStringLiteral("medication"), twice)
                     ->values.value(QStringLiteral("dose"))
                     .toDouble(),
                 600.0);
    }

    void anEditRecordsTheStampItReplaced()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const sync::HlcStamp created =
            m_store->state(kMetric, id)->fields.value(QStringLiteral("weight")).stamp;
        QVERIFY(created.isNull() == false);
        QVERIFY(m_store->state(kMetric, id)->fields.value(QStringLiteral("weight")).base.isNull());
        m_wall += 1000;
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("weight"), 71.0}}).ok());
        // Kept across a reopen (it lives in the row's sync metadata).
        m_store.reset();
        m_store = std::make_unique<LocalStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
        const sync::Cell weight =
            m_store->state(kMetric, id)->fields.value(QStringLiteral("weight"));
        QCOMPARE(weight.base, created);
        QVERIFY(weight.stamp > created);
    }

    void aRefusedChangeIsSetAsideUntilTheRecordIsEditedAgain()
    {
        const QString a = m_store->create(kMetric, metric(70)).id;
        const QString b = m_store->create(kMetric, metric(71)).id;
        QList<OutboxEntry> queued = m_store->pendingChanges();
        QCOMPARE(queued.size(), 2);
        QVERIFY(m_store->setAside(queued.first(), QStringLiteral("too far in the future")));
        QCOMPARE(m_store->pendingChangeCount(), 1);
        QCOMPARE(m_store->pendingChanges().first().recordId, b);
        const QList<RejectedChange> rejected = m_store->rejectedChanges();
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected.first().recordId, a);
        QCOMPARE(rejected.first().reason, QStringLiteral("too far in the future"));
        QCOMPARE(m_store->rejectedChangeCount(), 1);
        // Pushed changes leave by revision, in one batch.
        QCOMPARE(m_store->acknowledgeAll(m_store->pendingChanges()), 1);
        QCOMPARE(m_store->pendingChangeCount(), 0);
        // Editing the record queues it again, no longer set aside.
        QVERIFY(m_store->update(kMetric, a, {{QStringLiteral("weight"), 72.0}}).ok());
        QCOMPARE(m_store->pendingChangeCount(), 1);
        QVERIFY(m_store->rejectedChanges().isEmpty());
        // Counting and listing by kind.
        QCOMPARE(m_store->pendingChangeCount({QStringLiteral("meal")}), 0);
        QCOMPARE(m_store->pendingChanges(10, {kMetric}).size(), 1);
    }

    void requeueAllQueuesEveryRecordAndRestartsTheCursor()
    {
        for (int i = 0; i < 3; ++i)
            QVERIFY(m_store->create(kMetric, metric(70 + i)).ok());
        QVERIFY(m_store->create(QStringLiteral("medication"), medication()).ok());
        QCOMPARE(m_store->acknowledgeAll(m_store->pendingChanges()), 4);
        QVERIFY(m_store->applyRemote({}, 42).ok());
        QCOMPARE(m_store->syncCursor(), 42);
        QVERIFY(m_store->requeueAll({kMetric}));
        QCOMPARE(m_store->pendingChangeCount(), 3);
        QCOMPARE(m_store->syncCursor(), 0);
        QVERIFY(m_store->requeueAll());
        QCOMPARE(m_store->pendingChangeCount(), 4);
    }

    void settingsAreKeptInTheDatabase()
    {
        QCOMPARE(m_store->setting(QStringLiteral("sync.server"), QStringLiteral("none")),
                 QStringLiteral("none"));
        QVERIFY(m_store->setSetting(QStringLiteral("sync.server"), QStringLiteral("https://a")));
        QVERIFY(m_store->setSetting(QStringLiteral("sync.server"), QStringLiteral("https://b")));
        m_store.reset();
        m_store = std::make_unique<LocalStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
        QCOMPARE(m_store->setting(QStringLiteral("sync.server")), QStringLiteral("https://b"));
        // A cleared setting reads back empty.
        QVERIFY(m_store->setSetting(QStringLiteral("sync.server"), QString()));
        QVERIFY(m_store->setting(QStringLiteral("sync.server")).isEmpty());
    }

    void aLocalWriteThatLosesIsListedAsAConflictAndStaysQueued()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const auto mine = *m_store->state(kMetric, id);
        // Another device set the weight later; its sleep quality is new.
        sync::RecordState theirs = mine;
        const sync::HlcStamp later{kStart + 60'000, 0, QStringLiteral("other-device")};
        theirs.fields[QStringLiteral("weight")] = {68.0, later};
        theirs.fields[QStringLiteral("sleep_quality")] = {6, later};
        const RemoteApplyResult applied = m_store->applyRemote({theirs}, 3);
        QVERIFY2(applied.ok(), qPrintable(applied.message));
        QCOMPARE(applied.conflicts.size(), 1);
        const Conflict &c = applied.conflicts.first();
        QCOMPARE(c.kind, kMetric);
        QCOMPARE(c.recordId, id);
        QCOMPARE(c.lost.field, QStringLiteral("weight"));
        QCOMPARE(c.lost.mine.toDouble(), 70.0);
        QCOMPARE(c.lost.theirs.toDouble(), 68.0);
        QCOMPARE(c.lost.theirsStamp, later);
        const auto merged = *m_store->state(kMetric, id);
        QCOMPARE(merged.fields[QStringLiteral("weight")].value.toDouble(), 68.0);
        QCOMPARE(merged.fields[QStringLiteral("sleep_quality")].value.toInt(), 6);
        // The local change is still queued: the server merges it the same way.
        QCOMPARE(m_store->pendingChangeCount(), 1);

        // Conflicts are kept until dismissed, across a reopen.
        m_store.reset();
        m_store = std::make_unique<LocalStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
        const QList<Conflict> kept = m_store->conflicts();
        QCOMPARE(kept.size(), 1);
        QCOMPARE(kept.first().lost.mine.toDouble(), 70.0);
        QCOMPARE(kept.first().lost.mineStamp, c.lost.mineStamp);
        QVERIFY(m_store->dismissConflict(kept.first().id));
        QVERIFY(m_store->conflicts().isEmpty());

        // An older remote write loses to the merged state: no change, no conflict.
        sync::RecordState older = theirs;
        older.fields[QStringLiteral("weight")] = {
            75.0, sync::HlcStamp{kStart - 600'000, 0, QStringLiteral("third-device")}};
        const RemoteApplyResult stale = m_store->applyRemote({older}, 4);
        QCOMPARE(stale.changed, 0);
        QVERIFY(stale.conflicts.isEmpty());
        QCOMPARE(m_store->state(kMetric, id)->fields[QStringLiteral("weight")].value.toDouble(),
                 68.0);
    }

    void pulledStatesOfAnUnknownKindAreSkipped()
    {
        sync::RecordState future;
        future.kind = QStringLiteral("sleep_session");
        future.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        future.deleted = {false, sync::HlcStamp{kStart, 0, QStringLiteral("newer-app")}};
        const RemoteApplyResult applied = m_store->applyRemote({future}, 9);
        QVERIFY(applied.ok());
        QCOMPARE(applied.changed, 0);
        QCOMPARE(m_store->syncCursor(), 9);
    }

    void aPulledElementStampAdvancesTheClock()
    {
        // Another device added an element with a stamp two hours past this
        // device's clock; nothing else in the record is newer. Removing the
        // element here must stamp the removal later, or it loses on merge.
        const QString id = m_store->create(kMedication, medication()).id;
        sync::RecordState theirs = *m_store->state(kMedication, id);
        const sync::HlcStamp added{kStart + 2 * 3'600'000, 0, QStringLiteral("other-device")};
        theirs.elements[QStringLiteral("side_effects")][QStringLiteral("rash")] = {
            QJsonValue(QStringLiteral("rash")), added, false};
        QVERIFY(m_store->applyRemote({theirs}, 5).ok());
        m_wall += 1000;
        QVERIFY(
            m_store
                ->update(kMedication, id,
                         {{QStringLiteral("side_effects"), QStringList{QStringLiteral("nausea")}}})
                .ok());
        const sync::Element removal = m_store->state(kMedication, id)
                                          ->elements[QStringLiteral("side_effects")]
                                          .value(QStringLiteral("rash"));
        QVERIFY(removal.removed);
        QVERIFY2(removal.stamp > added, "the removal must order after the addition it saw");
    }

    void aDeletionThatHidesAnEditMadeHereIsListed()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        m_wall += 1000;
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("weight"), 71}}).ok());
        // Another device, which had not seen that edit, deletes the entry.
        sync::RecordState theirs = *m_store->state(kMetric, id);
        theirs.fields[QStringLiteral("weight")].value = 70.0;
        theirs.fields[QStringLiteral("weight")].stamp = {kStart, 0, QStringLiteral("other")};
        theirs.deleted = {true, {kStart + 500, 0, QStringLiteral("other")}, {}};
        const RemoteApplyResult applied = m_store->applyRemote({theirs}, 3);
        QVERIFY(applied.ok());
        QCOMPARE(applied.conflicts.size(), 1);
        QCOMPARE(applied.conflicts.first().lost.field, LocalStore::kDeletedField);
        QVERIFY(m_store->record(kMetric, id)->deleted); // hidden, as everywhere
        // Restoring brings the entry back with the edit made here.
        QVERIFY(m_store->restore(kMetric, id).ok());
        QCOMPARE(m_store->record(kMetric, id)->value(QStringLiteral("weight")).toDouble(), 71.0);

        // A deletion of an entry this device only created is no conflict.
        const QString other = m_store->create(kMetric, metric(60)).id;
        sync::RecordState gone = *m_store->state(kMetric, other);
        gone.deleted = {true, {m_wall + 5000, 0, QStringLiteral("other")}, {}};
        QCOMPARE(m_store->applyRemote({gone}, 4).conflicts.size(), 0);
    }

    void theClockSurvivesARestartWithTheWallClockBehind()
    {
        const QString id = m_store->create(kMetric, metric(70)).id;
        const auto first = m_store->state(kMetric, id)->fields[QStringLiteral("weight")].stamp;
        m_store.reset();
        m_wall = kStart - 3'600'000; // the machine's clock is now an hour behind
        m_store = std::make_unique<LocalStore>();
        m_store->setPhysicalClock([this] { return m_wall; });
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
        QVERIFY(m_store->update(kMetric, id, {{QStringLiteral("weight"), 71}}).ok());
        const auto second = m_store->state(kMetric, id)->fields[QStringLiteral("weight")].stamp;
        QVERIFY2(second > first, "a later edit must carry a later stamp");
    }
};

QTEST_GUILESS_MAIN(TestLocalStore)
#include "test_local_store.moc"
