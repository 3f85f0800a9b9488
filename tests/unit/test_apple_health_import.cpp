#include "models/apple_health_import.h"
#include "models/trends.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QTest>

using namespace hale;

namespace {

// A small export in Apple Health's own format (export.xml), as the Health
// app writes it: samples as Record elements, blood pressure as a
// Correlation of two Records, workouts, sleep in stages.
QByteArray exportXml(const QByteArray &extra = {})
{
    return QByteArrayLiteral(R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-05-20 21:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-01-01"/>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" creationDate="2026-05-01 07:01:00 +0100" startDate="2026-05-01 07:00:00 +0100" endDate="2026-05-01 07:00:00 +0100" value="72.4"/>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Phone" unit="lb" creationDate="2026-05-02 07:01:00 +0100" startDate="2026-05-02 07:00:00 +0100" endDate="2026-05-02 07:00:00 +0100" value="160"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Watch" unit="count" startDate="2026-05-01 09:00:00 +0100" endDate="2026-05-01 09:10:00 +0100" value="812"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Watch" unit="count" startDate="2026-05-01 18:00:00 +0100" endDate="2026-05-01 18:30:00 +0100" value="3400"/>
 <Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Watch" unit="count/min" startDate="2026-05-01 00:00:00 +0100" endDate="2026-05-01 23:59:00 +0100" value="58"/>
 <Record type="HKQuantityTypeIdentifierBodyFatPercentage" sourceName="Scale" unit="%" startDate="2026-05-01 07:00:00 +0100" endDate="2026-05-01 07:00:00 +0100" value="0.215"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Meter" unit="mg/dL" startDate="2026-05-01 07:30:00 +0100" endDate="2026-05-01 07:30:00 +0100" value="99">
  <MetadataEntry key="HKBloodGlucoseMealTime" value="1"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="Phone" unit="mL" startDate="2026-05-01 12:00:00 +0100" endDate="2026-05-01 12:00:00 +0100" value="500"/>
 <Record type="HKQuantityTypeIdentifierAppleExerciseTime" sourceName="Watch" unit="min" startDate="2026-05-01 09:00:00 +0100" endDate="2026-05-01 09:30:00 +0100" value="30"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2026-05-01 22:40:00 +0100" endDate="2026-05-02 06:50:00 +0100" value="HKCategoryValueSleepAnalysisInBed"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2026-05-01 23:00:00 +0100" endDate="2026-05-02 01:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepCore"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2026-05-02 01:40:00 +0100" endDate="2026-05-02 03:00:00 +0100" value="HKCategoryValueSleepAnalysisAsleepDeep"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2026-05-02 03:00:00 +0100" endDate="2026-05-02 06:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepREM"/>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="yesterday" endDate="yesterday" value="70"/>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff" startDate="2026-05-01 08:00:00 +0100" endDate="2026-05-01 08:00:00 +0100">
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Cuff" unit="mmHg" startDate="2026-05-01 08:00:00 +0100" endDate="2026-05-01 08:00:00 +0100" value="128"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Cuff" unit="mmHg" startDate="2026-05-01 08:00:00 +0100" endDate="2026-05-01 08:00:00 +0100" value="82"/>
 </Correlation>
 <Workout workoutActivityType="HKWorkoutActivityTypeTraditionalStrengthTraining" duration="45.5" durationUnit="min" totalEnergyBurned="310" totalEnergyBurnedUnit="kcal" sourceName="Watch" startDate="2026-05-01 18:00:00 +0100" endDate="2026-05-01 18:45:30 +0100"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="1800" durationUnit="s" totalDistance="3.1" totalDistanceUnit="mi" sourceName="Watch" startDate="2026-05-02 07:30:00 +0100" endDate="2026-05-02 08:00:00 +0100"/>
)") + extra +
           QByteArrayLiteral("</HealthData>\n");
}

imports::Summary importBytes(LocalStore &store, const QByteArray &xml,
                             const std::function<bool(qint64, qint64)> &progress = {})
{
    QBuffer buffer;
    buffer.setData(xml);
    buffer.open(QIODevice::ReadOnly);
    return imports::importAppleHealth(store, buffer, progress);
}

} // namespace

// Issue 18: people switching from an iPhone bring years of Apple Health.
class TestAppleHealthImport : public QObject
{
    Q_OBJECT

private slots:
    void eachSupportedSampleBecomesAnEntry()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QVERIFY(imports::looksLikeAppleHealth(exportXml().left(400)));
        const imports::Summary s = importBytes(store, exportXml());
        QVERIFY2(s.ok(), qPrintable(s.error));
        // 2 weights, 2 step counts, resting HR, body fat, glucose, water,
        // one blood pressure, one night (of three stages), two workouts.
        QCOMPARE(s.added, 12);
        QCOMPARE(s.skipped.value(QStringLiteral("time in bed (Hale keeps time asleep)")), 1);
        QCOMPARE(s.skipped.value(QStringLiteral(
                     "HKQuantityTypeIdentifierAppleExerciseTime (not tracked by Hale)")),
                 1);
        QCOMPARE(s.skipped.value(QStringLiteral("a date Hale cannot read")), 1);

