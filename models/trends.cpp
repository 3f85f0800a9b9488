#include "models/trends.h"

#include <QSqlQuery>
#include <algorithm>

namespace hale::trends {

QList<DailyPoint> daily(const LocalStore &store, const QString &kindName, const QString &fieldName,
                        Aggregate aggregate, const QDateTime &from, const QDateTime &to)
{
    QList<DailyPoint> out;
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    const FieldSpec *field = kind ? kind->field(fieldName) : nullptr;
    if (!field || !field->isNumeric())
        return out;
    QStringList where{QStringLiteral("deleted = 0"), fieldName + QStringLiteral(" IS NOT NULL")};
    QVariantList binds;
    if (from.isValid()) {
        where << kind->timeField + QStringLiteral(" >= ?");
        binds << schema::formatDateTime(from);
    }
    if (to.isValid()) {
        where << kind->timeField + QStringLiteral(" < ?");
        binds << schema::formatDateTime(to);
    }
    // Stored times are UTC; the day a person lived them in is local.
    const QString day = QStringLiteral("date(%1, 'localtime')").arg(kind->timeField);
    QSqlQuery q(store.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 AS day, %2(%3) FROM %4 WHERE %5 GROUP BY day ORDER BY day")
                  .arg(day,
                       aggregate == Aggregate::Sum ? QStringLiteral("sum") : QStringLiteral("avg"),
                       fieldName, kind->table, where.join(QStringLiteral(" AND "))));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return out;
    while (q.next())
        out.append({QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toDouble()});
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
