#include "gui_helpers.h"
#include "models/import_export.h"
#include "models/local_store.h"
#include "ui/database_problem_dialog.h"
#include "ui/file_dialogs.h"
#include "ui/main_window.h"

#include <QAction>
#include <QFile>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>

using namespace hale;
using hale::test::onNextDialog;

namespace {
QVariantMap meal(const QString &description)
{
    return {{QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc().addSecs(-600)},
            {QStringLiteral("meal_type"), QStringLiteral("dinner")},
            {QStringLiteral("description"), description},
            {QStringLiteral("calories"), 640}};
}

// Clicks the button labelled `text` on the next message box and remembers
// what the box said.
void answerNextMessageBox(const QString &button, QString *shownText)
{
    onNextDialog<QMessageBox>([button, shownText](QMessageBox *box) {
        if (shownText)
            *shownText = box->text() + QLatin1Char('\n') + box->informativeText();
        for (QAbstractButton *b : box->buttons()) {
            if (b->text() == button) {
                b->click();
                return;
            }
        }
        box->reject();
    });
}
} // namespace

class TestBackupAndRecovery : public QObject
{
    Q_OBJECT

private slots:
    // Issue 18: File → Import from Another App… recognises an Apple Health
    // export by its content, says what it took and skipped, and a second
    // import of the same file adds nothing; another file is refused with
    // what Hale can read.
    void anAppleHealthExportIsImportedFromTheFileMenu()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("data"))).ok());
        MainWindow window(&store, dir.path());
        window.show();
        const QString path = dir.filePath(QStringLiteral("export.xml"));
        QFile xml(path);
        QVERIFY(xml.open(QIODevice::WriteOnly));
        xml.write(R"(<?xml version="1.0" encoding="UTF-8"?>
<HealthData locale="en_GB">
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2026-05-01 07:00:00 +0100" endDate="2026-05-01 07:00:00 +0100" value="72.4"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Watch" unit="count" startDate="2026-05-01 09:00:00 +0100" endDate="2026-05-01 09:10:00 +0100" value="812"/>
 <Record type="HKQuantityTypeIdentifierVO2Max" sourceName="Watch" unit="mL/min·kg" startDate="2026-05-01 09:00:00 +0100" endDate="2026-05-01 09:00:00 +0100" value="41"/>
</HealthData>
)");
        xml.close();
        QAction *import = window.findChild<QAction *>(QStringLiteral("importFromAppAction"));
        QVERIFY(import);
        // A first start offers it on Today, reached as a screen reader does.
        QAccessibleInterface *welcome = test::accessibleByName(&window, QStringLiteral("Welcome"));
        QVERIFY(welcome && !welcome->state().invisible);
        QString shown;
        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(path);
        QVERIFY(test::doAccessibleAction(
            test::accessibleByName(&window, QStringLiteral("Import from another app"),
                                   QAccessible::Button),
            QAccessibleActionInterface::pressAction()));
        QTRY_VERIFY2(shown.contains(QStringLiteral("Imported 2 entries from Apple Health.")),
                     qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("Skipped 1: HKQuantityTypeIdentifierVO2Max")),
                 qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("metric")), 2);
        // With entries, the welcome is gone.
        QTRY_VERIFY(!test::accessibleByName(&window, QStringLiteral("Welcome")) ||
                    test::accessibleByName(&window, QStringLiteral("Welcome"))->state().invisible);

        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(path);
        import->trigger();
        QVERIFY2(shown.contains(QStringLiteral("Imported 0 entries")) &&
                     shown.contains(QStringLiteral("2 were already in Hale")),
                 qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("metric")), 2);

        const QString other = dir.filePath(QStringLiteral("notes.txt"));
        QFile text(other);
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("weight,72\n");
        text.close();
        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(other);
        import->trigger();
        QVERIFY2(shown.contains(QStringLiteral("is not an export Hale can read")),
                 qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("metric")), 2);

        // Google Fit's days, several chosen at once in the file dialog.
        QStringList days;
        for (const char *name : {"2026-05-02.csv", "2026-05-03.csv"}) {
            QFile day(dir.filePath(QLatin1String(name)));
            QVERIFY(day.open(QIODevice::WriteOnly));
            day.write("Start time,End time,Move Minutes count,Step count\n"
                      "09:00:00.000+01:00,09:15:00.000+01:00,5,640\n");
            days << day.fileName();
        }
        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(days.join(QLatin1Char('\n')) + QLatin1Char('\n') + other);
        import->trigger();
        QVERIFY2(shown.contains(QStringLiteral("Imported 2 entries from Google Fit.")),
                 qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("notes.txt")), qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("metric")), 4);
    }

    void exportThenImportThroughTheFileMenu()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("data"))).ok());
        const QString soup = store.create(QStringLiteral("meal"), meal(QStringLiteral("Soup"))).id;
        const QString salad =
            store.create(QStringLiteral("meal"), meal(QStringLiteral("Salad"))).id;
        MainWindow window(&store, dir.path());
        window.show();

        const QString backup = dir.filePath(QStringLiteral("backup.json"));
        files::setNextFileName(backup);
        window.findChild<QAction *>(QStringLiteral("exportBackupAction"))->trigger();
        QVERIFY(QFile::exists(backup));
        // A backup holds everything: the owner's alone, whatever the umask.
        QCOMPARE(QFile::permissions(backup) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());

        QVERIFY(store.remove(QStringLiteral("meal"), soup).ok());
        QVERIFY(store
                    .update(QStringLiteral("meal"), salad,
                            {{QStringLiteral("description"), QStringLiteral("Changed")}})
                    .ok());
        QString shown;
        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(backup);
        window.findChild<QAction *>(QStringLiteral("importBackupAction"))->trigger();
        QVERIFY2(shown.contains(QStringLiteral("Imported 2 entries")), qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("meal")), 2);
        QCOMPARE(store.record(QStringLiteral("meal"), salad)->value(QStringLiteral("description")),
                 QVariant(QStringLiteral("Salad")));
        QVERIFY(!store.record(QStringLiteral("meal"), soup)->deleted);

        // A CSV export of one kind comes back through Import CSV as well.
        const QString csv = dir.filePath(QStringLiteral("hale-meal.csv"));
        files::setNextFileName(csv);
        window.findChild<QAction *>(QStringLiteral("exportCsvAction_meal"))->trigger();
        QVERIFY(QFile::exists(csv));
        onNextDialog<QInputDialog>([](QInputDialog *ask) {
            // The kind is guessed from the file name.
            QCOMPARE(ask->textValue(), QStringLiteral("Meals"));
            ask->accept();
            answerNextMessageBox(QStringLiteral("OK"), nullptr);
        });
        files::setNextFileName(csv);
        window.findChild<QAction *>(QStringLiteral("importCsvAction"))->trigger();
        QCOMPARE(store.count(QStringLiteral("meal")), 2);
    }

    void aBadBackupIsRefusedWithItsReasonAndChangesNothing()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("data"))).ok());
        QVERIFY(store.create(QStringLiteral("meal"), meal(QStringLiteral("Soup"))).ok());
        MainWindow window(&store, dir.path());
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": \"hale-backup\",\n \"version\": 1,\n \"kinds\": {\"meal\": [ }\n");
        file.close();
        const int pendingBefore = store.pendingChangeCount();

        QString shown;
        answerNextMessageBox(QStringLiteral("OK"), &shown);
        files::setNextFileName(bad);
        window.findChild<QAction *>(QStringLiteral("importBackupAction"))->trigger();
        QVERIFY2(shown.contains(QStringLiteral("nothing was changed")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("Line 3")), qPrintable(shown));
        QCOMPARE(store.count(QStringLiteral("meal")), 1);
        QCOMPARE(store.pendingChangeCount(), pendingBefore);
    }

    void aDamagedDatabaseIsKeptAsideWhenRestoringABackup()
    {
        QTemporaryDir dir;
        const QString backup = dir.filePath(QStringLiteral("backup.json"));
        {
            LocalStore source;
            QVERIFY(source.open(dir.filePath(QStringLiteral("old"))).ok());
            QVERIFY(source.create(QStringLiteral("meal"), meal(QStringLiteral("Stew"))).ok());
            QFile out(backup);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(ImportExport::exportJson(source));
        }
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        QDir().mkpath(dataDir);
        const QByteArray garbage("definitely not sqlite");
        QFile damaged(QDir(dataDir).filePath(QLatin1String(LocalStore::kFileName)));
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write(garbage);
        damaged.close();

        LocalStore store;
        const auto problem = store.open(dataDir);
        QCOMPARE(problem.status, LocalStore::OpenStatus::Corrupt);

        QString firstBox;
        QString secondBox;
        onNextDialog<QMessageBox>([&](QMessageBox *box) {
            firstBox = box->text() + box->informativeText();
            files::setNextFileName(backup);
            answerNextMessageBox(QStringLiteral("OK"), &secondBox);
            for (QAbstractButton *b : box->buttons()) {
                if (b->text() == QStringLiteral("Restore from Backup…"))
                    b->click();
            }
        });
        const auto resolved = resolveDatabaseProblem(store, dataDir, problem);
        QVERIFY(resolved.has_value());
        QCOMPARE(*resolved, dataDir);
        QVERIFY2(firstBox.contains(QStringLiteral("has not been changed")), qPrintable(firstBox));
        QVERIFY2(secondBox.contains(QStringLiteral("Restored 1 entries")), qPrintable(secondBox));
        QCOMPARE(store.count(QStringLiteral("meal")), 1);

        // The damaged file is still there, byte for byte, under a new name.
        const QStringList kept = QDir(dataDir).entryList({QStringLiteral("hale.sqlite.damaged-*")});
        QCOMPARE(kept.size(), 1);
        QFile keptFile(QDir(dataDir).filePath(kept.first()));
        QVERIFY(keptFile.open(QIODevice::ReadOnly));
        QCOMPARE(keptFile.readAll(), garbage);
    }

    void quittingLeavesADamagedDatabaseAlone()
    {
        QTemporaryDir dir;
        QFile damaged(dir.filePath(QLatin1String(LocalStore::kFileName)));
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write("garbage");
        damaged.close();
        LocalStore store;
        const auto problem = store.open(dir.path());
        answerNextMessageBox(QStringLiteral("Quit"), nullptr);
        QVERIFY(!resolveDatabaseProblem(store, dir.path(), problem).has_value());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("hale.sqlite")});
    }
};

QTEST_MAIN(TestBackupAndRecovery)
#include "test_backup_and_recovery.moc"
