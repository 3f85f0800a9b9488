#pragma once

#include "models/medication_schedule.h"

#include <QWidget>

class QLabel;
class QUndoStack;
class QVBoxLayout;

namespace hale {

class RecordListPage;

// Today's due doses with Take/Skip buttons and the 30-day adherence; sits
// under the medication list. Shared by the Medications and Today screens.
class DueDosesPanel : public QWidget
{
    Q_OBJECT

public:
    DueDosesPanel(LocalStore *store, QUndoStack *undo, QWidget *parent = nullptr);

public slots:
    void refresh();

private:
    void log(const medication::ScheduledDose &dose, const QString &status);

    LocalStore *m_store;
    QUndoStack *m_undo;
    QVBoxLayout *m_rows;
    QLabel *m_adherence;
};

} // namespace hale
