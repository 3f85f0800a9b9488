// The sync screens, offscreen: the status indicator's states, the offline and
// error banner, the devices page and the conflicts page, and then the whole
// window with a real sync thread against a real hale-server (run under
// tests/e2e/with-keyring.sh for the keychain).
#include "../integration/server_process.h"
#include "gui_helpers.h"
#include "models/local_store.h"
#include "ui/conflicts_page.h"
#include "ui/devices_page.h"
#include "ui/encryption_dialogs.h"
#include "ui/file_dialogs.h"
#include "ui/main_window.h"
#include "ui/sync_banner.h"
#include "ui/sync_controller.h"
#include "ui/sync_settings.h"
#include "ui/sync_status_indicator.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <sys/stat.h>

using namespace hale;
using sync::SyncState;
using sync::SyncStatus;

namespace {

const QString kMetric = QStringLiteral("metric");

SyncStatus statusOf(SyncState state, int pending = 0, const QString &message = {})
{
    SyncStatus s;
    s.state = state;
    s.pending = pending;
    s.message = message;
    s.account = QStringLiteral("me@example.org");
    return s;
}

// Presses a button as assistive technology does.
bool press(QWidget *root, const QString &name)
{
    return test::doAccessibleAction(test::accessibleByName(root, name),
                                    QAccessibleActionInterface::pressAction());
}

QVariantMap metric(double weight)
{
    return {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc().addSecs(-60)},
            {QStringLiteral("weight"), weight}};
}

} // namespace

class TestSyncScreens : public QObject
{
    Q_OBJECT

private:
    QTranslator m_english;

private slots:
    // The app's English plural forms ("1 change", "3 changes"), as hale loads them.
    void initTestCase()
    {
        const QString qm = qEnvironmentVariable("HALE_TEST_TRANSLATIONS");
        QVERIFY2(m_english.load(qm), qPrintable(QStringLiteral("cannot load ") + qm));
        QCoreApplication::installTranslator(&m_english);
    }

    void theIndicatorShowsEachState()
    {
        SyncStatusIndicator indicator;
        QSignalSpy clicked(&indicator, &SyncStatusIndicator::syncNowRequested);
        QStringList texts;
        QList<qint64> icons;
        for (SyncState state :
             {SyncState::Off, SyncState::Synced, SyncState::Syncing, SyncState::Offline,
              SyncState::Unavailable, SyncState::Error, SyncState::SignInNeeded}) {
            indicator.setStatus(statusOf(state));
            texts << indicator.text();
            icons << indicator.icon().cacheKey();
            QVERIFY(indicator.accessibleName().contains(indicator.text()));
        }
        QCOMPARE(texts,
                 (QStringList{QStringLiteral("Sync off"), QStringLiteral("Synced"),
                              QStringLiteral("Syncing"), QStringLiteral("Offline"),
                              QStringLiteral("Server unavailable"), QStringLiteral("Sync error"),
                              QStringLiteral("Sign in to sync")}));
        // One icon per state.
        QCOMPARE(QSet<qint64>(icons.cbegin(), icons.cend()).size(), icons.size());

        SyncStatus busy = statusOf(SyncState::Syncing, 3);
        busy.pushed = 1000;
        busy.pulled = 250;
        indicator.setStatus(busy);
        QVERIFY(indicator.text().contains(QStringLiteral("1000 sent")));
        QVERIFY(indicator.text().contains(QStringLiteral("250 received")));
        QVERIFY(indicator.text().contains(QStringLiteral("3 waiting")));

        SyncStatus synced = statusOf(SyncState::Synced);
        synced.lastSynced = QDateTime::currentDateTimeUtc();
        indicator.setStatus(synced);
        QVERIFY(indicator.toolTip().startsWith(QStringLiteral("Last synced")));
        QTest::mouseClick(&indicator, Qt::LeftButton);
        QCOMPARE(clicked.count(), 1);
        // Off: nothing to click.
        indicator.setStatus(statusOf(SyncState::Off));
        QVERIFY(!indicator.isEnabled());
    }

