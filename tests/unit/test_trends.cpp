#include "models/trends.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;
using trends::DailyPoint;

class TestTrends : public QObject
{
    Q_OBJECT

private slots:
    void movingAverageUsesTheTrailingCalendarWindow()
    {
        const QDate d(2026, 1, 1);
        const QList<DailyPoint> points{{d, 70},
                                       {d.addDays(1), 72},
                                       {d.addDays(6), 74},
                                       {d.addDays(7), 76},
                                       {d.addDays(20), 80}};
        const QList<DailyPoint> avg = trends::movingAverage(points, 7);
        QCOMPARE(avg.size(), 5);
        QCOMPARE(avg.at(0).value, 70.0);
        QCOMPARE(avg.at(1).value, 71.0);
        QCOMPARE(avg.at(2).value, 72.0);                 // days 1..7 hold 70, 72, 74
        QCOMPARE(avg.at(3).value, (72 + 74 + 76) / 3.0); // day 1 has left the window
        QCOMPARE(avg.at(4).value, 80.0);                 // a gap does not count as zeros
    }

    void downsampleAveragesEqualGroupsAndLeavesShortSeriesAlone()
    {
        QList<DailyPoint> points;
        const QDate d(2020, 1, 1);
        for (int i = 0; i < 1000; ++i)
            points.append({d.addDays(i), double(i % 10)});
        QCOMPARE(trends::downsample(points.mid(0, 50), 100), points.mid(0, 50));
        const QList<DailyPoint> few = trends::downsample(points, 100);
        QCOMPARE(few.size(), 100);
        for (const DailyPoint &p : few)
            QCOMPARE(p.value, 4.5); // each group of 10 holds 0..9
        QCOMPARE(few.first().day, d.addDays(4));
        QCOMPARE(trends::downsample(points, 3).size(), 3);
    }

    void dailyAggregatesPerLocalDayInSql()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QDate day = QDate::currentDate().addDays(-3);
        auto meal = [&](int hour, double kcal) {
            return store
                .create(QStringLiteral("meal"),
                        {{QStringLiteral("eaten_at"), QDateTime(day, QTime(hour, 0)).toUTC()},
                         {QStringLiteral("meal_type"), QStringLiteral("snack")},
                         {QStringLiteral("description"), QStringLiteral("x")},
                         {QStringLiteral("calories"), kcal}})
                .ok();
        };
        QVERIFY(meal(8, 300) && meal(13, 700) && meal(23, 100));
        const auto sums = trends::daily(store, QStringLiteral("meal"), QStringLiteral("calories"),
                                        trends::Aggregate::Sum);
        QCOMPARE(sums, (QList<DailyPoint>{{day, 1100}}));
        const auto averages = trends::daily(store, QStringLiteral("meal"),
                                            QStringLiteral("calories"), trends::Aggregate::Average);
        QCOMPARE(averages.first().value, 1100 / 3.0);
        QVERIFY(trends::daily(store, QStringLiteral("meal"), QStringLiteral("calories"),
                              trends::Aggregate::Sum, day.addDays(1).startOfDay())
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTrends)
#include "test_trends.moc"
