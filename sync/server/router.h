#pragma once

#include "sync/server/http_message.h"

#include <QStringList>
#include <functional>

namespace hale::server {

// Path parameters captured by "{}" segments, in order.
using RouteHandler = std::function<HttpResponse(const HttpRequest &, const QStringList &params)>;

// Method + path pattern -> handler. "/api/v1/devices/{}" captures one
// segment. A known path with another method answers 405 with Allow.
class Router
{
public:
    struct Route
    {
        QByteArray method;
        QString pattern;
        RouteHandler handler;
        QStringList segments; // the pattern split at '/', once
    };
    struct Match
    {
        const Route *route = nullptr;
        QStringList params;
        QByteArray allowed; // for 405: the methods the path does take
    };

    void add(const QByteArray &method, const QString &pattern, RouteHandler handler);
    Match match(const QByteArray &method, const QString &path) const;
    const QList<Route> &routes() const { return m_routes; }

private:
    QList<Route> m_routes;
};

} // namespace hale::server
