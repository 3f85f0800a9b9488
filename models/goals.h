#pragma once

#include "models/local_store.h"

#include <QDate>
#include <optional>

// The person's goals: one record of kind "goal" whose fields are the
// targets (weight and a date to reach it, calories and macros a day, exercise
// minutes a week, steps a day). Every device writes the same record id, so
// targets set on two devices before they sync merge field by field.
namespace hale::goals {

inline const QString kKind = QStringLiteral("goal");
// A name-based UUID (version 5) of "hale:goals": the same on every device.
inline const QString kRecordId = QStringLiteral("8e82413d-d556-5997-84d1-1d015773e3e9");

std::optional<Record> current(const LocalStore &store);

// Writes the targets (set_on is `today` unless given); creates the record
// the first time. `before` receives the values it had (empty when it was created).
WriteResult save(LocalStore &store, QVariantMap targets, const QDate &today,
                 QVariantMap *before = nullptr);

struct WeightProgress
{
    enum class State {
        NoTarget, // no weight target, or no weight logged
        Reached,  // within 0.2 kg of it
        OnTrack,  // the trend reaches it by the date (or at all, without one)
        Behind,   // the trend reaches it, after the date
        NotMoving // the trend is flat or goes the other way
    };
    State state = State::NoTarget;
    double target = 0;
    double latest = 0;  // the latest day's average
    double perWeek = 0; // the trend's change a week (negative: losing)
    QDate reachedOn;    // where the trend meets the target (OnTrack, Behind)
    QDate by;           // the date asked for, if any
};

// The latest weight against the target, and where the last four weeks'
// trend (least squares over daily averages, at least a week of them) meets it.
WeightProgress weightProgress(const LocalStore &store, const Record &goals, const QDate &today);

} // namespace hale::goals
