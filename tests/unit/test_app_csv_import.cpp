#include "models/app_csv_import.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;

namespace {

// As openScale exports (Settings → Export): quoted header, a row per weigh-in,
// 0 for what was not measured.
const QByteArray kOpenScale = QByteArrayLiteral(
    "\"dateTime\",\"weight\",\"fat\",\"water\",\"muscle\",\"lbm\",\"bone\",\"waist\",\"hip\","
    "\"comment\"\n"
    "\"2026-03-01 07:12\",\"81.3\",\"24.1\",\"55.0\",\"35.2\",\"0.0\",\"3.1\",\"92.0\",\"101.5\","
    "\"after a run\"\n"
    "\"2026-03-02 07:05\",\"81.0\",\"0.0\",\"0.0\",\"0.0\",\"0.0\",\"0.0\",\"0.0\",\"0.0\",\"\"\n"
    "\"yesterday\",\"80.0\",\"0\",\"0\",\"0\",\"0\",\"0\",\"0\",\"0\",\"\"\n");

// Google Fit's Takeout, "Daily activity metrics/Daily Summaries.csv".
const QByteArray kGoogleFit = QByteArrayLiteral(
    "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,"
    "Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Average weight (kg),"
    "Max weight (kg),Min weight (kg),Step count\n"
    "2026-02-01,45,2100.5,5200.2,30,25,,,,,,,6543\n"
    "2026-02-02,12,1900.0,900.0,4,4,,,,78.4,78.4,78.4,1204\n"
    "2026-02-03,0,1800.0,0,0,0,,,,,,,\n");

} // namespace

// Issue 18: people come from openScale and Google Fit with years of data.
class TestAppCsvImport : public QObject
{
    Q_OBJECT

private slots:
    void recognisesEachAppByItsHeader()
    {
        QCOMPARE(imports::recogniseCsv(kOpenScale), imports::CsvSource::OpenScale);
        QCOMPARE(imports::recogniseCsv(kGoogleFit), imports::CsvSource::GoogleFit);
        QCOMPARE(imports::recogniseCsv("id,recorded_at,weight\n"), imports::CsvSource::None);
    }

    void openScaleWeighInsBecomeMetrics()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const imports::Summary s = imports::importAppCsv(store, kOpenScale);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.added, 2);
        QCOMPARE(s.skipped.value(QStringLiteral("a date Hale cannot read")), 1);
        RecordFilter oldestFirst;
        oldestFirst.descending = false;
        const QList<Record> metrics = store.records(QStringLiteral("metric"), oldestFirst);
        QCOMPARE(metrics.first().value(QStringLiteral("weight")).toDouble(), 81.3);
        QCOMPARE(metrics.first().value(QStringLiteral("body_fat")).toDouble(), 24.1);
        const QVariantMap measured =
            metrics.first().value(QStringLiteral("body_measurements")).toMap();
        QCOMPARE(measured.value(QStringLiteral("waist")).toDouble(), 92.0);
        QCOMPARE(measured.value(QStringLiteral("hips")).toDouble(), 101.5);
        QCOMPARE(metrics.first().value(QStringLiteral("notes")).toString(),
                 QStringLiteral("after a run"));
        // What openScale wrote as 0 was not measured.
        QVERIFY(metrics.last().value(QStringLiteral("body_fat")).isNull());
        QCOMPARE(imports::importAppCsv(store, kOpenScale).alreadyThere, 2);
        QCOMPARE(store.count(QStringLiteral("metric")), 2);
    }

    void googleFitDaysBecomeStepsAndWeights()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const imports::Summary s = imports::importAppCsv(store, kGoogleFit);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.added, 2);
        QCOMPARE(s.skipped.value(QStringLiteral("a day without steps or weight")), 1);
        int steps = 0;
        double weight = 0;
        for (const Record &r : store.records(QStringLiteral("metric"))) {
            steps += r.value(QStringLiteral("steps")).toInt();
            weight += r.value(QStringLiteral("weight")).toDouble();
        }
        QCOMPARE(steps, 6543 + 1204);
        QCOMPARE(weight, 78.4);
        const imports::Summary again = imports::importAppCsv(store, kGoogleFit);
        QCOMPARE(again.added, 0);
        QCOMPARE(again.alreadyThere, 2);
    }

    void anythingElseIsRefusedAndChangesNothing()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QVERIFY(!imports::importAppCsv(store, "name,value\nx,1\n").ok());
        QVERIFY(!imports::importAppCsv(store, "Date,Step count\n2026-01-01,\"12\n").ok());
        QCOMPARE(store.count(QStringLiteral("metric")), 0);
    }
};

QTEST_GUILESS_MAIN(TestAppCsvImport)
#include "test_app_csv_import.moc"
