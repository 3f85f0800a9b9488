#include "sync/core/schema.h"

#include "sync/core/digits.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTime>
#include <QUuid>
#include <cmath>
#include <cstdio>

namespace hale {

MergeRule FieldSpec::merge() const
{
    switch (type) {
    case FieldType::StringSet:
    case FieldType::TimeSet:
    case FieldType::Measurements:
        return MergeRule::ElementWise;
    default:
        return MergeRule::LastWriterWins;
    }
}

QString FieldSpec::displayLabel() const
{
    return QCoreApplication::translate("Schema", label);
}

QString FieldSpec::choiceLabel(const QString &choice) const
{
    const qsizetype i = choices.indexOf(choice);
    if (i < 0 || i >= choiceLabels.size())
        return choice;
    return QCoreApplication::translate("Schema", choiceLabels.at(i));
}

const FieldSpec *KindSpec::field(const QString &fieldName) const
{
    const int i = indexOf(fieldName);
    return i < 0 ? nullptr : &fields.at(i);
}

int KindSpec::indexOf(const QString &fieldName) const
{
    for (int i = 0; i < fields.size(); ++i) {
        if (fields.at(i).name == fieldName)
            return i;
    }
    return -1;
}

QString KindSpec::displayLabel() const
{
    return QCoreApplication::translate("Schema", label);
}

QString KindSpec::displaySingular() const
{
    return QCoreApplication::translate("Schema", singular);
}

namespace {

using FT = FieldType;

FieldSpec text(const char *name, const char *label, bool required = false, int maxLength = 0)
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = FT::Text;
    f.required = required;
    f.maxLength = maxLength;
    return f;
}

FieldSpec longText(const char *name, const char *label, bool required = false)
{
    FieldSpec f = text(name, label, required, schema::kMaxLongTextLength);
    f.type = FT::LongText;
    return f;
}

FieldSpec number(const char *name, const char *label, FT type, const char *unit, double min,
                 double max, bool required = false)
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = type;
    f.unit = QLatin1String(unit);
    f.min = min;
    f.max = max;
    f.required = required;
    return f;
}

FieldSpec when(const char *name, const char *label, FT type, bool required = true)
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = type;
    f.required = required;
    f.notInFuture = true;
    return f;
}

FieldSpec choice(const char *name, const char *label, QStringList choices, bool required = true)
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = FT::Enum;
    f.choices = std::move(choices);
    f.required = required;
    return f;
}

FieldSpec set(const char *name, const char *label, FT type, const char *unit = "")
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = type;
    f.unit = QLatin1String(unit);
    if (type == FT::Measurements) {
        f.min = 1;
        f.max = 500;
    }
    f.maxLength = 60;
    return f;
}

QStringList list(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out << QLatin1String(item);
    return out;
}

FieldSpec reference(const char *name, const char *label, const char *refKind)
{
    FieldSpec f;
    f.name = QLatin1String(name);
    f.label = label;
    f.type = FT::Reference;
    f.refKind = QLatin1String(refKind);
    f.required = true;
    return f;
}

FieldSpec labelled(FieldSpec f, QList<const char *> choiceLabels)
{
    f.choiceLabels = std::move(choiceLabels);
    return f;
}

// A value whose unit and range the record named by `reference` holds.
FieldSpec definedBy(FieldSpec f, const char *reference)
{
    f.definedBy = QLatin1String(reference);
    return f;
}

// For dates that may lie ahead: a planned course, a scheduled dose.
FieldSpec mayBeFuture(FieldSpec f)
{
    f.notInFuture = false;
    return f;
}

KindSpec kindOf(const char *name, const char *table, const char *label, const char *singular,
                const char *timeField, const char *titleField, QList<FieldSpec> fields)
{
    KindSpec k;
    k.name = QLatin1String(name);
    k.table = QLatin1String(table);
    k.label = label;
    k.singular = singular;
    k.timeField = QLatin1String(timeField);
    k.titleField = QLatin1String(titleField);
    k.fields = std::move(fields);
    return k;
}

} // namespace

