#pragma once

#include "models/local_store.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace hale {

// Edits made on this device that lost to a concurrent edit from another
// device (kind, entry, field, both values, both times), with "Restore mine",
// which writes this device's value again as a new edit that syncs, and
// "Dismiss". Below them, changes the server refused, with its reason.
class ConflictsPage : public QWidget
{
    Q_OBJECT

public:
    ConflictsPage(LocalStore *store, QWidget *parent = nullptr);

    QTableWidget *conflictsTable() const { return m_conflicts; }
    QTableWidget *refusedTable() const { return m_refused; }

public slots:
    void reload();
    void restoreSelected();
    void dismissSelected();

signals:
    // How many conflicts are listed (for the navigation's label).
    void countChanged(int count);

private:
    void updateButtons();
    QString entryTitle(const QString &kind, const QString &id) const;

    LocalStore *m_store;
    QList<Conflict> m_list;
    QLabel *m_note;
    QTableWidget *m_conflicts;
    QTableWidget *m_refused;
    QPushButton *m_restore;
    QPushButton *m_dismiss;
};

} // namespace hale
