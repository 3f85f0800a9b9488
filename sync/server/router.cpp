#include "sync/server/router.h"

namespace hale::server {

void Router::add(const QByteArray &method, const QString &pattern, RouteHandler handler)
{
    m_routes.append({method, pattern, std::move(handler)});
}

namespace {
bool matches(const QString &pattern, const QString &path, QStringList *params)
{
    const QStringList want = pattern.split(QLatin1Char('/'));
    const QStringList have = path.split(QLatin1Char('/'));
    if (want.size() != have.size())
        return false;
    params->clear();
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want.at(i) == QLatin1String("{}")) {
            if (have.at(i).isEmpty())
                return false;
            params->append(have.at(i));
        } else if (want.at(i) != have.at(i)) {
            return false;
        }
    }
    return true;
}
} // namespace

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    Match result;
    QList<QByteArray> allowed;
    for (const Route &route : m_routes) {
        QStringList params;
        if (!matches(route.pattern, path, &params))
            continue;
        if (route.method == method) {
            result.route = &route;
            result.params = params;
            return result;
        }
        allowed << route.method;
    }
    result.allowed = allowed.join(", ");
    return result;
}

} // namespace hale::server
