#include "sync/core/hlc.h"

#include "sync/core/digits.h"

#include <QDateTime>
#include <QStringList>
#include <algorithm>
#include <array>
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

namespace {
bool isNodeChar(char16_t c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
           c == u'-';
}
} // namespace

QString HlcStamp::toString() const
{
    // Digits written by hand: stamps are written by the hundred thousand
    // when a device syncs for the first time, and snprintf was a tenth of
    // storing a pulled page.
    if (millis < 0 || millis > 9'999'999'999'999 || counter > kMaxCounter) {
        // Out of the text form's range (never made by a clock): as wide as it takes.
        char head[48];
        const int n =
            std::snprintf(head, sizeof head, "%0*lld-%0*u-", kMillisWidth,
                          static_cast<long long>(millis), kCounterWidth, unsigned(counter));
        return QLatin1String(head, n) + node;
    }
    constexpr int head = kMillisWidth + 1 + kCounterWidth + 1;
    QString text(head + node.size(), Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(text.data());
    digits::put(out, kMillisWidth, quint64(millis));
    out[kMillisWidth] = u'-';
    digits::put(out + kMillisWidth + 1, kCounterWidth, counter);
    out[head - 1] = u'-';
    std::copy_n(reinterpret_cast<const char16_t *>(node.constData()), node.size(), out + head);
    return text;
}

std::optional<HlcStamp> HlcStamp::fromString(const QString &text)
{
    // "<13 digits>-<6 digits>-<node>"; the node may itself contain '-' (a UUID).
    constexpr int head = kMillisWidth + 1 + kCounterWidth + 1;
    if (text.size() <= head || text.at(kMillisWidth) != QLatin1Char('-') ||
        text.at(head - 1) != QLatin1Char('-'))
        return std::nullopt;
    const QChar *chars = text.constData();
    HlcStamp stamp;
    stamp.millis = digits::read(chars, kMillisWidth);
    const qint64 counter = digits::read(chars + kMillisWidth + 1, kCounterWidth);
    if (stamp.millis < 0 || stamp.millis > kMaxMillis || counter < 0)
        return std::nullopt;
    stamp.counter = quint32(counter);
    for (qsizetype i = head; i < text.size(); ++i) {
        if (!isNodeChar(chars[i].unicode()))
            return std::nullopt;
    }
    stamp.node = text.mid(head);
    return stamp;
}

namespace {

QString sharedNode(std::string_view text)
{
    thread_local std::array<QString, 8> recent;
    thread_local std::size_t next = 0;
    const QLatin1String node(text.data(), qsizetype(text.size())); // checked ASCII
    for (const QString &known : recent) {
        if (known == node)
            return known;
    }
    QString made = node;
    recent[next++ % recent.size()] = made;
    return made;
}

} // namespace

std::optional<HlcStamp> HlcStamp::fromUtf8(std::string_view text)
{
    constexpr std::size_t head = kMillisWidth + 1 + kCounterWidth + 1;
    if (text.size() <= head || text[kMillisWidth] != '-' || text[head - 1] != '-')
        return std::nullopt;
    HlcStamp stamp;
    stamp.millis = digits::read(text.data(), kMillisWidth);
    const qint64 counter = digits::read(text.data() + kMillisWidth + 1, kCounterWidth);
    if (stamp.millis < 0 || stamp.millis > kMaxMillis || counter < 0)
        return std::nullopt;
    stamp.counter = quint32(counter);
    const std::string_view node = text.substr(head);
    if (!std::all_of(node.begin(), node.end(), [](char c) { return isNodeChar(char16_t(c)); }))
        return std::nullopt;
    stamp.node = sharedNode(node);
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
