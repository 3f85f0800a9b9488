#pragma once

#include "models/local_store.h"

namespace hale {

// Writes `values` to record `id` of `kind`, a record every device shares by
// its fixed id (the goals, the preferences): creates it the first time,
// brings it back if it was deleted, else changes the fields given.
WriteResult writeSharedRecord(LocalStore &store, const QString &kind, const QString &id,
                              const QVariantMap &values);

} // namespace hale
