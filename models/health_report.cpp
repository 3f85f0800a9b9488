#include "models/health_report.h"

#include "models/own_measures.h"

#include <algorithm>

namespace hale::report {

Summary summarise(const QList<trends::DailyPoint> &points)
{
    Summary s;
    if (points.isEmpty())
        return s;
    s.count = int(points.size());
    s.min = s.max = points.first().value;
    double sum = 0;
    for (const trends::DailyPoint &p : points) {
        sum += p.value;
        s.min = std::min(s.min, p.value);
        s.max = std::max(s.max, p.value);
    }
    s.average = sum / double(points.size());
    return s;
}

Data gather(const LocalStore &store, const Options &options, const QDateTime &now)
{
    Data data;
    data.options = options;
    data.generatedAt = now;
    const QDateTime from = options.from.startOfDay();
    const QDateTime to = options.to.addDays(1).startOfDay();
    const QString metric = QStringLiteral("metric");
    auto daily = [&](const char *field) {
        return trends::daily(store, metric, QLatin1String(field), trends::Aggregate::Average, from,
                             to);
    };
    data.weight = daily("weight");
    data.weightSummary = summarise(data.weight);
    data.systolic = daily("systolic");
    data.diastolic = daily("diastolic");
    data.systolicSummary = summarise(data.systolic);
    data.diastolicSummary = summarise(data.diastolic);

    // Glucose per context: readings are compared with their own kind
    // (fasting with fasting).
    RecordFilter range;
    range.from = from;
    range.to = to;
    range.descending = false;
    QMap<QString, QList<trends::DailyPoint>> glucose;
    for (const Record &rec : store.records(metric, range)) {
        const QVariant value = rec.value(QStringLiteral("glucose"));
        if (!value.isNull())
            glucose[rec.value(QStringLiteral("glucose_context")).toString()].append(
                {rec.value(QStringLiteral("recorded_at")).toDateTime().toLocalTime().date(),
                 value.toDouble()});
    }
    for (auto it = glucose.cbegin(); it != glucose.cend(); ++it)
        data.glucose.append({it.key(), summarise(it.value())});

    for (const Record &measure : own_measures::byName(store)) {
        const Summary summary = summarise(trends::daily(
            store, own_measures::kValueKind, QStringLiteral("value"), trends::Aggregate::Average,
            from, to, {own_measures::kMeasureField, measure.id}));
        if (summary.count > 0)
            data.ownMeasures.append({measure.value(QStringLiteral("name")).toString(),
                                     measure.value(QStringLiteral("unit")).toString(), summary});
    }

    // Adherence per medication, with each dose that was due and not taken.
    QMap<QString, MedicationAdherence> byMedication;
    for (QDate day = options.from; day <= options.to; day = day.addDays(1)) {
        for (const medication::ScheduledDose &dose : medication::dosesOn(store, day)) {
            if (dose.scheduledAt > now)
                continue;
            MedicationAdherence &m = byMedication[dose.medicationId];
            m.name = dose.medicationName;
            m.amount = dose.amount;
            ++m.expected;
            if (dose.status == QLatin1String("taken")) {
                ++m.taken;
            } else {
                if (dose.status == QLatin1String("skipped"))
                    ++m.skipped;
                m.missed.append(dose);
            }
        }
    }
    data.medications = byMedication.values();
    std::sort(data.medications.begin(), data.medications.end(),
              [](const MedicationAdherence &a, const MedicationAdherence &b) {
                  return a.name.localeAwareCompare(b.name) < 0;
              });

    if (options.includeJournal) {
        RecordFilter days;
        days.from = from;
        days.to = to;
        days.descending = false;
        for (const Record &entry : store.records(QStringLiteral("journal"), days))
            data.journal.append({entry.value(QStringLiteral("entry_date")).toDate(),
                                 entry.value(QStringLiteral("mood")).toInt(),
                                 entry.value(QStringLiteral("text")).toString()});
    }
    return data;
}

} // namespace hale::report
