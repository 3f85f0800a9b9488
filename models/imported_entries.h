#pragma once

#include "models/local_store.h"

#include <QMap>
#include <QUuid>

// What an import from another app did, and the one way its entries are
// written.
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

// Writes one entry under a name-based id made from `identity` (in the
// importer's `space`), so that importing the same sample again finds it;
// counts it in `summary` as added, already there, or skipped with the reason
// the store gave.
void addImported(LocalStore &store, Summary &summary, const QUuid &space, const QString &kind,
                 const QVariantMap &values, const QString &identity);

} // namespace hale::imports
