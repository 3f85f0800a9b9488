#include "sync/client/backoff.h"

#include <QRandomGenerator>
#include <algorithm>

namespace hale::sync {

qint64 Backoff::ceilingMs() const
{
    // Doubling stops once past the cap, so the shift never overflows.
    const int doublings = std::min(m_failures, 30);
    return std::min(m_policy.capMs, m_policy.baseMs << doublings);
}

qint64 Backoff::nextDelayMs(qint64 retryAfterMs)
{
    const qint64 ceiling = ceilingMs();
    ++m_failures;
    const qint64 jittered = qint64(QRandomGenerator::global()->bounded(double(ceiling) + 1.0));
    return std::max(jittered, retryAfterMs);
}

} // namespace hale::sync
