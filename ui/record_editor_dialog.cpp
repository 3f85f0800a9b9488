#include "ui/record_editor_dialog.h"

#include "ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

namespace hale {

namespace {

QString numberText(double v)
{
    return QLocale().toString(v, 'g', 10);
}

// Accepts the person's locale ("72,5") and the C locale ("72.5").
std::optional<double> parseNumber(const QString &text)
{
    bool ok = false;
    double v = QLocale().toDouble(text.trimmed(), &ok);
    if (!ok)
        v = QLocale::c().toDouble(text.trimmed(), &ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

QStringList splitList(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            out << part.trimmed();
    }
    return out;
}

// Tab leaves the field, as it does every other field of the form; a
// QDateTimeEdit would walk its sections (day, month, year, hour...) first,
// and a person typing the next field's value changed the time instead.
// The sections stay reachable with the arrow keys and the mouse.
template <typename Edit> class FieldByField : public Edit
{
public:
    using Edit::Edit;

protected:
    // Past QDateTimeEdit's override on purpose: its section walk is what goes.
    bool focusNextPrevChild(bool next) override
    {
        return QWidget::focusNextPrevChild(next); // NOLINT(bugprone-parent-virtual-call)
    }
};

} // namespace

RecordEditorDialog::RecordEditorDialog(const LocalStore *store, const KindSpec &kind,
                                       UnitSystem units, const QVariantMap &initial,
                                       QWidget *parent)
    : QDialog(parent), m_store(store), m_kind(kind), m_units(units)
{
    // A stored record always has its time; a new one's initial values (a
    // default measure, say) do not.
    const bool editing = initial.contains(kind.timeField);
    setWindowTitle(editing ? tr("Edit %1").arg(kind.displaySingular())
                           : tr("New %1").arg(kind.displaySingular()));
    setAccessibleName(windowTitle());

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    for (const FieldSpec &field : kind.fields) {
        Row row;
        row.field = &field;
        QWidget *editor = createEditor(row);
        row.error = new QLabel(this);
        row.error->setObjectName(QStringLiteral("error_") + field.name);
        row.error->setAccessibleName(tr("%1 error").arg(field.displayLabel()));
        QPalette errorPalette = row.error->palette();
        errorPalette.setColor(QPalette::WindowText, theme::errorText(palette()));
        row.error->setPalette(errorPalette);
        row.error->setWordWrap(true);
        row.error->hide();

        auto *cell = new QWidget(this);
        auto *cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 0, 0);
        cellLayout->setSpacing(2);
        auto *line = new QHBoxLayout;
        if (row.enabler)
            line->addWidget(row.enabler);
        line->addWidget(editor, 1);
        const QString unit = units::displayUnit(field.unit, units);
        if (!unit.isEmpty() || !field.definedBy.isEmpty()) {
            auto *unitLabel = new QLabel(unit, this);
            unitLabel->setBuddy(editor);
            line->addWidget(unitLabel);
            if (!field.definedBy.isEmpty())
                row.unit = unitLabel;
        }
        cellLayout->addLayout(line);
        cellLayout->addWidget(row.error);

        QString label = field.displayLabel();
        if (field.required)
            label += QLatin1Char('*');
        auto *labelWidget = new QLabel(label + QLatin1Char(':'), this);
        labelWidget->setBuddy(editor);
        form->addRow(labelWidget, cell);
        m_rows.append(row);
        setValue(m_rows.last(), initial.value(field.name));
    }

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Save)->setAccessibleName(tr("Save"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RecordEditorDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RecordEditorDialog::reject);

    // The focus starts where people start typing: the field that names the
    // entry, or the first after its time (the time is filled in already).
    for (const Row &row : std::as_const(m_rows)) {
        const QString &name = row.field->name;
        const bool naming = name == kind.titleField && name != kind.timeField;
        if (naming || (kind.titleField == kind.timeField && name != kind.timeField)) {
            row.editor->setFocus(Qt::OtherFocusReason);
            break;
        }
    }

    showDefinitions();

    auto *hint = new QLabel(tr("* required"), this);
    hint->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);
}

