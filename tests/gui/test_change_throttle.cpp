// The screens hear of records the sync thread wrote at once, then at most
// once an interval while more keep coming, and all of it when a cycle ends.
#include "ui/change_throttle.h"

#include <QSignalSpy>
#include <QTest>

using namespace hale;

class TestChangeThrottle : public QObject
{
    Q_OBJECT

private:
    static QStringList kinds(const QSignalSpy &spy)
    {
        QStringList out;
        for (const QList<QVariant> &call : spy)
            out << call.at(0).toString();
        return out;
    }

private slots:
    void theFirstChangeGoesAtOnceAndABurstOnceAnInterval()
    {
        ChangeThrottle throttle(100);
        QSignalSpy changed(&throttle, &ChangeThrottle::changed);
        throttle.add(QStringLiteral("meal"));
        QCOMPARE(kinds(changed), QStringList{QStringLiteral("meal")});
        for (int page = 0; page < 50; ++page) {
            throttle.add(QStringLiteral("meal"));
            throttle.add(QStringLiteral("metric"));
        }
        QCOMPARE(changed.size(), 1); // the rest wait for the interval
        QTRY_COMPARE(kinds(changed), (QStringList{QStringLiteral("meal"), QStringLiteral("meal"),
                                                  QStringLiteral("metric")}));
        // Quiet for a whole interval: the next change goes at once again.
        QTest::qWait(250);
        QCOMPARE(changed.size(), 3);
        throttle.add(QStringLiteral("journal"));
        QCOMPARE(changed.size(), 4);
        QCOMPARE(changed.last().at(0).toString(), QStringLiteral("journal"));
    }

    void flushPassesOnWhatWaitsAtOnce()
    {
        ChangeThrottle throttle(60'000);
        QSignalSpy changed(&throttle, &ChangeThrottle::changed);
        throttle.add(QStringLiteral("meal"));
        throttle.add(QStringLiteral("dose"));
        throttle.add(QStringLiteral("meal"));
        QCOMPARE(kinds(changed), QStringList{QStringLiteral("meal")});
        throttle.flush();
        QCOMPARE(kinds(changed), (QStringList{QStringLiteral("meal"), QStringLiteral("dose"),
                                              QStringLiteral("meal")}));
        throttle.flush(); // nothing waits: nothing is said
        QCOMPARE(changed.size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestChangeThrottle)
#include "test_change_throttle.moc"
