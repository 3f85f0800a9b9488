#include "models/store_migrations.h"

#include "models/store_sql.h"
#include "sync/core/schema.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <array>

namespace hale::store {

namespace {

// Schema version 1: settings, the outbox and one table per kind with the
// fields of that time (tests/data/schema-v1.sql is the same dump).
constexpr std::array kStep1 = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    "CREATE TABLE outbox (kind TEXT NOT NULL, record_id TEXT NOT NULL, revision INTEGER NOT "
    "NULL DEFAULT 1, queued_at TEXT NOT NULL, PRIMARY KEY (kind, record_id))",
    "CREATE TABLE metrics (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, recorded_at TEXT, weight REAL, sleep_quality INTEGER, energy_level INTEGER, "
    "resting_heart_rate INTEGER, body_measurements TEXT, notes TEXT)",
    "CREATE TABLE meals (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, eaten_at TEXT, meal_type TEXT, description TEXT, calories REAL, protein "
    "REAL, carbs REAL, fat REAL, notes TEXT)",
    "CREATE TABLE exercises (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, performed_at TEXT, activity TEXT, duration REAL, distance REAL, calories "
    "REAL, sets INTEGER, reps INTEGER, weight REAL, notes TEXT)",
    "CREATE TABLE medications (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT "
    "0, sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, name TEXT, dose REAL, unit TEXT, schedule TEXT, start_date TEXT, end_date "
    "TEXT, side_effects TEXT, notes TEXT)",
    "CREATE TABLE doses (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, medication_id TEXT, scheduled_at TEXT, status TEXT, logged_at TEXT, notes "
    "TEXT)",
    "CREATE TABLE journal (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, entry_date TEXT, mood INTEGER, text TEXT)",
};

// Version 2: indexes for the screens' default order and date filter.
constexpr std::array kStep2 = {
    "CREATE INDEX metrics_by_time ON metrics (deleted, recorded_at)",
    "CREATE INDEX meals_by_time ON meals (deleted, eaten_at)",
    "CREATE INDEX exercises_by_time ON exercises (deleted, performed_at)",
    "CREATE INDEX medications_by_time ON medications (deleted, start_date)",
    "CREATE INDEX doses_by_time ON doses (deleted, logged_at)",
    "CREATE INDEX journal_by_time ON journal (deleted, entry_date)",
    "CREATE INDEX doses_by_medication ON doses (medication_id, scheduled_at)",
};

// Version 3: this device's writes that lost to concurrent ones from other
// devices; values and stamps as JSON text.
constexpr std::array kStep3 = {
    "CREATE TABLE conflicts (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT "
    "NULL, field TEXT NOT NULL, element TEXT NOT NULL, mine TEXT NOT NULL, mine_stamp TEXT NOT "
    "NULL, theirs TEXT NOT NULL, theirs_stamp TEXT NOT NULL, detected_at TEXT NOT NULL)",
};

// Version 4: a change the server refused as invalid is set aside with the
// reason instead of being retried forever (a new edit of the record queues it
// again); the index serves the oldest-first batches without sorting the whole
// outbox each time.
constexpr std::array kStep4 = {
    "ALTER TABLE outbox ADD COLUMN rejected TEXT",
    "CREATE INDEX outbox_by_age ON outbox (queued_at)",
};

// Version 5: the person's goals (one record, see models/goals).
constexpr std::array kStep5 = {
    "CREATE TABLE goals (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, set_on TEXT, weight_target REAL, weight_by TEXT, calories REAL, protein "
    "REAL, carbs REAL, fat REAL, exercise_minutes REAL, steps INTEGER)",
};

// Version 6: the preferences that follow the person (one record, see
// models/preferences).
constexpr std::array kStep6 = {
    "CREATE TABLE preferences (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT "
    "0, sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, changed_on TEXT, units TEXT, dose_reminders TEXT, remind_metric_at TEXT, "
    "remind_meal_at TEXT, remind_exercise_at TEXT, remind_journal_at TEXT)",
};

// Version 7: measures a person defines and their values, and two
// preferences: the screens the person chose to hide, and the glucose unit.
constexpr std::array kStep7 = {
    "CREATE TABLE measures (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, "
    "sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, created_on TEXT, name TEXT, unit TEXT, range_min REAL, range_max REAL, "
    "notes TEXT)",
    "CREATE TABLE measurements (id TEXT PRIMARY KEY NOT NULL, deleted INTEGER NOT NULL DEFAULT "
    "0, sync_meta TEXT NOT NULL DEFAULT '{}', extra TEXT, created_at TEXT NOT NULL, updated_at "
    "TEXT NOT NULL, recorded_at TEXT, measure_id TEXT, value REAL, notes TEXT)",
    "CREATE INDEX measurements_by_time ON measurements (deleted, recorded_at)",
    "CREATE INDEX measurements_by_measure ON measurements (measure_id, recorded_at)",
    "ALTER TABLE preferences ADD COLUMN hidden_screens TEXT",
    "ALTER TABLE preferences ADD COLUMN glucose_unit TEXT",
};

// Version 8: records pulled from an end-to-end encrypted account that did
// not open (altered on the server, or failing the schema once opened): set
// aside with the reason, never applied, until a later state of the record
// opens.
constexpr std::array kStep8 = {
    "CREATE TABLE unreadable (kind TEXT NOT NULL, record_id TEXT NOT NULL, reason TEXT NOT "
    "NULL, received_at TEXT NOT NULL, PRIMARY KEY (kind, record_id))",
};

template <std::size_t N>
bool runAll(QSqlDatabase &db, const std::array<const char *, N> &statements)
{
    QSqlQuery q(db);
    for (const char *sql : statements) {
        if (!exec(q, QString::fromLatin1(sql)))
            return false;
    }
    return true;
}

QString columnType(FieldType type)
{
    switch (type) {
    case FieldType::Integer:
        return QStringLiteral("INTEGER");
    case FieldType::Real:
        return QStringLiteral("REAL");
    default:
        return QStringLiteral("TEXT");
    }
}

} // namespace

bool runMigrationStep(QSqlDatabase &db, int step)
{
    switch (step) {
    case 1:
        return runAll(db, kStep1);
    case 2:
        return runAll(db, kStep2);
    case 3:
        return runAll(db, kStep3);
    case 4:
        return runAll(db, kStep4);
    case 5:
        return runAll(db, kStep5);
    case 6:
        return runAll(db, kStep6);
    case 7:
        return runAll(db, kStep7);
    case 8:
        return runAll(db, kStep8);
    default:
        return false;
    }
}

bool addRegistryColumns(QSqlDatabase &db)
{
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        const QSqlRecord existing = db.record(kind.table);
        if (existing.isEmpty())
            continue; // the table arrives in a later migration step
        for (const FieldSpec &field : kind.fields) {
            if (existing.contains(field.name))
                continue;
            QSqlQuery q(db);
            if (!exec(q, QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
                             .arg(kind.table, field.name, columnType(field.type))))
                return false;
        }
    }
    return true;
}

} // namespace hale::store