QWidget *RecordEditorDialog::createEditor(Row &row)
{
    const FieldSpec &field = *row.field;
    QWidget *editor = nullptr;
    auto onEdit = [this, name = field.name] {
        for (Row &r : m_rows) {
            if (r.field->name == name)
                r.touched = true;
        }
        revalidate(false);
    };
    switch (field.type) {
    case FieldType::LongText: {
        auto *edit = new QPlainTextEdit(this);
        edit->setTabChangesFocus(true);
        edit->setMaximumHeight(field.required ? 140 : 80);
        connect(edit, &QPlainTextEdit::textChanged, this, onEdit);
        editor = edit;
        break;
    }
    case FieldType::DateTime:
    case FieldType::Date: {
        QDateTimeEdit *edit =
            field.type == FieldType::Date
                ? static_cast<QDateTimeEdit *>(
                      new FieldByField<QDateEdit>(QDate::currentDate(), this))
                : new FieldByField<QDateTimeEdit>(QDateTime::currentDateTime(), this);
        edit->setCalendarPopup(true);
        if (field.type == FieldType::DateTime)
            edit->setDisplayFormat(QLocale().dateTimeFormat(QLocale::ShortFormat));
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, onEdit);
        if (!field.required) {
            auto *enabler = new QCheckBox(this);
            enabler->setAccessibleName(tr("Set %1").arg(field.displayLabel()));
            enabler->setToolTip(enabler->accessibleName());
            edit->setEnabled(false);
            connect(enabler, &QCheckBox::toggled, edit, &QWidget::setEnabled);
            connect(enabler, &QCheckBox::toggled, this, onEdit);
            row.enabler = enabler;
        }
        editor = edit;
        break;
    }
    case FieldType::Enum: {
        auto *combo = new QComboBox(this);
        if (!field.required)
            combo->addItem(QString(), QString());
        for (const QString &choice : field.choices)
            combo->addItem(field.choiceLabel(choice), choice);
        connect(combo, &QComboBox::currentIndexChanged, this, onEdit);
        editor = combo;
        break;
    }
    case FieldType::Reference: {
        auto *combo = new QComboBox(this);
        const KindSpec *target = SchemaRegistry::instance().kind(field.refKind);
        RecordFilter all;
        all.orderBy = target->titleField;
        all.descending = false;
        for (const Record &rec : m_store->records(field.refKind, all))
            combo->addItem(rec.value(target->titleField).toString(), rec.id);
        connect(combo, &QComboBox::currentIndexChanged, this, onEdit);
        editor = combo;
        break;
    }
    default: {
        auto *edit = new QLineEdit(this);
        if (field.type == FieldType::TimeSet)
            edit->setPlaceholderText(tr("e.g. 08:00, 20:00"));
        else if (field.type == FieldType::StringSet)
            edit->setPlaceholderText(tr("comma-separated"));
        else if (field.type == FieldType::Measurements)
            edit->setPlaceholderText(tr("e.g. waist=82, hips=98"));
        // A range that only keeps out absurd numbers says nothing to a person.
        else if (field.isNumeric() && field.min && field.max && *field.max - *field.min < 1e8)
            edit->setPlaceholderText(
                tr("%1 to %2")
                    .arg(
                        numberText(std::round(units::toDisplay(*field.min, field.unit, m_units))),
                        numberText(std::round(units::toDisplay(*field.max, field.unit, m_units)))));
        connect(edit, &QLineEdit::textEdited, this, onEdit);
        editor = edit;
        break;
    }
    }
    editor->setObjectName(field.name);
    editor->setAccessibleName(field.displayLabel());
    row.editor = editor;
    return editor;
}

void RecordEditorDialog::setValue(const Row &row, const QVariant &v)
{
    const FieldSpec &field = *row.field;
    if (auto *edit = qobject_cast<QPlainTextEdit *>(row.editor)) {
        edit->setPlainText(v.toString());
    } else if (auto *edit = qobject_cast<QDateTimeEdit *>(row.editor)) {
        if (row.enabler)
            static_cast<QCheckBox *>(row.enabler)->setChecked(v.isValid() && !v.isNull());
        if (field.type == FieldType::Date && v.toDate().isValid())
            edit->setDate(v.toDate());
        else if (v.toDateTime().isValid())
            edit->setDateTime(v.toDateTime().toLocalTime());
    } else if (auto *combo = qobject_cast<QComboBox *>(row.editor)) {
        const int i = combo->findData(v.toString());
        if (i >= 0)
            combo->setCurrentIndex(i);
    } else if (auto *edit = qobject_cast<QLineEdit *>(row.editor)) {
        if (v.isNull() || !v.isValid()) {
            edit->clear();
        } else if (field.isNumeric()) {
            edit->setText(numberText(units::toDisplay(v.toDouble(), field.unit, m_units)));
        } else if (field.type == FieldType::Measurements) {
            QStringList parts;
            const QVariantMap map = v.toMap();
            for (auto it = map.cbegin(); it != map.cend(); ++it)
                parts << it.key() + QLatin1Char('=') +
                             numberText(
                                 units::toDisplay(it.value().toDouble(), field.unit, m_units));
            edit->setText(parts.join(QStringLiteral(", ")));
        } else if (field.type == FieldType::StringSet || field.type == FieldType::TimeSet) {
            edit->setText(v.toStringList().join(QStringLiteral(", ")));
        } else {
            edit->setText(v.toString());
        }
    }
}

