#pragma once

#include "models/local_store.h"

#include <QSystemTrayIcon>

namespace hale {

// Hale in the system tray: the sync state and today's open doses in its
// tooltip, and a menu to open the window, log an entry, sync and quit.
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT

public:
    // `withSync` adds "Sync now".
    TrayIcon(LocalStore *store, bool withSync, QObject *parent = nullptr);
    // The sync indicator's words, for the tooltip.
    void setSyncText(const QString &text);

public slots:
    void refresh();

signals:
    void openRequested();
    void logRequested(const QString &kind);
    void syncNowRequested();
    void quitRequested();

private:
    LocalStore *m_store;
    QString m_syncText;
};

} // namespace hale
