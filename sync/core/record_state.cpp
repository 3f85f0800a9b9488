#include "sync/core/record_state.h"

#include <QJsonArray>

namespace hale::sync {

HlcStamp RecordState::latestStamp() const
{
    HlcStamp latest = deleted.stamp;
    for (const Cell &cell : fields) {
        if (cell.stamp > latest)
            latest = cell.stamp;
    }
    for (const auto &field : elements) {
        for (const Element &element : field) {
            if (element.stamp > latest)
                latest = element.stamp;
        }
    }
    return latest;
}

// {"f": {"weight": "<stamp>"}, "b": {"weight": "<base stamp>"},
//  "e": {"side_effects": {"nausea": ["<stamp>", value, removed]}}, "d": "<stamp>"}
// -- field values of last-writer-wins fields live in the row's columns.
QJsonObject RecordState::metaToJson() const
{
    QJsonObject f;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        f.insert(it.key(), it.value().stamp.toString());
    QJsonObject e;
    for (auto it = elements.cbegin(); it != elements.cend(); ++it) {
        QJsonObject members;
        for (auto m = it.value().cbegin(); m != it.value().cend(); ++m)
            members.insert(m.key(), QJsonArray{m.value().stamp.toString(), m.value().value,
                                               m.value().removed});
        e.insert(it.key(), members);
    }
    QJsonObject meta{{QStringLiteral("f"), f}, {QStringLiteral("e"), e}};
    QJsonObject b;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (!it.value().base.isNull())
            b.insert(it.key(), it.value().base.toString());
    }
    if (!b.isEmpty())
        meta.insert(QStringLiteral("b"), b);
    if (!deleted.stamp.isNull())
        meta.insert(QStringLiteral("d"), deleted.stamp.toString());
    return meta;
}

bool RecordState::metaFromJson(const QJsonObject &meta, RecordState &into)
{
    const QJsonObject f = meta.value(QStringLiteral("f")).toObject();
    for (auto it = f.constBegin(); it != f.constEnd(); ++it) {
        const auto stamp = HlcStamp::fromString(it.value().toString());
        if (!stamp)
            return false;
        into.fields[it.key()].stamp = *stamp;
    }
    const QJsonObject b = meta.value(QStringLiteral("b")).toObject();
    for (auto it = b.constBegin(); it != b.constEnd(); ++it) {
        const auto base = HlcStamp::fromString(it.value().toString());
        if (!base || !into.fields.contains(it.key()))
            return false;
        into.fields[it.key()].base = *base;
    }
    const QJsonObject e = meta.value(QStringLiteral("e")).toObject();
    for (auto it = e.constBegin(); it != e.constEnd(); ++it) {
        const QJsonObject members = it.value().toObject();
        auto &target = into.elements[it.key()];
        for (auto m = members.constBegin(); m != members.constEnd(); ++m) {
            const QJsonArray triple = m.value().toArray();
            const auto stamp = HlcStamp::fromString(triple.at(0).toString());
            if (triple.size() != 3 || !stamp)
                return false;
            target.insert(m.key(), Element{triple.at(1), *stamp, triple.at(2).toBool()});
        }
    }
    if (meta.contains(QStringLiteral("d"))) {
        const auto stamp = HlcStamp::fromString(meta.value(QStringLiteral("d")).toString());
        if (!stamp)
            return false;
        into.deleted.stamp = *stamp;
    }
    return true;
}

} // namespace hale::sync
