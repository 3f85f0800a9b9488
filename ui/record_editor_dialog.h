#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QDialog>
#include <QHash>

class QLabel;
class QDialogButtonBox;

namespace hale {

// An add/edit form built from the schema registry: one editor per field,
// numbers in the unit system the person chose, and an inline message under
// each field that is wrong. It accepts only when every field is valid.
class RecordEditorDialog : public QDialog
{
    Q_OBJECT

public:
    RecordEditorDialog(const LocalStore *store, const KindSpec &kind, UnitSystem units,
                       const QVariantMap &initial, QWidget *parent = nullptr);

    // The values in stored (SI) units, ready for LocalStore.
    QVariantMap values() const;
    // Shows errors the store reported (e.g. a value changed elsewhere meanwhile).
    void showErrors(const QList<FieldError> &errors);
    // The fields currently showing an error.
    QStringList fieldsWithErrors() const;

    void accept() override;

private:
    struct Row
    {
        const FieldSpec *field = nullptr;
        QWidget *editor = nullptr;
        QWidget *enabler = nullptr; // the "set" check box of an optional date
        QLabel *error = nullptr;
        QLabel *unit = nullptr; // for a unit that a referenced record gives
        bool touched = false;
    };

    QWidget *createEditor(Row &row);
    void setValue(const Row &row, const QVariant &siValue);
    QVariant rawValue(const Row &row) const;
    void revalidate(bool showAll);
    // The unit and range of each value defined by another record (a
    // measurement's measure), as the chosen record gives them.
    void showDefinitions();

    const LocalStore *m_store;
    const KindSpec &m_kind;
    UnitSystem m_units;
    QList<Row> m_rows;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace hale
