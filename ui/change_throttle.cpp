#include "ui/change_throttle.h"

namespace hale {

ChangeThrottle::ChangeThrottle(int intervalMs, QObject *parent) : QObject(parent)
{
    m_interval.setSingleShot(true);
    m_interval.setInterval(intervalMs);
    connect(&m_interval, &QTimer::timeout, this, &ChangeThrottle::flush);
}

void ChangeThrottle::add(const QString &kind)
{
    if (!m_waiting.contains(kind))
        m_waiting << kind;
    if (!m_interval.isActive())
        flush();
}

void ChangeThrottle::flush()
{
    if (m_waiting.isEmpty()) {
        m_interval.stop(); // quiet for a whole interval: the next one goes at once
        return;
    }
    m_interval.start();
    for (const QString &kind : std::exchange(m_waiting, {}))
        emit changed(kind);
}

} // namespace hale
