#include "sync/core/wire.h"

#include "sync/core/json_text.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
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
    json::appendStamp(out, stamp);
    if (!base.isNull()) {
        out += ",\"b\":";
        json::appendStamp(out, base);
    }
    out += '}';
}

} // namespace

namespace {

void appendRecordJson(QByteArray &out, const RecordState &state)
{
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
            json::appendStamp(out, m->stamp);
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
}

} // namespace

QByteArray encodeRecordJson(const RecordState &state)
{
    QByteArray out;
    out.reserve(256);
    appendRecordJson(out, state);
    return out;
}

namespace {
QJsonArray encodeAll(const QList<RecordState> &states)
{
    QJsonArray out;
    for (const RecordState &s : states)
        out.append(encodeRecord(s));
    return out;
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

QByteArray encodeChangesJson(const QList<RecordState> &changes)
{
    QByteArray out;
    out.reserve(2 + changes.size() * 512);
    out += '[';
    for (qsizetype i = 0; i < changes.size(); ++i) {
        if (i > 0)
            out += ',';
        appendRecordJson(out, changes.at(i));
    }
    out += ']';
    return out;
}

QByteArray encodeSyncRequestJson(const SyncRequest &request)
{
    return encodeSyncRequestJson(request, encodeChangesJson(request.changes));
}

QByteArray encodeSyncRequestJson(const SyncRequest &request, const QByteArray &encodedChanges)
{
    QByteArray out;
    out.reserve(128 + encodedChanges.size());
    out += "{\"cursor\":" + QByteArray::number(request.cursor) +
           ",\"page_size\":" + QByteArray::number(request.pageSize);
    if (!request.cursorKey.isEmpty()) // "<kind>/<uuid>": nothing to escape
        out += ",\"cursor_key\":\"" + request.cursorKey.toUtf8() + '"';
    if (!request.kinds.isEmpty()) {
        out +=
            ",\"kinds\":" +
            QJsonDocument(QJsonArray::fromStringList(request.kinds)).toJson(QJsonDocument::Compact);
    }
    out += ",\"changes\":" + encodedChanges + '}';
    return out;
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

} // namespace hale::sync
