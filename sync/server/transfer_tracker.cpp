#include "sync/server/transfer_tracker.h"

#include <QMutexLocker>

namespace hale::server {

void TransferTracker::expect(const QString &device, qint64 cursor, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    if (nowMs - m_lastSweepMs > kExpiryMs) {
        m_lastSweepMs = nowMs;
        m_expected.removeIf(
            [nowMs](const auto &entry) { return nowMs - entry.value().atMs > kExpiryMs; });
    }
    m_expected.insert(device, {cursor, nowMs});
}

bool TransferTracker::continues(const QString &device, qint64 cursor, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_expected.constFind(device);
    if (it == m_expected.cend())
        return false;
    const bool continued = it->cursor == cursor && nowMs - it->atMs <= kExpiryMs;
    m_expected.erase(it);
    return continued;
}

} // namespace hale::server