    void theBannerShowsOfflineAndErrorsOnly()
    {
        SyncBanner banner;
        banner.show();
        QSignalSpy retry(&banner, &SyncBanner::retryRequested);
        banner.setStatus(statusOf(SyncState::Offline, 3));
        QVERIFY(banner.isVisible());
        QCOMPARE(banner.text(),
                 QStringLiteral("Offline — 3 changes will sync when you're back online"));
        QAbstractButton *retryButton = test::buttonByText(&banner, QStringLiteral("Retry"));
        QVERIFY(retryButton && retryButton->isVisible());
        QTest::mouseClick(retryButton, Qt::LeftButton);
        QCOMPARE(retry.count(), 1);

        banner.setStatus(statusOf(SyncState::Error, 0, QStringLiteral("The server answered 500.")));
        QVERIFY(banner.isVisible());
        QVERIFY(banner.text().contains(QStringLiteral("The server answered 500.")));

        for (SyncState calm : {SyncState::Synced, SyncState::Syncing, SyncState::Off}) {
            banner.setStatus(statusOf(calm, 2));
            QVERIFY(!banner.isVisible());
        }
    }

    // Issue 17: two machines with the same host name were two identical
    // "vm" rows, "Last seen" wrapped and the platform was cut.
    void devicesOfOneNameCanBeToldApartAndColumnsFit()
    {
        DevicesPage page(QStringLiteral("me"));
        page.resize(700, 400);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QString platform = QStringLiteral("Debian GNU/Linux 12 (bookworm)");
        page.setDevices(
            {{QStringLiteral("3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d"), QStringLiteral("vm"),
              platform, QStringLiteral("2026-11-20T08:00:00.000Z"), false, false},
             {QStringLiteral("b27e4d10-95c3-4f8e-a6d2-0c1e9f3b5a47"), QStringLiteral("vm"),
              platform, QStringLiteral("2026-11-21T08:00:00.000Z"), false, false},
             {QStringLiteral("me"), QStringLiteral("Laptop"), QStringLiteral("macOS"),
              QStringLiteral("2026-11-24T08:00:00.000Z"), false, true}});
        QTableWidget *table = page.table();
        QCOMPARE(table->rowCount(), 3);
        QVERIFY2(table->item(1, 0)->text() != table->item(2, 0)->text(),
                 qPrintable(table->item(1, 0)->text()));
        QVERIFY(table->item(1, 0)->text().startsWith(QStringLiteral("vm")));
        QTest::qWait(50);
        const QFontMetrics metrics = table->fontMetrics();
        for (int column = 1; column < 3; ++column) {
            const QString text = table->item(1, column)->text();
            QVERIFY2(
                table->columnWidth(column) >= metrics.horizontalAdvance(text),
                qPrintable(
                    QStringLiteral("\"%1\" in %2 px").arg(text).arg(table->columnWidth(column))));
        }
    }

