#pragma once

#include <QtGlobal>

namespace hale::sync {

// Exponential backoff with full jitter: after the n-th failure in a row the
// next attempt waits a uniformly random time in [0, min(cap, base * 2^n)],
// so that devices cut off together do not come back together. A server's
// Retry-After is a floor on that wait.
class Backoff
{
public:
    struct Policy
    {
        qint64 baseMs = 2000;
        qint64 capMs = 5 * 60 * 1000;
    };

    Backoff() = default;
    explicit Backoff(Policy policy) : m_policy(policy) {}

    // The wait before the next attempt, counting this failure.
    qint64 nextDelayMs(qint64 retryAfterMs = 0);
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }
    // The largest wait the next failure could draw (without Retry-After).
    qint64 ceilingMs() const;

private:
    Policy m_policy;
    int m_failures = 0;
};

} // namespace hale::sync
