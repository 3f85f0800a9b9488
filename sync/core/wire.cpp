#include "sync/core/wire.h"

#include "sync/core/json_text.h"
#include "sync/core/schema.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QUuid>
#include <algorithm>
#include <utility>

namespace hale::sync {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SyncWire", text);
}

// Depth of the deepest nesting, counted outside string literals, so that a
// hostile body cannot make the parser recurse without bound.
int maxDepth(const QByteArray &body)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

bool fail(WireError *error, const QString &message, const QString &record = {},
          const QString &field = {})
{
    if (error)
        *error = {message, record, field};
    return false;
}

std::optional<HlcStamp> stampOf(const QJsonObject &cell)
{
    return HlcStamp::fromString(cell.value(QStringLiteral("t")).toString());
}

bool checkValue(const FieldSpec &field, const QJsonValue &value, QString *problem)
{
    const schema::Coerced coerced = schema::fromJson(field, value);
    if (!coerced.ok()) {
        *problem = coerced.error;
        return false;
    }
    // A required field may still be cleared by a write; presence is the
    // editor's business, ranges and types are everyone's.
    FieldSpec optional = field;
    optional.required = false;
    optional.notInFuture = false;
    *problem = schema::checkValue(optional, coerced.value);
    return problem->isEmpty();
}

// Element values: set members carry true, measurements a number in range.
bool checkElement(const FieldSpec &field, const QString &key, const QJsonValue &value,
                  QString *problem)
{
    if (key.isEmpty() || key.size() > 60) {
        *problem = tr("has an element with an empty or too long name");
        return false;
    }
    if (field.type == FieldType::Measurements) {
        FieldSpec single = field;
        single.type = FieldType::Real;
        return checkValue(single, value, problem);
    }
    if (field.type == FieldType::TimeSet) {
        *problem = schema::checkValue(field, QStringList{key});
        if (!problem->isEmpty())
            return false;
    }
    if (!value.isBool()) {
        *problem = tr("must mark members with true");
        return false;
    }
    return true;
}

} // namespace

namespace {
bool validText(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            return false;
    }
    return true;
}
} // namespace

bool isValidUnicode(const QJsonValue &value)
{
    if (value.isString())
        return validText(value.toString());
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::all_of(array.begin(), array.end(),
                           [](const QJsonValue &v) { return isValidUnicode(v); });
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!validText(it.key()) || !isValidUnicode(it.value()))
                return false;
        }
    }
    return true;
}

bool isValidUnicode(const QByteArray &text, const QJsonValue &parsed)
{
    return !text.contains("\\u") || isValidUnicode(parsed);
}

QString recordKey(const RecordState &state)
{
    return state.kind + QLatin1Char('/') + state.id;
}