// Ranges are what a person could plausibly log; anything outside is a typo.
SchemaRegistry::SchemaRegistry()
{
    m_kinds = {
        kindOf(
            "metric", "metrics", QT_TRANSLATE_NOOP("Schema", "Metrics"),
            QT_TRANSLATE_NOOP("Schema", "Metric"), "recorded_at", "recorded_at",
            {
                when("recorded_at", QT_TRANSLATE_NOOP("Schema", "Recorded at"), FT::DateTime),
                number("weight", QT_TRANSLATE_NOOP("Schema", "Weight"), FT::Real, "kg", 20, 400),
                number("sleep_quality", QT_TRANSLATE_NOOP("Schema", "Sleep quality"), FT::Integer,
                       "", 1, 10),
                number("energy_level", QT_TRANSLATE_NOOP("Schema", "Energy level"), FT::Integer, "",
                       1, 10),
                number("resting_heart_rate", QT_TRANSLATE_NOOP("Schema", "Resting heart rate"),
                       FT::Integer, "bpm", 25, 250),
                set("body_measurements", QT_TRANSLATE_NOOP("Schema", "Body measurements"),
                    FT::Measurements, "cm"),
                // Schema version 2: the measures people track beyond these.
                number("body_fat", QT_TRANSLATE_NOOP("Schema", "Body fat"), FT::Real, "%", 2, 75),
                number("steps", QT_TRANSLATE_NOOP("Schema", "Steps"), FT::Integer, "", 0, 200000),
                number("systolic", QT_TRANSLATE_NOOP("Schema", "Systolic"), FT::Integer, "mmHg", 50,
                       260),
                number("diastolic", QT_TRANSLATE_NOOP("Schema", "Diastolic"), FT::Integer, "mmHg",
                       30, 180),
                number("pulse", QT_TRANSLATE_NOOP("Schema", "Pulse"), FT::Integer, "bpm", 25, 250),
                // Stored in mmol/L; 0.5 to 50 is 9 to 900 mg/dL.
                number("glucose", QT_TRANSLATE_NOOP("Schema", "Blood glucose"), FT::Real, "mmol/L",
                       0.5, 50),
                labelled(choice("glucose_context", QT_TRANSLATE_NOOP("Schema", "Glucose taken"),
                                list({"fasting", "before_meal", "after_meal", "bedtime", "other"}),
                                false),
                         {QT_TRANSLATE_NOOP("Schema", "Fasting"),
                          QT_TRANSLATE_NOOP("Schema", "Before a meal"),
                          QT_TRANSLATE_NOOP("Schema", "After a meal"),
                          QT_TRANSLATE_NOOP("Schema", "At bedtime"),
                          QT_TRANSLATE_NOOP("Schema", "Other")}),
                number("water", QT_TRANSLATE_NOOP("Schema", "Water"), FT::Real, "ml", 0, 10000),
                when("bedtime", QT_TRANSLATE_NOOP("Schema", "Went to bed"), FT::DateTime, false),
                when("wake_time", QT_TRANSLATE_NOOP("Schema", "Woke up"), FT::DateTime, false),
                longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
            }),
        kindOf(
            "meal", "meals", QT_TRANSLATE_NOOP("Schema", "Meals"),
            QT_TRANSLATE_NOOP("Schema", "Meal"), "eaten_at", "description",
            {
                when("eaten_at", QT_TRANSLATE_NOOP("Schema", "Time"), FT::DateTime),
                labelled(
                    choice("meal_type", QT_TRANSLATE_NOOP("Schema", "Meal type"),
                           list({"breakfast", "lunch", "dinner", "snack"})),
                    {QT_TRANSLATE_NOOP("Schema", "Breakfast"), QT_TRANSLATE_NOOP("Schema", "Lunch"),
                     QT_TRANSLATE_NOOP("Schema", "Dinner"), QT_TRANSLATE_NOOP("Schema", "Snack")}),
                text("description", QT_TRANSLATE_NOOP("Schema", "Description"), true),
                number("calories", QT_TRANSLATE_NOOP("Schema", "Calories"), FT::Real, "kcal", 0,
                       10000),
                number("protein", QT_TRANSLATE_NOOP("Schema", "Protein"), FT::Real, "g", 0, 1000),
                number("carbs", QT_TRANSLATE_NOOP("Schema", "Carbohydrates"), FT::Real, "g", 0,
                       1000),
                number("fat", QT_TRANSLATE_NOOP("Schema", "Fat"), FT::Real, "g", 0, 1000),
                longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
            }),
        kindOf("exercise", "exercises", QT_TRANSLATE_NOOP("Schema", "Exercises"),
               QT_TRANSLATE_NOOP("Schema", "Exercise"), "performed_at", "activity",
               {
                   when("performed_at", QT_TRANSLATE_NOOP("Schema", "Time"), FT::DateTime),
                   text("activity", QT_TRANSLATE_NOOP("Schema", "Activity"), true, 120),
                   number("duration", QT_TRANSLATE_NOOP("Schema", "Duration"), FT::Real, "min", 0,
                          1440),
                   number("distance", QT_TRANSLATE_NOOP("Schema", "Distance"), FT::Real, "km", 0,
                          1000),
                   number("calories", QT_TRANSLATE_NOOP("Schema", "Calories"), FT::Real, "kcal", 0,
                          20000),
                   number("sets", QT_TRANSLATE_NOOP("Schema", "Sets"), FT::Integer, "", 0, 1000),
                   number("reps", QT_TRANSLATE_NOOP("Schema", "Reps"), FT::Integer, "", 0, 10000),
                   number("weight", QT_TRANSLATE_NOOP("Schema", "Weight"), FT::Real, "kg", 0, 1000),
                   longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
               }),
        kindOf(
            "medication", "medications", QT_TRANSLATE_NOOP("Schema", "Medications"),
            QT_TRANSLATE_NOOP("Schema", "Medication"), "start_date", "name",
            {
                text("name", QT_TRANSLATE_NOOP("Schema", "Name"), true, 120),
                number("dose", QT_TRANSLATE_NOOP("Schema", "Dose"), FT::Real, "", 0.001, 100000,
                       true),
                choice("unit", QT_TRANSLATE_NOOP("Schema", "Unit"),
                       list({"mg", "g", "mcg", "ml", "IU", "tablet", "capsule", "drop", "puff"})),
                set("schedule", QT_TRANSLATE_NOOP("Schema", "Schedule"), FT::TimeSet),
                mayBeFuture(
                    when("start_date", QT_TRANSLATE_NOOP("Schema", "Start date"), FT::Date)),
                mayBeFuture(
                    when("end_date", QT_TRANSLATE_NOOP("Schema", "End date"), FT::Date, false)),
                set("side_effects", QT_TRANSLATE_NOOP("Schema", "Side effects"), FT::StringSet),
                longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
            }),
        kindOf(
            "dose", "doses", QT_TRANSLATE_NOOP("Schema", "Dose log"),
            QT_TRANSLATE_NOOP("Schema", "Dose"), "logged_at", "status",
            {
                reference("medication_id", QT_TRANSLATE_NOOP("Schema", "Medication"), "medication"),
                mayBeFuture(when("scheduled_at", QT_TRANSLATE_NOOP("Schema", "Scheduled for"),
                                 FT::DateTime, false)),
                labelled(
                    choice("status", QT_TRANSLATE_NOOP("Schema", "Status"),
                           list({"taken", "skipped"})),
                    {QT_TRANSLATE_NOOP("Schema", "Taken"), QT_TRANSLATE_NOOP("Schema", "Skipped")}),
                when("logged_at", QT_TRANSLATE_NOOP("Schema", "Logged at"), FT::DateTime),
                longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
            }),
        // Schema version 2: the person's goals, one record (goals::kRecordId) so
        // that each target merges on its own across devices.
        kindOf("goal", "goals", QT_TRANSLATE_NOOP("Schema", "Goals"),
               QT_TRANSLATE_NOOP("Schema", "Goals"), "set_on", "set_on",
               {
                   when("set_on", QT_TRANSLATE_NOOP("Schema", "Set on"), FT::Date),
                   number("weight_target", QT_TRANSLATE_NOOP("Schema", "Target weight"), FT::Real,
                          "kg", 20, 400),
                   mayBeFuture(when("weight_by", QT_TRANSLATE_NOOP("Schema", "Reach it by"),
                                    FT::Date, false)),
                   number("calories", QT_TRANSLATE_NOOP("Schema", "Calories a day"), FT::Real,
                          "kcal", 500, 10000),
                   number("protein", QT_TRANSLATE_NOOP("Schema", "Protein a day"), FT::Real, "g", 0,
                          1000),
                   number("carbs", QT_TRANSLATE_NOOP("Schema", "Carbohydrates a day"), FT::Real,
                          "g", 0, 1000),
                   number("fat", QT_TRANSLATE_NOOP("Schema", "Fat a day"), FT::Real, "g", 0, 1000),
                   number("exercise_minutes", QT_TRANSLATE_NOOP("Schema", "Exercise a week"),
                          FT::Real, "min", 0, 5000),
                   number("steps", QT_TRANSLATE_NOOP("Schema", "Steps a day"), FT::Integer, "", 0,
                          200000),
               }),
        // Schema version 2: the choices that follow the person to every device
        // (one record, preferences::kRecordId); the data folder and the window
        // stay per device.
        kindOf(
            "preference", "preferences", QT_TRANSLATE_NOOP("Schema", "Preferences"),
            QT_TRANSLATE_NOOP("Schema", "Preferences"), "changed_on", "changed_on",
            {
                when("changed_on", QT_TRANSLATE_NOOP("Schema", "Changed on"), FT::Date),
                labelled(choice("units", QT_TRANSLATE_NOOP("Schema", "Units"),
                                list({"metric", "imperial"}), false),
                         {QT_TRANSLATE_NOOP("Schema", "Metric"),
                          QT_TRANSLATE_NOOP("Schema", "Imperial")}),
                // Schema version 3: blood glucose in mmol/L or mg/dL, whatever
                // the units; empty follows them (mg/dL with imperial).
                labelled(
                    choice("glucose_unit", QT_TRANSLATE_NOOP("Schema", "Blood glucose unit"),
                           list({"mmol_l", "mg_dl"}), false),
                    {QT_TRANSLATE_NOOP("Schema", "mmol/L"), QT_TRANSLATE_NOOP("Schema", "mg/dL")}),
                labelled(choice("dose_reminders", QT_TRANSLATE_NOOP("Schema", "Dose reminders"),
                                list({"on", "off"}), false),
                         {QT_TRANSLATE_NOOP("Schema", "On"), QT_TRANSLATE_NOOP("Schema", "Off")}),
                // "HH:mm", or nothing for no reminder.
                text("remind_metric_at", QT_TRANSLATE_NOOP("Schema", "Weigh-in reminder"), false,
                     5),
                text("remind_meal_at", QT_TRANSLATE_NOOP("Schema", "Meal reminder"), false, 5),
                text("remind_exercise_at", QT_TRANSLATE_NOOP("Schema", "Exercise reminder"), false,
                     5),
                text("remind_journal_at", QT_TRANSLATE_NOOP("Schema", "Journal reminder"), false,
                     5),
                // Schema version 3: the screens left out of the navigation, by
                // key ("meals", "journal"); each is its own cell, so hiding one
                // screen here and another elsewhere hides both.
                set("hidden_screens", QT_TRANSLATE_NOOP("Schema", "Hidden screens"), FT::StringSet),
            }),
        // Schema version 3: measures a person defines (a name, a unit and a
        // plausible range, all data) and the values logged for them.
        kindOf("measure", "measures", QT_TRANSLATE_NOOP("Schema", "Your measures"),
               QT_TRANSLATE_NOOP("Schema", "Measure"), "created_on", "name",
               {
                   when("created_on", QT_TRANSLATE_NOOP("Schema", "Created on"), FT::Date),
                   text("name", QT_TRANSLATE_NOOP("Schema", "Name"), true, 60),
                   text("unit", QT_TRANSLATE_NOOP("Schema", "Unit"), false, 20),
                   number("range_min", QT_TRANSLATE_NOOP("Schema", "Lowest value"), FT::Real, "",
                          -1e9, 1e9),
                   number("range_max", QT_TRANSLATE_NOOP("Schema", "Highest value"), FT::Real, "",
                          -1e9, 1e9),
                   longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
               }),
        kindOf("measurement", "measurements", QT_TRANSLATE_NOOP("Schema", "Measures"),
               QT_TRANSLATE_NOOP("Schema", "Measurement"), "recorded_at", "value",
               {
                   when("recorded_at", QT_TRANSLATE_NOOP("Schema", "Recorded at"), FT::DateTime),
                   reference("measure_id", QT_TRANSLATE_NOOP("Schema", "Measure"), "measure"),
                   definedBy(number("value", QT_TRANSLATE_NOOP("Schema", "Value"), FT::Real, "",
                                    -1e12, 1e12, true),
                             "measure_id"),
                   longText("notes", QT_TRANSLATE_NOOP("Schema", "Notes")),
               }),
        kindOf("journal", "journal", QT_TRANSLATE_NOOP("Schema", "Journal"),
               QT_TRANSLATE_NOOP("Schema", "Journal entry"), "entry_date", "text",
               {
                   when("entry_date", QT_TRANSLATE_NOOP("Schema", "Date"), FT::Date),
                   number("mood", QT_TRANSLATE_NOOP("Schema", "Mood"), FT::Integer, "", 1, 5, true),
                   longText("text", QT_TRANSLATE_NOOP("Schema", "Entry"), true),
               }),
    };
}

