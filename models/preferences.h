#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QHash>
#include <QTime>

// The choices that follow the person to each device: units, dose reminders,
// the logging reminders' times and the screens shown. One record of kind "preference" with the
// same id everywhere, so a choice made on one device merges field by field
// with another's. The data folder and the window stay per device
// (QSettings).
namespace hale::preferences {

inline const QString kKind = QStringLiteral("preference");
// A name-based UUID (version 5) of "hale:preferences".
inline const QString kRecordId = QStringLiteral("fc0b1cb5-26d5-5102-accf-5ff296a4d5fb");

struct Preferences
{
    UnitSystem units = UnitSystem::Metric;
    bool unitsChosen = false;       // false: never chosen on any device
    bool glucoseUnitChosen = false; // false: the glucose unit follows metric or imperial
    bool doseReminders = true;
    QHash<QString, QTime> remindAt; // kind -> time of its logging reminder
    QStringList hiddenScreens;      // keys of hideableScreens(), sorted
};

// The screens a person can leave out of the navigation ("metrics", "meals",
// ...), as the navigation names them; Today, Settings and the sync screens
// always stay.
QStringList hideableScreens();

// The kinds a logging reminder can ask for, in Settings' order.
QStringList reminderKinds();

Preferences load(const LocalStore &store);

// The units to show: those chosen, else `fallback` (this device's choice
// from before units followed the person), with the glucose unit if one was
// chosen.
UnitSystem unitsOr(const Preferences &chosen, UnitSystem fallback);

// Writes the choices that differ from what is stored (changed_on becomes
// today); creates the record the first time.
WriteResult save(LocalStore &store, const Preferences &chosen);

} // namespace hale::preferences
