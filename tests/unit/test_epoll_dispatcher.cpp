// The server's epoll event loop (sync/server/epoll_dispatcher.h) keeps the
// promises Qt's own dispatchers make: timers, socket notifiers, posted
// events, quitting. Each case runs in a thread that uses it.
#include "sync/server/epoll_dispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <functional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using hale::server::EpollEventDispatcher;

namespace {

// Runs `body` in a fresh thread whose event loop is an EpollEventDispatcher.
void inEpollThread(const std::function<void()> &body)
{
    QThread thread;
    auto *dispatcher = new EpollEventDispatcher;
    QVERIFY(dispatcher->isValid());
    thread.setEventDispatcher(dispatcher);
    bool ran = false;
    QObject::connect(&thread, &QThread::started, [&] {
        QCOMPARE(QAbstractEventDispatcher::instance(), dispatcher);
        body();
        ran = true;
        QThread::currentThread()->quit();
    });
    thread.start();
    QVERIFY(thread.wait(20'000));
    QVERIFY(ran);
}

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void timersFireOnTimeAndStopFromTheirHandler()
    {
        inEpollThread([] {
            QEventLoop loop;
            QElapsedTimer clock;
            clock.start();
            QList<qint64> firedAt;
            QTimer repeating;
            repeating.setTimerType(Qt::PreciseTimer);
            repeating.setInterval(20);
            QObject::connect(&repeating, &QTimer::timeout, [&] {
                firedAt << clock.elapsed();
                if (firedAt.size() == 5) {
                    repeating.stop();
                    loop.quit();
                }
            });
            repeating.start();
            QTimer::singleShot(5000, &loop, &QEventLoop::quit); // bound
            loop.exec();
            QCOMPARE(firedAt.size(), 5);
            QVERIFY(firedAt.first() >= 19);
            QVERIFY2(firedAt.last() >= 99 && firedAt.last() < 1000,
                     qPrintable(QString::number(firedAt.last())));
            QVERIFY(!repeating.isActive());
            QCOMPARE(QAbstractEventDispatcher::instance()->registeredTimers(&repeating).size(), 0);
        });
    }

    void aTimerRestartedByAnotherDueInTheSamePassWaitsItsNewInterval()
    {
        inEpollThread([] {
            // Two timers due together; whichever fires first restarts the
            // other for 300 ms. Qt hands the freed id out again at once, so
            // a dispatcher that fired the ids it collected would fire the
            // restarted one at once.
            QEventLoop loop;
            int fired = 0;
            QTimer first;
            QTimer second;
            for (QTimer *timer : {&first, &second}) {
                timer->setSingleShot(true);
                timer->setTimerType(Qt::PreciseTimer);
            }
            QObject::connect(&first, &QTimer::timeout, [&] {
                ++fired;
                second.start(300);
            });
            QObject::connect(&second, &QTimer::timeout, [&] {
                ++fired;
                first.start(300);
            });
            first.start(20);
            second.start(20);
            QTimer::singleShot(150, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(fired, 1);
        });
    }

    void aSingleShotFiresOnceAndRemainingTimeCountsDown()
    {
        inEpollThread([] {
            QEventLoop loop;
            int fired = 0;
            QTimer once;
            once.setSingleShot(true);
            QObject::connect(&once, &QTimer::timeout, [&] { ++fired; });
            once.start(30);
            const int remaining = once.remainingTime();
            QVERIFY(remaining > 0 && remaining <= 30);
            QTimer::singleShot(150, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(fired, 1);
            QCOMPARE(once.remainingTime(), -1);
        });
    }

    void aSocketNotifierFiresWhenDataArrivesAndNotAfterItIsRead()
    {
        inEpollThread([] {
            int pair[2];
            QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
            QEventLoop loop;
            int reads = 0;
            QSocketNotifier notifier(pair[0], QSocketNotifier::Read);
            QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
                char buffer[16];
                if (read(pair[0], buffer, sizeof buffer) > 0)
                    ++reads;
            });
            QTimer::singleShot(10, [&] { QCOMPARE(write(pair[1], "hello", 5), ssize_t(5)); });
            QTimer::singleShot(200, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(reads, 1); // read once, then nothing is ready any more
            notifier.setEnabled(false);
            QCOMPARE(write(pair[1], "again", 5), ssize_t(5));
            QTimer::singleShot(50, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(reads, 1); // disabled: not told
            notifier.setEnabled(true);
            QTimer::singleShot(50, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(reads, 2);
            close(pair[0]);
            close(pair[1]);
        });
    }

    void eventsPostedFromAnotherThreadWakeTheLoop()
    {
        inEpollThread([] {
            QEventLoop loop;
            QObject receiver;
            bool delivered = false;
            QElapsedTimer clock;
            clock.start();
            std::thread poster([&] {
                QThread::msleep(20);
                QMetaObject::invokeMethod(
                    &receiver,
                    [&] {
                        delivered = true;
                        loop.quit();
                    },
                    Qt::QueuedConnection);
            });
            QTimer::singleShot(5000, &loop, &QEventLoop::quit); // bound
            loop.exec();
            poster.join();
            QVERIFY(delivered);
            QVERIFY(clock.elapsed() < 2000); // woken, not found by the bound
        });
    }
};

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "test_epoll_dispatcher.moc"
