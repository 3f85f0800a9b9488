#include "models/record_codec.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace hale::codec {

namespace {

// The element-wise view of a value: member key -> JSON value.
QMap<QString, QJsonValue> elementsOf(const FieldSpec &field, const QVariant &value)
{
    QMap<QString, QJsonValue> out;
    if (value.isNull() || !value.isValid())
        return out;
    if (field.type == FieldType::Measurements) {
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            out.insert(it.key(), it.value().toDouble());
    } else {
        for (const QString &item : value.toStringList())
            out.insert(item, true);
    }
    return out;
}

} // namespace

QVariant visibleValue(const FieldSpec &field, const QMap<QString, sync::Element> &members)
{
    if (field.type == FieldType::Measurements) {
        QVariantMap map;
        for (auto it = members.cbegin(); it != members.cend(); ++it) {
            if (!it->removed)
                map.insert(it.key(), it->value.toDouble());
        }
        return map.isEmpty() ? QVariant() : QVariant(map);
    }
    QStringList items;
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        if (!it->removed)
            items << it.key();
    }
    return items.isEmpty() ? QVariant() : QVariant(items); // QMap keys are already sorted
}

sync::RecordState stateFromValues(const KindSpec &kind, const QString &id,
                                  const QVariantMap &values, const sync::HlcStamp &stamp)
{
    sync::RecordState state;
    state.kind = kind.name;
    state.id = id;
    state.deleted = {false, {}};
    for (const FieldSpec &field : kind.fields) {
        const QVariant v = schema::coerce(field, values.value(field.name)).value;
        if (v.isNull())
            continue;
        if (field.isElementWise()) {
            const auto elements = elementsOf(field, v);
            for (auto it = elements.cbegin(); it != elements.cend(); ++it)
                state.elements[field.name].insert(it.key(), {it.value(), stamp, false});
        } else {
            state.fields.insert(field.name, {schema::toJson(field, v), stamp});
        }
    }
    return state;
}

bool applyChanges(const KindSpec &kind, sync::RecordState &state, const QVariantMap &oldValues,
                  const QVariantMap &changes, const sync::HlcStamp &stamp)
{
    bool changed = false;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const FieldSpec *field = kind.field(it.key());
        if (!field)
            continue;
        const QVariant next = schema::coerce(*field, it.value()).value;
        const QVariant before = oldValues.value(field->name);
        if (field->isElementWise()) {
            const auto was = elementsOf(*field, before);
            const auto now = elementsOf(*field, next);
            auto &members = state.elements[field->name];
            for (auto e = now.cbegin(); e != now.cend(); ++e) {
                if (was.value(e.key()) != e.value()) {
                    members.insert(e.key(), {e.value(), stamp, false});
                    changed = true;
                }
            }
            for (auto e = was.cbegin(); e != was.cend(); ++e) {
                if (!now.contains(e.key())) {
                    members.insert(e.key(), {QJsonValue(), stamp, true});
                    changed = true;
                }
            }
        } else {
            const QJsonValue json = schema::toJson(*field, next);
            if (json != schema::toJson(*field, before)) {
                // The base: the write this one replaces, as this device saw it.
                const sync::HlcStamp base = state.fields.value(field->name).stamp;
                state.fields.insert(field->name, {json, stamp, base});
                changed = true;
            }
        }
    }
    return changed;
}

RowValues stateToRow(const KindSpec &kind, const sync::RecordState &state)
{
    RowValues row;
    row.deleted = state.isDeleted();
    QJsonObject extra;
    for (auto it = state.fields.cbegin(); it != state.fields.cend(); ++it) {
        const FieldSpec *field = kind.field(it.key());
        if (field && !field->isElementWise())
            row.columns.insert(field->name, schema::sqlFromJson(*field, it->value));
        else if (!field)
            extra.insert(it.key(), it->value);
    }
    for (auto it = state.elements.cbegin(); it != state.elements.cend(); ++it) {
        if (const FieldSpec *field = kind.field(it.key()); field && field->isElementWise())
            row.columns.insert(field->name,
                               schema::toSql(*field, visibleValue(*field, it.value())));
    }
    if (!extra.isEmpty())
        row.extra = QString::fromUtf8(QJsonDocument(extra).toJson(QJsonDocument::Compact));
    return row;
}

sync::RecordState stateFromRow(const KindSpec &kind, const QString &id, const RowValues &row,
                               const QByteArray &meta)
{
    sync::RecordState state;
    state.kind = kind.name;
    state.id = id;
    sync::RecordState::metaFromJson(meta, state);
    const QJsonObject extra = QJsonDocument::fromJson(row.extra.toString().toUtf8()).object();
    for (auto it = state.fields.begin(); it != state.fields.end(); ++it) {
        if (const FieldSpec *field = kind.field(it.key()))
            it->value = schema::jsonFromSql(*field, row.columns.value(it.key()));
        else
            it->value = extra.value(it.key());
    }
    state.deleted.value = row.deleted;
    return state;
}

} // namespace hale::codec
