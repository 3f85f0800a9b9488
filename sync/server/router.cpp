#include "sync/server/router.h"

namespace hale::server {

void Router::add(const QByteArray &method, const QString &pattern, RouteHandler handler)
{
    m_routes.append({method, pattern, std::move(handler), pattern.split(QLatin1Char('/'))});
}

namespace {
// The path is split once per request and compared without copies: splitting
// every pattern and the path again for each route was a third of the HTTP
// thread's work per request (docs/benchmarks.md).
bool matches(const QStringList &want, const QList<QStringView> &have, QStringList *params)
{
    if (want.size() != have.size())
        return false;
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want.at(i) == QLatin1String("{}")) {
            if (have.at(i).isEmpty())
                return false;
        } else if (want.at(i) != have.at(i)) {
            return false;
        }
    }
    params->clear();
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want.at(i) == QLatin1String("{}"))
            params->append(have.at(i).toString());
    }
    return true;
}
} // namespace

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    Match result;
    QList<QByteArray> allowed;
    const QList<QStringView> segments = QStringView(path).split(QLatin1Char('/'));
    QStringList params;
    for (const Route &route : m_routes) {
        if (!matches(route.segments, segments, &params))
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
