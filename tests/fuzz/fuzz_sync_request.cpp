// Fuzz target: the body of POST /api/v1/sync, decoded and validated exactly as
// hale-server's Api::sync does (sync::decodeSyncRequest on the body's text,
// with UnknownFields::Refuse), without the HTTP layer, the authentication or
// the store.
//
// Properties checked (abort on a violation):
//  - a refused body always comes with a reason;
//  - a body the sync decoder (simdjson) accepts, Qt's parser accepts too
//    (sync::parseObject: the other endpoints and the import);
//  - a request the server accepts survives both encoders: the direct text
//    (encodeSyncRequestJson, what the app sends) and the QJsonObject one
//    (encodeSyncRequest), parsed and decoded again with the same strict
//    rules, give back the same request;
//  - each accepted change, stored the way the server stores it
//    (encodeRecordJson) and read back the way it reads it
//    (decodeStoredRecord), is the same state, and so is one more round.
//
// Corpus: tests/fuzz/corpus/sync_request/. Replayed by the test
// fuzz_replay_sync_request; fuzzed with tests/fuzz/run-fuzzers.sh.

#include "fuzz_common.h"
#include "sync/core/wire.h"

#include <QJsonDocument>

using namespace hale::sync;

namespace {

QString describe(const QByteArray &text)
{
    return QString::fromUtf8(text.left(600));
}

// Decodes `text` with the server's rules; aborts if it is refused.
SyncRequest decodeAgain(const QByteArray &text, const char *encoder)
{
    WireError error;
    const auto request = decodeSyncRequest(text, UnknownFields::Refuse, &error);
    HALE_FUZZ_CHECK(request, QStringLiteral("%1 wrote a request the server refuses: %2 (%3 %4) "
                                            "-- %5")
                                 .arg(QLatin1String(encoder), error.message, error.record,
                                      error.field, describe(text)));
    return *request;
}

bool utf8Safe(const QString &text)
{
    return QString::fromUtf8(text.toUtf8()) == text;
}

// Text with an unpaired UTF-16 surrogate (a JSON escape such as "\ud800")
// cannot survive the direct encoders (found by fuzzing, W2): the decoder
// refuses it, so an accepted request never holds any.
bool hasUnpairedSurrogate(const SyncRequest &request)
{
    if (!utf8Safe(request.cursorKey))
        return true;
    for (const QString &kind : request.kinds) {
        if (!utf8Safe(kind))
            return true;
    }
    for (const RecordState &change : request.changes) {
        for (auto it = change.fields.cbegin(); it != change.fields.cend(); ++it) {
            if (!utf8Safe(it.key()) || !utf8Safe(it->value.toString()))
                return true;
        }
        for (auto it = change.elements.cbegin(); it != change.elements.cend(); ++it) {
            for (auto m = it->cbegin(); m != it->cend(); ++m) {
                if (!utf8Safe(m.key()) || !utf8Safe(m->value.toString()))
                    return true;
            }
        }
    }
    return false;
}

void checkSame(const SyncRequest &a, const SyncRequest &b, const char *encoder,
               const QByteArray &text)
{
    HALE_FUZZ_CHECK(a.cursor == b.cursor, describe(text));
    HALE_FUZZ_CHECK(a.pageSize == b.pageSize, describe(text));
    HALE_FUZZ_CHECK(a.cursorKey == b.cursorKey, describe(text));
    HALE_FUZZ_CHECK(a.kinds == b.kinds, describe(text));
    HALE_FUZZ_CHECK(a.changes.size() == b.changes.size(), describe(text));
    for (qsizetype i = 0; i < a.changes.size(); ++i) {
        HALE_FUZZ_CHECK(a.changes.at(i) == b.changes.at(i),
                        QStringLiteral("%1 changed record %2: %3 -> %4")
                            .arg(QLatin1String(encoder))
                            .arg(i)
                            .arg(describe(encodeRecordJson(a.changes.at(i))),
                                 describe(encodeRecordJson(b.changes.at(i)))));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = hale::fuzz::bytes(data, size);

    // Api::sync, minus authentication.
    WireError error;
    const auto request = decodeSyncRequest(body, UnknownFields::Refuse, &error);
    if (!request) {
        HALE_FUZZ_CHECK(error.isError(), QStringLiteral("refused without a reason"));
        HALE_FUZZ_NOTE(
            QStringLiteral("refused: %1 (%2 %3)").arg(error.message, error.record, error.field));
        return 0;
    }
    HALE_FUZZ_NOTE(QStringLiteral("accepted: %1 changes").arg(request->changes.size()));
    HALE_FUZZ_CHECK(
        parseObject(body, &error).has_value(),
        QStringLiteral("Qt's parser refuses a body the sync decoder took: %1").arg(error.message));
    for (const RecordState &change : request->changes)
        (void)change.latestStamp(); // the server's clock-skew check reads it
    HALE_FUZZ_CHECK(!hasUnpairedSurrogate(*request),
                    QStringLiteral("accepted text that is not valid Unicode"));

    const QByteArray direct = encodeSyncRequestJson(*request);
    checkSame(*request, decodeAgain(direct, "encodeSyncRequestJson"), "encodeSyncRequestJson",
              direct);
    const QByteArray viaObject =
        QJsonDocument(encodeSyncRequest(*request)).toJson(QJsonDocument::Compact);
    checkSame(*request, decodeAgain(viaObject, "encodeSyncRequest"), "encodeSyncRequest",
              viaObject);

    // The server's storage: encodeRecordJson in, decodeStoredRecord out.
    for (const RecordState &change : request->changes) {
        const QByteArray stored = encodeRecordJson(change);
        const auto back = decodeStoredRecord(stored);
        HALE_FUZZ_CHECK(
            back, QStringLiteral("a stored record cannot be read back: %1").arg(describe(stored)));
        HALE_FUZZ_CHECK(*back == change,
                        QStringLiteral("a stored record reads back differently: %1 -> %2")
                            .arg(describe(stored), describe(encodeRecordJson(*back))));
        HALE_FUZZ_CHECK(encodeRecordJson(*back) == stored,
                        QStringLiteral("storing a record twice changes its text: %1 -> %2")
                            .arg(describe(stored), describe(encodeRecordJson(*back))));
    }
    return 0;
}