std::optional<QJsonObject> parseObject(const QByteArray &body, WireError *error)
{
    if (maxDepth(body) > kMaxJsonDepth) {
        fail(error, tr("The JSON is nested too deeply."));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::IllegalUTF8String) {
        fail(error, tr("The body is not valid UTF-8."));
        return std::nullopt;
    }
    if (parseError.error != QJsonParseError::NoError) {
        fail(error, tr("The body is not valid JSON: %1 at offset %2.")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        fail(error, tr("The body must be a JSON object."));
        return std::nullopt;
    }
    if (!isValidUnicode(body, doc.object())) {
        fail(error, tr("The body holds text that is not valid Unicode (half of a surrogate "
                       "pair)."));
        return std::nullopt;
    }
    return doc.object();
}

QJsonObject encodeRecord(const RecordState &state)
{
    QJsonObject fields;
    for (auto it = state.fields.cbegin(); it != state.fields.cend(); ++it) {
        QJsonObject cell{{QStringLiteral("v"), it->value},
                         {QStringLiteral("t"), it->stamp.toString()}};
        if (!it->base.isNull())
            cell.insert(QStringLiteral("b"), it->base.toString());
        fields.insert(it.key(), cell);
    }
    QJsonObject elements;
    for (auto it = state.elements.cbegin(); it != state.elements.cend(); ++it) {
        QJsonObject members;
        for (auto m = it->cbegin(); m != it->cend(); ++m)
            members.insert(m.key(), QJsonObject{{QStringLiteral("v"), m->value},
                                                {QStringLiteral("t"), m->stamp.toString()},
                                                {QStringLiteral("x"), m->removed}});
        elements.insert(it.key(), members);
    }
    QJsonObject out{{QStringLiteral("kind"), state.kind},
                    {QStringLiteral("id"), state.id},
                    {QStringLiteral("fields"), fields},
                    {QStringLiteral("elements"), elements}};
    if (!state.deleted.stamp.isNull())
        out.insert(QStringLiteral("deleted"),
                   QJsonObject{{QStringLiteral("v"), state.deleted.value.toBool()},
                               {QStringLiteral("t"), state.deleted.stamp.toString()}});
    return out;
}

namespace {

using json::appendString;
using json::appendValue;

void appendCell(QByteArray &out, const QJsonValue &value, const HlcStamp &stamp,
                const HlcStamp &base = {})
{
    out += "{\"v\":";
    appendValue(out, value);
    out += ",\"t\":";
    appendString(out, stamp.toString());
    if (!base.isNull()) {
        out += ",\"b\":";
        appendString(out, base.toString());
    }
    out += '}';
}

} // namespace

QByteArray encodeRecordJson(const RecordState &state)
{
    QByteArray out;
    out.reserve(256);
    out += "{\"kind\":";
    appendString(out, state.kind);
    out += ",\"id\":";
    appendString(out, state.id);
    out += ",\"fields\":{";
    bool first = true;
    for (auto it = state.fields.cbegin(); it != state.fields.cend(); ++it) {
        if (!std::exchange(first, false))
            out += ',';
        appendString(out, it.key());
        out += ':';
        appendCell(out, it->value, it->stamp, it->base);
    }
    out += "},\"elements\":{";
    first = true;
    for (auto it = state.elements.cbegin(); it != state.elements.cend(); ++it) {
        if (!std::exchange(first, false))
            out += ',';
        appendString(out, it.key());
        out += ":{";
        bool firstMember = true;
        for (auto m = it->cbegin(); m != it->cend(); ++m) {
            if (!std::exchange(firstMember, false))
                out += ',';
            appendString(out, m.key());
            out += ":{\"v\":";
            appendValue(out, m->value);
            out += ",\"t\":";
            appendString(out, m->stamp.toString());
            out += m->removed ? ",\"x\":true}" : ",\"x\":false}";
        }
        out += '}';
    }
    out += '}';
    if (!state.deleted.stamp.isNull()) {
        out += ",\"deleted\":";
        appendCell(out, state.deleted.value.toBool(), state.deleted.stamp);
    }
    out += '}';
    return out;
}

std::optional<RecordState> decodeRecord(const QJsonValue &json, UnknownFields unknown,
                                        WireError *error)
{
    return decodeRecord(json, unknown, error, true);
}

std::optional<RecordState> decodeStoredRecord(const QJsonValue &json)
{
    return decodeRecord(json, UnknownFields::Keep, nullptr, false);
}

std::optional<RecordState> decodeRecord(const QJsonValue &json, UnknownFields unknown,
                                        WireError *error, bool checkValues)
{
    if (!json.isObject()) {
        fail(error, tr("A change must be a JSON object."));
        return std::nullopt;
    }
    const QJsonObject o = json.toObject();
    RecordState state;
    state.kind = o.value(QStringLiteral("kind")).toString();
    const QUuid id = QUuid::fromString(o.value(QStringLiteral("id")).toString());
    const KindSpec *kind = SchemaRegistry::instance().kind(state.kind);
    if (!kind) {
        // Named by its key when it has one (a kind from a newer app): the
        // device sets that record aside and sends the rest.
        const QString key = !id.isNull() && !state.kind.isEmpty() && state.kind.size() <= 40
                                ? state.kind + QLatin1Char('/') + id.toString(QUuid::WithoutBraces)
                                : QString();
        fail(error, tr("Unknown kind of record \"%1\".").arg(state.kind.left(40)), key);
        return std::nullopt;
    }
    if (id.isNull() || o.value(QStringLiteral("id")).toString().size() != 36) {
        fail(error, tr("The record id is not a UUID."), state.kind);
        return std::nullopt;
    }
    state.id = id.toString(QUuid::WithoutBraces);
    const QString key = recordKey(state);

    const QJsonObject fields = o.value(QStringLiteral("fields")).toObject();
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
        const FieldSpec *field = kind->field(it.key());
        const QJsonObject cell = it.value().toObject();
        const auto stamp = stampOf(cell);
        if (!stamp) {
            fail(error, tr("The field has no valid clock stamp."), key, it.key());
            return std::nullopt;
        }
        if (!field && unknown == UnknownFields::Refuse) {
            fail(error, tr("Unknown field \"%1\".").arg(it.key().left(40)), key, it.key());
            return std::nullopt;
        }
        if (field && field->isElementWise()) {
            fail(error, tr("The field holds elements, not a single value."), key, it.key());
            return std::nullopt;
        }
        const QJsonValue value = cell.value(QStringLiteral("v"));
        QString problem;
        if (checkValues && field && !value.isNull() && !checkValue(*field, value, &problem)) {
            fail(error, field->name + QLatin1Char(' ') + problem, key, it.key());
            return std::nullopt;
        }
        // The base is optional (a first write has none) and never after the write.
        std::optional<HlcStamp> base = HlcStamp{};
        if (cell.contains(QStringLiteral("b")))
            base = HlcStamp::fromString(cell.value(QStringLiteral("b")).toString());
        if (!base || *stamp < *base) {
            fail(error, tr("The field's base stamp is not valid."), key, it.key());
            return std::nullopt;
        }
        state.fields.insert(it.key(), {value.isUndefined() ? QJsonValue() : value, *stamp, *base});
    }

    const QJsonObject elements = o.value(QStringLiteral("elements")).toObject();
    for (auto it = elements.constBegin(); it != elements.constEnd(); ++it) {
        const FieldSpec *field = kind->field(it.key());
        if (!field && unknown == UnknownFields::Refuse) {
            fail(error, tr("Unknown field \"%1\".").arg(it.key().left(40)), key, it.key());
            return std::nullopt;
        }
        if (field && !field->isElementWise()) {
            fail(error, tr("The field holds a single value, not elements."), key, it.key());
            return std::nullopt;
        }
        const QJsonObject members = it.value().toObject();
        if (members.size() > schema::kMaxSetElements * 4) {
            fail(error, tr("The field has too many elements."), key, it.key());
            return std::nullopt;
        }
        for (auto m = members.constBegin(); m != members.constEnd(); ++m) {
            const QJsonObject cell = m.value().toObject();
            const auto stamp = stampOf(cell);
            const bool removed = cell.value(QStringLiteral("x")).toBool();
            if (!stamp) {
                fail(error, tr("An element has no valid clock stamp."), key, it.key());
                return std::nullopt;
            }
            QString problem;
            if (checkValues && field && !removed &&
                !checkElement(*field, m.key(), cell.value(QStringLiteral("v")), &problem)) {
                fail(error, field->name + QLatin1Char(' ') + problem, key, it.key());
                return std::nullopt;
            }
            // A missing value is null, as for fields: every encoder then
            // writes the state that was merged.
            QJsonValue value = cell.value(QStringLiteral("v"));
            if (removed || value.isUndefined())
                value = QJsonValue::Null;
            state.elements[it.key()].insert(m.key(), {value, *stamp, removed});
        }
    }

    if (o.contains(QStringLiteral("deleted"))) {
        const QJsonObject cell = o.value(QStringLiteral("deleted")).toObject();
        const auto stamp = stampOf(cell);
        if (!stamp || !cell.value(QStringLiteral("v")).isBool()) {
            fail(error, tr("The deletion flag is malformed."), key, QStringLiteral("deleted"));
            return std::nullopt;
        }
        state.deleted = {cell.value(QStringLiteral("v")).toBool(), *stamp};
    } else {
        state.deleted = {false, {}};
    }
    return state;
}

