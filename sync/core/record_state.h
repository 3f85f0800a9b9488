#pragma once

#include "sync/core/hlc.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QString>

namespace hale::sync {

// One last-writer-wins cell: a value, the stamp of the write that set it,
// and the stamp of the value that write replaced (null for the first one).
// The base tells a deliberate overwrite from a concurrent one: a write
// whose base is at least the stamp it beats was made by someone who had
// seen that value, so the value did not lose a conflict.
struct Cell
{
    QJsonValue value;
    HlcStamp stamp;
    HlcStamp base = {};

    friend bool operator==(const Cell &, const Cell &) = default;
};

// One element of an element-wise field (a set member or a map key). A removed
// element keeps its stamp so that a stale re-delivery of the add cannot bring
// it back.
struct Element
{
    QJsonValue value;
    HlcStamp stamp;
    bool removed = false;

    friend bool operator==(const Element &, const Element &) = default;
};

// The replicated state of one record: what sync exchanges and merge combines.
// Values are JSON so that fields this version does not know survive intact.
struct RecordState
{
    QString kind;
    QString id;
    QMap<QString, Cell> fields;                     // last-writer-wins fields
    QMap<QString, QMap<QString, Element>> elements; // element-wise fields
    Cell deleted;                                   // bool tombstone, with its own stamp

    bool isDeleted() const { return deleted.value.toBool(); }
    // The newest stamp anywhere in the record.
    HlcStamp latestStamp() const;

    // Stamps and element states as stored beside a row's typed columns.
    QByteArray metaToJson() const; // compact JSON text
    // Reads what metaToJson wrote into `into`; false if it is malformed.
    static bool metaFromJson(const QByteArray &text, RecordState &into);

    friend bool operator==(const RecordState &, const RecordState &) = default;
};

} // namespace hale::sync
