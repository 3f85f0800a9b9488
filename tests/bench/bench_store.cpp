// Store benchmarks on a database of N records (default 100,000):
//   bench_store [--records N] [--data-dir DIR]
// Prints the time to save one edit with its outbox entry, to create one
// record, to page through the metrics table, and to export and re-import a
// full JSON backup.
#include "bench_common.h"
#include "models/demo_data.h"
#include "models/import_export.h"
#include "models/local_store.h"
#include "models/record_table_model.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTemporaryDir>

using namespace hale;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption recordsOption(QStringLiteral("records"),
                                           QStringLiteral("Records to generate."),
                                           QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption dirOption(QStringLiteral("data-dir"),
                                       QStringLiteral("Use (or fill) this data folder."),
                                       QStringLiteral("DIR"));
    parser.addOptions({recordsOption, dirOption});
    parser.addHelpOption();
    parser.process(app);

    QTemporaryDir scratch;
    const QString dir = parser.isSet(dirOption) ? parser.value(dirOption) : scratch.path();
    LocalStore store;
    if (const auto r = store.open(dir); !r.ok()) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(dir), qPrintable(r.message));
        return 1;
    }
    if (store.count(QStringLiteral("metric")) == 0) {
        const int count = parser.value(recordsOption).toInt();
        QElapsedTimer t;
        t.start();
        QString error;
        if (!generateDemoData(store, count, &error)) {
            std::fprintf(stderr, "demo data failed: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("generated %d records in %.0f ms\n", count, bench::elapsedMs(t));
    }

    RecordFilter all;
    all.limit = 2000;
    const QList<Record> metrics = store.records(QStringLiteral("metric"), all);
    QRandomGenerator rng(7);

    QList<double> edits;
    for (int i = 0; i < 1000; ++i) {
        const Record &rec = metrics.at(rng.bounded(int(metrics.size())));
        const QVariantMap change{{QStringLiteral("notes"), QStringLiteral("edit %1").arg(i)}};
        QElapsedTimer t;
        t.start();
        if (!store.update(QStringLiteral("metric"), rec.id, change).ok())
            return 1;
        edits << bench::elapsedMs(t);
    }
    bench::report("save one edit (update + outbox, committed)", edits);

    QList<double> creates;
    for (int i = 0; i < 500; ++i) {
        const QVariantMap values{
            {QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc().addSecs(-i * 60)},
            {QStringLiteral("meal_type"), QStringLiteral("snack")},
            {QStringLiteral("description"), QStringLiteral("Apple")},
            {QStringLiteral("calories"), 80}};
        QElapsedTimer t;
        t.start();
        if (!store.create(QStringLiteral("meal"), values).ok())
            return 1;
        creates << bench::elapsedMs(t);
    }
    bench::report("create one record (insert + outbox)", creates);

    QList<double> opens;
    QList<double> pages;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer t;
        t.start();
        RecordTableModel model(&store, QStringLiteral("metric"));
        opens << bench::elapsedMs(t);
        for (int p = 0; p < 10 && model.canFetchMore({}); ++p) {
            t.restart();
            model.fetchMore({});
            pages << bench::elapsedMs(t);
        }
    }
    bench::report("open metrics table model (first page)", opens);
    bench::report("fetch one more page of 200 rows", pages);

    QList<double> sorts;
    for (int i = 0; i < 20; ++i) {
        RecordTableModel model(&store, QStringLiteral("meal"));
        QElapsedTimer t;
        t.start();
        model.sort(model.kind().indexOf(QStringLiteral("calories")),
                   i % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
        sorts << bench::elapsedMs(t);
    }
    bench::report("sort meals by calories (unindexed column)", sorts);

    QElapsedTimer t;
    t.start();
    const QByteArray backup = ImportExport::exportJson(store);
    std::printf("export JSON backup: %.0f ms, %.1f MB\n", bench::elapsedMs(t),
                double(backup.size()) / 1e6);
    QTemporaryDir fresh;
    LocalStore restored;
    if (!restored.open(fresh.path()).ok())
        return 1;
    t.restart();
    const ImportResult imported = ImportExport::importJson(restored, backup);
    if (!imported.ok) {
        std::fprintf(stderr, "import failed: %s\n", qPrintable(imported.message()));
        return 1;
    }
    std::printf("import JSON backup into an empty store: %.0f ms, %d records\n",
                bench::elapsedMs(t), imported.imported);
    return 0;
}
