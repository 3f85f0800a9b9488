#include "sync/core/merge.h"

#include <QRandomGenerator>
#include <QTest>

using namespace hale::sync;

namespace {

// Random states drawn from one shared pool of writes, as real replicas are:
// a stamp always carries the same value wherever it is seen.
class StateFactory
{
public:
    explicit StateFactory(quint32 seed) : m_rng(seed) {}

    RecordState make()
    {
        RecordState s;
        s.kind = QStringLiteral("metric");
        s.id = QStringLiteral("00000000-0000-0000-0000-000000000001");
        for (const char *name : {"weight", "notes", "sleep_quality", "future_field"}) {
            if (m_rng.bounded(4) == 0)
                continue;
            const HlcStamp st = stamp();
            s.fields.insert(QLatin1String(name), {valueFor(st), st});
        }
        for (const char *name : {"side_effects", "body_measurements"}) {
            for (const char *key : {"a", "b", "c", "d"}) {
                if (m_rng.bounded(3) == 0)
                    continue;
                const HlcStamp st = stamp();
                const bool removed = (st.counter % 3) == 0;
                s.elements[QLatin1String(name)].insert(
                    QLatin1String(key), {removed ? QJsonValue() : valueFor(st), st, removed});
            }
        }
        if (m_rng.bounded(2)) {
            const HlcStamp st = stamp();
            s.deleted = {(st.counter % 2) == 0, st};
        }
        return s;
    }

private:
    // A small stamp space so that ties on millis and counters are frequent.
    HlcStamp stamp()
    {
        return {m_rng.bounded(qint64(1), qint64(6)), quint32(m_rng.bounded(0, 3)),
                QStringLiteral("node%1").arg(m_rng.bounded(3))};
    }
    static QJsonValue valueFor(const HlcStamp &st)
    {
        return QJsonValue(double(st.millis * 100 + st.counter * 10) + st.node.back().digitValue());
    }

    QRandomGenerator m_rng;
};

} // namespace

class TestMerge : public QObject
{
    Q_OBJECT

private slots:
    void isCommutativeAssociativeAndIdempotent()
    {
        StateFactory factory(20261123);
        for (int i = 0; i < 5000; ++i) {
            const RecordState a = factory.make();
            const RecordState b = factory.make();
            const RecordState c = factory.make();
            QCOMPARE(merge(a, b), merge(b, a));
            QCOMPARE(merge(merge(a, b), c), merge(a, merge(b, c)));
            QCOMPARE(merge(a, a), a);
            QCOMPARE(merge(merge(a, b), b), merge(a, b));
        }
    }

    void equalStampsWithOtherContentStillMergeTheSameBothWays()
    {
        // Found by fuzzing: a corrupt peer's cell with our stamp and value
        // but another base, or an element with our stamp and value but
        // another removed flag, made the result depend on the argument order.
        const HlcStamp t{5, 0, QStringLiteral("n")};
        RecordState a;
        a.kind = QStringLiteral("metric");
        a.id = QStringLiteral("00000000-0000-0000-0000-000000000001");
        RecordState b = a;
        a.fields[QStringLiteral("weight")] = {70.0, t, HlcStamp{1, 0, QStringLiteral("n")}};
        b.fields[QStringLiteral("weight")] = {70.0, t, HlcStamp{2, 0, QStringLiteral("n")}};
        a.elements[QStringLiteral("side_effects")][QStringLiteral("x")] = {QJsonValue(), t, false};
        b.elements[QStringLiteral("side_effects")][QStringLiteral("x")] = {QJsonValue(), t, true};
        QCOMPARE(merge(a, b), merge(b, a));
        QCOMPARE(merge(merge(a, b), a), merge(a, b));
    }

