#include "ui/main_window.h"

#include "models/import_export.h"
#include "models/other_app_import.h"
#include "models/owner_only.h"
#include "models/preferences.h"
#include "ui/charts/trend_charts.h"
#include "ui/conflicts_page.h"
#include "ui/desktop/reminder_service.h"
#include "ui/desktop/reminders_section.h"
#include "ui/desktop/tray_icon.h"
#include "ui/desktop/tray_notifier.h"
#if defined(HALE_HAVE_DBUS)
#include "ui/desktop/freedesktop_notifier.h"
#endif
#include "ui/devices_page.h"
#include "ui/file_dialogs.h"
#include "ui/measures_page.h"
#include "ui/medications_page.h"
#include "ui/palette_icons.h"
#include "ui/recently_deleted_page.h"
#include "ui/record_list_page.h"
#include "ui/report/report_dialog.h"
#include "ui/screens_section.h"
#include "ui/settings_page.h"
#include "ui/sync_banner.h"
#include "ui/sync_controller.h"
#include "ui/sync_settings.h"
#include "ui/sync_status_indicator.h"
#include "ui/today_page.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSaveFile>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace hale {

namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");

QString documentsDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

} // namespace

MainWindow::MainWindow(LocalStore *store, const QString &dataDir, SyncController *sync,
                       QWidget *parent)
    : QMainWindow(parent), m_store(store), m_sync(sync), m_undo(new QUndoStack(this))
{
    setWindowTitle(tr("Hale"));
    setAccessibleName(tr("Hale"));
    buildPages(dataDir);
    buildMenus();
    buildSync();
    buildReminders();
    setUnitSystem(m_settings->unitSystem());
    // The window's size and place are this device's (QSettings), not the
    // person's: they depend on the screen.
    if (!restoreGeometry(QSettings().value(kGeometryKey).toByteArray()))
        resize(1200, 780);
    connect(qApp, &QCoreApplication::aboutToQuit, this, &MainWindow::saveLayout);
}

void MainWindow::saveLayout() const
{
    QSettings().setValue(kGeometryKey, saveGeometry());
}

void MainWindow::updateNavigationIcons()
{
    for (int row = 0; row < m_nav->count(); ++row) {
        QListWidgetItem *item = m_nav->item(row);
        item->setIcon(paletteIcon(item->data(Qt::UserRole).toString(), palette()));
    }
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    // The system switched between light and dark (or the palette changed).
    if (event->type() == QEvent::PaletteChange && m_nav)
        updateNavigationIcons();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    if (!keepsRunningInTray()) {
        QMainWindow::closeEvent(event);
        return;
    }
    event->ignore();
    hide();
    const QString noted = QStringLiteral("tray/closeNoteShown");
    if (!QSettings().value(noted).toBool()) {
        QSettings().setValue(noted, true);
        m_tray->showMessage(tr("Hale is still running"),
                            tr("Your reminders keep coming while the window is closed. Open Hale "
                               "or quit it from this icon's menu."));
    }
}

bool MainWindow::keepsRunningInTray() const
{
    if (!m_tray || !m_tray->isVisible())
        return false;
    const preferences::Preferences chosen = preferences::load(*m_store);
    return chosen.doseReminders || !chosen.remindAt.isEmpty();
}

void MainWindow::bringUp()
{
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

void MainWindow::logEntry(const QString &kind)
{
    bringUp();
    RecordListPage *page = listPage(kind);
    if (!page)
        return;
    m_nav->setCurrentRow(m_stack->indexOf(page));
    page->newEntry();
}

void MainWindow::buildReminders()
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new TrayIcon(m_store, m_sync != nullptr, this);
        connect(m_tray, &TrayIcon::openRequested, this, &MainWindow::bringUp);
        connect(m_tray, &TrayIcon::logRequested, this, &MainWindow::logEntry);
        connect(m_tray, &TrayIcon::quitRequested, qApp, &QApplication::quit);
        if (m_sync) {
            connect(m_tray, &TrayIcon::syncNowRequested, m_sync, &SyncController::syncNow);
            connect(m_sync, &SyncController::statusChanged, m_tray,
                    [this] { m_tray->setSyncText(m_syncIndicator->text()); });
        }
        m_tray->show();
    }
    Notifier *notifier = nullptr;
