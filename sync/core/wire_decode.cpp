// Reading sync messages: the text is parsed by simdjson's DOM parser and
// records are built straight from its tape. Parsing with QJsonDocument and
// reading values through QJsonObject lookups was half of a device's first
// sync and two fifths of the server's push; the checks are the same.
#include "sync/core/json_dom.h"
#include "sync/core/schema.h"
#include "sync/core/wire.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QUuid>

namespace hale::sync {

namespace dom = simdjson::dom;
using namespace jsondom;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SyncWire", text);
}

bool fail(WireError *error, const QString &message, const QString &record = {},
          const QString &field = {})
{
    if (error)
        *error = {message, record, field};
    return false;
}

// A value in clear for an account whose values are all sealed: the
// device has not been given the account's key (see WireError).
bool failUnsealed(WireError *error, const QString &record, const QString &field)
{
    fail(error, tr("This account is end-to-end encrypted: its values must be sealed."), record,
         field);
    if (error)
        error->sealingRequired = true;
    return false;
}

std::optional<HlcStamp> stampOf(const Object &cell)
{
    return HlcStamp::fromUtf8(viewOf(member(cell, "t")));
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
    *problem = schema::checkValueAlone(field, coerced.value);
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
        *problem = schema::checkValueAlone(field, QStringList{key});
        if (!problem->isEmpty())
            return false;
    }
    if (!value.isBool()) {
        *problem = tr("must mark members with true");
        return false;
    }
    return true;
}

bool checkSealedElement(const QString &key, QString *problem)
{
    if (key.isEmpty() || key.size() > 60) {
        *problem = tr("has an element with an empty or too long name");
        return false;
    }
    return true;
}

// One parsed body. The parser owns the tape the elements point into.
class Document
{
public:
    // False, with the reason in `error`, if `text` is not a JSON object
    // nested at most kMaxJsonDepth deep, or holds text that is not valid
    // UTF-8 or Unicode.
    bool parse(const QByteArray &text, WireError *error)
    {
        simdjson::error_code code = m_parser.allocate(size_t(text.size()), kMaxJsonDepth);
        dom::element root;
        if (code == simdjson::SUCCESS)
            code = m_parser.parse(text.constData(), size_t(text.size())).get(root);
        switch (code) {
        case simdjson::SUCCESS:
            break;
        case simdjson::UTF8_ERROR:
            return fail(error, tr("The body is not valid UTF-8."));
        case simdjson::DEPTH_ERROR:
            return fail(error, tr("The JSON is nested too deeply."));
        case simdjson::STRING_ERROR:
            // JSON's "\ud800" escape can name half of a surrogate pair,
            // which no UTF-8 writer (nor SQLite) can keep.
            if (text.contains("\\u"))
                return fail(error, tr("The body is not valid JSON: a string has a bad escape or "
                                      "text that is not valid Unicode (half of a surrogate "
                                      "pair)."));
            [[fallthrough]];
        default:
            return fail(error, tr("The body is not valid JSON: %1.")
                                   .arg(QString::fromUtf8(simdjson::error_message(code))));
        }
        if (!root.is_object())
            return fail(error, tr("The body must be a JSON object."));
        m_root = root;
        return true;
    }

    dom::element root() const { return m_root; }
    Object rootObject() const { return objectOf(m_root); }

private:
    dom::parser m_parser;
    dom::element m_root;
};

