#pragma once

#include <QString>

namespace hale::sync {

// The id of a new record: a UUID of version 7 (RFC 9562), the moment it was
// made in milliseconds followed by 74 random bits. Ids made one after the
// other sort one after the other, so new records land at the end of the id
// indexes (the server's (user, kind, id) key, a device's tables and its
// outbox) instead of all over them: with random (version 4) ids, every batch
// of a bulk push rewrote index pages across the whole of the server's key.
// The moment is no secret from the server: a record's clock stamps carry it.
QString newRecordId(qint64 msSinceEpoch);
// The same with the random bits given (a seeded generator's, for demo data
// that a seed reproduces).
QString newRecordId(qint64 msSinceEpoch, quint32 random0, quint32 random1, quint32 random2);

} // namespace hale::sync