    void theDevicesPageListsRenamesAndRevokes()
    {
        DevicesPage page(QStringLiteral("me"));
        page.show();
        QSignalSpy renamed(&page, &DevicesPage::renameRequested);
        QSignalSpy revoked(&page, &DevicesPage::revokeRequested);
        page.setDevices({{QStringLiteral("other"), QStringLiteral("Desktop"),
                          QStringLiteral("Debian GNU/Linux 12"),
                          QStringLiteral("2026-11-20T08:00:00.000Z"), false, false},
                         {QStringLiteral("me"), QStringLiteral("Laptop"), QStringLiteral("macOS"),
                          QStringLiteral("2026-11-24T08:00:00.000Z"), false, true}});
        QTableWidget *table = page.table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Laptop (this device)"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("Desktop"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("Debian GNU/Linux 12"));
        QCOMPARE(table->item(1, 3)->text(), QStringLiteral("Signed in"));

        QAbstractButton *rename = test::buttonByText(&page, QStringLiteral("Rename"), true);
        QAbstractButton *revoke = test::buttonByText(&page, QStringLiteral("Sign out"), true);
        QVERIFY(rename && revoke);
        // This device can be renamed, not revoked; another the other way round.
        table->selectRow(0);
        QVERIFY(rename->isEnabled() && !revoke->isEnabled());
        test::onNextDialog<QDialog>([](QDialog *dialog) {
            auto *edit = dialog->findChild<QLineEdit *>();
            edit->setText(QStringLiteral("Work laptop"));
            dialog->accept();
        });
        QTest::mouseClick(rename, Qt::LeftButton);
        QCOMPARE(renamed.count(), 1);
        QCOMPARE(renamed.first().at(1).toString(), QStringLiteral("Work laptop"));

        table->selectRow(1);
        QVERIFY(!rename->isEnabled() && revoke->isEnabled());
        test::onNextDialog<QMessageBox>(
            [](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
        QTest::mouseClick(revoke, Qt::LeftButton);
        QCOMPARE(revoked.count(), 1);
        QCOMPARE(revoked.first().at(0).toString(), QStringLiteral("other"));

        page.setUnavailable(QStringLiteral("Sign in to see your devices."));
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(!table->isEnabled());
    }

    void theConflictsPageRestoresMine()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QString id = store.create(kMetric, metric(70)).id;
        QVERIFY(!id.isEmpty());
        // Another device set the weight at the same time, later by its clock.
        sync::RecordState theirs = *store.state(kMetric, id);
        const sync::HlcStamp mine = theirs.fields.value(QStringLiteral("weight")).stamp;
        theirs.fields[QStringLiteral("weight")] = {
            68.0, {mine.millis + 60'000, 0, QStringLiteral("other-device")}, {}};
        QCOMPARE(store.applyRemote({theirs}, 1).conflicts.size(), 1);
        QVERIFY(store.acknowledgeAll(store.pendingChanges()) >= 0);

        ConflictsPage page(&store);
        page.show();
        QTableWidget *table = page.conflictsTable();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Metric"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("Weight"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("70 kg"));
        QCOMPARE(table->item(0, 4)->text(), QStringLiteral("68 kg"));
        table->selectRow(0);
        page.restoreSelected();
        // Mine is back, as a new edit that syncs, and the conflict is gone.
        QCOMPARE(store.record(kMetric, id)->value(QStringLiteral("weight")).toDouble(), 70.0);
        QCOMPARE(store.pendingChangeCount(), 1);
        QVERIFY(store.conflicts().isEmpty());
        QCOMPARE(table->rowCount(), 0);
    }

    // Changes set aside are listed with where they were refused: by the
    // server, or here (a pulled record of an encrypted account that did not
    // open); the latter leaves the list when a later state of it is applied.
    void theConflictsPageListsChangesSetAside()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QString refused = store.create(kMetric, metric(70)).id;
        QVERIFY(store.setAside(store.pendingChanges().first(), QStringLiteral("weight too high")));
        const QString unread = QStringLiteral("01a23e59-c405-7638-91f0-2c15816867ed");
        QVERIFY(store.applyRemote({}, 1, {}, {}, {{kMetric, unread, u"altered"_qs, true}}).ok());

        ConflictsPage page(&store);
        page.show();
        auto *table = qobject_cast<QTableWidget *>(
            test::accessibleByName(&page, QStringLiteral("Changes set aside"), QAccessible::Table)
                ->object());
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 2)->text(),
                 QStringLiteral("Refused by the server: weight too high"));
        QCOMPARE(table->item(1, 2)->text(),
                 QStringLiteral("From the server, not applied here: altered"));
        QCOMPARE(store.rejectedChangeCount(), 2);
        Q_UNUSED(refused);

        sync::RecordState later;
        later.kind = kMetric;
        later.id = unread;
        later.fields[QStringLiteral("weight")] = {71.0, {1'790'000'000'000, 0, u"other"_qs}, {}};
        later.deleted = {false, {1'790'000'000'000, 0, u"other"_qs}};
        QVERIFY(store.applyRemote({later}, 2).ok());
        QCOMPARE(store.rejectedChangeCount(), 1);
    }

    void aDeletionThatHidMyEditIsUndoneFromTheConflictsPage()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QString id = store.create(kMetric, metric(70)).id;
        QTest::qWait(5);
        QVERIFY(store.update(kMetric, id, {{QStringLiteral("weight"), 72.0}}).ok());
        sync::RecordState theirs = *store.state(kMetric, id);
        theirs.deleted = {true, {theirs.deleted.stamp.millis + 1, 0, QStringLiteral("other")}, {}};
        QCOMPARE(store.applyRemote({theirs}, 1).conflicts.size(), 1);
        QVERIFY(store.record(kMetric, id)->deleted);

