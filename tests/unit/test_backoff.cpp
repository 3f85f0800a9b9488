#include "sync/client/backoff.h"

#include <QTest>

using hale::sync::Backoff;

class TestBackoff : public QObject
{
    Q_OBJECT

private slots:
    void waitsGrowWithinTheCapAndAreJittered()
    {
        Backoff backoff({100, 1000});
        QList<qint64> ceilings;
        for (int i = 0; i < 8; ++i) {
            const qint64 ceiling = backoff.ceilingMs();
            ceilings << ceiling;
            const qint64 wait = backoff.nextDelayMs();
            QVERIFY2(wait >= 0 && wait <= ceiling, qPrintable(QString::number(wait)));
        }
        QCOMPARE(ceilings, (QList<qint64>{100, 200, 400, 800, 1000, 1000, 1000, 1000}));
        QCOMPARE(backoff.failures(), 8);

        // Full jitter: many draws at one ceiling spread over its range.
        qint64 lowest = 1000, highest = 0;
        for (int i = 0; i < 200; ++i) {
            Backoff b({1000, 1000});
            const qint64 wait = b.nextDelayMs();
            lowest = std::min(lowest, wait);
            highest = std::max(highest, wait);
        }
        QVERIFY(lowest < 250);
        QVERIFY(highest > 750);
    }

    void retryAfterIsAFloorAndSuccessResets()
    {
        Backoff backoff({100, 1000});
        QCOMPARE(backoff.nextDelayMs(30'000), 30'000);
        QVERIFY(backoff.failures() == 1);
        backoff.reset();
        QCOMPARE(backoff.ceilingMs(), 100);
        // Many failures in a row never overflow the doubling.
        for (int i = 0; i < 100; ++i)
            QVERIFY(backoff.nextDelayMs() <= 1000);
    }
};

QTEST_APPLESS_MAIN(TestBackoff)
#include "test_backoff.moc"
