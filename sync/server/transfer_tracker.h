#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

namespace hale::server {

// Which devices are in the middle of a transfer. A sync answer that leaves
// more to do (a page with more behind it, or a large batch pushed) names the
// cursor the device will send next; a request from that device with that
// cursor continues the same transfer, and the rate limit counts it apart
// from ordinary requests (the pages of a sync in progress are not abuse).
// In memory, per server instance: a continuation that reaches another
// instance is counted as an ordinary request. Safe from every worker thread.
class TransferTracker
{
public:
    // Forgotten after this long without the next request.
    static constexpr qint64 kExpiryMs = 10 * 60 * 1000;

    void expect(const QString &device, qint64 cursor, qint64 nowMs);
    // Whether this request continues a transfer; the expectation is used up.
    bool continues(const QString &device, qint64 cursor, qint64 nowMs);

private:
    struct Expected
    {
        qint64 cursor = 0;
        qint64 atMs = 0;
    };
    QMutex m_mutex;
    QHash<QString, Expected> m_expected;
    qint64 m_lastSweepMs = 0;
};

} // namespace hale::server
