#pragma once

#include "models/local_store.h"

#include <QIODevice>
#include <QMap>
#include <functional>

// Apple Health's export.xml, read as a stream (exports run to hundreds of
// megabytes; memory stays flat): body mass, resting and other heart rate,
// steps, blood pressure, blood glucose, body fat, water, sleep and workouts.
// Each sample gets a name-based id from what it is (type, source, times,
// value), so importing the same file twice adds nothing.
namespace hale::imports {

struct Summary
{
    int added = 0;
    int alreadyThere = 0;       // imported before (the same id)
    QMap<QString, int> skipped; // why -> how many
    bool cancelled = false;
    QString error; // the file could not be read (nothing after it)
    bool ok() const { return error.isEmpty() && !cancelled; }
    int skippedCount() const;
};

// Whether the first bytes of a file are an Apple Health export.
bool looksLikeAppleHealth(const QByteArray &head);

// Reads `xml` to its end. `progress(done, total)` is called now and then
// with bytes read (total may be 0 when unknown); returning false cancels,
// keeping what was imported so far.
Summary importAppleHealth(LocalStore &store, QIODevice &xml,
                          const std::function<bool(qint64, qint64)> &progress = {});

} // namespace hale::imports
