// Issue 18: the report for the doctor. Drawn in black and greys only (it is
// read printed in black and white), over as many pages as it needs, written
// as a PDF whose text a PDF reader finds, from File → Report… too.
#include "gui_helpers.h"
#include "models/medication_schedule.h"
#include "ui/file_dialogs.h"
#include "ui/report/report_dialog.h"
#include "ui/report/report_renderer.h"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>

using namespace hale;

class TestReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;
    const QDate m_today = QDate::currentDate();

    // The text pdftotext finds in a PDF; fails the test without it.
    static QString textOf(const QString &pdf)
    {
        QProcess tool;
        tool.start(QStringLiteral("pdftotext"),
                   {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        if (!tool.waitForFinished(30'000) || tool.exitCode() != 0)
            return QStringLiteral("pdftotext failed: ") +
                   QString::fromUtf8(tool.readAllStandardError());
        return QString::fromUtf8(tool.readAllStandardOutput());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("data"))).ok());
        for (int day = 0; day < 30; ++day) {
            const QDateTime morning = QDateTime(m_today.addDays(-day), QTime(7, 0)).toUTC();
            QVERIFY(
                m_store
                    .create(QStringLiteral("metric"), {{QStringLiteral("recorded_at"), morning},
                                                       {QStringLiteral("weight"), 80.0 - day * 0.2},
                                                       {QStringLiteral("systolic"), 120 + day % 7},
                                                       {QStringLiteral("diastolic"), 80 - day % 5}})
                    .ok());
            QVERIFY(m_store
                        .create(QStringLiteral("journal"),
                                {{QStringLiteral("entry_date"), m_today.addDays(-day)},
                                 {QStringLiteral("mood"), 3},
                                 {QStringLiteral("text"),
                                  QStringLiteral("A long day of notes. ").repeated(12)}})
                        .ok());
        }
        // (Named without "fl" or "fi", which the PDF's text gives as ligatures.)
        const QString waist = m_store
                                  .create(QStringLiteral("measure"),
                                          {{QStringLiteral("created_on"), m_today.addDays(-40)},
                                           {QStringLiteral("name"), QStringLiteral("Waist")},
                                           {QStringLiteral("unit"), QStringLiteral("cm")}})
                                  .id;
        for (const double value : {84.0, 85.0})
            QVERIFY(
                m_store
                    .create(
                        QStringLiteral("measurement"),
                        {{QStringLiteral("recorded_at"),
                          QDateTime(m_today.addDays(value > 84 ? -2 : -1), QTime(8, 0)).toUTC()},
                         {QStringLiteral("measure_id"), waist},
                         {QStringLiteral("value"), value}})
                    .ok());
        QVERIFY(m_store
                    .create(QStringLiteral("medication"),
                            {{QStringLiteral("name"), QStringLiteral("Lisinopril")},
                             {QStringLiteral("dose"), 10},
                             {QStringLiteral("unit"), QStringLiteral("mg")},
                             {QStringLiteral("schedule"), QStringList{QStringLiteral("08:00")}},
                             {QStringLiteral("start_date"), m_today.addDays(-40)}})
                    .ok());
    }

    void everyPageIsBlackAndGreyOnly()
    {
        const report::Data data = report::gather(m_store, {m_today.addDays(-29), m_today, true});
        // A4 in points, at 2 pixels a point.
        const QSizeF a4(595, 842);
        QList<QImage> pages{QImage((a4 * 2).toSize(), QImage::Format_RGB32)};
        pages.last().fill(Qt::white);
        QPainter painter(&pages.last());
        painter.scale(2, 2);
        const int count = report::paint(
            data, painter, QRectF(QPointF(42, 42), a4 - QSizeF(84, 84)),
            [&] {
                painter.end();
                pages.append(QImage((a4 * 2).toSize(), QImage::Format_RGB32));
                pages.last().fill(Qt::white);
                painter.begin(&pages.last());
                painter.scale(2, 2);
            },
            UnitSystem::Metric);
        painter.end();
        QCOMPARE(count, pages.size());
        QVERIFY2(count >= 2, "thirty long journal notes fit on one page?");
        for (int i = 0; i < pages.size(); ++i) {
            int ink = 0;
            for (int y = 0; y < pages.at(i).height(); ++y) {
                const QRgb *line = reinterpret_cast<const QRgb *>(pages.at(i).constScanLine(y));
                for (int x = 0; x < pages.at(i).width(); ++x) {
                    const QRgb px = line[x];
                    QVERIFY2(qRed(px) == qGreen(px) && qGreen(px) == qBlue(px),
                             qPrintable(QStringLiteral("page %1 has colour at %2,%3")
                                            .arg(i + 1)
                                            .arg(x)
                                            .arg(y)));
                    ink += qRed(px) < 128 ? 1 : 0;
                }
            }
            QVERIFY2(ink > 1000, qPrintable(QStringLiteral("page %1 is blank").arg(i + 1)));
        }
    }

    void thePdfHoldsTheReportsText()
    {
        const QString path = m_dir.filePath(QStringLiteral("report.pdf"));
        QString error;
        QVERIFY2(report::writePdf(report::gather(m_store, {m_today.addDays(-29), m_today, false}),
                                  path, UnitSystem::Metric, &error),
                 qPrintable(error));
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        const QString text = textOf(path);
        for (const QString &expected :
             {QStringLiteral("Health report"), QStringLiteral("Weight"),
              QStringLiteral("Average 77.1 kg"), QStringLiteral("Blood pressure"),
              QStringLiteral("Lisinopril, 10 mg: 0% taken"), QStringLiteral("not logged"),
              QStringLiteral("Other measures"),
              QStringLiteral("Waist: average 84.5 cm, from 84 cm to 85 cm, 2 days.")})
            QVERIFY2(text.contains(expected),
                     qPrintable(expected + QStringLiteral(" not in:\n") + text));
        QVERIFY2(!text.contains(QStringLiteral("A long day of notes")),
                 "the journal is in a report that was not asked to hold it");
        // A folder that cannot be written: a clear reason, no file.
        QVERIFY(!report::writePdf(report::Data{}, QStringLiteral("/nonexistent/dir/r.pdf"),
                                  UnitSystem::Metric, &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent/dir/r.pdf")), qPrintable(error));
    }

    void fileReportSavesAPdf()
    {
        ReportDialog dialog(&m_store, UnitSystem::Imperial, m_dir.path());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString path = m_dir.filePath(QStringLiteral("from-dialog.pdf"));
        files::setNextFileName(path);
        QAbstractButton *save = test::buttonByText(&dialog, QStringLiteral("Save as PDF…"));
        QVERIFY(save);
        save->click();
        QCOMPARE(dialog.outcome(), QStringLiteral("Saved to %1.").arg(path));
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QVERIFY2(textOf(path).contains(QStringLiteral(" lb")), "imperial units were asked for");
    }
};

QTEST_MAIN(TestReport)
#include "test_report.moc"
