#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QListWidget;
class QStackedWidget;
class QUndoStack;

namespace hale {

class ConflictsPage;
class ReminderService;
class RemindersSection;
class ScreensSection;
class TrayIcon;
class DevicesPage;
class RecentlyDeletedPage;
class RecordListPage;
class SettingsPage;
class SyncBanner;
class SyncController;
class SyncSettings;
class SyncStatusIndicator;
class TodayPage;
class TrendCharts;

// Navigation between Today, the record screens and Settings; the File and
// Edit menus; one undo stack for every screen.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // `sync` (optional) adds the sync indicator, banner, settings, devices
    // and conflicts pages.
    MainWindow(LocalStore *store, const QString &dataDir, SyncController *sync = nullptr,
               QWidget *parent = nullptr);

    QUndoStack *undoStack() const { return m_undo; }
    RecordListPage *listPage(const QString &kind) const;
    TrendCharts *metricCharts() const { return m_metricCharts; }
    SyncStatusIndicator *syncIndicator() const { return m_syncIndicator; }
    // The status bar's note of where the data is kept.
    QLabel *storageNote() const { return m_storageNote; }
    SyncBanner *syncBanner() const { return m_syncBanner; }
    RecentlyDeletedPage *recentlyDeleted() const { return m_recentlyDeleted; }
    ReminderService *reminders() const { return m_reminders; }
    // Null when the desktop has no system tray.
    TrayIcon *trayIcon() const { return m_tray; }
    // Whether closing the window leaves Hale running in the tray (it has
    // one and reminders are on).
    bool keepsRunningInTray() const;
    // Brings the window up (from the tray or a notification).
    void bringUp();
    // Shows the screen of `kind` and opens its New entry dialog.
    void logEntry(const QString &kind);
    // Shows page `index` of the navigation (0 = Today).
    void showPage(int index);
    int pageCount() const;
    // A page's short name, as its icon is named ("today", "metrics", ...).
    QString pageKey(int index) const;
    // Keeps the window's size and place for the next start (on closing and
    // quitting).
    void saveLayout() const;

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    // The navigation's icons in the current palette's colours.
    void updateNavigationIcons();
    void buildPages(const QString &dataDir);
    void buildMenus();
    void buildSync();
    void buildReminders();
    void setUnitSystem(UnitSystem system);
    // Leaves the screens the person chose to hide out of the navigation and
    // the Go menu.
    void hideScreens(const QStringList &hidden);
    RecordListPage *currentListPage() const;
    void exportBackup();
    void exportCsv(const QString &kind);
    void importBackup();
    void importCsv();
    void importFromApp();
    void about();

    LocalStore *m_store;
    SyncController *m_sync;
    QUndoStack *m_undo;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_stack;
    TodayPage *m_today = nullptr;
    RecentlyDeletedPage *m_recentlyDeleted = nullptr;
    SettingsPage *m_settings = nullptr;
    TrendCharts *m_metricCharts = nullptr;
    TrendCharts *m_mealCharts = nullptr;
    TrendCharts *m_exerciseCharts = nullptr;
    TrendCharts *m_journalCharts = nullptr;
    QList<RecordListPage *> m_listPages;
    SyncStatusIndicator *m_syncIndicator = nullptr;
    QLabel *m_storageNote = nullptr;
    SyncBanner *m_syncBanner = nullptr;
    SyncSettings *m_syncSettings = nullptr;
    DevicesPage *m_devices = nullptr;
    ConflictsPage *m_conflicts = nullptr;
    TrayIcon *m_tray = nullptr;
    ReminderService *m_reminders = nullptr;
    RemindersSection *m_remindersSection = nullptr;
    ScreensSection *m_screens = nullptr;
    QList<QAction *> m_goActions; // one per navigation row
};

} // namespace hale