const SchemaRegistry &SchemaRegistry::instance()
{
    static const SchemaRegistry registry;
    return registry;
}

const KindSpec *SchemaRegistry::kind(const QString &name) const
{
    for (const KindSpec &k : m_kinds) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

namespace schema {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Schema", text);
}

bool isValidTimeOfDay(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^([01][0-9]|2[0-3]):[0-5][0-9]$"));
    return re.match(s).hasMatch();
}

int maxLengthOf(const FieldSpec &field)
{
    return field.maxLength > 0 ? field.maxLength : kDefaultMaxTextLength;
}

Coerced fail(const QString &message)
{
    return {QVariant(), message};
}

} // namespace

namespace {
// Days since 1970-01-01 to the civil date (H. Hinnant's days_from_civil, inverted).
void civilFromDays(qint64 days, int &year, int &month, int &day)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra =
        (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    day = int(dayOfYear - (153 * mp + 2) / 5 + 1);
    month = int(mp < 10 ? mp + 3 : mp - 9);
    year = int(yearOfEra + era * 400 + (month <= 2));
}

} // namespace

QString formatDateTime(const QDateTime &utc)
{
    // By hand rather than QDateTime::toString(format), which parses its
    // format on every call, or snprintf: this runs for every record stored.
    if (!utc.isValid())
        return {};
    constexpr qint64 msPerDay = 86'400'000;
    const qint64 ms = utc.toMSecsSinceEpoch();
    const qint64 days = (ms >= 0 ? ms : ms - (msPerDay - 1)) / msPerDay;
    const int msOfDay = int(ms - days * msPerDay);
    int year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(days, year, month, day);
    if (year < 1 || year > 9999) { // Qt's calendar has no year 0: its own reckoning
        const QDateTime u = utc.toUTC();
        const QDate d = u.date();
        const QTime t = u.time();
        char text[48];
        const int n =
            std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year(),
                          d.month(), d.day(), t.hour(), t.minute(), t.second(), t.msec());
        return QString::fromLatin1(text, n);
    }
    QString text(24, Qt::Uninitialized); // 2026-12-03T14:05:09.123Z
    char16_t *out = reinterpret_cast<char16_t *>(text.data());
    sync::digits::put(out, 4, quint64(year));
    out[4] = u'-';
    sync::digits::put(out + 5, 2, quint64(month));
    out[7] = u'-';
    sync::digits::put(out + 8, 2, quint64(day));
    out[10] = u'T';
    sync::digits::put(out + 11, 2, quint64(msOfDay / 3'600'000));
    out[13] = u':';
    sync::digits::put(out + 14, 2, quint64(msOfDay / 60'000 % 60));
    out[16] = u':';
    sync::digits::put(out + 17, 2, quint64(msOfDay / 1000 % 60));
    out[19] = u'.';
    sync::digits::put(out + 20, 3, quint64(msOfDay % 1000));
    out[23] = u'Z';
    return text;
}

namespace {
// Reads the form formatDateTime writes ("2026-12-03T14:05:09.123Z") by hand:
// every pulled record has one or two, and QDateTime::fromString took a
// twentieth of storing them. False for any other text.
bool readCanonicalDateTime(const QString &text, QDate *date, QTime *time)
{
    if (text.size() != 24 || text.at(4) != u'-' || text.at(7) != u'-' || text.at(10) != u'T' ||
        text.at(13) != u':' || text.at(16) != u':' || text.at(19) != u'.' || text.at(23) != u'Z')
        return false;
    const QChar *c = text.constData();
    const auto at = [c](int from, int width) {
        return int(sync::digits::read(c + from, width));
    };
    const int year = at(0, 4);
    *date = QDate(year, at(5, 2), at(8, 2));
    *time = QTime(at(11, 2), at(14, 2), at(17, 2), at(20, 3));
    return year > 0 && date->isValid() && time->isValid();
}

// Text formatDateTime wrote (and would write the same again).
bool isCanonicalDateTime(const QString &text)
{
    QDate date;
    QTime time;
    return readCanonicalDateTime(text, &date, &time);
}
} // namespace

QDateTime parseDateTime(const QString &text)
{
    QDate date;
    QTime time;
    if (readCanonicalDateTime(text, &date, &time))
        return QDateTime(date, time, Qt::UTC);
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(text, Qt::ISODate);
    // A time without a zone is taken as UTC, so the result never depends on
    // the machine it was read on.
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

Coerced coerce(const FieldSpec &field, const QVariant &raw)
{
    const bool isEmptyString =
        raw.typeId() == QMetaType::QString && raw.toString().trimmed().isEmpty();
    if (!raw.isValid() || raw.isNull() || isEmptyString)
        return {};

    switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Enum: {
        if (raw.typeId() != QMetaType::QString)
            return fail(tr("must be text"));
        QString s = raw.toString();
        if (field.type != FieldType::LongText)
            s = s.trimmed();
        return {s, {}};
    }
    case FieldType::Reference: {
        const QUuid id = QUuid::fromString(raw.toString());
        if (id.isNull())
            return fail(tr("must be a record id"));
        return {id.toString(QUuid::WithoutBraces), {}};
    }
    case FieldType::Integer: {
        if (raw.typeId() == QMetaType::Bool)
            return fail(tr("must be a whole number"));
        if (raw.typeId() == QMetaType::QString) {
            bool ok = false;
            const qlonglong v = raw.toString().trimmed().toLongLong(&ok);
            return ok ? Coerced{QVariant::fromValue<qint64>(v), {}}
                      : fail(tr("must be a whole number"));
        }
        bool ok = false;
        const double d = raw.toDouble(&ok);
        if (!ok || !std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.0e15)
            return fail(tr("must be a whole number"));
        return {QVariant::fromValue<qint64>(static_cast<qint64>(d)), {}};
    }
    case FieldType::Real: {
        if (raw.typeId() == QMetaType::Bool)
            return fail(tr("must be a number"));
        bool ok = false;
        const double d = raw.typeId() == QMetaType::QString ? raw.toString().trimmed().toDouble(&ok)
                                                            : raw.toDouble(&ok);
        if (!ok || !std::isfinite(d))
            return fail(tr("must be a number"));
        return {d, {}};
    }
    case FieldType::DateTime: {
        QDateTime dt = raw.typeId() == QMetaType::QDateTime ? raw.toDateTime().toUTC()
                                                            : parseDateTime(raw.toString());
        if (!dt.isValid())
            return fail(tr("must be a date and time"));
        return {dt, {}};
    }
    case FieldType::Date: {
        const QDate d = raw.typeId() == QMetaType::QDate
                            ? raw.toDate()
                            : QDate::fromString(raw.toString(), Qt::ISODate);
        if (!d.isValid())
            return fail(tr("must be a date (YYYY-MM-DD)"));
        return {d, {}};
    }
    case FieldType::StringSet:
    case FieldType::TimeSet: {
        if (raw.typeId() != QMetaType::QStringList && raw.typeId() != QMetaType::QVariantList)
            return fail(tr("must be a list"));
        QStringList items;
        for (const QVariant &item : raw.toList()) {
            if (item.typeId() != QMetaType::QString)
                return fail(tr("must be a list of text"));
            const QString s = item.toString().trimmed();
            if (!s.isEmpty() && !items.contains(s))
                items << s;
        }
        items.sort();
        return items.isEmpty() ? Coerced{} : Coerced{items, {}};
    }
    case FieldType::Measurements: {
        if (raw.typeId() != QMetaType::QVariantMap)
            return fail(tr("must be a set of named measurements"));
        QVariantMap out;
        const QVariantMap in = raw.toMap();
        for (auto it = in.cbegin(); it != in.cend(); ++it) {
            bool ok = false;
            const double d = it.value().typeId() == QMetaType::Bool ? 0 : it.value().toDouble(&ok);
            if (!ok || !std::isfinite(d))
                return fail(tr("%1 must be a number").arg(it.key()));
            out.insert(it.key().trimmed(), d);
        }
        return out.isEmpty() ? Coerced{} : Coerced{out, {}};
    }
    }
    return fail(tr("has an unknown type"));
}

namespace {

// checkValue, with presence and dates in the future checked only if `whole`.
QString checkOne(const FieldSpec &field, const QVariant &value, const QDateTime &now, bool whole)
{
    const bool required = whole && field.required;
    const bool notInFuture = whole && field.notInFuture;
    if (value.isNull() || !value.isValid())
        return required ? tr("is required") : QString();

    auto checkRange = [&field](double d) -> QString {
        if ((field.min && d < *field.min) || (field.max && d > *field.max)) {
            const QString unit = field.unit.isEmpty() ? QString() : QLatin1Char(' ') + field.unit;
            return tr("must be between %1 and %2%3")
                .arg(QString::number(field.min.value_or(0)), QString::number(field.max.value_or(0)),
                     unit);
        }
        return {};
    };

    switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText: {
        const QString s = value.toString();
        if (required && s.trimmed().isEmpty())
            return tr("is required");
        if (s.size() > maxLengthOf(field))
            return tr("is too long (at most %1 characters)").arg(maxLengthOf(field));
        return {};
    }
    case FieldType::Enum:
        return field.choices.contains(value.toString())
                   ? QString()
                   : tr("must be one of: %1").arg(field.choices.join(QStringLiteral(", ")));
    case FieldType::Reference:
        return {};
    case FieldType::Integer:
    case FieldType::Real:
        return checkRange(value.toDouble());
    case FieldType::DateTime: {
        const QDateTime dt = value.toDateTime();
        if (dt.date().year() < 1900)
            return tr("is too far in the past");
        if (notInFuture && dt > now.addDays(1))
            return tr("cannot be in the future");
        if (dt.date().year() > 2200)
            return tr("is too far in the future");
        return {};
    }
    case FieldType::Date: {
        const QDate d = value.toDate();
        if (d.year() < 1900)
            return tr("is too far in the past");
        if (notInFuture && d > now.date().addDays(1))
            return tr("cannot be in the future");
        if (d.year() > 2200)
            return tr("is too far in the future");
        return {};
    }
    case FieldType::StringSet:
    case FieldType::TimeSet: {
        const QStringList items = value.toStringList();
        if (items.size() > kMaxSetElements)
            return tr("has too many entries (at most %1)").arg(kMaxSetElements);
        for (const QString &item : items) {
            if (field.type == FieldType::TimeSet && !isValidTimeOfDay(item))
                return tr("\"%1\" is not a time of day (HH:MM)").arg(item);
            if (item.size() > maxLengthOf(field))
                return tr("\"%1\" is too long").arg(item.left(20));
        }
        return {};
    }
    case FieldType::Measurements: {
        const QVariantMap map = value.toMap();
        if (map.size() > kMaxSetElements)
            return tr("has too many entries (at most %1)").arg(kMaxSetElements);
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (it.key().isEmpty() || it.key().size() > maxLengthOf(field))
                return tr("needs a name for every measurement");
            if (QString e = checkRange(it.value().toDouble()); !e.isEmpty())
                return it.key() + QLatin1Char(' ') + e;
        }
        return {};
    }
    }
    return {};
}

} // namespace

