#pragma once

#include "models/health_report.h"
#include "models/units.h"

#include <QDialog>

class QCheckBox;
class QDateEdit;
class QLabel;

namespace hale {

// File → Report…: a date range, whether to add the journal's notes, and the
// report saved as a PDF or printed.
class ReportDialog : public QDialog
{
    Q_OBJECT

public:
    ReportDialog(const LocalStore *store, UnitSystem units, const QString &folder,
                 QWidget *parent = nullptr);

    void savePdf();
    void print();
    // What the last save or print did, as the dialog says it.
    QString outcome() const;

private:
    report::Options options() const;

    const LocalStore *m_store;
    UnitSystem m_units;
    QString m_folder;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QCheckBox *m_journal;
    QLabel *m_outcome;
};

} // namespace hale
