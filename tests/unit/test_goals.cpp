#include "models/goals.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;
using Progress = goals::WeightProgress;

// Issue 18: goals are one record every device writes (so targets merge field
// by field), and the weight target's progress follows the recent trend.
class TestGoals : public QObject
{
    Q_OBJECT

private:
    const QDate m_today = QDate::currentDate();

    // Daily weights from `first` kg, changing by `perDay`, over `days` days
    // ending today.
    static void logWeights(LocalStore &store, double first, double perDay, int days,
                           const QDate &today)
    {
        for (int i = 0; i < days; ++i) {
            QVERIFY(store
                        .create(QStringLiteral("metric"),
                                {{QStringLiteral("recorded_at"),
                                  QDateTime(today.addDays(i - days + 1), QTime(7, 0))},
                                 {QStringLiteral("weight"), first + perDay * i}})
                        .ok());
        }
    }

private slots:
    void goalsAreOneRecordWithAFixedId()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        QVERIFY(!goals::current(store));
        QVariantMap before{{QStringLiteral("stale"), 1}};
        QVERIFY(goals::save(store, {{QStringLiteral("calories"), 2000.0}}, m_today, &before).ok());
        QVERIFY(before.isEmpty()); // created
        QCOMPARE(goals::current(store)->id, goals::kRecordId);
        QVERIFY(goals::save(store, {{QStringLiteral("steps"), 9000}}, m_today, &before).ok());
        QCOMPARE(before.value(QStringLiteral("steps")), QVariant());
        QCOMPARE(store.count(goals::kKind), 1);
        const Record saved = *goals::current(store);
        QCOMPARE(saved.value(QStringLiteral("calories")).toDouble(), 2000.0);
        QCOMPARE(saved.value(QStringLiteral("steps")).toInt(), 9000);
        QCOMPARE(saved.value(QStringLiteral("set_on")).toDate(), m_today);
        // A date without a target weight is refused.
        QVERIFY(!goals::save(store, {{QStringLiteral("weight_by"), m_today.addDays(30)}}, m_today)
                     .ok());
    }

    void weightProgressFollowsTheTrend_data()
    {
        QTest::addColumn<double>("first");
        QTest::addColumn<double>("perDay");
        QTest::addColumn<QVariant>("target");
        QTest::addColumn<int>("byInDays"); // 0: no date
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("reachedInDays");
        // 14 days from 80 kg losing 0.1 a day: 78.7 today, 3.7 to go at
        // 0.1 a day is 37 days.
        QTest::newRow("on track") << 80.0 << -0.1 << QVariant(75.0) << 60
                                  << int(Progress::State::OnTrack) << 37;
        QTest::newRow("behind") << 80.0 << -0.1 << QVariant(75.0) << 20
                                << int(Progress::State::Behind) << 37;
        QTest::newRow("no date") << 80.0 << -0.1 << QVariant(75.0) << 0
                                 << int(Progress::State::OnTrack) << 37;
        QTest::newRow("gaining") << 80.0 << 0.1 << QVariant(75.0) << 60
                                 << int(Progress::State::NotMoving) << -1;
        QTest::newRow("flat") << 80.0 << 0.0 << QVariant(75.0) << 60
                              << int(Progress::State::NotMoving) << -1;
        QTest::newRow("reached") << 80.0 << -0.1 << QVariant(78.8) << 60
                                 << int(Progress::State::Reached) << -1;
        QTest::newRow("gaining toward it")
            << 60.0 << 0.1 << QVariant(65.0) << 0 << int(Progress::State::OnTrack) << 37;
        QTest::newRow("no target")
            << 80.0 << -0.1 << QVariant() << 0 << int(Progress::State::NoTarget) << -1;
    }
    void weightProgressFollowsTheTrend()
    {
        QFETCH(double, first);
        QFETCH(double, perDay);
        QFETCH(QVariant, target);
        QFETCH(int, byInDays);
        QFETCH(int, state);
        QFETCH(int, reachedInDays);
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        logWeights(store, first, perDay, 14, m_today);
        QVariantMap targets{{QStringLiteral("weight_target"), target}};
        if (byInDays > 0)
            targets.insert(QStringLiteral("weight_by"), m_today.addDays(byInDays));
        QVERIFY(goals::save(store, targets, m_today).ok());
        const Progress p = goals::weightProgress(store, *goals::current(store), m_today);
        QCOMPARE(int(p.state), state);
        if (reachedInDays >= 0) {
            QCOMPARE(p.reachedOn, m_today.addDays(reachedInDays));
            QVERIFY(qAbs(p.perWeek - perDay * 7) < 1e-6);
        }
    }
};

QTEST_GUILESS_MAIN(TestGoals)
#include "test_goals.moc"
