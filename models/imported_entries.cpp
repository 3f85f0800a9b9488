#include "models/imported_entries.h"

namespace hale::imports {

int Summary::skippedCount() const
{
    int n = 0;
    for (const int count : skipped)
        n += count;
    return n;
}

void addImported(LocalStore &store, Summary &summary, const QUuid &space, const QString &kind,
                 const QVariantMap &values, const QString &identity)
{
    const QString id = QUuid::createUuidV5(space, identity).toString(QUuid::WithoutBraces);
    if (store.state(kind, id)) {
        ++summary.alreadyThere;
        return;
    }
    const WriteResult r = store.create(kind, values, id);
    if (r.ok())
        ++summary.added;
    else if (!r.errors.isEmpty())
        ++summary.skipped[QStringLiteral("%1 %2").arg(r.errors.first().field,
                                                      r.errors.first().message)];
    else
        ++summary.skipped[r.message];
}

} // namespace hale::imports
