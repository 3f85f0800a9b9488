#include "ui/desktop/freedesktop_notifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QLoggingCategory>

namespace hale {

namespace {

Q_LOGGING_CATEGORY(lcNotify, "hale.notifications")

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");

QDBusMessage call(const QString &method)
{
    return QDBusMessage::createMethodCall(kService, kPath, kInterface, method);
}

} // namespace

bool FreedesktopNotifier::available()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    if (bus.interface()->isServiceRegistered(kService))
        return true;
    const QDBusReply<QStringList> activatable =
        bus.interface()->call(QStringLiteral("ListActivatableNames"));
    return activatable.isValid() && activatable.value().contains(kService);
}

FreedesktopNotifier::FreedesktopNotifier(QObject *parent) : Notifier(parent)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                SLOT(onActionInvoked(quint32, QString)));
    bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                SLOT(onClosed(quint32, quint32)));
    auto *watcher =
        new QDBusPendingCallWatcher(bus.asyncCall(call(QStringLiteral("GetCapabilities"))), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<QStringList> reply = *w;
        if (reply.isValid())
            m_actions = reply.value().contains(QStringLiteral("actions"));
        w->deleteLater();
    });
}

quint32 FreedesktopNotifier::show(const Notification &notification)
{
    const quint32 handle = m_nextHandle++;
    QStringList actions{kDefaultAction, tr("Open Hale")};
    for (const auto &[key, label] : notification.actions)
        actions << key << label;
    QDBusMessage notify = call(QStringLiteral("Notify"));
    const QVariantMap hints{{QStringLiteral("desktop-entry"), QStringLiteral("org.hale.Hale")},
                            {QStringLiteral("urgency"), QVariant::fromValue<uchar>(1)}};
    // app_name, replaces_id, app_icon, summary, body, actions, hints,
    // expire_timeout (0: stays until answered).
    notify << QStringLiteral("Hale") << quint32(0) << QStringLiteral("org.hale.Hale")
           << notification.title << notification.body << actions << hints << qint32(0);
    auto *watcher =
        new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(notify), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, handle](QDBusPendingCallWatcher *w) {
                const QDBusPendingReply<quint32> reply = *w;
                w->deleteLater();
                if (!reply.isValid()) {
                    qCWarning(lcNotify) << "the notification service refused a notification:"
                                        << reply.error().message();
                    emit dismissed(handle);
                    return;
                }
                m_serverIdOf.insert(handle, reply.value());
                if (m_closeWhenShown.removeAll(handle) > 0)
                    close(handle);
            });
    return handle;
}

void FreedesktopNotifier::close(quint32 handle)
{
    const auto it = m_serverIdOf.constFind(handle);
    if (it == m_serverIdOf.cend()) {
        m_closeWhenShown << handle;
        return;
    }
    QDBusMessage closing = call(QStringLiteral("CloseNotification"));
    closing << *it;
    QDBusConnection::sessionBus().asyncCall(closing);
    m_serverIdOf.erase(it);
}

void FreedesktopNotifier::onActionInvoked(quint32 serverId, const QString &action)
{
    const quint32 handle = m_serverIdOf.key(serverId, 0);
    if (handle != 0)
        emit actionInvoked(handle, action);
}

void FreedesktopNotifier::onClosed(quint32 serverId, quint32 reason)
{
    Q_UNUSED(reason);
    const quint32 handle = m_serverIdOf.key(serverId, 0);
    if (handle == 0)
        return;
    m_serverIdOf.remove(handle);
    emit dismissed(handle);
}

} // namespace hale
