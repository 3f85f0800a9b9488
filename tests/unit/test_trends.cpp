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

    // Issue 17: exercise minutes per week by activity.
    void weeklyByCategorySumsPerLocalWeekAndActivity()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QDate monday(2026, 3, 2); // a Monday
        auto add = [&](const QDate &day, const QString &activity, double minutes) {
            QVERIFY(store
                        .create(QStringLiteral("exercise"),
                                {{QStringLiteral("performed_at"), QDateTime(day, QTime(18, 0))},
                                 {QStringLiteral("activity"), activity},
                                 {QStringLiteral("duration"), minutes}})
                        .ok());
        };
        add(monday, QStringLiteral("Running"), 30);
        add(monday.addDays(6), QStringLiteral("running "), 20); // Sunday, same week
        add(monday.addDays(1), QStringLiteral("Yoga"), 45);
        add(monday.addDays(7), QStringLiteral("Running"), 40); // next Monday
        // Nothing in the third week; a fourth with two small activities.
        add(monday.addDays(21), QStringLiteral("Swimming"), 10);
        add(monday.addDays(22), QStringLiteral("Rowing"), 5);

        const auto all =
            trends::weeklyByCategory(store, QStringLiteral("exercise"), QStringLiteral("duration"),
                                     QStringLiteral("activity"), {}, {}, 3, 52);
        QCOMPARE(all.weeks,
                 (QList<QDate>{monday, monday.addDays(7), monday.addDays(14), monday.addDays(21)}));
        // Running 90, Yoga 45, then Swimming and Rowing merged as the rest.
        QCOMPARE(all.categories,
                 (QStringList{QStringLiteral("Running"), QStringLiteral("Yoga"), QString()}));
        QCOMPARE(all.sums.at(0), (QList<double>{50, 40, 0, 0}));
        QCOMPARE(all.sums.at(1), (QList<double>{45, 0, 0, 0}));
        QCOMPARE(all.sums.at(2), (QList<double>{0, 0, 0, 15}));

        const auto recent =
            trends::weeklyByCategory(store, QStringLiteral("exercise"), QStringLiteral("duration"),
                                     QStringLiteral("activity"), {}, {}, 5, 2);
        QCOMPARE(recent.weeks, (QList<QDate>{monday.addDays(14), monday.addDays(21)}));
        QCOMPARE(recent.categories.size(), 4);
        QVERIFY(trends::weeklyByCategory(store, QStringLiteral("exercise"),
                                         QStringLiteral("duration"), QStringLiteral("activity"),
                                         QDateTime(monday.addDays(60), QTime()), {}, 5, 52)
                    .weeks.isEmpty());
    }

    // Issue 18: hours asleep are worked out from a night's two ends, per
    // local day, as any stored field is.
    void sleepHoursAreDerivedFromBedtimeAndWakeTime()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const QDateTime morning = QDateTime(QDate(2026, 3, 3), QTime(7, 0)).toUTC();
        for (const auto &[day, hours] : {std::pair{0, 7.5}, std::pair{1, 6.0}}) {
            const QDateTime woke = morning.addDays(day);
            QVERIFY(store
                        .create(QStringLiteral("metric"),
                                {{QStringLiteral("recorded_at"), woke},
                                 {QStringLiteral("bedtime"), woke.addSecs(qint64(-hours * 3600))},
                                 {QStringLiteral("wake_time"), woke}})
                        .ok());
        }
        // A metric without a night is not a night of zero hours.
        QVERIFY(store
                    .create(QStringLiteral("metric"), {{QStringLiteral("recorded_at"), morning},
                                                       {QStringLiteral("weight"), 70}})
                    .ok());
        const QList<DailyPoint> nights =
            trends::daily(store, QStringLiteral("metric"), QStringLiteral("sleep_hours"),
                          trends::Aggregate::Average);
        QCOMPARE(nights.size(), 2);
        QVERIFY(qAbs(nights.at(0).value - 7.5) < 1e-6);
        QVERIFY(qAbs(nights.at(1).value - 6.0) < 1e-6);
        QVERIFY(trends::derivedField(QStringLiteral("metric"), QStringLiteral("sleep_hours")));
        QVERIFY(!trends::derivedField(QStringLiteral("meal"), QStringLiteral("sleep_hours")));
        QList<double> hours;
        for (const Record &metric : store.records(QStringLiteral("metric")))
            hours << trends::sleepHours(metric);
        std::sort(hours.begin(), hours.end());
        QCOMPARE(hours, (QList<double>{-1.0, 6.0, 7.5})); // -1: no night logged
    }
};

QTEST_GUILESS_MAIN(TestTrends)
#include "test_trends.moc"
