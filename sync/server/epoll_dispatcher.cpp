#include "sync/server/epoll_dispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <cerrno>
#include <climits>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace hale::server {

namespace {

qint64 roundedInterval(qint64 interval, Qt::TimerType type)
{
    // Very coarse timers fire on whole seconds, as Qt documents.
    if (type == Qt::VeryCoarseTimer && interval > 0)
        return std::max<qint64>(1000, (interval + 500) / 1000 * 1000);
    return interval;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_clock.start();
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeOnly = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (isValid()) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = m_wake;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
        epoll_ctl(m_wakeOnly, EPOLL_CTL_ADD, m_wake, &event);
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wake >= 0)
        close(m_wake);
    if (m_epoll >= 0)
        close(m_epoll);
    if (m_wakeOnly >= 0)
        close(m_wakeOnly);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeSockets = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool mayWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load();
    int timeout = 0;
    if (mayWait) {
        emit aboutToBlock();
        // Posting an event always calls wakeUp(), so waiting here cannot
        // miss one posted while the posted events above were sent.
        timeout = includeTimers ? msUntilNextTimer() : -1;
    }
    if (m_interrupted.load())
        return false;

    epoll_event events[kEventsPerPass];
    int ready = 0;
    // Sockets left out: wait on the set that holds only the wake-up, or a
    // ready socket would end every wait at once (a busy loop).
    const int waitOn = includeSockets ? m_epoll : m_wakeOnly;
    do {
        ready = epoll_wait(waitOn, events, kEventsPerPass, timeout);
    } while (ready < 0 && errno == EINTR);
    if (mayWait)
        emit awake();

    int handled = 0;
    // Collect the ready descriptors first: activating one notifier can
    // register or remove others.
    QList<std::pair<int, quint32>> sockets;
    for (int i = 0; i < ready; ++i) {
        if (events[i].data.fd == m_wake) {
            quint64 drained = 0;
            [[maybe_unused]] const auto n = read(m_wake, &drained, sizeof drained);
            continue;
        }
        sockets.append({int(events[i].data.fd), quint32(events[i].events)});
    }
    if (includeSockets) {
        for (const std::pair<int, quint32> &readySocket : std::as_const(sockets)) {
            const int fd = readySocket.first;
            const quint32 what = readySocket.second;
            // Looked up again for each notifier: the one before may have
            // closed this socket and removed its watch.
            auto fire = [&](QSocketNotifier *Watch::*slot) {
                const auto it = m_watches.constFind(fd);
                if (it == m_watches.cend() || !((*it).*slot))
                    return;
                QEvent event(QEvent::SockAct);
                QCoreApplication::sendEvent((*it).*slot, &event);
                ++handled;
            };
            if (what & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
                fire(&Watch::read);
            if (what & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                fire(&Watch::write);
            if (what & EPOLLPRI)
                fire(&Watch::exception);
        }
    }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Watch &watch = m_watches[int(notifier->socket())];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    updateWatch(int(notifier->socket()));
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    for (QSocketNotifier *Watch::*slot : {&Watch::read, &Watch::write, &Watch::exception}) {
        if ((*it).*slot == notifier)
            (*it).*slot = nullptr;
    }
    updateWatch(fd);
}

void EpollEventDispatcher::updateWatch(int fd)
{
    const auto it = m_watches.find(fd);
    epoll_event event{};
    event.data.fd = fd;
    if (it->read)
        event.events |= EPOLLIN | EPOLLRDHUP;
    if (it->write)
        event.events |= EPOLLOUT;
    if (it->exception)
        event.events |= EPOLLPRI;
    if (event.events == 0) {
        m_watches.erase(it);
        // Fails harmlessly when the socket was closed first (the kernel
        // forgot it then).
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        return;
    }
    // A descriptor number can come back for a new socket after the old one
    // was closed without being removed: add what modifying cannot find.
    if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) != 0 && errno == ENOENT)
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    unregisterTimer(timerId);
    const qint64 every = roundedInterval(interval, timerType);
    const qint64 due = m_clock.elapsed() + every;
    m_timers.insert(timerId, {every, timerType, object, due});
    m_dueOrder.insert({due, timerId});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_dueOrder.erase({it->due, timerId});
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    QList<int> ids;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            ids << it.key();
    }
    for (int id : std::as_const(ids))
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            out.append(TimerInfo(it.key(), int(it->interval), it->type));
    }
    return out;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    return int(std::max<qint64>(0, it->due - m_clock.elapsed()));
}

int EpollEventDispatcher::msUntilNextTimer() const
{
    if (m_dueOrder.empty())
        return -1;
    return int(std::clamp<qint64>(m_dueOrder.begin()->first - m_clock.elapsed(), 0, INT_MAX));
}

int EpollEventDispatcher::activateTimers()
{
    const qint64 now = m_clock.elapsed();
    // The timers due now, fixed before any fires: a timer started by one
    // of them waits for the next pass, as in Qt's own dispatchers.
    QList<int> due;
    for (auto it = m_dueOrder.cbegin(); it != m_dueOrder.cend() && it->first <= now; ++it)
        due << it->second;
    int fired = 0;
    for (int id : std::as_const(due)) {
        const auto it = m_timers.find(id);
        // Stopped or restarted by a timer that fired before it (Qt hands a
        // freed id out again at once), or still in its own handler (a
        // nested event loop): not due now.
        if (it == m_timers.end() || it->due > now || it->firing)
            continue;
        // Rescheduled before it fires, so that it can stop or restart
        // itself from its handler. A timer that fell behind does not fire
        // in a burst to catch up.
        m_dueOrder.erase({it->due, id});
        it->due += it->interval;
        if (it->due <= now && it->interval > 0)
            it->due = now + it->interval;
        m_dueOrder.insert({it->due, id});
        it->firing = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(it->object, &event);
        ++fired;
        // Looked up again: the handler may have stopped it.
        if (const auto after = m_timers.find(id); after != m_timers.end())
            after->firing = false;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    const quint64 one = 1;
    [[maybe_unused]] const auto n = write(m_wake, &one, sizeof one);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true);
    wakeUp();
}

bool installEpollEventDispatcher()
{
    auto *dispatcher = new EpollEventDispatcher;
    if (!dispatcher->isValid()) {
        delete dispatcher;
        return false;
    }
    QCoreApplication::setEventDispatcher(dispatcher); // takes ownership
    return true;
}

} // namespace hale::server