namespace {
QJsonArray encodeAll(const QList<RecordState> &states)
{
    QJsonArray out;
    for (const RecordState &s : states)
        out.append(encodeRecord(s));
    return out;
}

bool decodeAll(const QJsonValue &json, UnknownFields unknown, QList<RecordState> *out,
               WireError *error)
{
    if (!json.isUndefined() && !json.isArray())
        return fail(error, tr("Changes must be a list."));
    for (const QJsonValue item : json.toArray()) {
        auto state = decodeRecord(item, unknown, error);
        if (!state)
            return false;
        out->append(*state);
    }
    return true;
}

bool readCursor(const QJsonValue &json, qint64 *out, WireError *error)
{
    if (json.isUndefined()) {
        *out = 0;
        return true;
    }
    const double d = json.toDouble(-1);
    if (!json.isDouble() || d < 0 || d > 9.0e15 || d != double(qint64(d)))
        return fail(error, tr("The cursor must be a non-negative whole number."));
    *out = qint64(d);
    return true;
}
} // namespace

bool validRecordKey(const QString &key)
{
    const qsizetype slash = key.indexOf(QLatin1Char('/'));
    const QString id = key.mid(slash + 1);
    // The kind is not looked up (a key the server does not know simply
    // names no record it has, and the device is asked to start over), but it
    // is a kind's name: the direct encoders write the key unescaped.
    static const QRegularExpression kindName(QStringLiteral("^[a-z][a-z0-9_]{0,39}$"));
    return slash > 0 && kindName.match(QStringView(key).left(slash)).hasMatch() &&
           id.size() == 36 && !QUuid::fromString(id).isNull();
}

