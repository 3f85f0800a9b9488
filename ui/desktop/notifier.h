#pragma once

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

namespace hale {

// A desktop notification: what it says and the buttons it offers.
struct Notification
{
    QString title;
    QString body;
    // (action key, button label); the key comes back in actionInvoked.
    QList<QPair<QString, QString>> actions;
};

// Shows notifications on the desktop: the freedesktop Notifications service
// on Linux, the tray's balloons elsewhere.
class Notifier : public QObject
{
    Q_OBJECT

public:
    // The action a click on the notification itself reports.
    inline static const QString kDefaultAction = QStringLiteral("default");

    using QObject::QObject;
    // Shows `notification`; returns a handle (never 0) for close() and the
    // signals.
    virtual quint32 show(const Notification &notification) = 0;
    virtual void close(quint32 handle) = 0;
    // Whether the buttons of `actions` can be shown (otherwise only a click
    // on the notification is reported).
    virtual bool supportsActions() const = 0;

signals:
    void actionInvoked(quint32 handle, const QString &action);
    // Closed by the person or expired without an action.
    void dismissed(quint32 handle);
};

} // namespace hale