QString checkValue(const FieldSpec &field, const QVariant &value, const QDateTime &now)
{
    return checkOne(field, value, now, true);
}

QString checkValueAlone(const FieldSpec &field, const QVariant &value)
{
    return checkOne(field, value, {}, false);
}

namespace {

// A metric's values that only make sense together: a blood pressure is both
// numbers, systolic above diastolic; a night's sleep has both ends, in order,
// under a day; a glucose context needs a glucose.
void checkMetricPairs(const QVariantMap &values, QList<FieldError> &errors)
{
    auto has = [&](const char *name) {
        return !values.value(QLatin1String(name)).isNull();
    };
    if (has("systolic") != has("diastolic"))
        errors.append({QLatin1String(has("systolic") ? "diastolic" : "systolic"),
                       tr("is needed with the other blood pressure number")});
    else if (has("systolic") && values.value(QStringLiteral("systolic")).toLongLong() <=
                                    values.value(QStringLiteral("diastolic")).toLongLong())
        errors.append(
            {QStringLiteral("diastolic"), tr("must be lower than the systolic pressure")});
    if (has("bedtime") != has("wake_time")) {
        errors.append({QLatin1String(has("bedtime") ? "wake_time" : "bedtime"),
                       tr("is needed with the other end of the night")});
    } else if (has("bedtime")) {
        const qint64 secs = values.value(QStringLiteral("bedtime"))
                                .toDateTime()
                                .secsTo(values.value(QStringLiteral("wake_time")).toDateTime());
        if (secs <= 0)
            errors.append({QStringLiteral("wake_time"), tr("must be after going to bed")});
        else if (secs > 24 * 3600)
            errors.append(
                {QStringLiteral("wake_time"), tr("must be within a day of going to bed")});
    }
    if (has("glucose_context") && !has("glucose"))
        errors.append({QStringLiteral("glucose"), tr("is needed with its context")});
}

} // namespace

