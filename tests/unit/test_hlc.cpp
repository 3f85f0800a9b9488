#include "sync/core/hlc.h"
#include "sync/core/json_text.h"

#include <QRandomGenerator>
#include <QTest>

using hale::sync::HlcStamp;
using hale::sync::HybridLogicalClock;

class TestHlc : public QObject
{
    Q_OBJECT

private slots:
    void sendIsStrictlyIncreasingWhenTheWallClockStands()
    {
        qint64 wall = 1'700'000'000'000;
        HybridLogicalClock clock(QStringLiteral("a"), [&] { return wall; });
        HlcStamp previous = clock.send();
        for (int i = 0; i < 1000; ++i) {
            const HlcStamp next = clock.send();
            QVERIFY(next > previous);
            previous = next;
        }
        QCOMPARE(previous.millis, wall);
        QCOMPARE(previous.counter, 1000u);
    }

    void sendNeverGoesBackwardsWhenTheWallClockDoes()
    {
        qint64 wall = 1'700'000'000'000;
        HybridLogicalClock clock(QStringLiteral("a"), [&] { return wall; });
        const HlcStamp before = clock.send();
        wall -= 3'600'000;
        QVERIFY(clock.send() > before);
    }

    void aClockAnHourBehindOrdersCausallyLaterEditsAfter()
    {
        qint64 wallA = 1'700'000'000'000;
        qint64 wallB = wallA - 3'600'000; // B's clock is an hour slow
        HybridLogicalClock a(QStringLiteral("device-a"), [&] { return wallA; });
        HybridLogicalClock b(QStringLiteral("device-b"), [&] { return wallB; });

        const HlcStamp editOnA = a.send();
        b.receive(editOnA); // B syncs and sees A's edit
        wallB += 1000;      // a second later B edits the same field
        const HlcStamp editOnB = b.send();
        QVERIFY2(editOnB > editOnA, "B's later edit must win although its wall clock is behind");

        // And back again: A sees B's edit, then edits once more.
        a.receive(editOnB);
        const HlcStamp againOnA = a.send();
        QVERIFY(againOnA > editOnB);
    }

    void receiveFromTheFutureAdvancesTheClock()
    {
        qint64 wall = 1000;
        HybridLogicalClock clock(QStringLiteral("a"), [&] { return wall; });
        clock.receive(HlcStamp{5000, 7, QStringLiteral("z")});
        const HlcStamp next = clock.send();
        QCOMPARE(next.millis, 5000);
        QVERIFY(next.counter > 7);
    }

    void textFormRoundTripsAndSortsLikeTheClock()
    {
        auto *rng = QRandomGenerator::global();
        for (int i = 0; i < 2000; ++i) {
            const HlcStamp x{rng->bounded(qint64(0), qint64(9'999'999'999'999)),
                             quint32(rng->bounded(0, 999999)),
                             i % 2 ? QStringLiteral("0b3c9f0e-1d2a-4c55-9e0f-1234567890ab")
                                   : QStringLiteral("n%1").arg(rng->bounded(5))};
            const HlcStamp y{x.millis + rng->bounded(-2, 3), quint32(rng->bounded(0, 3)),
                             QStringLiteral("n%1").arg(rng->bounded(5))};
            QCOMPARE(HlcStamp::fromString(x.toString()).value(), x);
            QCOMPARE(HlcStamp::fromUtf8(x.toString().toStdString()).value(), x);
            const bool textLess = x.toString() < y.toString();
            QCOMPARE(textLess, x < y);
        }
    }

    // The stamp written straight into JSON (json::appendStamp) is the text
    // form quoted, also for stamps out of the clock's range or odd nodes.
    void aStampWrittenIntoJsonIsItsQuotedText()
    {
        auto *rng = QRandomGenerator::global();
        const QStringList nodes{QStringLiteral("0b3c9f0e-1d2a-4c55-9e0f-1234567890ab"),
                                QStringLiteral("a"), QStringLiteral("q\"uote"),
                                QStringLiteral("\u00e9t\u00e9"), QString()};
        for (int i = 0; i < 2000; ++i) {
            const HlcStamp stamp{i % 7 == 0
                                     ? rng->bounded(qint64(-5), qint64(5)) * 10'000'000'000'000
                                     : rng->bounded(qint64(0), qint64(9'999'999'999'999)),
                                 quint32(i % 11 == 0 ? 1'000'000 + i : rng->bounded(0, 999'999)),
                                 nodes.at(i % nodes.size())};
            QByteArray direct = "x";
            hale::sync::json::appendStamp(direct, stamp);
            QByteArray viaText = "x";
            hale::sync::json::appendString(viaText, stamp.toString());
            QCOMPARE(direct, viaText);
        }
    }

    void malformedTextIsRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("short millis") << QStringLiteral("123-000001-a");
        QTest::newRow("no node") << QStringLiteral("1700000000000-000001-");
        QTest::newRow("letters") << QStringLiteral("17000000000x0-000001-a");
        QTest::newRow("negative") << QStringLiteral("-700000000000-000001-a");
        QTest::newRow("bad node") << QStringLiteral("1700000000000-000001-a b");
        QTest::newRow("sign") << QStringLiteral("+700000000000-000001-a");
        QTest::newRow("space") << QStringLiteral(" 700000000000-000001-a");
        QTest::newRow("counter with a sign") << QStringLiteral("1700000000000-+00001-a");
        QTest::newRow("unicode node") << QStringLiteral("1700000000000-000001-\u00e9");
        // A clock that received it would next send a 14-digit time (found by fuzzing, H1).
        QTest::newRow("last millisecond") << QStringLiteral("9999999999999-999999-0");
    }
    void malformedTextIsRefused()
    {
        QFETCH(QString, text);
        QVERIFY(!HlcStamp::fromString(text).has_value());
        QVERIFY(!HlcStamp::fromUtf8(text.toStdString()).has_value());
    }

    void restoreNeverLowersTheClock()
    {
        qint64 wall = 10;
        HybridLogicalClock clock(QStringLiteral("a"), [&] { return wall; });
        clock.restore(HlcStamp{500, 3, QStringLiteral("a")});
        QVERIFY(clock.send() > (HlcStamp{500, 3, QStringLiteral("a")}));
        clock.restore(HlcStamp{100, 0, QStringLiteral("a")});
        QCOMPARE(clock.last().millis, 500);
    }
};

QTEST_GUILESS_MAIN(TestHlc)
#include "test_hlc.moc"