#if defined(HALE_HAVE_DBUS)
    if (FreedesktopNotifier::available())
        notifier = new FreedesktopNotifier(this);
#endif
    if (!notifier)
        notifier = new TrayNotifier(m_tray, this);
    m_reminders = new ReminderService(m_store, m_undo, notifier, this);
    connect(m_reminders, &ReminderService::openRequested, this, [this](const QString &kind) {
        if (kind.isEmpty()) {
            bringUp();
            showPage(0);
        } else {
            logEntry(kind);
        }
    });
    m_remindersSection = new RemindersSection(m_store, m_settings);
    m_settings->addSection(m_remindersSection);
    auto apply = [this](const preferences::Preferences &chosen) {
        m_reminders->setDoseReminders(chosen.doseReminders);
        QList<reminders::LoggingReminder> logging;
        for (const QString &kind : preferences::reminderKinds()) {
            if (chosen.remindAt.contains(kind))
                logging.append({kind, chosen.remindAt.value(kind)});
        }
        m_reminders->setLoggingReminders(logging);
    };
    connect(m_remindersSection, &RemindersSection::changed, this, apply);
    apply(preferences::load(*m_store));
}

void MainWindow::buildPages(const QString &dataDir)
{
    m_nav = new QListWidget(this);
    m_nav->setAccessibleName(tr("Navigation"));
    m_nav->setFixedWidth(160);
    m_stack = new QStackedWidget(this);

    auto addPage = [this](const QString &title, QWidget *page, const QString &icon) {
        auto *item = new QListWidgetItem(title, m_nav);
        item->setData(Qt::UserRole, icon); // resources/icons/<icon>.svg
        m_stack->addWidget(page);
    };

    m_today = new TodayPage(m_store, m_undo, this);
    connect(m_today, &TodayPage::importFromAppRequested, this, &MainWindow::importFromApp);
    connect(m_today, &TodayPage::restoreBackupRequested, this, &MainWindow::importBackup);
    addPage(tr("Today"), m_today, QStringLiteral("today"));

    auto *metrics = new RecordListPage(m_store, QStringLiteral("metric"), m_undo, this);
    m_metricCharts = new TrendCharts(m_store, TrendCharts::metricCharts(), metrics);
    metrics->setDetailWidget(m_metricCharts);
    connect(metrics, &RecordListPage::rangeChanged, m_metricCharts, &TrendCharts::setRange);
    addPage(tr("Metrics"), metrics, QStringLiteral("metrics"));

    auto *meals = new RecordListPage(m_store, QStringLiteral("meal"), m_undo, this);
    m_mealCharts = new TrendCharts(m_store, TrendCharts::mealCharts(), meals);
    meals->setDetailWidget(m_mealCharts);
    connect(meals, &RecordListPage::rangeChanged, m_mealCharts, &TrendCharts::setRange);
    addPage(tr("Meals"), meals, QStringLiteral("meals"));

    auto *exercises = new RecordListPage(m_store, QStringLiteral("exercise"), m_undo, this);
    m_exerciseCharts = new TrendCharts(m_store, TrendCharts::exerciseCharts(), exercises);
    exercises->setDetailWidget(m_exerciseCharts);
    connect(exercises, &RecordListPage::rangeChanged, m_exerciseCharts, &TrendCharts::setRange);
    addPage(tr("Exercises"), exercises, QStringLiteral("exercises"));

    auto *medications = new RecordListPage(m_store, QStringLiteral("medication"), m_undo, this);
    auto *doseLog = new RecordListPage(m_store, QStringLiteral("dose"), m_undo, this);
    doseLog->dropAltLetters();
    auto *medicationTabs = new QTabWidget(medications);
    medicationTabs->setAccessibleName(tr("Doses"));
    medicationTabs->addTab(new DueDosesPanel(m_store, m_undo, medicationTabs), tr("Due today"));
    medicationTabs->addTab(doseLog, tr("Dose log"));
    medications->setDetailWidget(medicationTabs);
    addPage(tr("Medications"), medications, QStringLiteral("medications"));

    auto *journal = new RecordListPage(m_store, QStringLiteral("journal"), m_undo, this);
    m_journalCharts = new TrendCharts(m_store, TrendCharts::journalCharts(), journal);
    journal->setDetailWidget(m_journalCharts);
    connect(journal, &RecordListPage::rangeChanged, m_journalCharts, &TrendCharts::setRange);
    addPage(tr("Journal"), journal, QStringLiteral("journal"));

    auto *measures = new MeasuresPage(m_store, m_undo, this);
    addPage(tr("Measures"), measures, QStringLiteral("measures"));

    m_recentlyDeleted = new RecentlyDeletedPage(m_store, m_undo, this);
    addPage(tr("Recently deleted"), m_recentlyDeleted, QStringLiteral("deleted"));

    if (m_sync) {
        m_devices = new DevicesPage(m_sync->deviceId(), this);
        addPage(tr("Devices"), m_devices, QStringLiteral("devices"));
        m_conflicts = new ConflictsPage(m_store, this);
        addPage(tr("Conflicts"), m_conflicts, QStringLiteral("conflicts"));
    }

    m_settings = new SettingsPage(m_store, dataDir, this);
    connect(m_settings, &SettingsPage::unitSystemChanged, this, &MainWindow::setUnitSystem);
    addPage(tr("Settings"), m_settings, QStringLiteral("settings"));
    QList<std::pair<QString, QString>> hideable;
    for (int row = 0; row < m_nav->count(); ++row) {
        if (preferences::hideableScreens().contains(pageKey(row)))
            hideable.append({pageKey(row), m_nav->item(row)->text()});
    }
    m_screens = new ScreensSection(m_store, hideable);
    m_settings->addSection(m_screens);
    updateNavigationIcons();

    m_listPages = {metrics, meals,   exercises, medications,
                   doseLog, journal, measures,  measures->definitions()};

    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    if (m_sync) {
        m_syncBanner = new SyncBanner(central);
        outer->addWidget(m_syncBanner);
    }
    auto *layout = new QHBoxLayout;
    layout->addWidget(m_nav);
    layout->addWidget(m_stack, 1);
    outer->addLayout(layout, 1);
    setCentralWidget(central);
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    // A screen reader chooses an item by selecting it (AT-SPI selection),
    // which leaves the current row alone: follow the selection too.
    connect(m_nav, &QListWidget::itemSelectionChanged, this, [this] {
        const QList<QListWidgetItem *> chosen = m_nav->selectedItems();
        if (chosen.size() == 1 && m_nav->row(chosen.first()) != m_nav->currentRow())
            m_nav->setCurrentRow(m_nav->row(chosen.first()));
    });
    m_nav->setCurrentRow(0);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *exportJson =
        file->addAction(tr("&Export Backup (JSON)…"), this, &MainWindow::exportBackup);
    exportJson->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportJson->setObjectName(QStringLiteral("exportBackupAction"));
    QMenu *csv = file->addMenu(tr("Export &CSV"));
    for (const KindSpec &kind : SchemaRegistry::instance().kinds())
        csv->addAction(kind.displayLabel() + QStringLiteral("…"), this,
                       [this, name = kind.name] { exportCsv(name); })
            ->setObjectName(QStringLiteral("exportCsvAction_") + kind.name);
    file->addSeparator();
    file->addAction(tr("&Import Backup (JSON)…"), this, &MainWindow::importBackup)
        ->setObjectName(QStringLiteral("importBackupAction"));
    file->addAction(tr("Import C&SV…"), this, &MainWindow::importCsv)
        ->setObjectName(QStringLiteral("importCsvAction"));
    file->addAction(tr("Import from &Another App…"), this, &MainWindow::importFromApp)
        ->setObjectName(QStringLiteral("importFromAppAction"));
    file->addSeparator();
    file->addAction(tr("&Report for Your Doctor…"), this,
                    [this] {
                        ReportDialog dialog(m_store, m_settings->unitSystem(), documentsDir(),
                                            this);
                        dialog.exec();
                    })
        ->setObjectName(QStringLiteral("reportAction"));
    file->addSeparator();
    if (m_sync) {
        QAction *syncNow = file->addAction(tr("S&ync Now"), m_sync, &SyncController::syncNow);
        syncNow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
        syncNow->setObjectName(QStringLiteral("syncNowAction"));
        setPaletteIcon(syncNow, QStringLiteral("sync"), file);
        file->addSeparator();
    }
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    setPaletteIcon(quit, QStringLiteral("quit"), file);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction *newEntry = edit->addAction(tr("&New Entry"), this, [this] {
        if (RecordListPage *page = currentListPage())
            page->newEntry();
    });
    newEntry->setShortcut(QKeySequence::New);
    setPaletteIcon(newEntry, QStringLiteral("add"), edit);
    QAction *editEntry = edit->addAction(tr("&Edit Entry"), this, [this] {
        if (RecordListPage *page = currentListPage())
            page->editSelected();
    });
    editEntry->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    setPaletteIcon(editEntry, QStringLiteral("edit"), edit);
    QAction *remove = edit->addAction(tr("&Delete Entry"), this, [this] {
        if (RecordListPage *page = currentListPage())
            page->deleteSelected();
    });
    remove->setShortcut(QKeySequence::Delete);
    setPaletteIcon(remove, QStringLiteral("deleted"), edit);
    QAction *find = edit->addAction(tr("&Find"), this, [this] {
        if (RecordListPage *page = currentListPage())
            page->focusSearch();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_nav->count(); ++i) {
        QAction *a = go->addAction(m_nav->item(i)->text(), this, [this, i] { showPage(i); });
        m_goActions.append(a);
        // Ctrl+1 to Ctrl+9, and Settings at the end as desktops have it (Ctrl+,).
        if (i == m_nav->count() - 1)
            a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
        else if (i < 9)
            a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Hale"), this, &MainWindow::about);

    connect(m_screens, &ScreensSection::hiddenChanged, this, &MainWindow::hideScreens);
    hideScreens(m_screens->hidden());
}

void MainWindow::hideScreens(const QStringList &hidden)
{
    for (int row = 0; row < m_nav->count(); ++row) {
        const bool hide = hidden.contains(pageKey(row));
        m_nav->item(row)->setHidden(hide);
        m_goActions.at(row)->setVisible(!hide);
        m_goActions.at(row)->setEnabled(!hide);
    }
    if (m_nav->currentItem() && m_nav->currentItem()->isHidden())
        showPage(0);
}

void MainWindow::buildSync()
{
    if (!m_sync)
        return;
    m_syncIndicator = new SyncStatusIndicator(this);
    statusBar()->addPermanentWidget(m_syncIndicator);
    m_syncSettings = new SyncSettings(m_sync, m_settings);
    m_settings->addSection(m_syncSettings);

    connect(m_syncIndicator, &SyncStatusIndicator::syncNowRequested, m_sync,
            &SyncController::syncNow);
    connect(m_syncBanner, &SyncBanner::retryRequested, m_sync, &SyncController::syncNow);
    connect(m_syncBanner, &SyncBanner::signInRequested, this, [this] {
        m_stack->setCurrentWidget(m_settings);
        m_nav->setCurrentRow(m_stack->currentIndex());
        m_syncSettings->focusSignIn();
    });
    // Where the data is: on this computer, and once sync is on, the server
    // too (a label, not a status message, so that menu hints do not wipe it).
    m_storageNote = new QLabel(this);
    m_storageNote->setObjectName(QStringLiteral("storageNote"));
    statusBar()->addWidget(m_storageNote, 1);
    auto showStatus = [this](const sync::SyncStatus &status) {
        m_syncIndicator->setStatus(status);
        m_syncBanner->setStatus(status);
        const bool synced = status.state != sync::SyncState::Off &&
                            status.state != sync::SyncState::SignInNeeded &&
                            !status.account.isEmpty();
        m_storageNote->setText(synced ? tr("Stored on this computer and synced with %1 as %2.")
                                            .arg(status.serverHost, status.account)
                                      : tr("All data is stored on this computer."));
        m_today->setSyncSummary(m_syncIndicator->text(), m_storageNote->text());
        if (status.account.isEmpty())
            m_devices->setUnavailable(tr("Sign in to sync (Settings) to see your devices."));
    };
    connect(m_sync, &SyncController::statusChanged, this, showStatus);
    showStatus(m_sync->status());

    connect(m_devices, &DevicesPage::refreshRequested, m_sync, &SyncController::refreshDevices);
    connect(m_devices, &DevicesPage::renameRequested, m_sync, &SyncController::renameDevice);
    connect(m_devices, &DevicesPage::revokeRequested, m_sync, &SyncController::revokeDevice);
    connect(m_sync, &SyncController::devicesChanged, m_devices, &DevicesPage::setDevices);
    connect(m_sync, &SyncController::accountActionFinished, this,
            [this](const QString &action, bool ok, const QString &message) {
                if (action == QLatin1String("devices") && !ok)
                    m_devices->setUnavailable(message);
                else if (!ok && action.endsWith(QLatin1String("-device")))
                    QMessageBox::warning(this, tr("Devices"), message);
            });

    connect(m_sync, &SyncController::conflictsAdded, m_conflicts, &ConflictsPage::reload);
    const int conflictsRow = m_stack->indexOf(m_conflicts);
    auto showCount = [this, conflictsRow](int count) {
        m_nav->item(conflictsRow)
            ->setText(count > 0 ? tr("Conflicts (%1)").arg(count) : tr("Conflicts"));
    };
    connect(m_conflicts, &ConflictsPage::countChanged, this, showCount);
    showCount(int(m_store->conflicts().size()));
}

void MainWindow::showPage(int index)
{
    m_nav->setCurrentRow(index);
}

QString MainWindow::pageKey(int index) const
{
    QListWidgetItem *item = m_nav->item(index);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

int MainWindow::pageCount() const
{
    return m_stack->count();
}

RecordListPage *MainWindow::listPage(const QString &kind) const
{
    for (RecordListPage *page : m_listPages) {
        if (page->model()->kind().name == kind)
            return page;
    }
    return nullptr;
}

RecordListPage *MainWindow::currentListPage() const
{
    return qobject_cast<RecordListPage *>(m_stack->currentWidget());
}

void MainWindow::setUnitSystem(UnitSystem system)
{
    for (RecordListPage *page : m_listPages)
        page->setUnitSystem(system);
    m_metricCharts->setUnitSystem(system);
    m_mealCharts->setUnitSystem(system);
    m_exerciseCharts->setUnitSystem(system);
    m_journalCharts->setUnitSystem(system);
    m_today->setUnitSystem(system);
    m_recentlyDeleted->setUnitSystem(system);
}

namespace {
bool writeFile(QWidget *parent, const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && owner_only::restrictOpenFile(file) &&
        file.write(data) == data.size() && file.commit())
        return true;
    QMessageBox::warning(
        parent, MainWindow::tr("Export failed"),
        MainWindow::tr("%1 could not be written: %2").arg(path, file.errorString()));
    return false;
}

// A progress dialog with Cancel for a long import. The import runs on this
// thread inside one transaction; the dialog keeps the window painted and
// (being window-modal) the rest of the window out of reach meanwhile.
ImportExport::Progress importProgress(QWidget *parent)
{
    auto dialog = std::make_shared<QProgressDialog>(MainWindow::tr("Importing…"),
                                                    MainWindow::tr("Cancel"), 0, 0, parent);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(500);
    dialog->setAccessibleName(MainWindow::tr("Import progress"));
    return [dialog](int done, int total) {
        dialog->setMaximum(total);
        dialog->setValue(done);
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return !dialog->wasCanceled();
    };
}

void reportImport(QWidget *parent, const ImportResult &r, const QString &path)
{
    if (r.ok) {
        QMessageBox::information(parent, MainWindow::tr("Import finished"),
                                 MainWindow::tr("Imported %n entries.", nullptr, r.imported));
        return;
    }
    const QString where = r.line > 0 ? MainWindow::tr("Line %1: ").arg(r.line) : QString();
    QMessageBox::warning(parent, MainWindow::tr("Import refused"),
                         MainWindow::tr("%1 was not imported; nothing was changed.\n\n%2%3")
                             .arg(path, where, r.reason));
}
} // namespace

void MainWindow::exportBackup()
{
    const QString path = files::saveFileName(
        this, tr("Export backup"),
        documentsDir() +
            QStringLiteral("/hale-backup-%1.json").arg(QDate::currentDate().toString(Qt::ISODate)),
        tr("Hale backup (*.json)"));
    if (!path.isEmpty() && writeFile(this, path, ImportExport::exportJson(*m_store)))
        statusBar()->showMessage(tr("Backup written to %1").arg(path), 5000);
}

void MainWindow::exportCsv(const QString &kind)
{
    const QString path = files::saveFileName(
        this, tr("Export CSV"), documentsDir() + QStringLiteral("/hale-%1.csv").arg(kind),
        tr("CSV files (*.csv)"));
    if (!path.isEmpty() && writeFile(this, path, ImportExport::exportCsv(*m_store, kind)))
        statusBar()->showMessage(tr("Exported to %1").arg(path), 5000);
}

void MainWindow::importBackup()
{
    const QString path =
        files::openFileName(this, tr("Import backup"), documentsDir(), tr("Hale backup (*.json)"));
    QByteArray data;
    if (path.isEmpty())
        return;
    if (const ImportResult read = ImportExport::readImportFile(path, &data); !read.ok) {
        reportImport(this, read, path);
        return;
    }
    const auto result = ImportExport::importJson(*m_store, data, importProgress(this));
    reportImport(this, result, path);
}

void MainWindow::importCsv()
{
    const QString path =
        files::openFileName(this, tr("Import CSV"), documentsDir(), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    // Exports are named hale-<kind>.csv: offer that kind first.
    QStringList labels;
    int guess = 0;
    const auto &kinds = SchemaRegistry::instance().kinds();
    for (int i = 0; i < kinds.size(); ++i) {
        labels << kinds.at(i).displayLabel();
        if (QFileInfo(path).baseName() == QStringLiteral("hale-") + kinds.at(i).name)
            guess = i;
    }
    bool ok = false;
    const QString label = QInputDialog::getItem(
        this, tr("Import CSV"), tr("What does %1 contain?").arg(QFileInfo(path).fileName()), labels,
        guess, false, &ok);
    if (!ok)
        return;
    QByteArray data;
    if (const ImportResult read = ImportExport::readImportFile(path, &data); !read.ok) {
        reportImport(this, read, path);
        return;
    }
    const auto result = ImportExport::importCsv(*m_store, kinds.at(labels.indexOf(label)).name,
                                                data, importProgress(this));
    reportImport(this, result, path);
}

void MainWindow::importFromApp()
{
    // Several at once: Google Fit's Takeout has a file per day.
    const QStringList paths =
        files::openFileNames(this, tr("Import from another app"), documentsDir(),
                             tr("Exports of other apps (*.xml *.csv);;All files (*)"));
    if (paths.isEmpty())
        return;
    const imports::FileImport other =
        imports::importOtherApps(*m_store, paths, importProgress(this));
    if (other.source.isEmpty()) {
        const QString which = paths.size() == 1
                                  ? tr("%1 is not an export Hale can read.").arg(paths.first())
                                  : tr("None of these files is an export Hale can read.");
        QMessageBox::warning(
            this, tr("Import refused"),
            other.summary.error.isEmpty()
                ? which + QLatin1Char(' ') +
                      tr("Hale reads Apple Health's export.xml (Health app → your picture → "
                         "Export All Health Data), openScale's CSV export and Google Fit's daily "
                         "activity metrics (Takeout: the summary, or the files of single days, "
                         "several at once), and its own backups and CSV files (File → Import).")
                : other.summary.error);
        return;
    }
    const imports::Summary &summary = other.summary;
    const QString &from = other.source;
    QStringList lines{tr("Imported %n entries from %1.", nullptr, summary.added).arg(from)};
    if (summary.alreadyThere > 0)
        lines << tr("%n were already in Hale (imported before).", nullptr, summary.alreadyThere);
    for (auto it = summary.skipped.cbegin(); it != summary.skipped.cend(); ++it)
        lines << tr("Skipped %1: %2.").arg(it.value()).arg(it.key());
    if (summary.cancelled)
        lines << tr("Cancelled: what was read before is kept; importing the file again adds "
                    "the rest.");
    if (!summary.error.isEmpty())
        lines << summary.error;
    QMessageBox::information(this, tr("Import finished"), lines.join(QLatin1Char('\n')));
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About Hale"),
        tr("<h3>Hale %1</h3><p>A private health tracker. Your entries are stored on "
           "this computer in %2.</p>")
            .arg(QStringLiteral(HALE_VERSION), m_store->databasePath().toHtmlEscaped()));
}

} // namespace hale
