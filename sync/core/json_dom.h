#pragma once

// Reading simdjson's DOM the way Qt's JSON classes read: the helpers the
// sync core's decoders share (wire_decode.cpp, record_state.cpp). Private
// to sync/core: simdjson is not part of its interface.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <optional>
#include <simdjson.h>
#include <string_view>

namespace hale::sync::jsondom {

namespace dom = simdjson::dom;

inline QString qtString(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// An object, or none where the value is of another type (QJsonValue::toObject
// would give an empty object; simdjson's empty dom::object cannot be read).
using Object = std::optional<dom::object>;

// The member `key` of `object`; the last one if the key repeats, as Qt's
// parser keeps it. Objects here have a handful of members.
inline std::optional<dom::element> member(const Object &object, std::string_view key)
{
    std::optional<dom::element> found;
    if (!object)
        return found;
    for (const dom::key_value_pair field : *object) {
        if (field.key == key)
            found = field.value;
    }
    return found;
}

// What QJsonValue::toString, toObject and toBool give for a value of
// another type: empty text, an empty object, false.
inline QString stringOf(const std::optional<dom::element> &value)
{
    std::string_view text;
    return value && value->get_string().get(text) == simdjson::SUCCESS ? qtString(text) : QString();
}

// The same as UTF-8 bytes in the parser's buffer, valid while it is.
inline std::string_view viewOf(const std::optional<dom::element> &value)
{
    std::string_view text;
    return value && value->get_string().get(text) == simdjson::SUCCESS ? text : std::string_view();
}

inline Object objectOf(const std::optional<dom::element> &value)
{
    dom::object object;
    if (!value || value->get_object().get(object) != simdjson::SUCCESS)
        return std::nullopt;
    return object;
}

inline bool isTrue(const std::optional<dom::element> &value)
{
    bool flag = false;
    return value && value->get_bool().get(flag) == simdjson::SUCCESS && flag;
}

// A number as a double (whole numbers too), or -1 for a value of another type.
inline double numberOf(dom::element value)
{
    double number = -1;
    return value.get_double().get(number) == simdjson::SUCCESS ? number : -1;
}

// A value as Qt's parser gives it: whole numbers that fit are integers.
inline QJsonValue toQt(dom::element value)
{
    // The type is read first, so each get() below succeeds.
    switch (value.type()) {
    case dom::element_type::STRING:
        return qtString(value.get_string().value_unsafe());
    case dom::element_type::INT64:
        return qint64(value.get_int64().value_unsafe());
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
        return value.get_double().value_unsafe();
    case dom::element_type::BOOL:
        return value.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE:
        return QJsonValue(QJsonValue::Null);
    case dom::element_type::ARRAY: {
        // Kept in a variable: value_unsafe() refers into the temporary result.
        const dom::array items = value.get_array().value_unsafe();
        QJsonArray array;
        for (const dom::element item : items)
            array.append(toQt(item));
        return array;
    }
    case dom::element_type::OBJECT: {
        const dom::object members = value.get_object().value_unsafe();
        QJsonObject object;
        for (const dom::key_value_pair field : members)
            object.insert(qtString(field.key), toQt(field.value));
        return object;
    }
    }
    return {};
}

inline QJsonValue valueOf(const std::optional<dom::element> &value)
{
    return value ? toQt(*value) : QJsonValue(QJsonValue::Undefined);
}

} // namespace hale::sync::jsondom
