#pragma once

#include "models/local_store.h"

// The measures a person defines for themselves (kind "measure": a name, a
// unit, a range) and the values logged for them (kind "measurement").
namespace hale::own_measures {

inline const QString kMeasureKind = QStringLiteral("measure");
inline const QString kValueKind = QStringLiteral("measurement");
inline const QString kMeasureField = QStringLiteral("measure_id");

// Every measure defined, by name.
QList<Record> byName(const LocalStore &store);

// The newest value logged for a measure, if any.
std::optional<Record> latestValue(const LocalStore &store, const QString &measureId);

// A value as a person reads it: as precise as it was typed (or rounded to
// `decimals`, for an average), with the unit chosen for its measure
// ("455 L/min").
QString format(double value, const QString &unit, int decimals = -1);

} // namespace hale::own_measures
