#include "ui/sync_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>

namespace hale {

using sync::SyncState;

SyncBanner::SyncBanner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("syncBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, p.color(QPalette::ToolTipBase));
    p.setColor(QPalette::WindowText, p.color(QPalette::ToolTipText));
    setPalette(p);
    setAccessibleName(tr("Sync problem"));
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_retry = new QPushButton(tr("&Retry"), this);
    m_details = new QPushButton(tr("&Details…"), this);
    m_signIn = new QPushButton(tr("Sign &in…"), this);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_signIn);
    layout->addWidget(m_retry);
    layout->addWidget(m_details);
    connect(m_retry, &QPushButton::clicked, this, &SyncBanner::retryRequested);
    connect(m_signIn, &QPushButton::clicked, this, &SyncBanner::signInRequested);
    connect(m_details, &QPushButton::clicked, this, &SyncBanner::showDetails);
    hide();
}

QString SyncBanner::text() const
{
    return m_text->text();
}

void SyncBanner::setStatus(const sync::SyncStatus &status)
{
    m_status = status;
    QString text;
    switch (status.state) {
    case SyncState::Offline:
        text = status.pending > 0 ? tr("Offline — %n changes will sync when you're back online", "",
                                       status.pending)
                                  : tr("Offline — changes will sync when you're back online");
        break;
    case SyncState::Unavailable:
        text = status.pending > 0
                   ? tr("The sync server is unavailable — %n changes will sync when it is back", "",
                        status.pending)
                   : tr("The sync server is unavailable — changes will sync when it is back");
        break;
    case SyncState::Error:
        text = tr("Sync failed: %1").arg(status.message);
        break;
    case SyncState::SignInNeeded:
        text = status.message.isEmpty() ? tr("Sign in to sync.") : status.message;
        break;
    default:
        break;
    }
    if (status.state == SyncState::Synced && status.rejected > 0)
        text = tr("%n changes could not be synced: the server refused them.", "", status.rejected);
    m_text->setText(text);
    m_retry->setVisible(status.state == SyncState::Offline ||
                        status.state == SyncState::Unavailable || status.state == SyncState::Error);
    m_signIn->setVisible(status.state == SyncState::SignInNeeded);
    m_details->setVisible(!status.message.isEmpty() || status.rejected > 0);
    setAccessibleDescription(text);
    setVisible(!text.isEmpty());
}

void SyncBanner::showDetails()
{
    QString details = m_status.message;
    if (m_status.rejected > 0) {
        details += (details.isEmpty() ? QString() : QStringLiteral("\n\n")) +
                   tr("%n changes were set aside because the server refused them; editing the "
                      "entry again sends it again.",
                      "", m_status.rejected);
    }
    QMessageBox::information(this, tr("Sync"), details);
}

} // namespace hale