QJsonObject encodeSyncRequest(const SyncRequest &request)
{
    QJsonObject out{{QStringLiteral("cursor"), request.cursor},
                    {QStringLiteral("page_size"), request.pageSize},
                    {QStringLiteral("changes"), encodeAll(request.changes)}};
    if (!request.kinds.isEmpty())
        out.insert(QStringLiteral("kinds"), QJsonArray::fromStringList(request.kinds));
    if (!request.cursorKey.isEmpty())
        out.insert(QStringLiteral("cursor_key"), request.cursorKey);
    return out;
}

QByteArray encodeSyncRequestJson(const SyncRequest &request)
{
    QByteArray out;
    out.reserve(128 + request.changes.size() * 512);
    out += "{\"cursor\":" + QByteArray::number(request.cursor) +
           ",\"page_size\":" + QByteArray::number(request.pageSize);
    if (!request.cursorKey.isEmpty()) // "<kind>/<uuid>": nothing to escape
        out += ",\"cursor_key\":\"" + request.cursorKey.toUtf8() + '"';
    if (!request.kinds.isEmpty()) {
        out +=
            ",\"kinds\":" +
            QJsonDocument(QJsonArray::fromStringList(request.kinds)).toJson(QJsonDocument::Compact);
    }
    out += ",\"changes\":[";
    for (qsizetype i = 0; i < request.changes.size(); ++i) {
        if (i > 0)
            out += ',';
        out += encodeRecordJson(request.changes.at(i));
    }
    out += "]}";
    return out;
}

