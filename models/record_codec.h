#pragma once

#include "sync/core/record_state.h"
#include "sync/core/schema.h"

#include <QVariantMap>

namespace hale {

// A row of a kind's table: typed column values plus the JSON of fields this
// version does not know (kept so they sync back untouched).
struct RowValues
{
    QVariantMap columns;
    QVariant extra;
    bool deleted = false;
};

// Conversions between the values the screens edit, the rows SQLite stores and
// the replicated RecordState that sync merges.
namespace codec {

// A new record: every non-empty field gets `stamp`.
sync::RecordState stateFromValues(const KindSpec &kind, const QString &id,
                                  const QVariantMap &values, const sync::HlcStamp &stamp);

// Applies an edit to `state`: each changed field (or set element) gets
// `stamp`. Returns false if nothing actually changed.
bool applyChanges(const KindSpec &kind, sync::RecordState &state, const QVariantMap &oldValues,
                  const QVariantMap &changes, const sync::HlcStamp &stamp);

RowValues stateToRow(const KindSpec &kind, const sync::RecordState &state);
sync::RecordState stateFromRow(const KindSpec &kind, const QString &id, const RowValues &row,
                               const QByteArray &meta);

// The visible value of an element-wise field (a sorted list or a map).
QVariant visibleValue(const FieldSpec &field, const QMap<QString, sync::Element> &members);

} // namespace codec
} // namespace hale
