#include "models/shared_record.h"

namespace hale {

WriteResult writeSharedRecord(LocalStore &store, const QString &kind, const QString &id,
                              const QVariantMap &values)
{
    const std::optional<Record> existing = store.record(kind, id);
    if (!existing)
        return store.create(kind, values, id);
    if (existing->deleted) {
        WriteResult restored = store.restore(kind, id);
        if (!restored.ok())
            return restored;
    }
    return store.update(kind, id, values);
}

} // namespace hale