// What the editor holds, converted to stored units where it parses; text that
// does not parse is passed on as is so that validation can name the problem.
QVariant RecordEditorDialog::rawValue(const Row &row) const
{
    const FieldSpec &field = *row.field;
    if (auto *edit = qobject_cast<QPlainTextEdit *>(row.editor))
        return edit->toPlainText();
    if (auto *edit = qobject_cast<QDateTimeEdit *>(row.editor)) {
        if (row.enabler && !static_cast<QCheckBox *>(row.enabler)->isChecked())
            return {};
        if (field.type == FieldType::Date)
            return edit->date();
        return edit->dateTime().toUTC();
    }
    if (auto *combo = qobject_cast<QComboBox *>(row.editor))
        return combo->currentData();
    const QString text = static_cast<QLineEdit *>(row.editor)->text().trimmed();
    if (text.isEmpty())
        return {};
    if (field.isNumeric()) {
        const auto number = parseNumber(text);
        return number ? QVariant(units::fromDisplay(*number, field.unit, m_units)) : QVariant(text);
    }
    if (field.type == FieldType::StringSet || field.type == FieldType::TimeSet)
        return splitList(text);
    if (field.type == FieldType::Measurements) {
        QVariantMap map;
        for (const QString &part : splitList(text)) {
            const QString name = part.section(QLatin1Char('='), 0, 0).trimmed();
            const auto number = parseNumber(part.section(QLatin1Char('='), 1));
            if (!number || name.isEmpty())
                map.insert(name.isEmpty() ? part : name, part);
            else
                map.insert(name, units::fromDisplay(*number, field.unit, m_units));
        }
        return map;
    }
    return text;
}

QVariantMap RecordEditorDialog::values() const
{
    QVariantMap out;
    for (const Row &row : m_rows)
        out.insert(row.field->name, rawValue(row));
    return out;
}

void RecordEditorDialog::showDefinitions()
{
    for (const Row &row : std::as_const(m_rows)) {
        if (!row.unit)
            continue;
        const FieldSpec *reference = m_kind.field(row.field->definedBy);
        std::optional<Record> definition;
        for (const Row &other : std::as_const(m_rows)) {
            if (other.field == reference)
                definition = m_store->record(reference->refKind, rawValue(other).toString());
        }
        const auto number = [definition](const char *name) {
            const QVariant v = definition ? definition->value(QLatin1String(name)) : QVariant();
            return v.isNull() ? QString() : numberText(v.toDouble());
        };
        row.unit->setText(definition ? definition->value(QStringLiteral("unit")).toString()
                                     : QString());
        const QString low = number("range_min");
        const QString high = number("range_max");
        auto *edit = static_cast<QLineEdit *>(row.editor);
        if (!low.isEmpty() && !high.isEmpty())
            edit->setPlaceholderText(tr("%1 to %2").arg(low, high));
        else if (!low.isEmpty() || !high.isEmpty())
            edit->setPlaceholderText(low.isEmpty() ? tr("at most %1").arg(high)
                                                   : tr("at least %1").arg(low));
        else
            edit->setPlaceholderText({});
    }
}

void RecordEditorDialog::revalidate(bool showAll)
{
    showDefinitions();
    QHash<QString, QString> messages;
    const QVariantMap current = values();
    for (const FieldError &e : schema::validate(m_kind, current))
        messages.insert(e.field, e.message);
    // The ranges a person chose, once the value is a number at all.
    for (const FieldError &e : m_store->checkDefinedRanges(m_kind, current)) {
        if (!messages.contains(e.field))
            messages.insert(e.field, e.message);
    }
    for (Row &row : m_rows) {
        if (showAll)
            row.touched = true;
        const QString message = row.touched ? messages.value(row.field->name) : QString();
        row.error->setText(message.isEmpty()
                               ? QString()
                               : QStringLiteral("%1 %2").arg(row.field->displayLabel(), message));
        row.error->setVisible(!message.isEmpty());
    }
}

void RecordEditorDialog::showErrors(const QList<FieldError> &errors)
{
    for (Row &row : m_rows) {
        for (const FieldError &e : errors) {
            if (e.field == row.field->name) {
                row.error->setText(
                    QStringLiteral("%1 %2").arg(row.field->displayLabel(), e.message));
                row.error->show();
            }
        }
    }
}

QStringList RecordEditorDialog::fieldsWithErrors() const
{
    QStringList out;
    for (const Row &row : m_rows) {
        if (!row.error->isHidden())
            out << row.field->name;
    }
    return out;
}

void RecordEditorDialog::accept()
{
    revalidate(true);
    if (!fieldsWithErrors().isEmpty()) {
        for (const Row &row : m_rows) {
            if (!row.error->isHidden()) {
                row.editor->setFocus();
                break;
            }
        }
        return;
    }
    QDialog::accept();
}

} // namespace hale
