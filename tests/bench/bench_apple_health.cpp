// The Apple Health import on a large export: writes an export.xml of N
// samples in Apple's format (steps and heart rate as a watch records them,
// daily weight, nights of sleep in stages, blood pressure, workouts), then
// imports it into a fresh data folder and again (which must add nothing),
// printing records per second and the process's peak memory.
// Usage: bench_apple_health [--records N] [--keep FOLDER]
#include "models/apple_health_import.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <cstdio>
#include <sys/resource.h>

using namespace hale;

namespace {

long peakKilobytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

QByteArray stamp(const QDateTime &t)
{
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toLatin1() + " +0000";
}

// Writes the export as it goes: a few hundred bytes in memory at a time.
bool writeExport(const QString &path, int records)
{
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HealthData locale=\"en_GB\">\n"
              " <ExportDate value=\"2026-12-01 09:00:00 +0000\"/>\n");
    QDateTime t(QDate(2026, 12, 1).addDays(-(records / 150)), QTime(0, 0), Qt::UTC);
    for (int i = 0; i < records; ++i) {
        t = t.addSecs(576); // about 150 samples a day
        const int kind = i % 100;
        QByteArray line;
        if (kind < 55) {
            line = " <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Watch\" "
                   "unit=\"count\" startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t.addSecs(300)) + "\" value=\"" +
                   QByteArray::number(20 + i % 900) + "\"/>\n";
        } else if (kind < 90) {
            line = " <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"Watch\" "
                   "unit=\"count/min\" startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t) + "\" value=\"" +
                   QByteArray::number(55 + i % 60) + "\"/>\n";
        } else if (kind < 93) {
            line = " <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" sourceName=\"Watch\" "
                   "startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t.addSecs(1800)) +
                   "\" value=\"HKCategoryValueSleepAnalysisAsleepCore\"/>\n";
        } else if (kind < 96) {
            line = " <Record type=\"HKQuantityTypeIdentifierBodyMass\" sourceName=\"Scale\" "
                   "unit=\"kg\" startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t) + "\" value=\"" +
                   QByteArray::number(70 + (i % 50) / 10.0) + "\"/>\n";
        } else if (kind < 98) {
            line = " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" "
                   "sourceName=\"Cuff\" startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t) +
                   "\">\n  <Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" "
                   "unit=\"mmHg\" value=\"" +
                   QByteArray::number(115 + i % 20) +
                   "\"/>\n  <Record type=\"HKQuantityTypeIdentifierBloodPressureDiastolic\" "
                   "unit=\"mmHg\" value=\"" +
                   QByteArray::number(70 + i % 15) + "\"/>\n </Correlation>\n";
        } else {
            line = " <Workout workoutActivityType=\"HKWorkoutActivityTypeCycling\" "
                   "duration=\"42\" durationUnit=\"min\" totalDistance=\"15.5\" "
                   "totalDistanceUnit=\"km\" sourceName=\"Watch\" startDate=\"" +
                   stamp(t) + "\" endDate=\"" + stamp(t.addSecs(2520)) + "\"/>\n";
        }
        if (out.write(line) != line.size())
            return false;
    }
    out.write("</HealthData>\n");
    return out.flush();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    int records = 1'000'000;
    if (const qsizetype i = args.indexOf(QStringLiteral("--records")); i >= 0)
        records = args.value(i + 1).toInt();
    QTemporaryDir scratch;
    const QString xml = scratch.filePath(QStringLiteral("export.xml"));
    QElapsedTimer clock;
    clock.start();
    if (records <= 0 || !writeExport(xml, records)) {
        std::fprintf(stderr, "cannot write the export\n");
        return 1;
    }
    std::printf("export.xml: %d samples, %.1f MB, written in %.1f s\n", records,
                double(QFile(xml).size()) / 1e6, double(clock.elapsed()) / 1000);
    std::printf("peak memory before importing: %.1f MB\n", double(peakKilobytes()) / 1024);

    LocalStore store;
    if (!store.open(scratch.filePath(QStringLiteral("data"))).ok())
        return 1;
    for (const char *pass : {"first import", "same file again"}) {
        QFile file(xml);
        if (!file.open(QIODevice::ReadOnly))
            return 1;
        clock.restart();
        const imports::Summary s = imports::importAppleHealth(store, file);
        const double secs = double(clock.elapsed()) / 1000;
        std::printf("%s: %.1f s, %.0f samples/s; %d added, %d already there, %d skipped%s\n", pass,
                    secs, records / secs, s.added, s.alreadyThere, s.skippedCount(),
                    s.ok() ? "" : qPrintable(QStringLiteral(" (") + s.error + QLatin1Char(')')));
        std::printf("peak memory so far: %.1f MB\n", double(peakKilobytes()) / 1024);
    }
    return 0;
}
