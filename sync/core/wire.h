#pragma once

#include "sync/core/record_state.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QStringList>
#include <functional>
#include <optional>

namespace hale::sync {

// The sync protocol spoken between the app and hale-server, version 1.
constexpr int kProtocolVersion = 1;
constexpr int kMaxJsonDepth = 32;
constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 500;

// Why a message was refused: which record and field, for a 400 response or
// for the record set aside on the device.
struct WireError
{
    QString message;
    QString record; // "<kind>/<id>" when one record is at fault
    QString field;
    // A value in clear for an end-to-end encrypted account (SealedValues::
    // Require): not the record's fault but the device's, which lacks the key.
    bool sealingRequired = false;
    bool isError() const { return !message.isEmpty(); }
};

// Parses JSON strictly: valid UTF-8, nested at most kMaxJsonDepth deep, an
// object at the top.
std::optional<QJsonObject> parseObject(const QByteArray &body, WireError *error);

enum class UnknownFields {
    Refuse, // the server: a field the registry does not declare is an error
    Keep,   // a device: keep what a newer version wrote, untouched
};

// One record's replicated state on the wire:
// {"kind": "metric", "id": "<uuid>",
//  "fields":   {"weight": {"v": 72.5, "t": "<stamp>"}},
//  "elements": {"side_effects": {"nausea": {"v": true, "t": "<stamp>", "x": false}}},
//  "deleted":  {"v": false, "t": "<stamp>"}}
// Values are checked against the schema registry (type, range, length).
QJsonObject encodeRecord(const RecordState &state);
// The same record as compact JSON text, written directly (several times
// faster than building a QJsonObject; the server stores states this way).
QByteArray encodeRecordJson(const RecordState &state);
// The decoders read JSON text (sync/core/wire_decode.cpp): a body that is
// not valid UTF-8 and Unicode, is not an object or is nested more than
// kMaxJsonDepth deep is refused as parseObject would. The overloads that take
// a QJsonObject write it out and read it again (tests, the protocol's examples).
std::optional<RecordState> decodeRecord(const QJsonValue &json, UnknownFields unknown,
                                        WireError *error);
// A state this program wrote itself (the server's database): the structure
// is still checked, the values are not checked again.
std::optional<RecordState> decodeStoredRecord(const QByteArray &text);
std::optional<RecordState> decodeStoredRecord(const QJsonValue &json);

struct SyncRequest
{
    qint64 cursor = 0; // the last change sequence this device has seen
    // "<kind>/<id>" of the record the server numbered `cursor` when it gave
    // it (SyncResponse::cursorKey). If the server no longer has that record
    // at `cursor` or later, it was restored from an older copy, and it asks
    // the device to start over. Empty: no check (older apps).
    QString cursorKey;
    QStringList kinds; // kinds the device syncs; empty = all
    int pageSize = kDefaultPageSize;
    QList<RecordState> changes; // the device's pending changes
};

struct SyncResponse
{
    QStringList applied;        // "<kind>/<id>" of every change taken
    QList<RecordState> merged;  // results that differ from what the device sent
    QList<RecordState> changes; // other writes since the request's cursor
    qint64 cursor = 0;
    QString cursorKey; // the record numbered `cursor`, if the server has one
    bool hasMore = false;
};

// Whether every string and key in `value` is valid Unicode text. JSON's
// "\ud800" escape can name half of a surrogate pair, which Qt's parser
// accepts but no UTF-8 writer (nor SQLite) can keep: such text is refused.
bool isValidUnicode(const QJsonValue &value);
// The same for a parsed document's text, checked only if `text` holds a
// "\u" escape (valid UTF-8 cannot carry a lone surrogate otherwise).
bool isValidUnicode(const QByteArray &text, const QJsonValue &parsed);

// Whether `key` has the shape "<kind>/<uuid>" (the kind is not looked up).
bool validRecordKey(const QString &key);

QJsonObject encodeSyncRequest(const SyncRequest &request);
// The same request as compact JSON text, written directly (the app pushes
// batches of a thousand records this way).
QByteArray encodeSyncRequestJson(const SyncRequest &request);
// A request's changes as its body carries them ("[...]"), and the request
// around changes written that way (`request.changes` is not read): a device
// writes its next batch before it knows the cursor that batch will go with.
QByteArray encodeChangesJson(const QList<RecordState> &changes);
QByteArray encodeSyncRequestJson(const SyncRequest &request, const QByteArray &encodedChanges);
// Whether a message's values may be sealed: encrypted on the device, as
// {"e": "<base64url>"}, which the server can neither read nor check.
enum class SealedValues {
    Refuse,  // the server, for an account in clear: every value is checked
    Require, // the server, for an end-to-end encrypted account: every value sealed
    Accept,  // a device: sealed values pass here, to be opened and checked
             // (checkRecordValues) by the device that holds the key
};
bool isSealedValue(const QJsonValue &value);

std::optional<SyncRequest> decodeSyncRequest(const QByteArray &body, UnknownFields unknown,
                                             WireError *error,
                                             SealedValues sealed = SealedValues::Refuse);
std::optional<SyncRequest> decodeSyncRequest(const QJsonObject &json, UnknownFields unknown,
                                             WireError *error);
QJsonObject encodeSyncResponse(const SyncResponse &response);
// The same response as JSON text, with `encodedChanges` (records already in
// wire form: the server's stored states) written after response.changes as
// they are. A pull copies each stored record instead of parsing and
// re-encoding it.
QByteArray encodeSyncResponseJson(const SyncResponse &response,
                                  const QList<QByteArray> &encodedChanges);
std::optional<SyncResponse> decodeSyncResponse(const QByteArray &body, UnknownFields unknown,
                                               WireError *error);
// The same, with `headRead` called as soon as the answer's cursor,
// cursor_key, has_more and applied are read and valid, before its records
// are: the app asks for the next page with them while this one is decoded.
std::optional<SyncResponse>
decodeSyncResponse(const QByteArray &body, UnknownFields unknown, WireError *error,
                   const std::function<void(const SyncResponse &head)> &headRead,
                   SealedValues sealed = SealedValues::Refuse);
// The schema's checks of a record's values (types, ranges, lengths), as the
// decoders make them: for a state whose sealed values a device has opened.
bool checkRecordValues(const RecordState &state, WireError *error);
std::optional<SyncResponse> decodeSyncResponse(const QJsonObject &json, UnknownFields unknown,
                                               WireError *error);

QString recordKey(const RecordState &state);

// decodeRecord of one record's text, the value checks switchable (see
// decodeStoredRecord).
std::optional<RecordState> decodeRecord(const QByteArray &text, UnknownFields unknown,
                                        WireError *error, bool checkValues);

} // namespace hale::sync