        ConflictsPage page(&store);
        page.show();
        QTableWidget *table = page.conflictsTable();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("The whole entry"));
        QCOMPARE(table->item(0, 4)->text(), QStringLiteral("Deleted"));
        table->selectRow(0);
        page.restoreSelected();
        QVERIFY(!store.record(kMetric, id)->deleted);
        QCOMPARE(store.record(kMetric, id)->value(QStringLiteral("weight")).toDouble(), 72.0);
        QVERIFY(store.conflicts().isEmpty());
    }

    void theWindowSyncsThroughItsThreadAndShowsOffline()
    {
        test::ServerProcess server;
        QVERIFY2(server.started(), qPrintable(server.stderrText()));
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        sync::SyncWorker::Options options;
        options.debounceMs = 100;
        options.backoff = {60'000, 60'000}; // no retry during the test
        SyncController controller(&store, dir.path(), options);
        MainWindow window(&store, dir.path(), &controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.syncIndicator()->text(), QStringLiteral("Sync off"));
        QCOMPARE(window.storageNote()->text(),
                 QStringLiteral("All data is stored on this computer."));

        // Settings -> Sync: create the account.
        auto *settings = window.findChild<SyncSettings *>();
        QVERIFY(settings);
        window.showPage(window.pageCount() - 1);
        const QStringList clashes = test::altLetterClashes(window.centralWidget());
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QStringLiteral("; "))));
        test::byAccessibleName<QLineEdit>(settings, QStringLiteral("Server address"))
            ->setText(server.baseUrl());
        test::byAccessibleName<QLineEdit>(settings, QStringLiteral("Email"))
            ->setText(QStringLiteral("window@example.org"));
        test::byAccessibleName<QLineEdit>(settings, QStringLiteral("Password"))
            ->setText(QStringLiteral("correct horse battery"));
        QAbstractButton *create = test::buttonByText(settings, QStringLiteral("Create account"));
        QVERIFY(create);
        QTest::mouseClick(create, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(window.syncIndicator()->text(), QStringLiteral("Synced"), 30'000);
        QVERIFY(settings->enabledSwitch()->isChecked());
        QVERIFY(!window.syncBanner()->isVisible());
        // Signed in, the account is not edited here, and it is said once.
        QVERIFY(!test::buttonByText(settings, QStringLiteral("Create account"))->isEnabled());
        QVERIFY(!test::buttonByText(settings, QStringLiteral("Sign in"))->isEnabled());
        QVERIFY(test::byAccessibleName<QLineEdit>(settings, QStringLiteral("Server address"))
                    ->isReadOnly());
        QVERIFY(test::byAccessibleName<QLineEdit>(settings, QStringLiteral("Email"))->isReadOnly());
        QCOMPARE(test::byAccessibleName<QLabel>(settings, QStringLiteral("Sync account"))->text(),
                 QStringLiteral("Signed in as window@example.org on 127.0.0.1."));
        QVERIFY(settings->feedback()->text().isEmpty());
        // What people look for there: the last sync, what waits, Sync now.
        QTRY_VERIFY(settings->progress()->text().startsWith(QStringLiteral("Last synced ")));
        QVERIFY(settings->progress()->text().endsWith(QStringLiteral("Nothing waiting.")));
        QVERIFY(!settings->syncNowButton()->isHidden());
        QTRY_VERIFY(settings->syncNowButton()->isEnabled());
        // The status bar says where the data is now.
        QCOMPARE(window.storageNote()->text(),
                 QStringLiteral("Stored on this computer and synced with 127.0.0.1 as "
                                "window@example.org."));
        // The event stream opens: the tooltip says changes arrive live.
        QTRY_VERIFY_WITH_TIMEOUT(
            window.syncIndicator()->toolTip().contains(QStringLiteral("Live updates")), 10'000);

        // A local edit syncs by itself (debounced).
        QVERIFY(store.create(kMetric, metric(70)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(controller.status().pushed == 1, 30'000);

        // The server goes away: the next change waits, and the banner says so.
        server.kill();
        QVERIFY(store.create(kMetric, metric(71)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(window.syncIndicator()->text(),
                                  QStringLiteral("Offline · 1 waiting"), 30'000);
        QVERIFY(window.syncBanner()->isVisible());
        QCOMPARE(window.syncBanner()->text(),
                 QStringLiteral("Offline — 1 change will sync when you're back online"));
        QVERIFY2(settings->progress()->text().endsWith(QStringLiteral("1 change waiting.")),
                 qPrintable(settings->progress()->text()));
        // And that it checks by itself again, and why not live.
        QVERIFY2(window.syncIndicator()->toolTip().contains(QStringLiteral("every 5 minutes")),
                 qPrintable(window.syncIndicator()->toolTip()));
        QVERIFY(window.syncIndicator()->accessibleDescription().contains(
            QStringLiteral("Live updates are unavailable")));

        // Back online, a click on the indicator syncs now.
        QVERIFY(server.restart());
        QTest::mouseClick(window.syncIndicator(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(window.syncIndicator()->text(), QStringLiteral("Synced"), 30'000);
        QVERIFY(!window.syncBanner()->isVisible());

        // Unchecking a kind stops syncing it and offers to erase it from the
        // server; the answer is shown.
        QCheckBox *journal = settings->kindSwitch(QStringLiteral("Journal"));
        QVERIFY(journal && journal->isChecked());
        test::onNextDialog<QMessageBox>(
            [](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
        journal->click();
        QTRY_VERIFY_WITH_TIMEOUT(!controller.syncedKinds().contains(QStringLiteral("journal")),
                                 10'000);
        // Every other kind still syncs: each has a switch of its own.
        QStringList others;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            if (kind.name != QLatin1String("journal"))
                others << kind.name;
        }
        QCOMPARE(controller.syncedKinds(), others);
        QTRY_COMPARE_WITH_TIMEOUT(settings->feedback()->text(),
                                  QStringLiteral("0 records erased from the server."), 30'000);
    }

    // The recovery key saved to a file: the key and what it opens, and the
    // file the owner's alone whatever the umask.
    void theRecoveryKeyIsSavedForTheOwnerOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("key.txt"));
        const QString key = QStringLiteral("TB6M-4CBI-K22G-UNH6-YVV7-IRVY-CTNH-G2MT-NVPG-D7HT-"
                                           "TJEB-JTML-FP2A");
        RecoveryKeyDialog dialog(key, QStringLiteral("me@example.org"));
        dialog.show();
        const mode_t before = umask(022);
        files::setNextFileName(path);
        QVERIFY(press(&dialog, QStringLiteral("Save…")));
        QTRY_VERIFY(QFile::exists(path));
        umask(before);
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(saved.readAll());
        QVERIFY(text.contains(key));
        QVERIFY(text.contains(QStringLiteral("me@example.org")));
        QCOMPARE(saved.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                        QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QTRY_VERIFY(test::byAccessibleName<QLabel>(&dialog, QStringLiteral("Recovery key saved"))
                        ->text()
                        .startsWith(QStringLiteral("Saved to ")));
    }

    // Issue 19, by keyboard and the accessibility tree: an account made end-
    // to-end encrypted from Settings (the passphrase typed twice, the
    // recovery key shown), then opened on a second computer, whose sign-in
    // asks for the passphrase; the recovery key shown again is the same.
    void anEncryptedAccountIsMadeAndOpenedThroughTheDialogs()
    {
        test::ServerProcess server;
        QVERIFY2(server.started(), qPrintable(server.stderrText()));
        const QString passphrase = QStringLiteral("a quiet harbour at dusk");
        QString recoveryKey;
        const auto readRecoveryKey = [&recoveryKey] {
            test::onNextDialog<RecoveryKeyDialog>([&recoveryKey](RecoveryKeyDialog *dialog) {
                recoveryKey =
                    test::byAccessibleName<QLineEdit>(dialog, QStringLiteral("Recovery key"))
                        ->text();
                QTest::keyClick(dialog, Qt::Key_Escape);
            });
        };
        const auto fill = [](QWidget *root, const QString &name, const QString &text) {
            QLineEdit *field = test::byAccessibleName<QLineEdit>(root, name);
            QVERIFY2(field, qPrintable(name));
            field->setFocus();
            QTest::keyClicks(field, text);
        };
        // Settings shown and active, the account typed in.
        const auto fillAccount = [&](SyncSettings &settings) {
            settings.show();
            settings.activateWindow();
            if (!QTest::qWaitForWindowActive(&settings))
                return false;
            fill(&settings, QStringLiteral("Server address"), server.baseUrl());
            fill(&settings, QStringLiteral("Email"), QStringLiteral("sealed@example.org"));
            fill(&settings, QStringLiteral("Password"), QStringLiteral("correct horse battery"));
            return true;
        };
        QString metricId;
        {
            QTemporaryDir dir;
            LocalStore store;
            QVERIFY(store.open(dir.path()).ok());
            metricId = store.create(kMetric, metric(73.5)).id;
            sync::SyncWorker::Options options;
            options.debounceMs = 100;
            SyncController controller(&store, dir.path(), options);
            SyncSettings settings(&controller);
            QVERIFY(fillAccount(settings));
            QAbstractButton *encrypt =
                test::buttonByText(&settings, QStringLiteral("Encrypt my data end to end"));
            QVERIFY(encrypt && encrypt->isVisible());
            QVERIFY(test::doAccessibleAction(
                test::accessibleByName(&settings, QStringLiteral("Encrypt my data end to end")),
                QAccessibleActionInterface::toggleAction()));
            QVERIFY(encrypt->isChecked());
            test::onNextDialog<PassphraseDialog>([&](PassphraseDialog *dialog) {
                fill(dialog, QStringLiteral("New passphrase"), QStringLiteral("too short"));
                fill(dialog, QStringLiteral("New passphrase again"), QStringLiteral("too short"));
                QVERIFY(test::byAccessibleName<QLabel>(dialog, QStringLiteral("Passphrase problem"))
                            ->text()
                            .startsWith(QStringLiteral("A passphrase needs at least 10")));
                test::byAccessibleName<QLineEdit>(dialog, QStringLiteral("New passphrase"))
                    ->clear();
                test::byAccessibleName<QLineEdit>(dialog, QStringLiteral("New passphrase again"))
                    ->clear();
                fill(dialog, QStringLiteral("New passphrase"), passphrase);
                fill(dialog, QStringLiteral("New passphrase again"), passphrase);
                readRecoveryKey();
                QTest::keyClick(dialog, Qt::Key_Return);
            });
            QVERIFY(press(&settings, QStringLiteral("Create account")));
            QTRY_VERIFY_WITH_TIMEOUT(!recoveryKey.isEmpty(), 30'000);
            QTRY_COMPARE_WITH_TIMEOUT(controller.status().state, SyncState::Synced, 30'000);
            QCOMPARE(controller.status().pushed, 1);
            QCOMPARE(
                test::byAccessibleName<QLabel>(&settings, QStringLiteral("End-to-end encryption"))
                    ->text(),
                QStringLiteral("End-to-end encrypted: the server cannot read your entries."));
            QVERIFY(
                !test::buttonByText(&settings, QStringLiteral("Encrypt End to End…"))->isVisible());
            QVERIFY(
                test::buttonByText(&settings, QStringLiteral("Change Passphrase…"))->isVisible());
            const QStringList clashes = test::altLetterClashes(&settings);
            QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QStringLiteral("; "))));
        }
        QVERIFY(recoveryKey.size() == 64);

        // A second computer: Sign in asks for the passphrase.
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        SyncController controller(&store, dir.path(), {});
        SyncSettings settings(&controller);
        QVERIFY(fillAccount(settings));
        bool asked = false;
        test::onNextDialog<PassphraseDialog>([&](PassphraseDialog *dialog) {
            asked = true;
            QVERIFY(!test::byAccessibleName<QLineEdit>(dialog, QStringLiteral("New passphrase")));
            fill(dialog, QStringLiteral("Passphrase or recovery key"), passphrase);
            QTest::keyClick(dialog, Qt::Key_Return);
        });
        QVERIFY(press(&settings, QStringLiteral("Sign in")));
        QTRY_VERIFY_WITH_TIMEOUT(asked, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(controller.status().state, SyncState::Synced, 30'000);
        QVERIFY(controller.status().endToEnd);
        QCOMPARE(store.record(kMetric, metricId)->value(QStringLiteral("weight")).toDouble(), 73.5);
        QVERIFY(settings.feedback()->text().isEmpty());

        const QString shownFirst = std::exchange(recoveryKey, {});
        test::onNextDialog<PassphraseDialog>([&](PassphraseDialog *dialog) {
            fill(dialog, QStringLiteral("Passphrase or recovery key"), passphrase);
            readRecoveryKey();
            QTest::keyClick(dialog, Qt::Key_Return);
        });
        QVERIFY(press(&settings, QStringLiteral("Show Recovery Key…")));
        QTRY_VERIFY_WITH_TIMEOUT(!recoveryKey.isEmpty(), 30'000);
        QCOMPARE(recoveryKey, shownFirst);
    }
};

QTEST_MAIN(TestSyncScreens)
#include "test_sync_screens.moc"
