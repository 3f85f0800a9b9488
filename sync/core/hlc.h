#pragma once

#include <QString>
#include <compare>
#include <functional>
#include <optional>
#include <string_view>

namespace hale::sync {

// A hybrid logical clock timestamp: physical milliseconds since the epoch, a
// logical counter for events within (or behind) the same millisecond, and the
// id of the device that made it as the final tie-break. Ordering is total, so
// two different writes never compare equal.
struct HlcStamp
{
    qint64 millis = 0;
    quint32 counter = 0;
    QString node;

    bool isNull() const { return millis == 0 && counter == 0 && node.isEmpty(); }

    // Fixed-width text form "<13-digit ms>-<6-digit counter>-<node>": its
    // lexicographic order equals the clock order, so SQL can compare stamps.
    QString toString() const;
    static std::optional<HlcStamp> fromString(const QString &text);
    // The same from UTF-8 text (a sync message's): the few devices' node ids
    // a page names again and again become QStrings once per thread and are
    // shared from then on.
    static std::optional<HlcStamp> fromUtf8(std::string_view text);

    friend bool operator==(const HlcStamp &, const HlcStamp &) = default;
    friend std::strong_ordering operator<=>(const HlcStamp &a, const HlcStamp &b);
};

// The clock of one device. send() stamps a local event; receive() folds in a
// stamp seen from elsewhere so that later local events order after it even if
// this device's wall clock is behind.
class HybridLogicalClock
{
public:
    using PhysicalClock = std::function<qint64()>;

    explicit HybridLogicalClock(QString node, PhysicalClock physical = systemMillis);

    HlcStamp send();
    void receive(const HlcStamp &remote);
    // Raises the clock to at least `stamp` without a physical-time check; used
    // when reloading the last stamp a device persisted.
    void restore(const HlcStamp &stamp);

    const QString &node() const { return m_node; }
    HlcStamp last() const { return {m_millis, m_counter, m_node}; }

    static qint64 systemMillis();

private:
    QString m_node;
    PhysicalClock m_physical;
    qint64 m_millis = 0;
    quint32 m_counter = 0;
};

} // namespace hale::sync
