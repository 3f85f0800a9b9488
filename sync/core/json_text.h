#pragma once

// JSON text written directly into a byte array: several times faster than
// building a QJsonObject and serialising it, for the shapes the sync path
// writes by the thousand (records on the wire, their stamps in the store).

#include "sync/core/hlc.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace hale::sync::json {

// A JSON string, quoted and escaped.
void appendString(QByteArray &out, const QString &text);
// A stamp's text form as a JSON string (appendString(out, stamp.toString()),
// without the QString in between: a record has several).
void appendStamp(QByteArray &out, const HlcStamp &stamp);
// Any JSON value; arrays and objects (rare: fields a newer version wrote)
// through Qt's writer.
void appendValue(QByteArray &out, const QJsonValue &value);

} // namespace hale::sync::json
