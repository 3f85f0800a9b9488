#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QAbstractTableModel>
#include <QHash>

namespace hale {

// A stored value as a table cell shows it: local time, the chosen units, the
// first line of long text. (References need the store: see displayText.)
QString formatValue(const FieldSpec &field, const QVariant &value, UnitSystem units);

// The rows of one kind, straight from SQL: sorting, the date range and the
// search run in the database, and rows arrive a page at a time as the view
// scrolls (canFetchMore/fetchMore), so 100,000 records open instantly.
class RecordTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1, // the record's UUID
        RawValueRole,              // the stored (SI) value
    };
    static constexpr int kPageSize = 200;

    RecordTableModel(LocalStore *store, const QString &kind, QObject *parent = nullptr);

    const KindSpec &kind() const { return m_kind; }
    QString idAt(int row) const;
    std::optional<Record> recordAt(int row) const;
    int rowOf(const QString &id) const;
    // Rows matching the current filter, loaded or not.
    int matchingCount() const;

    void setDateRange(const QDateTime &from, const QDateTime &to);
    void setSearch(const QString &text);
    void setUnitSystem(UnitSystem system);
    UnitSystem unitSystem() const { return m_units; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // `record`, if given, is the row the value belongs to: a value whose
    // unit another record defines (a measurement's) shows with that unit.
    QString displayText(const FieldSpec &field, const QVariant &value,
                        const Record *record = nullptr) const;

public slots:
    void reload();

private:
    QList<Record> loadPage(int offset, int limit) const;
    const std::optional<Record> &referenced(const FieldSpec &field, const QString &id) const;
    QString referenceTitle(const FieldSpec &field, const QString &id) const;

    LocalStore *m_store;
    const KindSpec &m_kind;
    RecordFilter m_filter;
    UnitSystem m_units = UnitSystem::Metric;
    QList<Record> m_rows;
    bool m_hasMore = false;
    // Referenced records (a dose's medication), read once per reload.
    mutable QHash<QString, std::optional<Record>> m_referenced;
};

} // namespace hale
