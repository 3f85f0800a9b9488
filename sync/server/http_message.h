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

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    static HttpResponse json(int status, const QJsonObject &body);
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
