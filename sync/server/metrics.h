#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <array>
#include <functional>

namespace hale::server {

// Counters for GET /metrics in the Prometheus text format: requests by route
// and status, a latency histogram of sync requests, open connections.
class Metrics
{
public:
    void recordRequest(const QByteArray &method, const QString &route, int status, double millis);
    void setOpenConnections(std::function<int()> gauge) { m_openConnections = std::move(gauge); }
    QByteArray render();

private:
    static constexpr std::array<double, 10> kBucketsMs{1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000};
    QMutex m_mutex;
    QHash<QString, quint64> m_requests; // key: method \t route \t status
    std::array<quint64, kBucketsMs.size()> m_syncBuckets{};
    quint64 m_syncCount = 0;
    double m_syncSumMs = 0;
    std::function<int()> m_openConnections;
};

} // namespace hale::server
