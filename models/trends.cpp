#include "models/trends.h"

#include <QHash>
#include <QSqlQuery>
#include <algorithm>

namespace hale::trends {

namespace {
const QString kSleepHours = QStringLiteral("sleep_hours");
// Both ends are stored as UTC text; julianday() reads them as such.
const QString kSleepHoursSql = QStringLiteral("((julianday(wake_time) - julianday(bedtime)) * 24)");
// The conditions (and their bound values) of live rows with `value` set
// whose time lies in [from, to); a null end is unbounded.
QStringList liveValuesIn(const KindSpec &kind, const QString &value, const QDateTime &from,
                         const QDateTime &to, QVariantList *binds)
{
    QStringList where{QStringLiteral("deleted = 0"), value + QStringLiteral(" IS NOT NULL")};
    if (from.isValid()) {
        where << kind.timeField + QStringLiteral(" >= ?");
        *binds << schema::formatDateTime(from);
    }
    if (to.isValid()) {
        where << kind.timeField + QStringLiteral(" < ?");
        *binds << schema::formatDateTime(to);
    }
    return where;
}
} // namespace

const FieldSpec *derivedField(const QString &kind, const QString &name)
{
    static const FieldSpec sleep = [] {
        FieldSpec f;
        f.name = kSleepHours;
        f.label = QT_TRANSLATE_NOOP("Schema", "Sleep");
        f.type = FieldType::Real;
        f.unit = QStringLiteral("h");
        return f;
    }();
    return kind == QLatin1String("metric") && name == kSleepHours ? &sleep : nullptr;
}

double sleepHours(const Record &metric)
{
    const QDateTime bed = metric.value(QStringLiteral("bedtime")).toDateTime();
    const QDateTime woke = metric.value(QStringLiteral("wake_time")).toDateTime();
    return bed.isValid() && woke.isValid() ? double(bed.msecsTo(woke)) / 3'600'000.0 : -1;
}

QList<DailyPoint> daily(const LocalStore &store, const QString &kindName, const QString &fieldName,
                        Aggregate aggregate, const QDateTime &from, const QDateTime &to,
                        const Only &only)
{
    QList<DailyPoint> out;
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    const FieldSpec *field = kind ? kind->field(fieldName) : nullptr;
    const bool derived = kind && derivedField(kindName, fieldName);
    if (!derived && (!field || !field->isNumeric()))
        return out;
    const QString value = derived ? kSleepHoursSql : fieldName;
    QVariantList binds;
    QStringList where = liveValuesIn(*kind, value, from, to, &binds);
    if (kind->field(only.field)) {
        where << only.field + QStringLiteral(" = ?");
        binds << only.value;
    }
    // Stored times are UTC; the day a person lived them in is local.
    const QString day = QStringLiteral("date(%1, 'localtime')").arg(kind->timeField);
    QSqlQuery q(store.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 AS day, %2(%3) FROM %4 WHERE %5 GROUP BY day ORDER BY day")
                  .arg(day,
                       aggregate == Aggregate::Sum ? QStringLiteral("sum") : QStringLiteral("avg"),
                       value, kind->table, where.join(QStringLiteral(" AND "))));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return out;
    while (q.next())
        out.append({QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toDouble()});
    return out;
}

WeeklyBreakdown weeklyByCategory(const LocalStore &store, const QString &kindName,
                                 const QString &valueField, const QString &categoryField,
                                 const QDateTime &from, const QDateTime &to, int maxCategories,
                                 int maxWeeks)
{
    WeeklyBreakdown out;
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    const FieldSpec *value = kind ? kind->field(valueField) : nullptr;
    const FieldSpec *category = kind ? kind->field(categoryField) : nullptr;
    if (!value || !value->isNumeric() || !category || maxCategories < 1 || maxWeeks < 1)
        return out;
    QVariantList binds;
    const QStringList where = liveValuesIn(*kind, valueField, from, to, &binds);
    // The local day's Monday: forward to Sunday (weekday 0), back six days.
    const QString week =
        QStringLiteral("date(%1, 'localtime', 'weekday 0', '-6 days')").arg(kind->timeField);
    QSqlQuery q(store.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 AS week, lower(trim(%2)) AS name, min(trim(%2)), sum(%3) "
                             "FROM %4 WHERE %5 GROUP BY week, name ORDER BY week")
                  .arg(week, categoryField, valueField, kind->table,
                       where.join(QStringLiteral(" AND "))));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return out;
    struct Row
    {
        QDate week;
        QString key;
        double sum;
    };
    QList<Row> rows;
    QHash<QString, double> totals;
    QHash<QString, QString> shown;
    while (q.next()) {
        const Row row{QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toString(),
                      q.value(3).toDouble()};
        rows.append(row);
        totals[row.key] += row.sum;
        shown.insert(row.key, q.value(2).toString());
    }
    if (rows.isEmpty())
        return out;
    for (QDate w = std::max(rows.first().week, rows.last().week.addDays(-7 * (maxWeeks - 1)));
         w <= rows.last().week; w = w.addDays(7))
        out.weeks.append(w);
    QStringList keys = totals.keys();
    std::sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        return totals.value(a) != totals.value(b) ? totals.value(a) > totals.value(b) : a < b;
    });
    const bool merged = keys.size() > maxCategories;
    const QStringList named = merged ? keys.mid(0, maxCategories - 1) : keys;
    for (const QString &key : named)
        out.categories.append(shown.value(key));
    if (merged)
        out.categories.append(QString());
    out.sums.fill(QList<double>(out.weeks.size(), 0.0), out.categories.size());
    for (const Row &row : rows) {
        const qsizetype w = out.weeks.indexOf(row.week);
        if (w < 0)
            continue; // before the weeks shown
        const qsizetype c = named.indexOf(row.key);
        out.sums[c >= 0 ? c : out.categories.size() - 1][w] += row.sum;
    }
    return out;
}

QList<DailyPoint> movingAverage(const QList<DailyPoint> &points, int days)
{
    QList<DailyPoint> out;
    out.reserve(points.size());
    double sum = 0;
    qsizetype first = 0;
    for (qsizetype i = 0; i < points.size(); ++i) {
        sum += points.at(i).value;
        while (points.at(first).day.daysTo(points.at(i).day) >= days)
            sum -= points.at(first++).value;
        out.append({points.at(i).day, sum / double(i - first + 1)});
    }
    return out;
}

QList<DailyPoint> downsample(const QList<DailyPoint> &points, int maxPoints)
{
    if (maxPoints <= 0 || points.size() <= maxPoints)
        return points;
    const qsizetype group = (points.size() + maxPoints - 1) / maxPoints;
    QList<DailyPoint> out;
    out.reserve(maxPoints);
    for (qsizetype first = 0; first < points.size(); first += group) {
        const qsizetype last = std::min(points.size(), first + group) - 1;
        double sum = 0;
        for (qsizetype i = first; i <= last; ++i)
            sum += points.at(i).value;
        out.append({points.at((first + last) / 2).day, sum / double(last - first + 1)});
    }
    return out;
}

} // namespace hale::trends