QList<FieldError> validate(const KindSpec &kind, const QVariantMap &values, const QDateTime &now)
{
    QList<FieldError> errors;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!kind.field(it.key()))
            errors.append({it.key(), tr("is not a field of %1").arg(kind.name)});
    }
    QVariantMap coerced;
    for (const FieldSpec &field : kind.fields) {
        const Coerced c = coerce(field, values.value(field.name));
        if (!c.ok()) {
            errors.append({field.name, c.error});
            continue;
        }
        coerced.insert(field.name, c.value);
        if (QString e = checkValue(field, c.value, now); !e.isEmpty())
            errors.append({field.name, e});
    }
    // Cross-field rules the registry cannot express per field.
    if (kind.name == QLatin1String("metric"))
        checkMetricPairs(coerced, errors);
    if (kind.name == QLatin1String("measure")) {
        const QVariant low = coerced.value(QStringLiteral("range_min"));
        const QVariant high = coerced.value(QStringLiteral("range_max"));
        if (!low.isNull() && !high.isNull() && low.toDouble() >= high.toDouble())
            errors.append({QStringLiteral("range_max"), tr("must be above the lowest value")});
    }
    if (kind.name == QLatin1String("preference")) {
        for (const char *name :
             {"remind_metric_at", "remind_meal_at", "remind_exercise_at", "remind_journal_at"}) {
            const QString at = coerced.value(QLatin1String(name)).toString();
            if (!at.isEmpty() && !isValidTimeOfDay(at))
                errors.append({QLatin1String(name), tr("must be a time of day (HH:mm)")});
        }
    }
    if (kind.name == QLatin1String("goal") &&
        !coerced.value(QStringLiteral("weight_by")).isNull() &&
        coerced.value(QStringLiteral("weight_target")).isNull())
        errors.append({QStringLiteral("weight_target"), tr("is needed with a date to reach it")});
    if (kind.name == QLatin1String("medication")) {
        const QDate start = coerced.value(QStringLiteral("start_date")).toDate();
        const QDate end = coerced.value(QStringLiteral("end_date")).toDate();
        if (start.isValid() && end.isValid() && end < start)
            errors.append({QStringLiteral("end_date"), tr("cannot be before the start date")});
    }
    return errors;
}

