#pragma once

#include "ui/desktop/notifier.h"

#include <QHash>

namespace hale {

// Notifications through org.freedesktop.Notifications on the session bus,
// with action buttons (GNOME, KDE, Xfce and most Linux desktops). Calls are
// asynchronous: a stuck notification daemon never freezes the window.
class FreedesktopNotifier : public Notifier
{
    Q_OBJECT

public:
    // Whether a notification service is running or can be started on the
    // session bus.
    static bool available();

    explicit FreedesktopNotifier(QObject *parent = nullptr);
    quint32 show(const Notification &notification) override;
    void close(quint32 handle) override;
    bool supportsActions() const override { return m_actions; }

private slots:
    void onActionInvoked(quint32 serverId, const QString &action);
    void onClosed(quint32 serverId, quint32 reason);

private:
    quint32 m_nextHandle = 1;
    bool m_actions = true;
    QHash<quint32, quint32> m_serverIdOf; // handle -> the service's id
    QList<quint32> m_closeWhenShown;      // closed before the service answered
};

} // namespace hale
