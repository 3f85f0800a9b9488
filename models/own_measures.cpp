#include "models/own_measures.h"

#include <QLocale>
#include <cmath>

namespace hale::own_measures {

QList<Record> byName(const LocalStore &store)
{
    RecordFilter filter;
    filter.orderBy = QStringLiteral("name");
    filter.descending = false;
    return store.records(kMeasureKind, filter);
}

std::optional<Record> latestValue(const LocalStore &store, const QString &measureId)
{
    RecordFilter newest;
    newest.matchField = kMeasureField;
    newest.matchValue = measureId;
    newest.limit = 1;
    const QList<Record> found = store.records(kValueKind, newest);
    return found.isEmpty() ? std::nullopt : std::optional<Record>(found.first());
}

QString format(double value, const QString &unit, int decimals)
{
    if (decimals >= 0) {
        const double scale = std::pow(10.0, decimals);
        value = std::round(value * scale) / scale;
    }
    const QString number = QLocale().toString(value, 'g', 12);
    return unit.isEmpty() ? number : QStringLiteral("%1 %2").arg(number, unit);
}

} // namespace hale::own_measures
