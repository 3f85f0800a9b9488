#pragma once

#include "sync/core/record_state.h"

#include <QList>

namespace hale::sync {

// Where a merge let the other side's concurrent write replace ours.
struct LostWrite
{
    QString field;   // field name
    QString element; // element key for element-wise fields, empty otherwise
    QJsonValue mine;
    HlcStamp mineStamp;
    QJsonValue theirs;
    HlcStamp theirsStamp;
};

// Combines two states of the same record. Per cell the later stamp wins;
// element-wise fields merge per element; the tombstone is a cell of its own.
// The result does not depend on argument order, grouping or repetition
// (commutative, associative, idempotent), so retries and re-deliveries are
// harmless. `lost`, if given, lists the cells where `ours` lost to a
// concurrent write of `theirs` (one whose base stamp is older than ours).
RecordState merge(const RecordState &ours, const RecordState &theirs,
                  QList<LostWrite> *lost = nullptr);

} // namespace hale::sync
