#include "sync/core/hlc.h"

#include <QDateTime>
#include <QStringList>
#include <algorithm>
#include <cstdio>

namespace hale::sync {

namespace {
constexpr int kMillisWidth = 13;
constexpr int kCounterWidth = 6;
constexpr quint32 kMaxCounter = 999999;
// The last millisecond a stamp may carry: a clock that receives it can still
// count a million events per millisecond for another 1,000 seconds and stay
// within the 13 digits of the text form (year 2286).
constexpr qint64 kMaxMillis = 9'999'999'000'000;
} // namespace

QString HlcStamp::toString() const
{
    // snprintf rather than QString::arg: stamps are written by the hundred
    // thousand when a device syncs for the first time.
    char head[48];
    const int n = std::snprintf(head, sizeof head, "%0*lld-%0*u-", kMillisWidth,
                                static_cast<long long>(millis), kCounterWidth, unsigned(counter));
    QString text;
    text.reserve(n + node.size());
    text.append(QLatin1String(head, n));
    text.append(node);
    return text;
}

std::optional<HlcStamp> HlcStamp::fromString(const QString &text)
{
    // The node may itself contain '-' (a UUID), so split only twice.
    const qsizetype first = text.indexOf(QLatin1Char('-'));
    if (first != kMillisWidth)
        return std::nullopt;
    const qsizetype second = text.indexOf(QLatin1Char('-'), first + 1);
    if (second != first + 1 + kCounterWidth)
        return std::nullopt;
    bool okMillis = false;
    bool okCounter = false;
    HlcStamp stamp;
    stamp.millis = text.left(first).toLongLong(&okMillis);
    stamp.counter = text.mid(first + 1, kCounterWidth).toUInt(&okCounter);
    stamp.node = text.mid(second + 1);
    if (!okMillis || !okCounter || stamp.millis < 0 || stamp.millis > kMaxMillis ||
        stamp.node.isEmpty())
        return std::nullopt;
    for (const QChar c : stamp.node) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('-')) || c.unicode() > 127)
            return std::nullopt;
    }
    return stamp;
}

std::strong_ordering operator<=>(const HlcStamp &a, const HlcStamp &b)
{
    if (auto c = a.millis <=> b.millis; std::is_neq(c))
        return c;
    if (auto c = a.counter <=> b.counter; std::is_neq(c))
        return c;
    const int byNode = a.node.compare(b.node);
    return byNode < 0 ? std::strong_ordering::less
                      : (byNode > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

HybridLogicalClock::HybridLogicalClock(QString node, PhysicalClock physical)
    : m_node(std::move(node)), m_physical(std::move(physical))
{
}

qint64 HybridLogicalClock::systemMillis()
{
    return QDateTime::currentMSecsSinceEpoch();
}

HlcStamp HybridLogicalClock::send()
{
    const qint64 now = m_physical();
    if (now > m_millis) {
        m_millis = now;
        m_counter = 0;
    } else if (m_counter < kMaxCounter) {
        ++m_counter;
    } else {
        // A million events in one logical millisecond: borrow the next one
        // rather than overflow the fixed-width counter.
        ++m_millis;
        m_counter = 0;
    }
    return last();
}

void HybridLogicalClock::receive(const HlcStamp &remote)
{
    const qint64 now = m_physical();
    const qint64 top = std::max({now, m_millis, remote.millis});
    if (top == m_millis && top == remote.millis)
        m_counter = std::max(m_counter, remote.counter) + 1;
    else if (top == m_millis)
        ++m_counter;
    else if (top == remote.millis)
        m_counter = remote.counter + 1;
    else
        m_counter = 0;
    m_millis = top;
    if (m_counter > kMaxCounter) {
        ++m_millis;
        m_counter = 0;
    }
}

void HybridLogicalClock::restore(const HlcStamp &stamp)
{
    if (HlcStamp{m_millis, m_counter, m_node} < HlcStamp{stamp.millis, stamp.counter, m_node}) {
        m_millis = stamp.millis;
        m_counter = stamp.counter;
    }
}

} // namespace hale::sync
