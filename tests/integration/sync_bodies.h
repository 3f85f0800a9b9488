#pragma once

// Sync bodies and replies as the integration tests write and read them.

#include "api_client_for_tests.h"
#include "sync/core/wire.h"

namespace hale::test::bodies {

using namespace hale::sync;

inline QString tokenOf(const RawApi::Reply &r)
{
    return r.body.value(QStringLiteral("access_token")).toString();
}

inline HlcStamp stampAt(qint64 millis, const QString &node)
{
    return {millis, 0, node};
}

inline RecordState metric(const QString &id, double weight, const HlcStamp &stamp)
{
    RecordState s;
    s.kind = QStringLiteral("metric");
    s.id = id;
    s.fields[QStringLiteral("weight")] = {weight, stamp};
    s.deleted = {false, stamp};
    return s;
}

inline QJsonObject syncBody(qint64 cursor, const QList<RecordState> &changes, int pageSize = 500)
{
    SyncRequest request;
    request.cursor = cursor;
    request.changes = changes;
    request.pageSize = pageSize;
    return encodeSyncRequest(request);
}

// One new metric pushed with `token`: the answer's status.
inline int pushOneMetric(RawApi &api, const QString &token, double weight)
{
    const RecordState change =
        metric(QUuid::createUuid().toString(QUuid::WithoutBraces), weight,
               stampAt(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("node")));
    return api.call("POST", QLatin1String(route::kSync), syncBody(0, {change}), token).status;
}

inline SyncResponse decoded(const RawApi::Reply &reply)
{
    return decodeSyncResponse(reply.body, UnknownFields::Keep, nullptr).value_or(SyncResponse{});
}

} // namespace hale::test::bodies