    void laterStampWinsEachFieldIndependently()
    {
        RecordState mine;
        mine.fields[QStringLiteral("weight")] = {70.0, {10, 0, QStringLiteral("a")}};
        mine.fields[QStringLiteral("notes")] = {QStringLiteral("mine"),
                                                {30, 0, QStringLiteral("a")}};
        RecordState theirs;
        theirs.fields[QStringLiteral("weight")] = {71.0, {20, 0, QStringLiteral("b")}};
        theirs.fields[QStringLiteral("notes")] = {QStringLiteral("theirs"),
                                                  {25, 0, QStringLiteral("b")}};
        QList<LostWrite> lost;
        const RecordState out = merge(mine, theirs, &lost);
        QCOMPARE(out.fields[QStringLiteral("weight")].value.toDouble(), 71.0);
        QCOMPARE(out.fields[QStringLiteral("notes")].value.toString(), QStringLiteral("mine"));
        QCOMPARE(lost.size(), 1);
        QCOMPARE(lost.first().field, QStringLiteral("weight"));
        QCOMPARE(lost.first().mine.toDouble(), 70.0);
        QCOMPARE(lost.first().theirs.toDouble(), 71.0);
    }

    void onlyAWriteThatHadNotSeenOursMakesAConflict()
    {
        const HlcStamp created{10, 0, QStringLiteral("a")};
        const HlcStamp ourEdit{20, 0, QStringLiteral("a")};
        RecordState mine;
        mine.fields[QStringLiteral("weight")] = {70.0, ourEdit, created};
        mine.fields[QStringLiteral("notes")] = {QStringLiteral("ours"), created};
        // Their weight replaced the created value (they had not seen our
        // edit): concurrent. Their notes replaced our value knowingly.
        RecordState theirs;
        theirs.fields[QStringLiteral("weight")] = {71.0, {30, 0, QStringLiteral("b")}, created};
        theirs.fields[QStringLiteral("notes")] = {
            QStringLiteral("theirs"), {31, 0, QStringLiteral("b")}, created};
        QList<LostWrite> lost;
        const RecordState out = merge(mine, theirs, &lost);
        QCOMPARE(out.fields[QStringLiteral("weight")].value.toDouble(), 71.0);
        QCOMPARE(out.fields[QStringLiteral("notes")].value.toString(), QStringLiteral("theirs"));
        QCOMPARE(lost.size(), 1);
        QCOMPARE(lost.first().field, QStringLiteral("weight"));
        // The base travels with the winning write.
        QCOMPARE(out.fields[QStringLiteral("weight")].base, created);
    }

    void concurrentSetAdditionsBothSurvive()
    {
        RecordState mine;
        mine.elements[QStringLiteral("side_effects")][QStringLiteral("nausea")] = {
            true, {10, 0, QStringLiteral("a")}, false};
        RecordState theirs;
        theirs.elements[QStringLiteral("side_effects")][QStringLiteral("headache")] = {
            true, {11, 0, QStringLiteral("b")}, false};
        const RecordState out = merge(mine, theirs);
        QCOMPARE(out.elements[QStringLiteral("side_effects")].size(), 2);
    }

    void aLaterRemovalBeatsAnEarlierAddButNotALaterOne()
    {
        const Element added{true, {10, 0, QStringLiteral("a")}, false};
        const Element removed{QJsonValue(), {12, 0, QStringLiteral("b")}, true};
        const Element readded{true, {13, 0, QStringLiteral("a")}, false};
        RecordState x, y, z;
        x.elements[QStringLiteral("s")][QStringLiteral("k")] = added;
        y.elements[QStringLiteral("s")][QStringLiteral("k")] = removed;
        z.elements[QStringLiteral("s")][QStringLiteral("k")] = readded;
        QVERIFY(merge(x, y).elements[QStringLiteral("s")][QStringLiteral("k")].removed);
        QVERIFY(!merge(merge(x, y), z).elements[QStringLiteral("s")][QStringLiteral("k")].removed);
    }

    void tombstoneIsACellOfItsOwn()
    {
        RecordState edited;
        edited.fields[QStringLiteral("weight")] = {72.0, {20, 0, QStringLiteral("a")}};
        RecordState deleted;
        deleted.deleted = {true, {15, 0, QStringLiteral("b")}};
        const RecordState out = merge(edited, deleted);
        // The delete stays, and the concurrent edit is kept under the tombstone
        // so that restoring the record brings back the newest values.
        QVERIFY(out.isDeleted());
        QCOMPARE(out.fields[QStringLiteral("weight")].value.toDouble(), 72.0);
        RecordState restored = out;
        restored.deleted = {false, {30, 0, QStringLiteral("a")}};
        QVERIFY(!merge(out, restored).isDeleted());
    }
};

QTEST_GUILESS_MAIN(TestMerge)
#include "test_merge.moc"
