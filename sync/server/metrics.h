#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>
#include <array>
#include <functional>

namespace hale::server {

// Counters for GET /metrics in the Prometheus text format: requests by route
// and status, a latency histogram of sync requests, and gauges read when
// rendered (open connections, cached statements).
class Metrics
{
public:
    void recordRequest(const QByteArray &method, const QString &route, int status, double millis);
    // Called from any thread when /metrics is rendered.
    void addGauge(const QByteArray &name, const QByteArray &help, std::function<double()> read);
    QByteArray render();

private:
    static constexpr std::array<double, 10> kBucketsMs{1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000};
    QMutex m_mutex;
    QHash<QString, quint64> m_requests; // key: method \t route \t status
    std::array<quint64, kBucketsMs.size()> m_syncBuckets{};
    quint64 m_syncCount = 0;
    double m_syncSumMs = 0;
    struct Gauge
    {
        QByteArray name;
        QByteArray help;
        std::function<double()> read;
    };
    QList<Gauge> m_gauges; // set up before serving, read-only after
};

} // namespace hale::server
