#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace hale::server {

struct HttpRequest
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QHostAddress peer;
    // It asks to switch protocols (a WebSocket), and its head still waits
    // unread in the socket for the handler that takes the connection over.
    bool upgrade = false;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Status 101: the connection goes to the server's upgrade handler with
    // this description of it (never sent; see HttpServer::setUpgradeHandler).
    QJsonObject handover;

    static HttpResponse json(int status, const QJsonObject &body);
    static HttpResponse switchingProtocols(QJsonObject handover);
    static HttpResponse json(int status, QByteArray body); // already JSON text
    // {"error": {"code": ..., "message": ..., "details": ...}}: what every
    // failure looks like, never with internals.
    static HttpResponse error(int status, const QString &code, const QString &message,
                              const QJsonObject &details = {});
    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray serialize(bool keepAlive) const;
};

QByteArray reasonPhrase(int status);

} // namespace hale::server
