#include "models/medication_schedule.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;

class TestMedicationSchedule : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;
    QString m_ibuprofen;
    const QDate m_today = QDate::currentDate();

private slots:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.path()).ok());
        m_ibuprofen = m_store
                          .create(QStringLiteral("medication"),
                                  {{QStringLiteral("name"), QStringLiteral("Ibuprofen")},
                                   {QStringLiteral("dose"), 200},
                                   {QStringLiteral("unit"), QStringLiteral("mg")},
                                   {QStringLiteral("schedule"),
                                    QStringList{QStringLiteral("20:00"), QStringLiteral("08:00")}},
                                   {QStringLiteral("start_date"), m_today.addDays(-9)}})
                          .id;
        // Ended long ago: never due in the window.
        QVERIFY(m_store
                    .create(QStringLiteral("medication"),
                            {{QStringLiteral("name"), QStringLiteral("Old course")},
                             {QStringLiteral("dose"), 1},
                             {QStringLiteral("unit"), QStringLiteral("tablet")},
                             {QStringLiteral("schedule"), QStringList{QStringLiteral("12:00")}},
                             {QStringLiteral("start_date"), m_today.addYears(-2)},
                             {QStringLiteral("end_date"), m_today.addYears(-1)}})
                    .ok());
    }

    void listsTodaysDosesInTimeOrder()
    {
        const auto doses = medication::dosesOn(m_store, m_today);
        QCOMPARE(doses.size(), 2);
        QCOMPARE(doses.at(0).scheduledAt.toLocalTime().time(), QTime(8, 0));
        QCOMPARE(doses.at(1).scheduledAt.toLocalTime().time(), QTime(20, 0));
        QCOMPARE(doses.at(0).medicationName, QStringLiteral("Ibuprofen"));
        QVERIFY(doses.at(0).status.isEmpty());
    }

    void takeAndSkipWriteTheDoseLogAndChangeAdherence()
    {
        const QDateTime now = QDateTime(m_today, QTime(21, 0)).toUTC();
        // 10 days x 2 doses, all due by 21:00 today.
        QCOMPARE(medication::adherence(m_store, m_today, 30, now).expected, 20);
        QCOMPARE(medication::adherence(m_store, m_today, 30, now).taken, 0);

        auto doses = medication::dosesOn(m_store, m_today);
        QVERIFY(medication::logDose(m_store, doses.at(0), QStringLiteral("taken"), now).ok());
        QVERIFY(medication::logDose(m_store, doses.at(1), QStringLiteral("skipped"), now).ok());
        doses = medication::dosesOn(m_store, m_today);
        QCOMPARE(doses.at(0).status, QStringLiteral("taken"));
        QCOMPARE(doses.at(1).status, QStringLiteral("skipped"));
        QCOMPARE(m_store.count(QStringLiteral("dose")), 2);

        // Changing one's mind edits the logged dose rather than adding another.
        QVERIFY(medication::logDose(m_store, doses.at(1), QStringLiteral("taken"), now).ok());
        QCOMPARE(m_store.count(QStringLiteral("dose")), 2);
        const medication::Adherence a = medication::adherence(m_store, m_today, 30, now);
        QCOMPARE(a.taken, 2);
        QCOMPARE(a.skipped, 0);
        QCOMPARE(a.ratio(), 2 / 20.0);
        // Before 08:00 nothing of today was due yet.
        QCOMPARE(medication::adherence(m_store, m_today, 1, QDateTime(m_today, QTime(7, 0)).toUTC())
                     .expected,
                 0);
    }
};

QTEST_GUILESS_MAIN(TestMedicationSchedule)
#include "test_medication_schedule.moc"
