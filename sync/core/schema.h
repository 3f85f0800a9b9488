#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <optional>

namespace hale {

// What a field holds, which decides its SQL column type, its editor widget,
// its JSON form and how its value is checked.
enum class FieldType {
    Text,         // one line, QString
    LongText,     // free text, QString
    Integer,      // qint64
    Real,         // double, stored in the SI unit named by FieldSpec::unit
    DateTime,     // QDateTime, UTC, "yyyy-MM-ddTHH:mm:ss.zzzZ" in JSON and SQL
    Date,         // QDate, "yyyy-MM-dd"
    Enum,         // QString, one of FieldSpec::choices
    Reference,    // QString UUID of a record of FieldSpec::refKind
    StringSet,    // QStringList, element-wise merge
    TimeSet,      // QStringList of "HH:mm", element-wise merge
    Measurements, // QVariantMap name -> double (SI unit), element-wise merge
};

// How concurrent edits of a field from two devices combine.
enum class MergeRule {
    LastWriterWins, // the write with the later HLC stamp wins the whole field
    ElementWise,    // each element (set member, map key) is its own last-writer-wins cell
};

struct FieldSpec
{
    QString name; // column and JSON name, snake_case
    const char *label =
        ""; // untranslated; shown through QCoreApplication::translate("Schema", ...)
    FieldType type = FieldType::Text;
    QString unit; // SI unit the value is stored in ("kg", "cm", "km", "kcal", "g", "bpm", "min")
    std::optional<double> min;
    std::optional<double> max;
    bool required = false;
    int maxLength = 0;                // for text and set elements; 0 = the default limit
    QStringList choices;              // for Enum
    QList<const char *> choiceLabels; // untranslated labels, parallel to choices (optional)
    QString refKind;                  // for Reference
    bool notInFuture =
        false; // for DateTime/Date: no later than now (+ a day's grace for time zones)
    // For a number whose unit and range a person chose: the Reference field
    // naming the record that holds them (its "unit", "range_min" and
    // "range_max"). The server checks only that it is a number; the device
    // checks the range (LocalStore::checkDefinedRanges).
    QString definedBy;

    MergeRule merge() const;
    bool isElementWise() const { return merge() == MergeRule::ElementWise; }
    bool isNumeric() const { return type == FieldType::Integer || type == FieldType::Real; }
    QString displayLabel() const;
    // A choice of an Enum field as a person reads it ("breakfast" -> "Breakfast").
    QString choiceLabel(const QString &choice) const;
};

struct KindSpec
{
    QString name;              // "metric", "meal", ...
    QString table;             // SQL table
    const char *label = "";    // plural, untranslated ("Metrics")
    const char *singular = ""; // untranslated ("Metric")
    QString timeField;         // the field that places a record in time (date filter, default sort)
    QString titleField;        // the field that names a record to a person
    QList<FieldSpec> fields;

    const FieldSpec *field(const QString &name) const;
    int indexOf(const QString &name) const;
    QString displayLabel() const;
    QString displaySingular() const;
};

struct FieldError
{
    QString field;   // empty for a record-level error
    QString message; // translated, for a person
};

// The one declaration of every entity kind. Validation, the table models, the
// editor forms, CSV/JSON export and the sync codec all read it.
class SchemaRegistry
{
public:
    // Bumped whenever a kind or field is added or changed; devices and the
    // server announce it so that each can tell what the other understands.
    static constexpr int kVersion = 3;

    static const SchemaRegistry &instance();

    const QList<KindSpec> &kinds() const { return m_kinds; }
    const KindSpec *kind(const QString &name) const;

private:
    SchemaRegistry();
    QList<KindSpec> m_kinds;
};

namespace schema {

constexpr int kDefaultMaxTextLength = 500;
constexpr int kMaxLongTextLength = 20000;
constexpr int kMaxSetElements = 64;

// Normalises a value to its canonical C++ type (see FieldType) or returns a
// message saying why it cannot be one. A null/empty value yields a null QVariant.
struct Coerced
{
    QVariant value;
    QString error;
    bool ok() const { return error.isEmpty(); }
};
Coerced coerce(const FieldSpec &field, const QVariant &raw);

// Checks a whole record's values: required fields, types, ranges, lengths,
// choices, dates in the future, and cross-field rules. `now` is injectable.
QList<FieldError> validate(const KindSpec &kind, const QVariantMap &values,
                           const QDateTime &now = QDateTime::currentDateTimeUtc());
QString checkValue(const FieldSpec &field, const QVariant &value,
                   const QDateTime &now = QDateTime::currentDateTimeUtc());
// The checks of checkValue that hold whatever else is known: type, range,
// length and choices, not presence or dates in the future (a synced write
// may clear a required field, and devices' clocks differ).
QString checkValueAlone(const FieldSpec &field, const QVariant &value);

// The canonical JSON and SQL forms of a value (both use the same text for
// dates so that exports round-trip exactly).
QJsonValue toJson(const FieldSpec &field, const QVariant &value);
Coerced fromJson(const FieldSpec &field, const QJsonValue &json);
QVariant toSql(const FieldSpec &field, const QVariant &value);
// toSql(field, fromJson(field, json).value), quicker for the common types.
QVariant sqlFromJson(const FieldSpec &field, const QJsonValue &json);
// toJson(field, fromSql(field, sql)), quicker for the common types.
QJsonValue jsonFromSql(const FieldSpec &field, const QVariant &sql);
QVariant fromSql(const FieldSpec &field, const QVariant &sql);

QString formatDateTime(const QDateTime &utc);
QDateTime parseDateTime(const QString &text);

} // namespace schema
} // namespace hale
