#pragma once

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QHash>
#include <atomic>
#include <set>
#include <utility>

namespace hale::server {

// An event dispatcher over Linux's epoll, for the server's main thread,
// which holds every client connection. Qt's own dispatchers (GLib's and
// Qt's UNIX one) poll() every socket on every pass: with 2,000 keep-alive
// connections two thirds of the machine's time went to the kernel walking
// them, and the sustainable load fell to a fifth of what 100 connections
// allowed (docs/benchmarks.md). epoll hands back only the sockets that are
// ready. Install it with QCoreApplication::setEventDispatcher() before the
// application object exists; only the thread it is installed on uses it.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;
    // Whether epoll and eventfd were available (false: use Qt's own).
    bool isValid() const { return m_epoll >= 0 && m_wakeOnly >= 0 && m_wake >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
    };
    struct Timer
    {
        qint64 interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 due = 0;      // on m_clock, in ms
        bool firing = false; // in its handler now
    };

    void updateWatch(int fd);
    int activateSockets(int ready);
    int activateTimers();
    int msUntilNextTimer() const;

    int m_epoll = -1;
    int m_wakeOnly = -1; // an epoll set of m_wake alone (sockets excluded)
    int m_wake = -1;     // eventfd: wakeUp() from any thread
    std::atomic<bool> m_interrupted{false};
    QHash<int, Watch> m_watches;                 // by file descriptor
    QHash<int, Timer> m_timers;                  // by timer id
    std::set<std::pair<qint64, int>> m_dueOrder; // (due, timer id)
    QElapsedTimer m_clock;
    static constexpr int kEventsPerPass = 256;
};

// Makes an EpollEventDispatcher the main thread's: call before the
// application object exists. False (and Qt's own stays) if epoll failed.
bool installEpollEventDispatcher();

} // namespace hale::server
