#pragma once

#include <QString>

namespace hale {

// Blood glucose is read in whichever unit the person's clinic uses, which
// metric or imperial does not decide (mg/dL is usual in much of metric
// Europe too).
enum class GlucoseUnit { MmolPerL, MgPerDl };

// Values are stored in SI units; a person sees and types them in the units
// they chose in Settings: metric or imperial, and a blood glucose unit.
struct UnitSystem
{
    bool imperial = false;
    GlucoseUnit glucose = GlucoseUnit::MmolPerL;

    // The usual pairs, and what each choice of metric or imperial starts
    // with: mmol/L with metric, mg/dL with imperial (as in the US).
    static const UnitSystem Metric;
    static const UnitSystem Imperial;

    friend bool operator==(const UnitSystem &, const UnitSystem &) = default;
};
inline const UnitSystem UnitSystem::Metric{false, GlucoseUnit::MmolPerL};
inline const UnitSystem UnitSystem::Imperial{true, GlucoseUnit::MgPerDl};

namespace units {

// The unit shown for a stored SI unit ("kg" -> "lb" in imperial).
QString displayUnit(const QString &siUnit, UnitSystem system);
double toDisplay(double siValue, const QString &siUnit, UnitSystem system);
double fromDisplay(double displayValue, const QString &siUnit, UnitSystem system);
// A value with its unit, rounded for reading ("72.5 kg", "159.8 lb").
QString format(double siValue, const QString &siUnit, UnitSystem system);

// "metric" or "imperial" (with that choice's glucose unit), as settings keep it.
UnitSystem fromSettingsValue(const QString &value);
QString toSettingsValue(UnitSystem system);
// "mmol_l" or "mg_dl"; anything else is mmol/L.
GlucoseUnit glucoseFromSettingsValue(const QString &value);
QString toSettingsValue(GlucoseUnit unit);

} // namespace units
} // namespace hale
