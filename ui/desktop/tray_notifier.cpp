#include "ui/desktop/tray_notifier.h"

#include <QSystemTrayIcon>

namespace hale {

TrayNotifier::TrayNotifier(QSystemTrayIcon *tray, QObject *parent) : Notifier(parent), m_tray(tray)
{
    if (m_tray) {
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (m_latest != 0)
                emit actionInvoked(m_latest, kDefaultAction);
        });
    }
}

quint32 TrayNotifier::show(const Notification &notification)
{
    m_latest = m_nextHandle++;
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(notification.title, notification.body, QSystemTrayIcon::Information,
                            30'000);
    return m_latest;
}

void TrayNotifier::close(quint32 handle)
{
    // A balloon cannot be taken back; it only stops answering clicks.
    if (handle == m_latest)
        m_latest = 0;
}

} // namespace hale
