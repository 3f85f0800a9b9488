#include "ui/record_list_page.h"

#include "ui/palette_icons.h"
#include "ui/record_commands.h"
#include "ui/record_editor_dialog.h"

#include <QComboBox>
#include <QDateEdit>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

namespace hale {

namespace {
enum RangePreset { AllTime, Last7, Last30, Last90, Last365, Custom };

QString errorSummary(const WriteResult &r, const KindSpec &kind)
{
    if (!r.message.isEmpty())
        return r.message;
    QStringList lines;
    for (const FieldError &e : r.errors) {
        const FieldSpec *f = kind.field(e.field);
        lines << QStringLiteral("%1 %2").arg(f ? f->displayLabel() : e.field, e.message);
    }
    return lines.join(QLatin1Char('\n'));
}
} // namespace

RecordListPage::RecordListPage(LocalStore *store, const QString &kind, QUndoStack *undo,
                               QWidget *parent)
    : QWidget(parent), m_store(store), m_undo(undo),
      m_model(new RecordTableModel(store, kind, this))
{
    const KindSpec &spec = m_model->kind();
    setObjectName(kind + QStringLiteral("_page"));
    setAccessibleName(spec.displayLabel());

    m_newButton = new QPushButton(tr("&New %1").arg(spec.displaySingular()), this);
    m_newButton->setAccessibleName(tr("New %1").arg(spec.displaySingular()));
    m_newButton->setToolTip(tr("Add an entry (Ctrl+N)"));
    setPaletteIcon(m_newButton, QStringLiteral("add"));
    m_editButton = new QPushButton(tr("&Edit"), this);
    m_editButton->setAccessibleName(tr("Edit"));
    setPaletteIcon(m_editButton, QStringLiteral("edit"));
    m_deleteButton = new QPushButton(tr("&Delete"), this);
    m_deleteButton->setAccessibleName(tr("Delete"));
    setPaletteIcon(m_deleteButton, QStringLiteral("deleted"));
    m_deleteButton->setToolTip(tr("Delete the selected entry (Delete); Ctrl+Z brings it back"));

    m_range = new QComboBox(this);
    m_range->setAccessibleName(tr("Date range"));
    m_range->addItem(tr("All dates"), AllTime);
    m_range->addItem(tr("Last 7 days"), Last7);
    m_range->addItem(tr("Last 30 days"), Last30);
    m_range->addItem(tr("Last 90 days"), Last90);
    m_range->addItem(tr("Last 12 months"), Last365);
    m_range->addItem(tr("Custom range"), Custom);
    m_fromEdit = new QDateEdit(QDate::currentDate().addMonths(-1), this);
    m_fromEdit->setAccessibleName(tr("From date"));
    m_fromEdit->setCalendarPopup(true);
    m_toEdit = new QDateEdit(QDate::currentDate(), this);
    m_toEdit->setAccessibleName(tr("To date"));
    m_toEdit->setCalendarPopup(true);
    m_fromEdit->setEnabled(false);
    m_toEdit->setEnabled(false);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search %1").arg(spec.displayLabel()));
    m_search->setClearButtonEnabled(true);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_newButton);
    toolbar->addWidget(m_editButton);
    toolbar->addWidget(m_deleteButton);
    toolbar->addSpacing(16);
    toolbar->addWidget(m_range);
    toolbar->addWidget(m_fromEdit);
    toolbar->addWidget(m_toEdit);
    toolbar->addStretch(1);
    toolbar->addWidget(m_search, 1);

    m_view = new QTableView(this);
    m_view->setObjectName(kind + QStringLiteral("_table"));
    m_view->setAccessibleName(tr("%1 table").arg(spec.displayLabel()));
    m_view->setModel(m_model);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(spec.indexOf(spec.timeField), Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Wide enough for the header (which carries the unit) and typical values.
    const QFontMetrics metrics = m_view->horizontalHeader()->fontMetrics();
    for (int c = 0; c < spec.fields.size(); ++c) {
        const int header =
            metrics.horizontalAdvance(m_model->headerData(c, Qt::Horizontal).toString()) + 24;
        const int content = spec.fields.at(c).type == FieldType::DateTime ? 150 : 90;
        m_view->setColumnWidth(c, std::max(header, content));
    }

    m_count = new QLabel(this);
    m_count->setAccessibleName(tr("Entry count"));

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_view);
    m_splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_count);

    connect(m_newButton, &QPushButton::clicked, this, &RecordListPage::newEntry);
    connect(m_editButton, &QPushButton::clicked, this, &RecordListPage::editSelected);
    connect(m_deleteButton, &QPushButton::clicked, this, &RecordListPage::deleteSelected);
    connect(m_view, &QTableView::activated, this, &RecordListPage::editSelected);
    connect(m_range, &QComboBox::currentIndexChanged, this, &RecordListPage::applyRange);
    connect(m_fromEdit, &QDateEdit::dateChanged, this, &RecordListPage::applyRange);
    connect(m_toEdit, &QDateEdit::dateChanged, this, &RecordListPage::applyRange);

    // Search as you type, but not a query per keystroke.
    auto *searchDelay = new QTimer(this);
    searchDelay->setSingleShot(true);
    searchDelay->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, searchDelay, qOverload<>(&QTimer::start));
    connect(searchDelay, &QTimer::timeout, this, [this] { m_model->setSearch(m_search->text()); });

    connect(m_model, &QAbstractItemModel::modelReset, this, &RecordListPage::fitColumns);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RecordListPage::fitColumns);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RecordListPage::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RecordListPage::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RecordListPage::updateActions);
    updateCount();
    updateActions();
}