        QList<double> weights;
        double glucose = 0;
        int systolic = 0;
        QString glucoseContext;
        double sleepHours = 0;
        double fat = 0;
        int steps = 0;
        for (const Record &r : store.records(QStringLiteral("metric"))) {
            if (!r.value(QStringLiteral("weight")).isNull())
                weights << r.value(QStringLiteral("weight")).toDouble();
            glucose += r.value(QStringLiteral("glucose")).toDouble();
            glucoseContext += r.value(QStringLiteral("glucose_context")).toString();
            systolic += r.value(QStringLiteral("systolic")).toInt();
            fat += r.value(QStringLiteral("body_fat")).toDouble();
            steps += r.value(QStringLiteral("steps")).toInt();
            if (const double h = trends::sleepHours(r); h > 0)
                sleepHours = h;
        }
        std::sort(weights.begin(), weights.end());
        QCOMPARE(weights.size(), 2);
        QVERIFY(qAbs(weights.at(0) - 72.4) < 1e-9);
        QVERIFY(qAbs(weights.at(1) - 72.5747792) < 1e-6); // 160 lb
        QVERIFY(qAbs(glucose - 99 / 18.0156) < 1e-9);     // stored in mmol/L
        QCOMPARE(glucoseContext, QStringLiteral("before_meal"));
        QCOMPARE(systolic, 128);
        QVERIFY(qAbs(fat - 21.5) < 1e-9);
        QCOMPARE(steps, 4212);
        QVERIFY(qAbs(sleepHours - 7.5) < 1e-9); // 23:00 to 06:30, its three stages
        const QList<Record> workouts = store.records(QStringLiteral("exercise"));
        QCOMPARE(workouts.size(), 2);
        QCOMPARE(workouts.last().value(QStringLiteral("activity")).toString(),
                 QStringLiteral("Traditional strength training"));
        QCOMPARE(workouts.last().value(QStringLiteral("duration")).toDouble(), 45.5);
        QCOMPARE(workouts.first().value(QStringLiteral("activity")).toString(),
                 QStringLiteral("Running"));
        QCOMPARE(workouts.first().value(QStringLiteral("duration")).toDouble(), 30.0);
        QVERIFY(qAbs(workouts.first().value(QStringLiteral("distance")).toDouble() - 4.9889664) <
                1e-6);
    }

    void importingTheSameFileTwiceAddsNothing()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QCOMPARE(importBytes(store, exportXml()).added, 12);
        const imports::Summary again = importBytes(store, exportXml());
        QCOMPARE(again.added, 0);
        QCOMPARE(again.alreadyThere, 12);
        QCOMPARE(store.count(QStringLiteral("metric")) + store.count(QStringLiteral("exercise")),
                 12);
    }

    void aBrokenFileSaysWhereAndKeepsWhatCameBefore()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QByteArray broken = exportXml();
        broken.chop(QByteArrayLiteral("</HealthData>\n").size());
        broken += "<Record type=\"HKQuantityTypeIdentifierBodyMass\" value=\"7";
        const imports::Summary s = importBytes(store, broken);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("line")), qPrintable(s.error));
        // Everything read before the break is kept.
        QCOMPARE(store.count(QStringLiteral("metric")) + store.count(QStringLiteral("exercise")),
                 12);
        // Not XML at all.
        QVERIFY(!importBytes(store, "weight,72\n").ok());
    }

    void cancellingStopsAndKeepsWhatWasRead()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QByteArray many;
        for (int i = 0; i < 6000; ++i)
            many += QStringLiteral("<Record type=\"HKQuantityTypeIdentifierStepCount\" "
                                   "sourceName=\"Watch\" unit=\"count\" startDate=\"2026-04-%1 "
                                   "%2:%3:00 +0000\" endDate=\"2026-04-%1 %2:%3:30 +0000\" "
                                   "value=\"%4\"/>\n")
                        .arg(1 + i / 1440, 2, 10, QLatin1Char('0'))
                        .arg(i / 60 % 24, 2, 10, QLatin1Char('0'))
                        .arg(i % 60, 2, 10, QLatin1Char('0'))
                        .arg(10 + i)
                        .toUtf8();
        int calls = 0;
        const imports::Summary s =
            importBytes(store, exportXml(many), [&](qint64 done, qint64 total) {
                [&] {
                    QVERIFY(done > 0 && done <= total);
                }();
                return ++calls < 3;
            });
        QVERIFY(s.cancelled);
        QVERIFY(s.added > 0 && s.added < 6000);
        QCOMPARE(store.count(QStringLiteral("metric")) + store.count(QStringLiteral("exercise")),
                 s.added);
    }
};

QTEST_GUILESS_MAIN(TestAppleHealthImport)
#include "test_apple_health_import.moc"
