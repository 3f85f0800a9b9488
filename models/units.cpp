#include "models/units.h"

#include <QLocale>
#include <cmath>

namespace hale::units {

namespace {
struct Conversion
{
    const char *si;
    const char *imperial;
    double factor; // imperial units per SI unit
};

constexpr Conversion kConversions[] = {
    {"kg", "lb", 2.20462262185},
    {"cm", "in", 1.0 / 2.54},
    {"km", "mi", 1.0 / 1.609344},
    {"ml", "fl oz", 1.0 / 29.5735295625},
    // Blood glucose: a choice of its own (GlucoseUnit), not of imperial units.
    {"mmol/L", "mg/dL", 18.0156},
};

const Conversion *conversionFor(const QString &siUnit, UnitSystem system)
{
    const bool converted = siUnit == QLatin1String("mmol/L")
                               ? system.glucose == GlucoseUnit::MgPerDl
                               : system.imperial;
    if (!converted)
        return nullptr;
    for (const Conversion &c : kConversions) {
        if (siUnit == QLatin1String(c.si))
            return &c;
    }
    return nullptr;
}
} // namespace

QString displayUnit(const QString &siUnit, UnitSystem system)
{
    const Conversion *c = conversionFor(siUnit, system);
    return c ? QLatin1String(c->imperial) : siUnit;
}

double toDisplay(double siValue, const QString &siUnit, UnitSystem system)
{
    const Conversion *c = conversionFor(siUnit, system);
    return c ? siValue * c->factor : siValue;
}

double fromDisplay(double displayValue, const QString &siUnit, UnitSystem system)
{
    const Conversion *c = conversionFor(siUnit, system);
    return c ? displayValue / c->factor : displayValue;
}

QString format(double siValue, const QString &siUnit, UnitSystem system)
{
    const double v = toDisplay(siValue, siUnit, system);
    const QString number = QLocale().toString(v, 'f', v == std::floor(v) ? 0 : 1);
    const QString unit = displayUnit(siUnit, system);
    return unit.isEmpty() ? number : number + QLatin1Char(' ') + unit;
}

UnitSystem fromSettingsValue(const QString &value)
{
    return value == QLatin1String("imperial") ? UnitSystem::Imperial : UnitSystem::Metric;
}

QString toSettingsValue(UnitSystem system)
{
    return system.imperial ? QStringLiteral("imperial") : QStringLiteral("metric");
}

GlucoseUnit glucoseFromSettingsValue(const QString &value)
{
    return value == QLatin1String("mg_dl") ? GlucoseUnit::MgPerDl : GlucoseUnit::MmolPerL;
}

QString toSettingsValue(GlucoseUnit unit)
{
    return unit == GlucoseUnit::MgPerDl ? QStringLiteral("mg_dl") : QStringLiteral("mmol_l");
}

} // namespace hale::units