QJsonValue toJson(const FieldSpec &field, const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return QJsonValue::Null;
    switch (field.type) {
    case FieldType::Integer:
        return QJsonValue(value.toLongLong());
    case FieldType::Real:
        return QJsonValue(value.toDouble());
    case FieldType::DateTime:
        return formatDateTime(value.toDateTime());
    case FieldType::Date:
        return value.toDate().toString(Qt::ISODate);
    case FieldType::StringSet:
    case FieldType::TimeSet:
        return QJsonArray::fromStringList(value.toStringList());
    case FieldType::Measurements:
        return QJsonObject::fromVariantMap(value.toMap());
    default:
        return value.toString();
    }
}

Coerced fromJson(const FieldSpec &field, const QJsonValue &json)
{
    if (json.isNull() || json.isUndefined())
        return {};
    switch (field.type) {
    case FieldType::Integer:
    case FieldType::Real:
        if (!json.isDouble())
            return fail(tr("must be a number"));
        return coerce(field, json.toDouble());
    case FieldType::StringSet:
    case FieldType::TimeSet:
        if (!json.isArray())
            return fail(tr("must be a list"));
        return coerce(field, json.toArray().toVariantList());
    case FieldType::Measurements:
        if (!json.isObject())
            return fail(tr("must be a set of named measurements"));
        return coerce(field, json.toObject().toVariantMap());
    default:
        if (!json.isString())
            return fail(tr("must be text"));
        return coerce(field, json.toString());
    }
}

