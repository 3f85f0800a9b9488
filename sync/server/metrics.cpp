#include "sync/server/metrics.h"

#include "sync/core/protocol.h"

#include <QMutexLocker>
#include <QStringList>

namespace hale::server {

void Metrics::recordRequest(const QByteArray &method, const QString &route, int status,
                            double millis)
{
    QMutexLocker lock(&m_mutex);
    ++m_requests[QString::fromLatin1(method) + QLatin1Char('\t') + route + QLatin1Char('\t') +
                 QString::number(status)];
    if (route == QLatin1String(sync::route::kSync)) {
        ++m_syncCount;
        m_syncSumMs += millis;
        for (size_t i = 0; i < kBucketsMs.size(); ++i) {
            if (millis <= kBucketsMs[i])
                ++m_syncBuckets[i];
        }
    }
}

QByteArray Metrics::render()
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    out += "# HELP hale_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE hale_http_requests_total counter\n";
    QStringList keys = m_requests.keys();
    keys.sort();
    for (const QString &key : keys) {
        const QStringList parts = key.split(QLatin1Char('\t'));
        out += QStringLiteral(
                   "hale_http_requests_total{method=\"%1\",route=\"%2\",status=\"%3\"} %4\n")
                   .arg(parts.at(0), parts.at(1), parts.at(2))
                   .arg(m_requests.value(key))
                   .toUtf8();
    }
    out += "# HELP hale_sync_duration_seconds Time to answer POST /api/v1/sync.\n"
           "# TYPE hale_sync_duration_seconds histogram\n";
    for (size_t i = 0; i < kBucketsMs.size(); ++i)
        out += QStringLiteral("hale_sync_duration_seconds_bucket{le=\"%1\"} %2\n")
                   .arg(kBucketsMs[i] / 1000.0)
                   .arg(m_syncBuckets[i])
                   .toUtf8();
    out += QStringLiteral("hale_sync_duration_seconds_bucket{le=\"+Inf\"} %1\n"
                          "hale_sync_duration_seconds_sum %2\n"
                          "hale_sync_duration_seconds_count %1\n")
               .arg(m_syncCount)
               .arg(m_syncSumMs / 1000.0)
               .toUtf8();
    for (const Gauge &gauge : std::as_const(m_gauges)) {
        out += "# HELP " + gauge.name + ' ' + gauge.help + "\n# TYPE " + gauge.name + " gauge\n" +
               gauge.name + ' ' + QByteArray::number(gauge.read()) + '\n';
    }
    return out;
}

void Metrics::addGauge(const QByteArray &name, const QByteArray &help, std::function<double()> read)
{
    m_gauges.append({name, help, std::move(read)});
}

} // namespace hale::server
