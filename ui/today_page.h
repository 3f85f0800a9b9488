#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QWidget>

class QFrame;
class QLabel;
class QListWidget;
class QTimer;
class QUndoStack;

namespace hale {

class DueDosesPanel;
class Sparkline;

// The overview of today: what was logged, the doses due and the latest metrics.
class TodayPage : public QWidget
{
    Q_OBJECT

public:
    TodayPage(LocalStore *store, QUndoStack *undo, QWidget *parent = nullptr);
    void setUnitSystem(UnitSystem system);
    QListWidget *loggedToday() const { return m_logged; }
    // The sync card's words (the indicator's state and where the data is);
    // without sync the card is hidden.
    void setSyncSummary(const QString &headline, const QString &detail);

    // The first-run welcome, shown while nothing has been logged.
    QWidget *welcome() const { return m_welcome; }

signals:
    // From the welcome: bring entries from another app, or a backup.
    void importFromAppRequested();
    void restoreBackupRequested();

public slots:
    void refresh();
    // Opens the goals in an editor and saves them (undoably).
    void editGoals();

protected:
    void showEvent(QShowEvent *event) override;

private:
    // One card of the row at the top: a title, a large value, a detail line.
    struct Card
    {
        QFrame *frame = nullptr;
        QLabel *value = nullptr;
        QLabel *detail = nullptr;
    };
    Card addCard(const QString &title);
    void refreshWeight();
    void refreshFood();
    void refreshDoses();
    void refreshGoals();

    LocalStore *m_store;
    QUndoStack *m_undo;
    UnitSystem m_units = UnitSystem::Metric;
    QLabel *m_heading;
    QListWidget *m_logged;
    QLabel *m_latest;
    DueDosesPanel *m_doses;
    QWidget *m_cardRow;
    Card m_weightCard;
    Sparkline *m_weightLine;
    Card m_foodCard;
    Card m_dosesCard;
    Card m_goalsCard;
    Card m_syncCard;
    QTimer *m_refreshTimer;
    QWidget *m_welcome;
    bool m_welcomeDone = false; // something was logged: no welcome any more
};

} // namespace hale
