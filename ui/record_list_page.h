#pragma once

#include "models/record_table_model.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QUndoStack;

namespace hale {

// One kind's screen: a sortable, searchable, date-filtered table over the
// store, with add, edit and undoable delete. A detail widget (a chart, the
// due doses) can sit below the table.
class RecordListPage : public QWidget
{
    Q_OBJECT

public:
    RecordListPage(LocalStore *store, const QString &kind, QUndoStack *undo,
                   QWidget *parent = nullptr);

    RecordTableModel *model() const { return m_model; }
    // The selected entry's id, or empty.
    QString selectedId() const;
    QTableView *view() const { return m_view; }
    void setDetailWidget(QWidget *widget);
    void setUnitSystem(UnitSystem system);
    // For a page inside another (the measures under their values): its
    // buttons leave the Alt letters to the outer page's.
    void dropAltLetters();
    // Asked before a new entry's dialog opens: its initial values (a
    // default), or nothing to open no dialog.
    using NewEntryStart = std::function<std::optional<QVariantMap>()>;
    void setNewEntryStart(NewEntryStart start) { m_newEntryStart = std::move(start); }

    // The selected date range (null ends = unbounded), for charts to follow.
    QDateTime rangeFrom() const { return m_from; }
    QDateTime rangeTo() const { return m_to; }

public slots:
    // The new record's id, or empty when the person cancelled.
    QString newEntry();
    void editSelected();
    void deleteSelected();
    void focusSearch();

signals:
    void rangeChanged(const QDateTime &from, const QDateTime &to);

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void applyRange();
    // Sizes the columns to their header and to the rows loaded, once, when
    // the first rows arrive (a person's own widths are kept after that).
    void fitColumns();
    void updateCount();
    void updateActions();
    // Shows the editor; true once `save` accepted the values.
    bool runEditor(const QVariantMap &initial,
                   const std::function<WriteResult(const QVariantMap &)> &save);

    LocalStore *m_store;
    QUndoStack *m_undo;
    RecordTableModel *m_model;
    QTableView *m_view;
    QSplitter *m_splitter;
    QComboBox *m_range;
    QDateEdit *m_fromEdit;
    QDateEdit *m_toEdit;
    QLineEdit *m_search;
    QPushButton *m_newButton;
    QPushButton *m_editButton;
    QPushButton *m_deleteButton;
    QLabel *m_count;
    QDateTime m_from;
    QDateTime m_to;
    bool m_columnsFitted = false;
    NewEntryStart m_newEntryStart;
};

} // namespace hale
