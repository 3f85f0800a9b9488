#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QTimer;
class QUndoStack;

namespace hale {

class DueDosesPanel;

// The overview of today: what was logged, the doses due and the latest metrics.
class TodayPage : public QWidget
{
    Q_OBJECT

public:
    TodayPage(LocalStore *store, QUndoStack *undo, QWidget *parent = nullptr);
    void setUnitSystem(UnitSystem system);
    QListWidget *loggedToday() const { return m_logged; }

public slots:
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;

private:
    LocalStore *m_store;
    UnitSystem m_units = UnitSystem::Metric;
    QLabel *m_heading;
    QListWidget *m_logged;
    QLabel *m_latest;
    DueDosesPanel *m_doses;
    QTimer *m_refreshTimer;
};

} // namespace hale
