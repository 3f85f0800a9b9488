#pragma once

#include "models/imported_entries.h"

#include <QIODevice>
#include <functional>

// Apple Health's export.xml, read as a stream (exports run to hundreds of
// megabytes; memory stays flat): body mass, resting and other heart rate,
// steps, blood pressure, blood glucose, body fat, water, sleep and workouts.
// Each sample gets a name-based id from what it is (type, source, times,
// value), so importing the same file twice adds nothing.
namespace hale::imports {

// Whether the first bytes of a file are an Apple Health export.
bool looksLikeAppleHealth(const QByteArray &head);

// Reads `xml` to its end. `progress(done, total)` is called now and then
// with bytes read (total may be 0 when unknown); returning false cancels,
// keeping what was imported so far.
Summary importAppleHealth(LocalStore &store, QIODevice &xml,
                          const std::function<bool(qint64, qint64)> &progress = {});

} // namespace hale::imports
