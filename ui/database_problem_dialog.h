#pragma once

#include "models/local_store.h"

#include <QString>
#include <optional>

namespace hale {

// When the database cannot be opened (damaged, from a newer Hale, not
// writable) this asks the person what to do: open another folder, restore a
// JSON backup, or quit. The damaged file is only ever renamed aside, after
// they chose to restore, never overwritten.
// Returns the data folder now open in `store`, or nothing if they quit.
std::optional<QString> resolveDatabaseProblem(LocalStore &store, QString dataDir,
                                              LocalStore::OpenResult problem);

// Moves hale.sqlite (and its -wal/-shm files) aside with a time-stamped
// suffix; returns the new name of the main file, or empty on failure.
QString moveDatabaseAside(const QString &dataDir);

} // namespace hale