std::optional<SyncRequest> decodeSyncRequest(const QJsonObject &json, UnknownFields unknown,
                                             WireError *error)
{
    SyncRequest request;
    if (!readCursor(json.value(QStringLiteral("cursor")), &request.cursor, error))
        return std::nullopt;
    const QJsonValue page = json.value(QStringLiteral("page_size"));
    if (!page.isUndefined()) {
        const int size = page.toInt(-1);
        if (!page.isDouble() || size < 1 || size > kMaxPageSize) {
            fail(error, tr("page_size must be between 1 and %1.").arg(kMaxPageSize));
            return std::nullopt;
        }
        request.pageSize = size;
    }
    const QJsonValue cursorKey = json.value(QStringLiteral("cursor_key"));
    if (!cursorKey.isUndefined()) {
        request.cursorKey = cursorKey.toString();
        if (!validRecordKey(request.cursorKey)) {
            fail(error, tr("cursor_key must be \"<kind>/<id>\" of a record."));
            return std::nullopt;
        }
    }
    for (const QJsonValue kind : json.value(QStringLiteral("kinds")).toArray()) {
        if (!SchemaRegistry::instance().kind(kind.toString())) {
            fail(error, tr("Unknown kind of record \"%1\".").arg(kind.toString().left(40)));
            return std::nullopt;
        }
        request.kinds << kind.toString();
    }
    // Each kind once, in one order: the server's page query depends on the
    // list, and a list of a known length keeps its variants few.
    request.kinds.sort();
    request.kinds.removeDuplicates();
    if (!decodeAll(json.value(QStringLiteral("changes")), unknown, &request.changes, error))
        return std::nullopt;
    return request;
}

QJsonObject encodeSyncResponse(const SyncResponse &response)
{
    return {{QStringLiteral("applied"), QJsonArray::fromStringList(response.applied)},
            {QStringLiteral("merged"), encodeAll(response.merged)},
            {QStringLiteral("changes"), encodeAll(response.changes)},
            {QStringLiteral("cursor"), response.cursor},
            {QStringLiteral("cursor_key"), response.cursorKey},
            {QStringLiteral("has_more"), response.hasMore}};
}

QByteArray encodeSyncResponseJson(const SyncResponse &response,
                                  const QList<QByteArray> &encodedChanges)
{
    const auto compact = [](const QJsonArray &array) {
        return QJsonDocument(array).toJson(QJsonDocument::Compact);
    };
    qsizetype size = 128;
    for (const QByteArray &record : encodedChanges)
        size += record.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += "{\"applied\":" + compact(QJsonArray::fromStringList(response.applied));
    out += ",\"changes\":[";
    bool first = true;
    for (const RecordState &state : response.changes) {
        if (!std::exchange(first, false))
            out += ',';
        out += encodeRecordJson(state);
    }
    for (const QByteArray &record : encodedChanges) {
        if (!std::exchange(first, false))
            out += ',';
        out += record;
    }
    out += "],\"cursor\":" + QByteArray::number(response.cursor);
    out += ",\"cursor_key\":\"" + response.cursorKey.toUtf8() + '"';
    out += ",\"has_more\":";
    out += response.hasMore ? "true" : "false";
    out += ",\"merged\":" + compact(encodeAll(response.merged)) + '}';
    return out;
}

std::optional<SyncResponse> decodeSyncResponse(const QJsonObject &json, UnknownFields unknown,
                                               WireError *error)
{
    SyncResponse response;
    for (const QJsonValue key : json.value(QStringLiteral("applied")).toArray())
        response.applied << key.toString();
    if (!readCursor(json.value(QStringLiteral("cursor")), &response.cursor, error) ||
        !decodeAll(json.value(QStringLiteral("merged")), unknown, &response.merged, error) ||
        !decodeAll(json.value(QStringLiteral("changes")), unknown, &response.changes, error))
        return std::nullopt;
    response.hasMore = json.value(QStringLiteral("has_more")).toBool();
    // Only echoed back: a key of a kind this version does not know (from a
    // newer server) is kept as it is.
    response.cursorKey = json.value(QStringLiteral("cursor_key")).toString();
    if (!response.cursorKey.isEmpty() && !validRecordKey(response.cursorKey)) {
        fail(error, tr("cursor_key must be \"<kind>/<id>\" of a record."));
        return std::nullopt;
    }
    return response;
}

} // namespace hale::sync
