#pragma once

#include "models/medication_schedule.h"
#include "models/trends.h"

// What a report for the doctor holds over a range of days, gathered from the
// store (File → Report… and `hale report` draw it; ui/report).
namespace hale::report {

struct Options
{
    QDate from; // local days, inclusive
    QDate to;
    bool includeJournal = false;
};

struct Summary
{
    int count = 0; // days with a value
    double average = 0;
    double min = 0;
    double max = 0;
};

struct MedicationAdherence
{
    QString name;
    QString amount;
    int expected = 0; // doses whose time had come
    int taken = 0;
    int skipped = 0;
    QList<medication::ScheduledDose> missed; // skipped or never logged
};

struct GlucoseByContext
{
    QString context; // "" when none was given
    Summary summary;
};

// A measure of the person's own with values in the range.
struct OwnMeasure
{
    QString name;
    QString unit;
    Summary summary; // of its daily averages
};

struct JournalNote
{
    QDate day;
    int mood = 0;
    QString text;
};

struct Data
{
    Options options;
    QDateTime generatedAt;
    QList<trends::DailyPoint> weight;
    Summary weightSummary;
    QList<trends::DailyPoint> systolic;
    QList<trends::DailyPoint> diastolic;
    Summary systolicSummary;
    Summary diastolicSummary;
    QList<GlucoseByContext> glucose; // empty: not tracked in the range
    QList<OwnMeasure> ownMeasures;   // by name; those without values left out
    QList<MedicationAdherence> medications;
    QList<JournalNote> journal; // only with includeJournal
};

Summary summarise(const QList<trends::DailyPoint> &points);

// Everything the report shows; `now` bounds which doses count as due.
Data gather(const LocalStore &store, const Options &options,
            const QDateTime &now = QDateTime::currentDateTimeUtc());

} // namespace hale::report
