#pragma once

#include "sync/client/sync_worker.h"

#include <QToolButton>

namespace hale {

// The status bar's sync button: one icon per state, the number of changes
// waiting, the last successful sync in the tooltip. A click asks for a sync
// now.
class SyncStatusIndicator : public QToolButton
{
    Q_OBJECT

public:
    explicit SyncStatusIndicator(QWidget *parent = nullptr);

    // What the indicator says for a status (also its accessible name).
    static QString describe(const sync::SyncStatus &status);
    // Whether other devices' changes arrive live or by polling, for the tooltip.
    static QString updatesLine(const sync::SyncStatus &status);

public slots:
    void setStatus(const hale::sync::SyncStatus &status);

signals:
    void syncNowRequested();
};

} // namespace hale
