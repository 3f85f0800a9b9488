#pragma once

#include <QString>

namespace hale {

// Values are stored in SI units; a person sees and types them in the system
// they chose in Settings.
enum class UnitSystem { Metric, Imperial };

namespace units {

// The unit shown for a stored SI unit ("kg" -> "lb" in imperial).
QString displayUnit(const QString &siUnit, UnitSystem system);
double toDisplay(double siValue, const QString &siUnit, UnitSystem system);
double fromDisplay(double displayValue, const QString &siUnit, UnitSystem system);
// A value with its unit, rounded for reading ("72.5 kg", "159.8 lb").
QString format(double siValue, const QString &siUnit, UnitSystem system);

UnitSystem fromSettingsValue(const QString &value);
QString toSettingsValue(UnitSystem system);

} // namespace units
} // namespace hale
