#include "models/reminder_schedule.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;
using reminders::Reminder;

// What falls due when, for the reminder service: open doses and logging
// reminders in a window of time, never an answered one.
class TestReminderSchedule : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;
    QString m_medication;
    const QDate m_day = QDate(2026, 3, 10);

    QDateTime at(int hour, int minute = 0) const
    {
        return QDateTime(m_day, QTime(hour, minute)).toUTC();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.path()).ok());
        m_medication = m_store
                           .create(QStringLiteral("medication"),
                                   {{QStringLiteral("name"), QStringLiteral("Metformin")},
                                    {QStringLiteral("dose"), 500},
                                    {QStringLiteral("unit"), QStringLiteral("mg")},
                                    {QStringLiteral("schedule"),
                                     QStringList{QStringLiteral("08:00"), QStringLiteral("20:00")}},
                                    {QStringLiteral("start_date"), m_day.addDays(-3)}})
                           .id;
        QVERIFY(!m_medication.isEmpty());
    }

    void anOpenDoseFallsDueAtItsTimeOnly()
    {
        QVERIFY(reminders::dueBetween(m_store, at(7, 0), at(7, 59), {}).isEmpty());
        const QList<Reminder> due = reminders::dueBetween(m_store, at(7, 59), at(8, 0), {});
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().type, Reminder::Type::Dose);
        QCOMPARE(due.first().dueAt, at(8, 0));
        QCOMPARE(due.first().dose.medicationName, QStringLiteral("Metformin"));
        // The window is (after, until]: a look that starts at 08:00 does not
        // fire it again.
        QVERIFY(reminders::dueBetween(m_store, at(8, 0), at(9, 0), {}).isEmpty());
    }

    void aWindowOverMidnightSeesBothDays()
    {
        const QList<Reminder> due =
            reminders::dueBetween(m_store, at(19, 0), at(9, 0).addDays(1), {});
        QCOMPARE(due.size(), 2); // 20:00 tonight, 08:00 tomorrow
        QVERIFY(due.at(0).dueAt < due.at(1).dueAt);
        QVERIFY(due.at(0).key != due.at(1).key);
    }

    void aLoggedDoseIsNotDueAndItsReminderIsClosed()
    {
        const Reminder evening = reminders::dueBetween(m_store, at(19, 0), at(20, 0), {}).first();
        QVERIFY(reminders::stillOpen(m_store, evening));
        QVERIFY(
            medication::logDose(m_store, evening.dose, QStringLiteral("skipped"), at(20, 5)).ok());
        QVERIFY(reminders::dueBetween(m_store, at(19, 0), at(20, 0), {}).isEmpty());
        QVERIFY(!reminders::stillOpen(m_store, evening));
    }

    void aLoggingReminderAsksOnlyOnDaysWithoutAnEntry()
    {
        const QList<reminders::LoggingReminder> weigh{{QStringLiteral("metric"), QTime(7, 30)}};
        const QList<Reminder> due = reminders::dueBetween(m_store, at(7, 0), at(7, 45), weigh);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().type, Reminder::Type::Logging);
        QCOMPARE(due.first().kind, QStringLiteral("metric"));
        QCOMPARE(due.first().dueAt, at(7, 30));
        QVERIFY(m_store
                    .create(QStringLiteral("metric"), {{QStringLiteral("recorded_at"), at(6, 50)},
                                                       {QStringLiteral("weight"), 71.5}})
                    .ok());
        QVERIFY(reminders::dueBetween(m_store, at(7, 0), at(7, 45), weigh).isEmpty());
        QVERIFY(!reminders::stillOpen(m_store, due.first()));
        // The next day asks again.
        QCOMPARE(
            reminders::dueBetween(m_store, at(7, 0).addDays(1), at(7, 45).addDays(1), weigh).size(),
            1);
    }

    void theNextDueTimeIsTheEarliestScheduled()
    {
        QCOMPARE(reminders::nextDueAfter(m_store, at(9, 0), {}), at(20, 0));
        QCOMPARE(reminders::nextDueAfter(m_store, at(9, 0),
                                         {{QStringLiteral("journal"), QTime(12, 15)}}),
                 at(12, 15));
        LocalStore empty;
        QTemporaryDir dir;
        QVERIFY(empty.open(dir.path()).ok());
        QVERIFY(!reminders::nextDueAfter(empty, at(9, 0), {}).isValid());
    }
};

QTEST_GUILESS_MAIN(TestReminderSchedule)
#include "test_reminder_schedule.moc"
