#include "ui/sync_status_indicator.h"

#include <QLocale>
#include <QStyle>

namespace hale {

using sync::SyncState;

SyncStatusIndicator::SyncStatusIndicator(QWidget *parent) : QToolButton(parent)
{
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setAutoRaise(true);
    setObjectName(QStringLiteral("syncStatus"));
    connect(this, &QToolButton::clicked, this, &SyncStatusIndicator::syncNowRequested);
    setStatus({});
}

QString SyncStatusIndicator::describe(const sync::SyncStatus &status)
{
    QString text;
    switch (status.state) {
    case SyncState::Off:
        return tr("Sync off");
    case SyncState::Synced:
        text = tr("Synced");
        break;
    case SyncState::Syncing:
        text = status.pushed + status.pulled > 0
                   ? tr("Syncing (%1 sent, %2 received)").arg(status.pushed).arg(status.pulled)
                   : tr("Syncing");
        break;
    case SyncState::Offline:
        text = tr("Offline");
        break;
    case SyncState::Unavailable:
        text = tr("Server unavailable");
        break;
    case SyncState::Error:
        text = tr("Sync error");
        break;
    case SyncState::SignInNeeded:
        text = tr("Sign in to sync");
        break;
    }
    if (status.pending > 0)
        text += QStringLiteral(" · ") + tr("%n waiting", "changes not yet synced", status.pending);
    return text;
}

namespace {

QStyle::StandardPixmap iconFor(SyncState state)
{
    switch (state) {
    case SyncState::Off:
        return QStyle::SP_MediaPause;
    case SyncState::Synced:
        return QStyle::SP_DialogApplyButton;
    case SyncState::Syncing:
        return QStyle::SP_BrowserReload;
    case SyncState::Offline:
        return QStyle::SP_DriveNetIcon;
    case SyncState::Unavailable:
        return QStyle::SP_MessageBoxInformation;
    case SyncState::Error:
        return QStyle::SP_MessageBoxWarning;
    case SyncState::SignInNeeded:
        return QStyle::SP_DialogNoButton;
    }
    return QStyle::SP_DialogApplyButton;
}

} // namespace

QString SyncStatusIndicator::updatesLine(const sync::SyncStatus &status)
{
    if (status.live)
        return tr("Live updates: changes from your other devices appear within moments.");
    const QString line = tr("Checking for changes from your other devices every 5 minutes.");
    return status.liveMessage.isEmpty()
               ? line
               : line + QLatin1Char(' ') +
                     tr("(Live updates are unavailable: %1)").arg(status.liveMessage);
}

void SyncStatusIndicator::setStatus(const sync::SyncStatus &status)
{
    setIcon(style()->standardIcon(iconFor(status.state)));
    const QString text = describe(status);
    setText(text);
    setAccessibleName(tr("Sync status: %1").arg(text));
    QString tip =
        status.lastSynced.isValid()
            ? tr("Last synced %1")
                  .arg(QLocale().toString(status.lastSynced.toLocalTime(), QLocale::ShortFormat))
            : tr("Not synced yet");
    if (!status.message.isEmpty())
        tip += QLatin1Char('\n') + status.message;
    if (status.state != SyncState::Off && status.state != SyncState::SignInNeeded)
        tip += QLatin1Char('\n') + updatesLine(status);
    if (status.state != SyncState::Off)
        tip += QLatin1Char('\n') + tr("Click to sync now.");
    setToolTip(tip);
    setAccessibleDescription(tip);
    setEnabled(status.state != SyncState::Off);
}

} // namespace hale