// One last-writer-wins field of a record: {"v": value, "t": stamp, "b": base}.
bool readField(const KindSpec &kind, const QString &key, const dom::key_value_pair &entry,
               UnknownFields unknown, bool checkValues, SealedValues sealed, RecordState *state,
               WireError *error)
{
    const QString name = qtString(entry.key);
    const FieldSpec *field = kind.field(name);
    const Object cell = objectOf(entry.value);
    const auto stamp = stampOf(cell);
    if (!stamp) {
        fail(error, tr("The field has no valid clock stamp."), key, name);
        return false;
    }
    if (!field && unknown == UnknownFields::Refuse) {
        fail(error, tr("Unknown field \"%1\".").arg(name.left(40)), key, name);
        return false;
    }
    if (field && field->isElementWise()) {
        fail(error, tr("The field holds elements, not a single value."), key, name);
        return false;
    }
    const QJsonValue value = valueOf(member(cell, "v"));
    QString problem;
    const bool opaque = sealed != SealedValues::Refuse && isSealedValue(value);
    if (checkValues && sealed == SealedValues::Require && !opaque) {
        return failUnsealed(error, key, name);
    }
    if (checkValues && field && !value.isNull() && !opaque &&
        !checkValue(*field, value, &problem)) {
        fail(error, field->name + QLatin1Char(' ') + problem, key, name);
        return false;
    }
    // The base is optional (a first write has none) and never after the write.
    std::optional<HlcStamp> base = HlcStamp{};
    if (const auto b = member(cell, "b"))
        base = HlcStamp::fromUtf8(viewOf(b));
    if (!base || *stamp < *base) {
        fail(error, tr("The field's base stamp is not valid."), key, name);
        return false;
    }
    state->fields.insert(name, {value.isUndefined() ? QJsonValue() : value, *stamp, *base});
    return true;
}

// One element-wise field: {"<element>": {"v": value, "t": stamp, "x": removed}}.
bool readElements(const KindSpec &kind, const QString &key, const dom::key_value_pair &entry,
                  UnknownFields unknown, bool checkValues, SealedValues sealed, RecordState *state,
                  WireError *error)
{
    const QString name = qtString(entry.key);
    const FieldSpec *field = kind.field(name);
    if (!field && unknown == UnknownFields::Refuse) {
        fail(error, tr("Unknown field \"%1\".").arg(name.left(40)), key, name);
        return false;
    }
    if (field && !field->isElementWise()) {
        fail(error, tr("The field holds a single value, not elements."), key, name);
        return false;
    }
    const Object members = objectOf(entry.value);
    if (!members)
        return true;
    if (members->size() > size_t(schema::kMaxSetElements) * 4) {
        fail(error, tr("The field has too many elements."), key, name);
        return false;
    }
    for (const dom::key_value_pair m : *members) {
        const QString element = qtString(m.key);
        const Object cell = objectOf(m.value);
        const auto stamp = stampOf(cell);
        const bool removed = isTrue(member(cell, "x"));
        if (!stamp) {
            fail(error, tr("An element has no valid clock stamp."), key, name);
            return false;
        }
        QJsonValue value = valueOf(member(cell, "v"));
        // A sealed element is named by a keyed hash, its name sealed with
        // its value: only the key's length can be checked. A removed one
        // keeps its sealed name (what else would tell a device which
        // element went); a removed element in clear keeps no value.
        const bool opaque =
            (sealed != SealedValues::Refuse || !checkValues) && isSealedValue(value);
        if (removed && !opaque)
            value = QJsonValue();
        QString problem;
        if (checkValues && sealed == SealedValues::Require && !opaque) {
            return failUnsealed(error, key, name);
        }
        if (checkValues && field && (!removed || opaque) &&
            !(opaque ? checkSealedElement(element, &problem)
                     : checkElement(*field, element, value, &problem))) {
            fail(error, field->name + QLatin1Char(' ') + problem, key, name);
            return false;
        }
        if (value.isUndefined())
            value = QJsonValue::Null;
        state->elements[name].insert(element, {value, *stamp, removed});
    }
    return true;
}

std::optional<RecordState> readRecord(dom::element json, UnknownFields unknown, WireError *error,
                                      bool checkValues, SealedValues sealed = SealedValues::Refuse)
{
    const Object o = objectOf(json);
    if (!o) {
        fail(error, tr("A change must be a JSON object."));
        return std::nullopt;
    }
    RecordState state;
    state.kind = stringOf(member(o, "kind"));
    const QString idText = stringOf(member(o, "id"));
    const QUuid id = QUuid::fromString(idText);
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
    if (id.isNull() || idText.size() != 36) {
        fail(error, tr("The record id is not a UUID."), state.kind);
        return std::nullopt;
    }
    state.id = id.toString(QUuid::WithoutBraces);
    const QString key = recordKey(state);

    if (const Object fields = objectOf(member(o, "fields"))) {
        for (const dom::key_value_pair entry : *fields) {
            if (!readField(*kind, key, entry, unknown, checkValues, sealed, &state, error))
                return std::nullopt;
        }
    }
    if (const Object elements = objectOf(member(o, "elements"))) {
        for (const dom::key_value_pair entry : *elements) {
            if (!readElements(*kind, key, entry, unknown, checkValues, sealed, &state, error))
                return std::nullopt;
        }
    }

    if (const auto deleted = member(o, "deleted")) {
        const Object cell = objectOf(deleted);
        const auto stamp = stampOf(cell);
        bool flag = false;
        const auto v = member(cell, "v");
        if (!stamp || !v || v->get_bool().get(flag) != simdjson::SUCCESS) {
            fail(error, tr("The deletion flag is malformed."), key, QStringLiteral("deleted"));
            return std::nullopt;
        }
        state.deleted = {flag, *stamp};
    } else {
        state.deleted = {false, {}};
    }
    return state;
}

