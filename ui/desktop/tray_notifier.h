#pragma once

#include "ui/desktop/notifier.h"

#include <QPointer>

class QSystemTrayIcon;

namespace hale {

// Notifications as the tray icon's balloons (Windows, macOS, and Linux
// without a notification service). They have no buttons: a click on one
// reports the default action of the latest.
class TrayNotifier : public Notifier
{
    Q_OBJECT

public:
    // `tray` may be null (no system tray): nothing is shown then.
    explicit TrayNotifier(QSystemTrayIcon *tray, QObject *parent = nullptr);
    quint32 show(const Notification &notification) override;
    void close(quint32 handle) override;
    bool supportsActions() const override { return false; }

private:
    QPointer<QSystemTrayIcon> m_tray;
    quint32 m_nextHandle = 1;
    quint32 m_latest = 0;
};

} // namespace hale
