// Screen benchmarks, offscreen, on a data folder filled with demo data:
//   QT_QPA_PLATFORM=offscreen bench_screens --data-dir DIR
// Prints the time to open the metrics screen with its chart, and the longest
// stall while scrolling the whole metrics table.
#include "bench_common.h"
#include "models/local_store.h"
#include "ui/charts/trend_charts.h"
#include "ui/main_window.h"
#include "ui/record_list_page.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

using namespace hale;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption dirOption(QStringLiteral("data-dir"),
                                       QStringLiteral("A data folder with demo data."),
                                       QStringLiteral("DIR"));
    parser.addOption(dirOption);
    parser.addHelpOption();
    parser.process(app);
    LocalStore store;
    if (!parser.isSet(dirOption) || !store.open(parser.value(dirOption)).ok()) {
        std::fprintf(stderr, "give --data-dir with a Hale database (hale --generate-demo-data)\n");
        return 1;
    }

    MainWindow window(&store, parser.value(dirOption));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;

    QList<double> opens;
    for (int i = 0; i < 10; ++i) {
        window.showPage(0);
        QCoreApplication::processEvents();
        QElapsedTimer t;
        t.start();
        window.showPage(1); // Metrics: table + charts, drawn on show
        window.metricCharts()->refresh();
        window.repaint();
        opens << bench::elapsedMs(t);
    }
    bench::report("open metrics screen with its charts", opens);
    std::printf("weight chart points: %d daily values\n", window.metricCharts()->pointCount(0, 0));

    QTableView *view = window.listPage(QStringLiteral("metric"))->view();
    QList<double> steps;
    const int total = store.count(QStringLiteral("metric"));
    QElapsedTimer whole;
    whole.start();
    while (view->model()->rowCount() < total) {
        QElapsedTimer t;
        t.start();
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
        QCoreApplication::processEvents();
        view->repaint();
        steps << bench::elapsedMs(t);
    }
    bench::report("scroll metrics table one screenful to end", steps);
    std::printf("scrolled through %d rows in %.0f ms\n", total, bench::elapsedMs(whole));
    return 0;
}
