#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTimer;
class QTreeWidget;
class QUndoStack;

namespace hale {

// Entries deleted in the last 30 days, of every kind, newest first, with
// Restore: an undoable write that syncs like any edit.
class RecentlyDeletedPage : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kDays = 30;

    RecentlyDeletedPage(LocalStore *store, QUndoStack *undo, QWidget *parent = nullptr);
    void setUnitSystem(UnitSystem system);
    QTreeWidget *list() const { return m_list; }

public slots:
    void refresh();
    // Restores the selected entries.
    void restoreSelected();

protected:
    void showEvent(QShowEvent *event) override;

private:
    LocalStore *m_store;
    QUndoStack *m_undo;
    UnitSystem m_units = UnitSystem::Metric;
    QTreeWidget *m_list;
    QPushButton *m_restore;
    QLabel *m_feedback;
    QTimer *m_refreshTimer;
};

} // namespace hale
