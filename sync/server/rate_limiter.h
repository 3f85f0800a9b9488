#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

namespace hale::server {

// Token buckets by key (a user, an account being signed into, an address):
// `perMinute` requests a minute on average, bursts up to `perMinute`. Safe to
// use from every worker thread. In memory, so per server instance.
class RateLimiter
{
public:
    explicit RateLimiter(int perMinute);

    // True if `key` may make a request at `nowMs`; otherwise false and the
    // seconds until it may.
    bool take(const QString &key, qint64 nowMs, int *retryAfterSeconds);

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    const double m_capacity;
    const double m_perMs;
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastSweepMs = 0;
};

} // namespace hale::server
