#include "models/record_table_model.h"

#include "models/own_measures.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace hale {

namespace {
// After an edit the loaded rows are read again; past this many, the view
// starts over from the top rather than stall on a huge reload.
constexpr int kMaxReloadRows = 5000;
constexpr int kMaxCellTextLength = 80;
} // namespace

RecordTableModel::RecordTableModel(LocalStore *store, const QString &kind, QObject *parent)
    : QAbstractTableModel(parent), m_store(store), m_kind(*SchemaRegistry::instance().kind(kind))
{
    m_filter.orderBy = m_kind.timeField;
    m_filter.descending = true;
    connect(m_store, &LocalStore::recordsChanged, this, [this](const QString &changed) {
        // A referenced record's title or unit shows in this kind's rows.
        const bool referenced =
            std::any_of(m_kind.fields.cbegin(), m_kind.fields.cend(),
                        [&changed](const FieldSpec &field) { return field.refKind == changed; });
        if (changed == m_kind.name || referenced)
            reload();
    });
    reload();
}

QList<Record> RecordTableModel::loadPage(int offset, int limit) const
{
    RecordFilter page = m_filter;
    page.offset = offset;
    page.limit = limit;
    return m_store->records(m_kind.name, page);
}

void RecordTableModel::reload()
{
    const int keep = std::clamp(int(m_rows.size()), kPageSize, kMaxReloadRows);
    beginResetModel();
    m_referenced.clear();
    m_rows = loadPage(0, keep);
    // Listeners of modelReset must not re-enter fetchMore mid-reset; views
    // ask again once the reset has finished.
    m_hasMore = false;
    endResetModel();
    m_hasMore = m_rows.size() == keep;
}

void RecordTableModel::setDateRange(const QDateTime &from, const QDateTime &to)
{
    m_filter.from = from;
    m_filter.to = to;
    m_rows.clear();
    reload();
}

void RecordTableModel::setSearch(const QString &text)
{
    if (m_filter.search == text)
        return;
    m_filter.search = text;
    m_rows.clear();
    reload();
}

void RecordTableModel::setUnitSystem(UnitSystem system)
{
    if (m_units == system)
        return;
    m_units = system;
    emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int RecordTableModel::matchingCount() const
{
    return m_store->count(m_kind.name, m_filter);
}

QString RecordTableModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

std::optional<Record> RecordTableModel::recordAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return std::nullopt;
    return m_rows.at(row);
}

int RecordTableModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

int RecordTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RecordTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_kind.fields.size());
}

bool RecordTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore;
}

void RecordTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_hasMore)
        return;
    const QList<Record> page = loadPage(int(m_rows.size()), kPageSize);
    if (page.isEmpty()) {
        m_hasMore = false;
        return;
    }
    // No nested fetch while listeners react to the insertion.
    m_hasMore = false;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.size() - 1));
    m_rows.append(page);
    endInsertRows();
    m_hasMore = page.size() == kPageSize;
}

void RecordTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= m_kind.fields.size())
        return;
    m_filter.orderBy = m_kind.fields.at(column).name;
    m_filter.descending = order == Qt::DescendingOrder;
    m_rows.clear();
    reload();
}

const std::optional<Record> &RecordTableModel::referenced(const FieldSpec &field,
                                                          const QString &id) const
{
    auto it = m_referenced.find(id);
    if (it == m_referenced.end())
        it = m_referenced.insert(id, m_store->record(field.refKind, id));
    return *it;
}

QString RecordTableModel::referenceTitle(const FieldSpec &field, const QString &id) const
{
    const std::optional<Record> &rec = referenced(field, id);
    const KindSpec *target = SchemaRegistry::instance().kind(field.refKind);
    return rec && target ? rec->value(target->titleField).toString() : tr("(unknown)");
}

QString formatValue(const FieldSpec &field, const QVariant &value, UnitSystem system)
{
    if (value.isNull() || !value.isValid())
        return {};
    const QLocale locale;
    switch (field.type) {
    case FieldType::DateTime:
        return locale.toString(value.toDateTime().toLocalTime(), QLocale::ShortFormat);
    case FieldType::Date:
        return locale.toString(value.toDate(), QLocale::ShortFormat);
    case FieldType::Integer:
        return locale.toString(value.toLongLong());
    case FieldType::Real: {
        const double v = units::toDisplay(value.toDouble(), field.unit, system);
        return locale.toString(v, 'f', v == std::floor(v) ? 0 : 1);
    }
    case FieldType::Enum:
        return field.choiceLabel(value.toString());
    case FieldType::StringSet:
    case FieldType::TimeSet:
        return value.toStringList().join(QStringLiteral(", "));
    case FieldType::Measurements: {
        QStringList parts;
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            parts << it.key() + QLatin1Char(' ') +
                         units::format(it.value().toDouble(), field.unit, system);
        return parts.join(QStringLiteral(", "));
    }
    case FieldType::Text:
    case FieldType::LongText: {
        QString s = value.toString().section(QLatin1Char('\n'), 0, 0);
        if (s.size() > kMaxCellTextLength)
            s = s.left(kMaxCellTextLength - 1) + QChar(0x2026);
        return s;
    }
    case FieldType::Reference:
        break;
    }
    return value.toString();
}

QString RecordTableModel::displayText(const FieldSpec &field, const QVariant &value,
                                      const Record *record) const
{
    if (field.type == FieldType::Reference && !value.isNull())
        return referenceTitle(field, value.toString());
    const FieldSpec *definedBy = record ? m_kind.field(field.definedBy) : nullptr;
    if (definedBy && !value.isNull()) {
        // In the unit the person chose for the measure, as precise as typed.
        const std::optional<Record> &definition =
            referenced(*definedBy, record->value(definedBy->name).toString());
        return own_measures::format(
            value.toDouble(),
            definition ? definition->value(QStringLiteral("unit")).toString() : QString());
    }
    return formatValue(field, value, m_units);
}

QVariant RecordTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= m_kind.fields.size())
        return {};
    const Record &rec = m_rows.at(index.row());
    const FieldSpec &field = m_kind.fields.at(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(field, rec.value(field.name), &rec);
    case Qt::ToolTipRole:
        return field.type == FieldType::LongText ? rec.value(field.name) : QVariant();
    case Qt::TextAlignmentRole:
        return field.isNumeric() ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case IdRole:
        return rec.id;
    case RawValueRole:
        return rec.value(field.name);
    default:
        return {};
    }
}

QVariant RecordTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_kind.fields.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    const FieldSpec &field = m_kind.fields.at(section);
    if (role == Qt::DisplayRole) {
        const QString unit = units::displayUnit(field.unit, m_units);
        return unit.isEmpty() || field.type == FieldType::Measurements
                   ? field.displayLabel()
                   : QStringLiteral("%1 (%2)").arg(field.displayLabel(), unit);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace hale
