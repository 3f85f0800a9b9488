#include "models/preferences.h"

#include "models/shared_record.h"

namespace hale::preferences {

namespace {

QString timeField(const QString &kind)
{
    return QStringLiteral("remind_%1_at").arg(kind);
}

// `laterScreens`: hidden screens of a later version, kept as they are.
QVariantMap valuesOf(const Preferences &p, const QStringList &laterScreens = {})
{
    QVariantMap values{{QStringLiteral("dose_reminders"),
                        p.doseReminders ? QStringLiteral("on") : QStringLiteral("off")}};
    if (p.unitsChosen)
        values.insert(QStringLiteral("units"), units::toSettingsValue(p.units));
    if (p.glucoseUnitChosen)
        values.insert(QStringLiteral("glucose_unit"), units::toSettingsValue(p.units.glucose));
    for (const QString &kind : reminderKinds()) {
        const QTime at = p.remindAt.value(kind);
        values.insert(timeField(kind),
                      at.isValid() ? QVariant(at.toString(QStringLiteral("HH:mm"))) : QVariant());
    }
    QStringList hidden = p.hiddenScreens + laterScreens;
    hidden.sort();
    values.insert(QStringLiteral("hidden_screens"),
                  hidden.isEmpty() ? QVariant() : QVariant(hidden));
    return values;
}

} // namespace

QStringList hideableScreens()
{
    return {QStringLiteral("metrics"),     QStringLiteral("meals"),    QStringLiteral("exercises"),
            QStringLiteral("medications"), QStringLiteral("measures"), QStringLiteral("journal")};
}

QStringList reminderKinds()
{
    return {QStringLiteral("metric"), QStringLiteral("meal"), QStringLiteral("exercise"),
            QStringLiteral("journal")};
}

Preferences load(const LocalStore &store)
{
    Preferences p;
    const std::optional<Record> stored = store.record(kKind, kRecordId);
    if (!stored || stored->deleted)
        return p;
    const QString units = stored->value(QStringLiteral("units")).toString();
    p.unitsChosen = !units.isEmpty();
    p.units = units::fromSettingsValue(units);
    const QString glucose = stored->value(QStringLiteral("glucose_unit")).toString();
    p.glucoseUnitChosen = !glucose.isEmpty();
    if (p.glucoseUnitChosen)
        p.units.glucose = units::glucoseFromSettingsValue(glucose);
    p.doseReminders =
        stored->value(QStringLiteral("dose_reminders")).toString() != QLatin1String("off");
    for (const QString &kind : reminderKinds()) {
        const QTime at =
            QTime::fromString(stored->value(timeField(kind)).toString(), QStringLiteral("HH:mm"));
        if (at.isValid())
            p.remindAt.insert(kind, at);
    }
    // Keys this version does not know (a screen of a later one) are kept
    // out of the list it acts on.
    for (const QString &screen : stored->value(QStringLiteral("hidden_screens")).toStringList()) {
        if (hideableScreens().contains(screen))
            p.hiddenScreens << screen;
    }
    return p;
}

UnitSystem unitsOr(const Preferences &chosen, UnitSystem fallback)
{
    UnitSystem system = chosen.unitsChosen ? chosen.units : fallback;
    if (chosen.glucoseUnitChosen)
        system.glucose = chosen.units.glucose;
    return system;
}

WriteResult save(LocalStore &store, const Preferences &chosen)
{
    const std::optional<Record> stored = store.record(kKind, kRecordId);
    const bool exists = stored && !stored->deleted;
    // Screens of a later version stay hidden there.
    QStringList laterScreens;
    for (const QString &screen :
         exists ? stored->value(QStringLiteral("hidden_screens")).toStringList() : QStringList()) {
        if (!hideableScreens().contains(screen))
            laterScreens << screen;
    }
    QVariantMap values = valuesOf(chosen, laterScreens);
    // Only what changed, so that another device's choices of other fields
    // keep their stamps and merge.
    if (exists) {
        for (auto it = values.begin(); it != values.end();) {
            if (stored->value(it.key()) == it.value())
                it = values.erase(it);
            else
                ++it;
        }
        if (values.isEmpty())
            return {kRecordId, {}, {}};
    }
    values.insert(QStringLiteral("changed_on"), QDate::currentDate());
    return writeSharedRecord(store, kKind, kRecordId, values);
}

} // namespace hale::preferences