void RecordListPage::setDetailWidget(QWidget *widget)
{
    m_splitter->addWidget(widget);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
}

void RecordListPage::dropAltLetters()
{
    for (QPushButton *button : {m_newButton, m_editButton, m_deleteButton}) {
        button->setText(button->text().remove(QLatin1Char('&')));
        button->setToolTip({});
    }
}

void RecordListPage::setUnitSystem(UnitSystem system)
{
    m_model->setUnitSystem(system);
}

void RecordListPage::applyRange()
{
    const int preset = m_range->currentData().toInt();
    m_fromEdit->setEnabled(preset == Custom);
    m_toEdit->setEnabled(preset == Custom);
    const QDate today = QDate::currentDate();
    QDate from;
    QDate to;
    switch (preset) {
    case Last7:
        from = today.addDays(-6);
        break;
    case Last30:
        from = today.addDays(-29);
        break;
    case Last90:
        from = today.addDays(-89);
        break;
    case Last365:
        from = today.addYears(-1).addDays(1);
        break;
    case Custom:
        from = m_fromEdit->date();
        to = m_toEdit->date().addDays(1);
        break;
    default:
        break;
    }
    // Whole local days: midnight to midnight in the person's time zone.
    m_from = from.isValid() ? from.startOfDay() : QDateTime();
    m_to = to.isValid() ? to.startOfDay() : QDateTime();
    m_model->setDateRange(m_from, m_to);
    emit rangeChanged(m_from, m_to);
}

void RecordListPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    fitColumns();
}

void RecordListPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A desktop theme may set its font only once the window is shown;
    // widths measured in another font would cut the text.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        m_columnsFitted = false;
        fitColumns();
    }
}

void RecordListPage::fitColumns()
{
    // Measured on screen, in the font the table is drawn in.
    if (m_columnsFitted || m_model->rowCount() == 0 || !m_view->isVisible())
        return;
    m_columnsFitted = true;
    // Long free text (notes) would take the whole width: a column gets at
    // most about 48 characters' worth; what is left goes to the last one.
    const int widest = m_view->fontMetrics().averageCharWidth() * 48;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const int before = m_view->columnWidth(c); // fits the header and its unit
        m_view->resizeColumnToContents(c);
        m_view->setColumnWidth(c, std::min(std::max(before, m_view->columnWidth(c)), widest));
    }
}

void RecordListPage::updateCount()
{
    m_count->setText(tr("%n entries", nullptr, m_model->matchingCount()));
}

void RecordListPage::updateActions()
{
    const bool hasSelection = !selectedId().isEmpty();
    m_editButton->setEnabled(hasSelection);
    m_deleteButton->setEnabled(hasSelection);
}

QString RecordListPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->idAt(rows.first().row());
}

bool RecordListPage::runEditor(const QVariantMap &initial,
                               const std::function<WriteResult(const QVariantMap &)> &save)
{
    const KindSpec &kind = m_model->kind();
    RecordEditorDialog dialog(m_store, kind, m_model->unitSystem(), initial, this);
    // Until the person cancels or the store takes the values: a refusal keeps
    // the dialog open with the store's messages beside the fields.
    while (dialog.exec() == QDialog::Accepted) {
        const WriteResult r = save(dialog.values());
        if (r.ok())
            return true;
        dialog.showErrors(r.errors);
        if (!r.message.isEmpty())
            QMessageBox::warning(this, tr("Not saved"), errorSummary(r, kind));
    }
    return false;
}

QString RecordListPage::newEntry()
{
    const QString kind = m_model->kind().name;
    const std::optional<QVariantMap> initial =
        m_newEntryStart ? m_newEntryStart() : std::optional<QVariantMap>(QVariantMap());
    if (!initial)
        return {};
    QString id;
    const bool saved = runEditor(*initial, [&](const QVariantMap &values) {
        WriteResult r = m_store->create(kind, values);
        id = r.id;
        return r;
    });
    if (!saved)
        return {};
    m_undo->push(new CreateRecordCommand(m_store, kind, id));
    if (const int row = m_model->rowOf(id); row >= 0)
        m_view->selectRow(row);
    return id;
}

void RecordListPage::editSelected()
{
    const KindSpec &kind = m_model->kind();
    const QString id = selectedId();
    const auto current = m_store->record(kind.name, id);
    if (!current)
        return;
    QVariantMap before;
    for (const FieldSpec &field : kind.fields)
        before.insert(field.name, current->value(field.name)); // nulls too, for undo
    QVariantMap after;
    const bool saved = runEditor(current->values, [&](const QVariantMap &values) {
        after = values;
        return m_store->update(kind.name, id, values);
    });
    if (saved)
        m_undo->push(new EditRecordCommand(m_store, kind.name, id, before, after));
}

void RecordListPage::deleteSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const int row = m_view->currentIndex().row();
    const WriteResult r = m_store->remove(m_model->kind().name, id);
    if (!r.ok()) {
        QMessageBox::warning(this, tr("Not deleted"), r.message);
        return;
    }
    m_undo->push(new DeleteRecordCommand(m_store, m_model->kind().name, id));
    if (m_model->rowCount() > 0)
        m_view->selectRow(std::min(row, m_model->rowCount() - 1));
}

void RecordListPage::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace hale
