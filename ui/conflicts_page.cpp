#include "ui/conflicts_page.h"

#include "ui/palette_icons.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hale {

namespace {

QTableWidget *makeTable(const QStringList &headers, const QString &name, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setAccessibleName(name);
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    return table;
}

QString timeOf(const sync::HlcStamp &stamp)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(stamp.millis).toLocalTime(),
                              QLocale::ShortFormat);
}

} // namespace

ConflictsPage::ConflictsPage(LocalStore *store, QWidget *parent) : QWidget(parent), m_store(store)
{
    setAccessibleName(tr("Conflicts"));
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_conflicts = makeTable({tr("Kind"), tr("Entry"), tr("Field"), tr("Mine"), tr("Theirs"),
                             tr("My edit"), tr("Their edit")},
                            tr("Edits that lost to another device"), this);
    m_restore = new QPushButton(tr("&Restore mine"), this);
    setPaletteIcon(m_restore, QStringLiteral("restore"));
    m_restore->setToolTip(tr("Writes your value again, as a new edit that syncs."));
    m_dismiss = new QPushButton(tr("&Dismiss"), this);
    m_dismiss->setToolTip(tr("Keeps their value and removes this entry from the list."));
    // Changes the server refused, and (an end-to-end encrypted account's)
    // pulled changes this device did not open or accept.
    auto *refusedLabel = new QLabel(tr("Changes set aside"), this);
    m_refused = makeTable({tr("Kind"), tr("Entry"), tr("Reason")}, tr("Changes set aside"), this);
    refusedLabel->setBuddy(m_refused);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restore);
    buttons->addWidget(m_dismiss);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_conflicts, 2);
    layout->addLayout(buttons);
    layout->addWidget(refusedLabel);
    layout->addWidget(m_refused, 1);
    connect(m_conflicts, &QTableWidget::itemSelectionChanged, this, &ConflictsPage::updateButtons);
    connect(m_restore, &QPushButton::clicked, this, &ConflictsPage::restoreSelected);
    connect(m_dismiss, &QPushButton::clicked, this, &ConflictsPage::dismissSelected);
    connect(m_store, &LocalStore::recordsChanged, this, &ConflictsPage::reload);
    reload();
}

QString ConflictsPage::entryTitle(const QString &kind, const QString &id) const
{
    const KindSpec *spec = SchemaRegistry::instance().kind(kind);
    const FieldSpec *titleField = spec ? spec->field(spec->titleField) : nullptr;
    // A deleted entry (hidden from every view) is named from its stored state.
    const std::optional<sync::RecordState> state = m_store->state(kind, id);
    if (!titleField || !state)
        return id.left(8);
    const QVariant title =
        schema::fromJson(*titleField, state->fields.value(spec->titleField).value).value;
    if (title.typeId() == QMetaType::QDateTime)
        return QLocale().toString(title.toDateTime().toLocalTime(), QLocale::ShortFormat);
    return title.toString().left(60);
}

void ConflictsPage::reload()
{
    m_list = m_store->conflicts();
    m_conflicts->setRowCount(int(m_list.size()));
    for (int row = 0; row < m_list.size(); ++row) {
        const Conflict &c = m_list.at(row);
        const KindSpec *kind = SchemaRegistry::instance().kind(c.kind);
        const FieldSpec *field = kind ? kind->field(c.lost.field) : nullptr;
        auto shown = [&](const QJsonValue &v) {
            if (v.isNull() || v.isUndefined())
                return tr("(empty)");
            QString text = v.toVariant().toString();
            if (field && !field->unit.isEmpty())
                text += QLatin1Char(' ') + field->unit;
            return text;
        };
        QString fieldName = field ? field->displayLabel() : c.lost.field;
        if (!c.lost.element.isEmpty())
            fieldName += QStringLiteral(": ") + c.lost.element;
        const bool deletion = c.lost.field == LocalStore::kDeletedField;
        if (deletion)
            fieldName = tr("The whole entry");
        const QStringList cells{kind ? kind->displaySingular() : c.kind,
                                entryTitle(c.kind, c.recordId),
                                fieldName,
                                deletion ? tr("Kept, with your edit") : shown(c.lost.mine),
                                deletion ? tr("Deleted") : shown(c.lost.theirs),
                                timeOf(c.lost.mineStamp),
                                timeOf(c.lost.theirsStamp)};
        for (int column = 0; column < cells.size(); ++column)
            m_conflicts->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    const QList<RejectedChange> refused = m_store->rejectedChanges();
    m_refused->setRowCount(int(refused.size()));
    for (int row = 0; row < refused.size(); ++row) {
        const RejectedChange &r = refused.at(row);
        const KindSpec *kind = SchemaRegistry::instance().kind(r.kind);
        const QString reason = r.pulled ? tr("From the server, not applied here: %1").arg(r.reason)
                                        : tr("Refused by the server: %1").arg(r.reason);
        const QStringList cells{kind ? kind->displaySingular() : r.kind,
                                entryTitle(r.kind, r.recordId), reason};
        for (int column = 0; column < cells.size(); ++column)
            m_refused->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_note->setText(m_list.isEmpty()
                        ? tr("No conflicts: no edit made here was overwritten by another device.")
                        : tr("These edits made on this device were overwritten, or hidden by a "
                             "deletion, by a change made at the same time on another device."));
    updateButtons();
    emit countChanged(int(m_list.size()));
}

void ConflictsPage::updateButtons()
{
    const int row = m_conflicts->currentRow();
    const bool chosen = !m_conflicts->selectedItems().isEmpty() && row >= 0;
    // An element of a set or a map is restored by editing the entry itself.
    m_restore->setEnabled(chosen && m_list.at(row).lost.element.isEmpty());
    m_dismiss->setEnabled(chosen);
}

void ConflictsPage::restoreSelected()
{
    const int row = m_conflicts->currentRow();
    if (row < 0 || row >= m_list.size())
        return;
    const Conflict c = m_list.at(row);
    WriteResult written;
    if (c.lost.field == LocalStore::kDeletedField) {
        // Another device deleted what was edited here: bring the entry back.
        written = m_store->restore(c.kind, c.recordId);
    } else {
        const KindSpec *kind = SchemaRegistry::instance().kind(c.kind);
        const FieldSpec *field = kind ? kind->field(c.lost.field) : nullptr;
        if (!field)
            return;
        const schema::Coerced value = schema::fromJson(*field, c.lost.mine);
        written = value.ok() ? m_store->update(c.kind, c.recordId, {{field->name, value.value}})
                             : WriteResult{c.recordId, {}, value.error};
    }
    if (!written.ok()) {
        const QString why =
            !written.message.isEmpty() ? written.message : written.errors.first().message;
        QMessageBox::warning(this, tr("Restore mine"),
                             tr("Your value was not restored: %1").arg(why));
        return;
    }
    m_store->dismissConflict(c.id);
    reload();
}

void ConflictsPage::dismissSelected()
{
    const int row = m_conflicts->currentRow();
    if (row < 0 || row >= m_list.size())
        return;
    m_store->dismissConflict(m_list.at(row).id);
    reload();
}

} // namespace hale
