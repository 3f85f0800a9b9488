#include "ui/recently_deleted_page.h"

#include "models/record_table_model.h"
#include "ui/palette_icons.h"
#include "ui/record_commands.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

namespace hale {

namespace {

enum Column { DeletedAt, Kind, Entry };
constexpr int kKindRole = Qt::UserRole;
constexpr int kIdRole = Qt::UserRole + 1;

// What names an entry to a person: its time, and its title or first values.
QString describe(const KindSpec &kind, const Record &rec, UnitSystem units)
{
    QStringList parts;
    for (const FieldSpec &field : kind.fields) {
        const QVariant value = rec.value(field.name);
        if (value.isNull() || field.name == QLatin1String("notes"))
            continue;
        const bool key = field.name == kind.timeField || field.name == kind.titleField;
        if (!key && parts.size() >= 3)
            continue;
        QString text = formatValue(field, value, units);
        if (field.isNumeric() && !field.unit.isEmpty())
            text += QLatin1Char(' ') + units::displayUnit(field.unit, units);
        parts << (field.isNumeric() ? field.displayLabel() + QLatin1Char(' ') + text : text);
    }
    return parts.join(QStringLiteral(" · "));
}

} // namespace

RecentlyDeletedPage::RecentlyDeletedPage(LocalStore *store, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_store(store), m_undo(undo), m_refreshTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("recently_deleted_page"));
    setAccessibleName(tr("Recently deleted"));
    auto *note = new QLabel(tr("Entries deleted in the last %1 days, on this computer or on your "
                               "other devices. Restoring one brings it back everywhere.")
                                .arg(kDays),
                            this);
    note->setWordWrap(true);
    m_list = new QTreeWidget(this);
    m_list->setAccessibleName(tr("Deleted entries"));
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setHeaderLabels({tr("Deleted"), tr("Kind"), tr("Entry")});
    m_list->header()->setSectionResizeMode(DeletedAt, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(Kind, QHeaderView::ResizeToContents);
    m_restore = new QPushButton(tr("&Restore"), this);
    m_restore->setAccessibleName(tr("Restore the selected entries"));
    m_restore->setEnabled(false);
    setPaletteIcon(m_restore, QStringLiteral("restore"));
    m_feedback = new QLabel(this);
    m_feedback->setAccessibleName(tr("Restore result"));
    m_feedback->setWordWrap(true);
    m_feedback->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restore);
    buttons->addWidget(m_feedback, 1);
    buttons->addStretch(); // the button keeps its size while the note is hidden
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_restore, &QPushButton::clicked, this, &RecentlyDeletedPage::restoreSelected);
    connect(m_list, &QTreeWidget::itemActivated, this, &RecentlyDeletedPage::restoreSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this,
            [this] { m_restore->setEnabled(!m_list->selectedItems().isEmpty()); });
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(200);
    connect(m_refreshTimer, &QTimer::timeout, this, &RecentlyDeletedPage::refresh);
    connect(store, &LocalStore::recordsChanged, this, [this] {
        if (isVisible())
            m_refreshTimer->start();
    });
}

void RecentlyDeletedPage::setUnitSystem(UnitSystem system)
{
    m_units = system;
    if (isVisible())
        refresh();
}

void RecentlyDeletedPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void RecentlyDeletedPage::refresh()
{
    const QString current =
        m_list->currentItem() ? m_list->currentItem()->data(Kind, kIdRole).toString() : QString();
    m_list->clear();
    const QDateTime since = QDateTime::currentDateTimeUtc().addDays(-kDays);
    QList<Record> deleted;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds())
        deleted << m_store->deletedSince(kind.name, since);
    std::sort(deleted.begin(), deleted.end(),
              [](const Record &a, const Record &b) { return a.updatedAt > b.updatedAt; });
    const QLocale locale;
    for (const Record &rec : deleted) {
        const KindSpec &kind = *SchemaRegistry::instance().kind(rec.kind);
        auto *item = new QTreeWidgetItem(
            m_list, {locale.toString(rec.updatedAt.toLocalTime(), QLocale::ShortFormat),
                     kind.displaySingular(), describe(kind, rec, m_units)});
        item->setData(Kind, kKindRole, rec.kind);
        item->setData(Kind, kIdRole, rec.id);
        if (rec.id == current)
            m_list->setCurrentItem(item);
    }
    if (deleted.isEmpty()) {
        auto *none = new QTreeWidgetItem(m_list, {QString(), QString(), tr("Nothing deleted.")});
        none->setFlags(Qt::ItemIsEnabled); // read as text, never selected
    }
    m_restore->setEnabled(!m_list->selectedItems().isEmpty());
}

void RecentlyDeletedPage::restoreSelected()
{
    QStringList failed;
    int restored = 0;
    const QList<QTreeWidgetItem *> chosen = m_list->selectedItems();
    if (chosen.size() > 1)
        m_undo->beginMacro(tr("Restore %n entries", nullptr, static_cast<int>(chosen.size())));
    for (const QTreeWidgetItem *item : chosen) {
        const QString kind = item->data(Kind, kKindRole).toString();
        const QString id = item->data(Kind, kIdRole).toString();
        const WriteResult r = m_store->restore(kind, id);
        if (r.ok()) {
            m_undo->push(new RestoreRecordCommand(m_store, kind, id));
            ++restored;
        } else {
            failed << r.message;
        }
    }
    if (chosen.size() > 1)
        m_undo->endMacro();
    m_feedback->setVisible(restored > 0 || !failed.isEmpty());
    m_feedback->setText(failed.isEmpty() ? tr("Restored %n entries.", nullptr, restored)
                                         : failed.join(QLatin1Char(' ')));
    refresh();
}

} // namespace hale
