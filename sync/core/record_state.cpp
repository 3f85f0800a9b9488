#include "sync/core/record_state.h"

#include "sync/core/json_dom.h"
#include "sync/core/json_text.h"

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
// {"f": {field: stamp}, "e": {field: {element: [stamp, value, removed]}},
//  "b": {field: base stamp}?, "d": deletion stamp?}, written directly: this
// runs for every record stored, 100,000 times in a first sync.
QByteArray RecordState::metaToJson() const
{
    using json::appendString;
    QByteArray out;
    out.reserve(64 + 80 * (fields.size() + elements.size()));
    out += "{\"f\":{";
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (it != fields.cbegin())
            out += ',';
        appendString(out, it.key());
        out += ':';
        json::appendStamp(out, it.value().stamp);
    }
    out += "},\"e\":{";
    for (auto it = elements.cbegin(); it != elements.cend(); ++it) {
        if (it != elements.cbegin())
            out += ',';
        appendString(out, it.key());
        out += ":{";
        for (auto m = it.value().cbegin(); m != it.value().cend(); ++m) {
            if (m != it.value().cbegin())
                out += ',';
            appendString(out, m.key());
            out += ":[";
            json::appendStamp(out, m.value().stamp);
            out += ',';
            json::appendValue(out, m.value().value);
            out += m.value().removed ? ",true]" : ",false]";
        }
        out += '}';
    }
    out += '}';
    bool anyBase = false;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (it.value().base.isNull())
            continue;
        out += anyBase ? "," : ",\"b\":{";
        anyBase = true;
        appendString(out, it.key());
        out += ':';
        json::appendStamp(out, it.value().base);
    }
    if (anyBase)
        out += '}';
    if (!deleted.stamp.isNull()) {
        out += ",\"d\":";
        json::appendStamp(out, deleted.stamp);
    }
    out += '}';
    return out;
}

bool RecordState::metaFromJson(const QByteArray &text, RecordState &into)
{
    using namespace jsondom;
    // One parser a thread, its buffers kept: this runs for every record a
    // push reads from the outbox, 100,000 times for a first push.
    thread_local dom::parser parser;
    dom::element root;
    if (parser.parse(text.constData(), size_t(text.size())).get(root) != simdjson::SUCCESS)
        return false;
    const Object meta = objectOf(root);
    const auto stampIn = [](const std::optional<dom::element> &value) {
        return HlcStamp::fromUtf8(viewOf(value));
    };
    if (const Object f = objectOf(member(meta, "f"))) {
        for (const dom::key_value_pair field : *f) {
            const auto stamp = stampIn(field.value);
            if (!stamp)
                return false;
            into.fields[qtString(field.key)].stamp = *stamp;
        }
    }
    if (const Object b = objectOf(member(meta, "b"))) {
        for (const dom::key_value_pair field : *b) {
            const auto base = stampIn(field.value);
            const auto cell = into.fields.find(qtString(field.key));
            if (!base || cell == into.fields.end())
                return false;
            cell->base = *base;
        }
    }
    if (const Object e = objectOf(member(meta, "e"))) {
        for (const dom::key_value_pair field : *e) {
            auto &target = into.elements[qtString(field.key)];
            const Object members = objectOf(field.value);
            if (!members)
                continue;
            for (const dom::key_value_pair m : *members) {
                // [stamp, value, removed]
                dom::array triple;
                if (m.value.get_array().get(triple) != simdjson::SUCCESS || triple.size() != 3)
                    return false;
                const auto stamp = stampIn(triple.at(0).value_unsafe());
                if (!stamp)
                    return false;
                target.insert(qtString(m.key), Element{toQt(triple.at(1).value_unsafe()), *stamp,
                                                       isTrue(triple.at(2).value_unsafe())});
            }
        }
    }
    if (const auto d = member(meta, "d")) {
        const auto stamp = stampIn(d);
        if (!stamp)
            return false;
        into.deleted.stamp = *stamp;
    }
    return true;
}

} // namespace hale::sync
