#pragma once

#include <QJsonObject>
#include <QString>

namespace hale::server {

// What the events route decided about one upgrade request, handed with its
// connection to the EventHub (HttpResponse::handover, never sent): whose
// stream it is, the user's change sequence when it opened, and until when
// the access token it was opened with is good. A refused token still gets
// a WebSocket, closed at once with `closeCode` (4001): a WebSocket client
// learns nothing from an HTTP status but that the handshake failed, and a
// close code tells it to refresh its token rather than give up.
struct EventGrant
{
    QString userId;
    QString deviceId;
    QString address; // whom it counts against (HttpServer::addressKey of the client)
    qint64 seq = 0;
    qint64 expiresAtMs = 0;
    int closeCode = 0; // 0: open
    QString closeReason;

    QJsonObject toJson() const
    {
        return {{QStringLiteral("user"), userId},
                {QStringLiteral("device"), deviceId},
                {QStringLiteral("address"), address},
                {QStringLiteral("seq"), seq},
                {QStringLiteral("expires_ms"), expiresAtMs},
                {QStringLiteral("close_code"), closeCode},
                {QStringLiteral("close_reason"), closeReason}};
    }
    static EventGrant fromJson(const QJsonObject &o)
    {
        return {o.value(QStringLiteral("user")).toString(),
                o.value(QStringLiteral("device")).toString(),
                o.value(QStringLiteral("address")).toString(),
                o.value(QStringLiteral("seq")).toInteger(),
                o.value(QStringLiteral("expires_ms")).toInteger(),
                o.value(QStringLiteral("close_code")).toInt(),
                o.value(QStringLiteral("close_reason")).toString()};
    }
};

} // namespace hale::server
