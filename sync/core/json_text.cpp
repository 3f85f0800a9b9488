#include "sync/core/json_text.h"

#include "sync/core/digits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <algorithm>

namespace hale::sync::json {

// Escaping on the UTF-8 bytes: multi-byte sequences (all bytes >= 0x80) pass
// through untouched.
void appendString(QByteArray &out, const QString &text)
{
    out += '"';
    // Nearly always plain ASCII (ids, stamps, field names): copied straight
    // across, without a UTF-8 copy of its own.
    const qsizetype start = out.size();
    out.resize(start + text.size());
    char *to = out.data() + start;
    const auto *from = reinterpret_cast<const char16_t *>(text.constData());
    qsizetype i = 0;
    for (; i < text.size(); ++i) {
        const char16_t c = from[i];
        if (c >= 0x80 || c < 0x20 || c == u'"' || c == u'\\')
            break;
        to[i] = char(c);
    }
    if (i == text.size()) {
        out += '"';
        return;
    }
    out.truncate(start);
    const QByteArray utf8 = text.toUtf8();
    const bool plain = std::none_of(utf8.cbegin(), utf8.cend(), [](char c) {
        return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
    });
    if (plain) { // nearly always: ids, stamps, field names
        out += utf8;
        out += '"';
        return;
    }
    for (const char c : utf8) {
        if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (static_cast<unsigned char>(c) < 0x20)
            out += "\\u00" + QByteArray::number(int(c), 16).rightJustified(2, '0');
        else
            out += c;
    }
    out += '"';
}

void appendStamp(QByteArray &out, const HlcStamp &stamp)
{
    const auto plainNode = std::all_of(stamp.node.cbegin(), stamp.node.cend(), [](QChar c) {
        return c.unicode() < 0x80 && (c.isLetterOrNumber() || c == u'-');
    });
    if (!plainNode || stamp.millis < 0 || stamp.millis > 9'999'999'999'999 ||
        stamp.counter > 999'999)
        return appendString(out, stamp.toString());
    // "<13 digits>-<6 digits>-<node>", as HlcStamp::toString writes it.
    const qsizetype start = out.size();
    out.resize(start + 1 + 13 + 1 + 6 + 1 + stamp.node.size() + 1);
    char *to = out.data() + start;
    *to++ = '"';
    digits::put(to, 13, quint64(stamp.millis));
    to += 13;
    *to++ = '-';
    digits::put(to, 6, stamp.counter);
    to += 6;
    *to++ = '-';
    for (const QChar c : stamp.node)
        *to++ = char(c.unicode());
    *to = '"';
}

void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double:
        out += QByteArray::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    default:
        out += QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    }
}

} // namespace hale::sync::json
