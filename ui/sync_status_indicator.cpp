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

void SyncStatusIndicator::setStatus(const sync::SyncStatus &status)
{
    QStyle::StandardPixmap icon = QStyle::SP_DialogApplyButton;
    switch (status.state) {
    case SyncState::Off:
        icon = QStyle::SP_MediaPause;
        break;
    case SyncState::Synced:
        icon = QStyle::SP_DialogApplyButton;
        break;
    case SyncState::Syncing:
        icon = QStyle::SP_BrowserReload;
        break;
    case SyncState::Offline:
        icon = QStyle::SP_DriveNetIcon;
        break;
    case SyncState::Error:
        icon = QStyle::SP_MessageBoxWarning;
        break;
    case SyncState::SignInNeeded:
        icon = QStyle::SP_DialogNoButton;
        break;
    }
    setIcon(style()->standardIcon(icon));
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
    if (status.state != SyncState::Off)
        tip += QLatin1Char('\n') + tr("Click to sync now.");
    setToolTip(tip);
    setAccessibleDescription(tip);
    setEnabled(status.state != SyncState::Off);
}

} // namespace hale
