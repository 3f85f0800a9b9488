#pragma once

#include "models/local_store.h"

#include <QDate>

namespace hale::medication {

// One scheduled dose of one medication on one day, and what was logged for it.
struct ScheduledDose
{
    QString medicationId;
    QString medicationName;
    QString amount;        // "200 mg"
    QDateTime scheduledAt; // UTC
    QString status;        // "", "taken" or "skipped"
    QString doseId;        // the dose-log record, if any
};

// Every dose due on `day` (local calendar day) for medications active then,
// in time order, with what the dose log says about each.
QList<ScheduledDose> dosesOn(const LocalStore &store, const QDate &day);

struct Adherence
{
    int expected = 0; // scheduled doses whose time has passed
    int taken = 0;
    int skipped = 0;
    // taken / expected, or -1 when nothing was due
    double ratio() const { return expected > 0 ? double(taken) / expected : -1; }
};

// Adherence over the `days` local days ending with `today`, counting only
// doses scheduled before `now`.
Adherence adherence(const LocalStore &store, const QDate &today, int days,
                    const QDateTime &now = QDateTime::currentDateTimeUtc());

// Logs a scheduled dose as taken or skipped (a new dose-log record, or an
// edit of the one already logged for that time).
WriteResult logDose(LocalStore &store, const ScheduledDose &dose, const QString &status,
                    const QDateTime &at = QDateTime::currentDateTimeUtc());

} // namespace hale::medication
