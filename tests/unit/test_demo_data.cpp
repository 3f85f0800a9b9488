#include "models/demo_data.h"
#include "models/goals.h"
#include "models/local_store.h"
#include "models/preferences.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace hale;

namespace {
constexpr int kCount = 2000;

// What two generated stores are compared by.
struct Summary
{
    QMap<QString, int> counts;
    double weightSum = 0;
    QSet<QString> ids;
};

Summary summarise(const LocalStore &store)
{
    Summary s;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        const QList<Record> records = store.records(kind.name);
        s.counts.insert(kind.name, int(records.size()));
        for (const Record &r : records) {
            // The goals and preferences records' ids are the same on every
            // device by design.
            if (r.id != goals::kRecordId && r.id != preferences::kRecordId)
                s.ids.insert(r.id);
            if (kind.name == QLatin1String("metric"))
                s.weightSum += r.value(QStringLiteral("weight")).toDouble();
        }
    }
    return s;
}
} // namespace

class TestDemoData : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_opened = 0;
    std::unique_ptr<LocalStore> m_store; // kCount records from the default seed
    QList<QPair<int, int>> m_progress;

    std::unique_ptr<LocalStore> openStore()
    {
        auto store = std::make_unique<LocalStore>();
        store->open(m_dir.filePath(QStringLiteral("store%1").arg(++m_opened)));
        return store;
    }

    int count(const char *kind) const { return m_store->count(QLatin1String(kind)); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = openStore();
        QVERIFY(m_store->isOpen());
        QString error;
        QElapsedTimer timer;
        timer.start();
        const bool ok = generateDemoData(*m_store, kCount, &error, [this](int done, int total) {
            m_progress.append({done, total});
        });
        QVERIFY2(ok, qPrintable(error));
        qInfo("%d records in %lld ms", kCount, timer.elapsed());
    }

    void generatesExactlyTheCountInProportion()
    {
        int total = 0;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            const int n = m_store->count(kind.name);
            QVERIFY2(n > 0, qPrintable(kind.name));
            total += n;
        }
        QCOMPARE(total, kCount);
        const auto share = [this](const char *kind) {
            return double(count(kind)) / kCount;
        };
        QVERIFY(qAbs(share("metric") - 0.33) < 0.02);
        QVERIFY(qAbs(share("measurement") - 0.02) < 0.01);
        QCOMPARE(count("measure"), 2);
        QVERIFY(qAbs(share("meal") - 0.30) < 0.02);
        QVERIFY(qAbs(share("exercise") - 0.15) < 0.02);
        QVERIFY(qAbs(share("dose") - 0.15) < 0.02);
        QVERIFY(qAbs(share("journal") - 0.04) < 0.01);
        QCOMPARE(count("medication"), 5);
    }

    void dosesReferToExistingMedications()
    {
        QSet<QString> medications;
        for (const Record &m : m_store->records(QStringLiteral("medication")))
            medications.insert(m.id);
        QSet<QString> used;
        for (const Record &dose : m_store->records(QStringLiteral("dose"))) {
            const QString id = dose.value(QStringLiteral("medication_id")).toString();
            QVERIFY2(medications.contains(id), qPrintable(id));
            used.insert(id);
            QVERIFY(dose.value(QStringLiteral("logged_at")).toDateTime() >=
                    dose.value(QStringLiteral("scheduled_at")).toDateTime().addSecs(-24 * 3600));
        }
        QCOMPARE(used.size(), 4); // every medication with a schedule
    }

    void valuesArePlausible()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QDateTime oldest = now;
        for (const Record &m : m_store->records(QStringLiteral("metric"))) {
            const QVariant weight = m.value(QStringLiteral("weight"));
            if (!weight.isNull())
                QVERIFY2(weight.toDouble() >= 70 && weight.toDouble() <= 90,
                         qPrintable(weight.toString()));
            const QVariant rhr = m.value(QStringLiteral("resting_heart_rate"));
            if (!rhr.isNull())
                QVERIFY(rhr.toInt() >= 50 && rhr.toInt() <= 80);
            const QDateTime at = m.value(QStringLiteral("recorded_at")).toDateTime();
            QVERIFY(at <= now);
            oldest = std::min(oldest, at);
        }
        // About eleven records a day: 2000 reach back roughly 180 days.
        QVERIFY2(oldest.daysTo(now) > 140 && oldest.daysTo(now) < 220,
                 qPrintable(oldest.toString(Qt::ISODate)));
        for (const Record &meal : m_store->records(QStringLiteral("meal"))) {
            const double macros = 4 * meal.value(QStringLiteral("protein")).toDouble() +
                                  4 * meal.value(QStringLiteral("carbs")).toDouble() +
                                  9 * meal.value(QStringLiteral("fat")).toDouble();
            const double calories = meal.value(QStringLiteral("calories")).toDouble();
            QVERIFY2(qAbs(calories - macros) <= 0.06 * macros + 1,
                     qPrintable(meal.value(QStringLiteral("description")).toString()));
        }
        for (const Record &j : m_store->records(QStringLiteral("journal")))
            QVERIFY(!j.value(QStringLiteral("text")).toString().isEmpty());
    }

    void reportsProgressUpToTheTotal()
    {
        QVERIFY(!m_progress.isEmpty());
        QCOMPARE(m_progress.last(), qMakePair(kCount, kCount));
        for (qsizetype i = 1; i < m_progress.size(); ++i)
            QVERIFY(m_progress.at(i).first > m_progress.at(i - 1).first);
    }

    void theSameSeedGivesTheSameData()
    {
        auto again = openStore();
        QString error;
        QVERIFY2(generateDemoData(*again, kCount, &error), qPrintable(error));
        const Summary a = summarise(*m_store);
        const Summary b = summarise(*again);
        QCOMPARE(b.counts, a.counts);
        QCOMPARE(b.weightSum, a.weightSum);
        QVERIFY(b.ids == a.ids);

        auto other = openStore();
        QVERIFY2(generateDemoData(*other, kCount, &error, {}, kDemoDataSeed + 1),
                 qPrintable(error));
        const Summary c = summarise(*other);
        QCOMPARE(c.counts, a.counts);
        QVERIFY(c.weightSum != a.weightSum);
        QVERIFY(!c.ids.intersects(a.ids));
    }

    // Time-ordered ids as the app makes them, or random ones as earlier
    // versions made, for the same data otherwise.
    void idsAreTimeOrderedOrRandomWithTheSameValues()
    {
        const Summary ordered = summarise(*m_store);
        for (const QString &id : ordered.ids)
            QCOMPARE(QUuid::fromString(id).data3 >> 12, 7); // the version (Qt 6.4 knows up to 5)
        auto random = openStore();
        QString error;
        QVERIFY2(generateDemoData(*random, kCount, &error, {}, kDemoDataSeed, DemoIds::Random),
                 qPrintable(error));
        const Summary r = summarise(*random);
        QCOMPARE(r.counts, ordered.counts);
        QCOMPARE(r.weightSum, ordered.weightSum);
        for (const QString &id : r.ids)
            QCOMPARE(QUuid::fromString(id).data3 >> 12, 4);
    }

    void smallCountsAndBadArguments()
    {
        auto store = openStore();
        QString error;
        QVERIFY(generateDemoData(*store, 7, &error));
        int total = 0;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds())
            total += store->count(kind.name);
        QCOMPARE(total, 7);
        QCOMPARE(store->count(QStringLiteral("dose")), 0); // no medication to refer to
        QVERIFY(generateDemoData(*store, 0, &error));
        QVERIFY(!generateDemoData(*store, -1, &error));
        QVERIFY(!error.isEmpty());
        LocalStore closed;
        QVERIFY(!generateDemoData(closed, 10, &error));
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "test_demo_data.moc"
