#include "models/app_csv_import.h"
#include "models/other_app_import.h"

#include <QFile>
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

// A day's file from the same folder, "2026-02-02.csv": a row per quarter
// hour, times with their offset, the day only in the file's name.
const QByteArray kGoogleFitDay = QByteArrayLiteral(
    "Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Heart Points,"
    "Heart Minutes,Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),"
    "Average weight (kg),Max weight (kg),Min weight (kg),Step count\n"
    "00:00:00.000+01:00,00:15:00.000+01:00,,20.1,,,,,,,,,,\n"
    "07:00:00.000+01:00,07:15:00.000+01:00,3,20.4,310.5,,,,,,78.4,78.4,78.4,504\n"
    "12:30:00.000+01:00,12:45:00.000+01:00,9,31.0,820.0,4,4,,,,,,,700\n");

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

    // A day's file adds up to the day's entry; it and the summary's row for
    // that day are the same entry, so importing both adds it once.
    void aGoogleFitDaysFileAddsUpToTheSummarysDay()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QCOMPARE(imports::recogniseCsv(kGoogleFitDay), imports::CsvSource::GoogleFitDay);
        const imports::Summary day = imports::importAppCsv(store, kGoogleFitDay, QDate(2026, 2, 2));
        QVERIFY2(day.ok(), qPrintable(day.error));
        QCOMPARE(day.added, 1);
        const Record entry = store.records(QStringLiteral("metric")).first();
        QCOMPARE(entry.value(QStringLiteral("steps")).toInt(), 1204);
        QCOMPARE(entry.value(QStringLiteral("weight")).toDouble(), 78.4);
        QCOMPARE(entry.value(QStringLiteral("recorded_at")).toDateTime(),
                 QDateTime(QDate(2026, 2, 2), QTime(12, 0)).toUTC());
        const imports::Summary summary = imports::importAppCsv(store, kGoogleFit);
        QCOMPARE(summary.added, 1); // 1 February; 2 February was there
        QCOMPARE(summary.alreadyThere, 1);
        QCOMPARE(store.count(QStringLiteral("metric")), 2);
        // Without its name the day is unknown: refused, nothing changed.
        const imports::Summary nameless = imports::importAppCsv(store, kGoogleFitDay);
        QVERIFY(!nameless.ok());
        QVERIFY2(nameless.error.contains(QStringLiteral("2026-11-20.csv")),
                 qPrintable(nameless.error));
        QCOMPARE(store.count(QStringLiteral("metric")), 2);
    }

    // A Takeout folder of days, chosen at once, with a stray file and one
    // that cannot be read among them: the days are imported, the rest named.
    void severalFilesAreImportedTogether()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("data"))).ok());
        QStringList paths;
        for (const char *name : {"2026-02-02.csv", "2026-02-05.csv", "notes.txt"}) {
            QFile file(dir.filePath(QLatin1String(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(name).endsWith(".csv") ? kGoogleFitDay : "just notes\n");
            paths << file.fileName();
        }
        paths << dir.filePath(QStringLiteral("gone.csv"));
        QList<std::pair<int, int>> steps;
        const imports::FileImport all =
            imports::importOtherApps(store, paths, [&steps](int done, int total) {
                steps.append({done, total});
                return true;
            });
        QCOMPARE(all.source, QStringLiteral("Google Fit"));
        QCOMPARE(all.summary.added, 2);
        QCOMPARE(all.summary.skippedCount(), 1);
        QVERIFY2(all.summary.skipped.firstKey().contains(QStringLiteral("notes.txt")),
                 qPrintable(all.summary.skipped.firstKey()));
        QVERIFY2(all.summary.error.startsWith(QStringLiteral("gone.csv: ")),
                 qPrintable(all.summary.error));
        QCOMPARE(steps.first(), std::pair(0, 4));
        QCOMPARE(steps.last(), std::pair(4, 4));
        QCOMPARE(store.count(QStringLiteral("metric")), 2);

        // Cancelled after the first file: that one is kept, nothing more.
        LocalStore other;
        QVERIFY(other.open(dir.filePath(QStringLiteral("other"))).ok());
        const imports::FileImport cancelled =
            imports::importOtherApps(other, paths, [](int done, int) { return done < 1; });
        QVERIFY(cancelled.summary.cancelled);
        QCOMPARE(cancelled.summary.added, 1);
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
