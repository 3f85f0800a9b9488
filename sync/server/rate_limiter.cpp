#include "sync/server/rate_limiter.h"

#include <QMutexLocker>
#include <algorithm>
#include <cmath>

namespace hale::server {

RateLimiter::RateLimiter(int perMinute)
    : m_capacity(std::max(1, perMinute)), m_perMs(std::max(1, perMinute) / 60'000.0)
{
}

bool RateLimiter::take(const QString &key, qint64 nowMs, int *retryAfterSeconds)
{
    QMutexLocker lock(&m_mutex);
    // Forget full buckets now and then, so idle keys do not pile up.
    if (nowMs - m_lastSweepMs > 60'000) {
        m_lastSweepMs = nowMs;
        for (auto it = m_buckets.begin(); it != m_buckets.end();) {
            if (it->tokens + double(nowMs - it->updatedMs) * m_perMs >= m_capacity)
                it = m_buckets.erase(it);
            else
                ++it;
        }
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, {m_capacity, nowMs});
    it->tokens = std::min(m_capacity, it->tokens + double(nowMs - it->updatedMs) * m_perMs);
    it->updatedMs = nowMs;
    if (it->tokens >= 1.0) {
        it->tokens -= 1.0;
        return true;
    }
    *retryAfterSeconds = std::max(1, int(std::ceil((1.0 - it->tokens) / m_perMs / 1000.0)));
    return false;
}

} // namespace hale::server