bool readAll(const std::optional<dom::element> &json, UnknownFields unknown,
             QList<RecordState> *out, WireError *error, SealedValues sealed = SealedValues::Refuse)
{
    if (!json)
        return true;
    dom::array items;
    if (json->get_array().get(items) != simdjson::SUCCESS)
        return fail(error, tr("Changes must be a list."));
    out->reserve(qsizetype(items.size()));
    for (const dom::element item : items) {
        auto state = readRecord(item, unknown, error, true, sealed);
        if (!state)
            return false;
        out->append(std::move(*state));
    }
    return true;
}

bool readCursor(const std::optional<dom::element> &json, qint64 *out, WireError *error)
{
    if (!json) {
        *out = 0;
        return true;
    }
    const double d = numberOf(*json);
    if (d < 0 || d > 9.0e15 || d != double(qint64(d)))
        return fail(error, tr("The cursor must be a non-negative whole number."));
    *out = qint64(d);
    return true;
}

QStringList stringsOf(const std::optional<dom::element> &json)
{
    QStringList out;
    dom::array items;
    if (json && json->get_array().get(items) == simdjson::SUCCESS) {
        for (const dom::element item : items)
            out << stringOf(item);
    }
    return out;
}

QByteArray textOf(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace

bool isSealedValue(const QJsonValue &value)
{
    const QJsonObject object = value.toObject();
    return value.isObject() && object.size() == 1 && object.value(QStringLiteral("e")).isString();
}

std::optional<SyncRequest> decodeSyncRequest(const QByteArray &body, UnknownFields unknown,
                                             WireError *error, SealedValues sealed)
{
    Document doc;
    if (!doc.parse(body, error))
        return std::nullopt;
    const Object json = doc.rootObject();
    SyncRequest request;
    if (!readCursor(member(json, "cursor"), &request.cursor, error))
        return std::nullopt;
    if (const auto page = member(json, "page_size")) {
        const double size = numberOf(*page);
        if (size < 1 || size > kMaxPageSize || size != double(int(size))) {
            fail(error, tr("page_size must be between 1 and %1.").arg(kMaxPageSize));
            return std::nullopt;
        }
        request.pageSize = int(size);
    }
    if (const auto cursorKey = member(json, "cursor_key")) {
        request.cursorKey = stringOf(cursorKey);
        if (!validRecordKey(request.cursorKey)) {
            fail(error, tr("cursor_key must be \"<kind>/<id>\" of a record."));
            return std::nullopt;
        }
    }
    for (const QString &kind : stringsOf(member(json, "kinds"))) {
        if (!SchemaRegistry::instance().kind(kind)) {
            fail(error, tr("Unknown kind of record \"%1\".").arg(kind.left(40)));
            return std::nullopt;
        }
        request.kinds << kind;
    }
    // Each kind once, in one order: the server's page query depends on the
    // list, and a list of a known length keeps its variants few.
    request.kinds.sort();
    request.kinds.removeDuplicates();
    if (!readAll(member(json, "changes"), unknown, &request.changes, error, sealed))
        return std::nullopt;
    return request;
}

namespace {
// A sync answer; `headRead`, if any, sees its fields before its records are
// read.
std::optional<SyncResponse>
readSyncResponse(const QByteArray &body, UnknownFields unknown, WireError *error,
                 const std::function<void(const SyncResponse &head)> &headRead = {},
                 SealedValues sealed = SealedValues::Refuse)
{
    Document doc;
    if (!doc.parse(body, error))
        return std::nullopt;
    const Object json = doc.rootObject();
    SyncResponse response;
    response.applied = stringsOf(member(json, "applied"));
    if (!readCursor(member(json, "cursor"), &response.cursor, error))
        return std::nullopt;
    response.hasMore = isTrue(member(json, "has_more"));
    // Only echoed back: a key of a kind this version does not know (from a
    // newer server) is kept as it is.
    response.cursorKey = stringOf(member(json, "cursor_key"));
    if (!response.cursorKey.isEmpty() && !validRecordKey(response.cursorKey)) {
        fail(error, tr("cursor_key must be \"<kind>/<id>\" of a record."));
        return std::nullopt;
    }
    if (headRead)
        headRead(response);
    if (!readAll(member(json, "merged"), unknown, &response.merged, error, sealed) ||
        !readAll(member(json, "changes"), unknown, &response.changes, error, sealed))
        return std::nullopt;
    return response;
}
} // namespace

std::optional<SyncResponse> decodeSyncResponse(const QByteArray &body, UnknownFields unknown,
                                               WireError *error)
{
    return readSyncResponse(body, unknown, error);
}

std::optional<SyncResponse>
decodeSyncResponse(const QByteArray &body, UnknownFields unknown, WireError *error,
                   const std::function<void(const SyncResponse &head)> &headRead,
                   SealedValues sealed)
{
    return readSyncResponse(body, unknown, error, headRead, sealed);
}

bool checkRecordValues(const RecordState &state, WireError *error)
{
    const KindSpec *kind = SchemaRegistry::instance().kind(state.kind);
    if (!kind)
        return fail(error, tr("Unknown kind of record \"%1\".").arg(state.kind.left(40)));
    const QString key = recordKey(state);
    QString problem;
    for (auto it = state.fields.cbegin(); it != state.fields.cend(); ++it) {
        const FieldSpec *field = kind->field(it.key());
        if (field && field->isElementWise())
            return fail(error, tr("The field holds elements, not a single value."), key, it.key());
        if (field && !it->value.isNull() && !checkValue(*field, it->value, &problem))
            return fail(error, field->name + QLatin1Char(' ') + problem, key, it.key());
    }
    for (auto it = state.elements.cbegin(); it != state.elements.cend(); ++it) {
        const FieldSpec *field = kind->field(it.key());
        if (!field)
            continue; // a newer version's field: kept as it came
        if (!field->isElementWise())
            return fail(error, tr("The field holds a single value, not elements."), key, it.key());
        for (auto m = it->cbegin(); m != it->cend(); ++m) {
            if (!m->removed && !checkElement(*field, m.key(), m->value, &problem))
                return fail(error, field->name + QLatin1Char(' ') + problem, key, it.key());
        }
    }
    return true;
}

std::optional<RecordState> decodeRecord(const QByteArray &text, UnknownFields unknown,
                                        WireError *error, bool checkValues)
{
    Document doc;
    if (!doc.parse(text, error))
        return std::nullopt;
    return readRecord(doc.root(), unknown, error, checkValues);
}

std::optional<RecordState> decodeStoredRecord(const QByteArray &text)
{
    return decodeRecord(text, UnknownFields::Keep, nullptr, false);
}

// The same readers for a body already parsed by Qt (tests, the protocol's
// examples): written out and read again, so there is one set of rules.
std::optional<SyncRequest> decodeSyncRequest(const QJsonObject &json, UnknownFields unknown,
                                             WireError *error)
{
    return decodeSyncRequest(textOf(json), unknown, error);
}

std::optional<SyncResponse> decodeSyncResponse(const QJsonObject &json, UnknownFields unknown,
                                               WireError *error)
{
    return decodeSyncResponse(textOf(json), unknown, error);
}

std::optional<RecordState> decodeRecord(const QJsonValue &json, UnknownFields unknown,
                                        WireError *error)
{
    if (!json.isObject()) {
        fail(error, tr("A change must be a JSON object."));
        return std::nullopt;
    }
    return decodeRecord(textOf(json.toObject()), unknown, error, true);
}

std::optional<RecordState> decodeStoredRecord(const QJsonValue &json)
{
    return json.isObject() ? decodeStoredRecord(textOf(json.toObject())) : std::nullopt;
}

} // namespace hale::sync
