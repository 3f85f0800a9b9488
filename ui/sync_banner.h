#pragma once

#include "sync/client/sync_worker.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace hale {

// The strip across the top of the window while sync is on and something is
// wrong: offline (with the number of changes that will sync later), or an
// error with its reason, Retry and Details. Hidden otherwise.
class SyncBanner : public QFrame
{
    Q_OBJECT

public:
    explicit SyncBanner(QWidget *parent = nullptr);

    QString text() const;

public slots:
    void setStatus(const hale::sync::SyncStatus &status);

signals:
    void retryRequested();
    void signInRequested();

private:
    void showDetails();

    QLabel *m_text;
    QPushButton *m_retry;
    QPushButton *m_details;
    QPushButton *m_signIn;
    sync::SyncStatus m_status;
};

} // namespace hale