QVariant sqlFromJson(const FieldSpec &field, const QJsonValue &json)
{
    // The common cases directly, as toSql(fromJson(...)) would give them:
    // this runs for every field of every record a first sync stores.
    switch (field.type) {
    case FieldType::Real:
        if (json.isDouble() && std::isfinite(json.toDouble()))
            return json.toDouble();
        break;
    case FieldType::DateTime:
        if (isCanonicalDateTime(json.toString()))
            return json.toString(); // formatDateTime would write it back the same
        break;
    case FieldType::Text:
    case FieldType::Enum:
        if (json.isString()) {
            const QString text = json.toString().trimmed();
            return text.isEmpty() ? QVariant() : QVariant(text);
        }
        break;
    default:
        break;
    }
    return toSql(field, fromJson(field, json).value);
}

QJsonValue jsonFromSql(const FieldSpec &field, const QVariant &sql)
{
    // The common cases directly, as toJson(fromSql(...)) would give them:
    // this runs for every field of every record a push reads.
    if (sql.isNull() || !sql.isValid())
        return QJsonValue::Null;
    switch (field.type) {
    case FieldType::Real:
        return sql.toDouble();
    case FieldType::Integer:
        return sql.toLongLong();
    case FieldType::DateTime:
        if (isCanonicalDateTime(sql.toString()))
            return sql.toString(); // formatDateTime would write it back the same
        break;
    case FieldType::Text:
    case FieldType::Enum: {
        const QString text = sql.toString().trimmed();
        return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
    }
    default:
        break;
    }
    return toJson(field, fromSql(field, sql));
}

QVariant toSql(const FieldSpec &field, const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return {};
    switch (field.type) {
    case FieldType::StringSet:
    case FieldType::TimeSet:
    case FieldType::Measurements: {
        const QJsonValue json = toJson(field, value);
        const QJsonDocument doc =
            json.isArray() ? QJsonDocument(json.toArray()) : QJsonDocument(json.toObject());
        return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    }
    case FieldType::Integer:
        return value.toLongLong();
    case FieldType::Real:
        return value.toDouble();
    default:
        return toJson(field, value).toString();
    }
}

QVariant fromSql(const FieldSpec &field, const QVariant &sql)
{
    if (sql.isNull() || !sql.isValid())
        return {};
    switch (field.type) {
    case FieldType::StringSet:
    case FieldType::TimeSet:
    case FieldType::Measurements: {
        const QJsonDocument doc = QJsonDocument::fromJson(sql.toString().toUtf8());
        return fromJson(field, doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()))
            .value;
    }
    case FieldType::Integer:
        return QVariant::fromValue<qint64>(sql.toLongLong());
    case FieldType::Real:
        return sql.toDouble();
    default:
        return coerce(field, sql.toString()).value;
    }
}

} // namespace schema
} // namespace hale
