#pragma once

#include <QString>
#include <functional>

namespace hale {

class LocalStore;

constexpr quint32 kDemoDataSeed = 20261123;

// The ids demo records get: time-ordered as the app makes them, or random
// (version 4) as records made by earlier versions of Hale have; the
// benchmarks measure both.
enum class DemoIds { TimeOrdered, Random };

// Fills `store` with `count` plausible records of every kind (about 35% metrics,
// 30% meals, 15% exercises, 15% doses, 4% journal entries and five
// medications), about eleven a day going back from today. The same seed gives the
// same values and ids; the times move with the current date. All or nothing:
// on failure nothing is written and `error` (if given) says why. `progress`
// is called every few hundred records from inside the transaction.
bool generateDemoData(LocalStore &store, int count, QString *error,
                      std::function<void(int done, int total)> progress = {},
                      quint32 seed = kDemoDataSeed, DemoIds ids = DemoIds::TimeOrdered);

} // namespace hale
