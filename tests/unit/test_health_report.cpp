#include "models/health_report.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;

// Issue 18: what the report for the doctor holds over a range of days.
class TestHealthReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;
    const QDate m_first = QDate(2026, 5, 4);
    const QDate m_last = QDate(2026, 5, 10);

    QDateTime at(const QDate &day, int hour) const
    {
        return QDateTime(day, QTime(hour, 0)).toUTC();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.path()).ok());
        for (QDate day = m_first.addDays(-3); day <= m_last.addDays(3); day = day.addDays(1)) {
            QVERIFY(m_store
                        .create(QStringLiteral("metric"),
                                {{QStringLiteral("recorded_at"), at(day, 7)},
                                 {QStringLiteral("weight"), 80.0 - m_first.daysTo(day) * 0.5},
                                 {QStringLiteral("systolic"), 130},
                                 {QStringLiteral("diastolic"), 85}})
                        .ok());
        }
        for (const auto &[day, value, context] :
             {std::tuple{0, 5.0, "fasting"}, std::tuple{1, 6.0, "fasting"},
              std::tuple{2, 8.0, "after_meal"}, std::tuple{3, 7.0, ""}}) {
            QVariantMap values{{QStringLiteral("recorded_at"), at(m_first.addDays(day), 9)},
                               {QStringLiteral("glucose"), value}};
            if (*context)
                values.insert(QStringLiteral("glucose_context"), QLatin1String(context));
            QVERIFY(m_store.create(QStringLiteral("metric"), values).ok());
        }
        const QString med =
            m_store
                .create(QStringLiteral("medication"),
                        {{QStringLiteral("name"), QStringLiteral("Metformin")},
                         {QStringLiteral("dose"), 500},
                         {QStringLiteral("unit"), QStringLiteral("mg")},
                         {QStringLiteral("schedule"),
                          QStringList{QStringLiteral("08:00"), QStringLiteral("20:00")}},
                         {QStringLiteral("start_date"), m_first.addDays(-30)}})
                .id;
        QVERIFY(!med.isEmpty());
        // Every dose of the week taken, but one skipped and one never logged.
        for (QDate day = m_first; day <= m_last; day = day.addDays(1)) {
            for (const medication::ScheduledDose &dose : medication::dosesOn(m_store, day)) {
                const bool skip =
                    day == m_first.addDays(2) && dose.scheduledAt.toLocalTime().time().hour() == 8;
                const bool forget =
                    day == m_first.addDays(4) && dose.scheduledAt.toLocalTime().time().hour() == 20;
                if (forget)
                    continue;
                QVERIFY(
                    medication::logDose(m_store, dose,
                                        skip ? QStringLiteral("skipped") : QStringLiteral("taken"),
                                        dose.scheduledAt.addSecs(300))
                        .ok());
            }
        }
        // A measure of the person's own: two days in the range, one before.
        const QString peakFlow = m_store
                                     .create(QStringLiteral("measure"),
                                             {{QStringLiteral("created_on"), m_first.addDays(-5)},
                                              {QStringLiteral("name"), QStringLiteral("Peak flow")},
                                              {QStringLiteral("unit"), QStringLiteral("L/min")}})
                                     .id;
        const QString unused = m_store
                                   .create(QStringLiteral("measure"),
                                           {{QStringLiteral("created_on"), m_first.addDays(-5)},
                                            {QStringLiteral("name"), QStringLiteral("Waist")}})
                                   .id;
        QVERIFY(!peakFlow.isEmpty() && !unused.isEmpty());
        for (const auto &[day, value] : {std::pair{-1, 300.0}, std::pair{0, 450.0},
                                         std::pair{0, 470.0}, std::pair{3, 500.0}}) {
            QVERIFY(m_store
                        .create(QStringLiteral("measurement"),
                                {{QStringLiteral("recorded_at"), at(m_first.addDays(day), 8)},
                                 {QStringLiteral("measure_id"), peakFlow},
                                 {QStringLiteral("value"), value}})
                        .ok());
        }
        QVERIFY(m_store
                    .create(QStringLiteral("journal"),
                            {{QStringLiteral("entry_date"), m_first.addDays(1)},
                             {QStringLiteral("mood"), 4},
                             {QStringLiteral("text"), QStringLiteral("Dizzy after lunch.")}})
                    .ok());
    }

    void weightAndBloodPressureCoverTheRangeOnly()
    {
        const report::Data data =
            report::gather(m_store, {m_first, m_last, false}, at(m_last.addDays(30), 12));
        QCOMPARE(data.weight.size(), 7);
        QCOMPARE(data.weight.first().day, m_first);
        QCOMPARE(data.weightSummary.max, 80.0);
        QCOMPARE(data.weightSummary.min, 77.0);
        QCOMPARE(data.weightSummary.average, 78.5);
        QCOMPARE(data.systolicSummary.average, 130.0);
        QCOMPARE(data.diastolicSummary.count, 7);
    }

    void glucoseIsSummarisedPerContext()
    {
        const report::Data data =
            report::gather(m_store, {m_first, m_last, false}, at(m_last.addDays(30), 12));
        QCOMPARE(data.glucose.size(), 3);
        QCOMPARE(data.glucose.at(0).context, QString()); // not given
        QCOMPARE(data.glucose.at(1).context, QStringLiteral("after_meal"));
        QCOMPARE(data.glucose.at(2).context, QStringLiteral("fasting"));
        QCOMPARE(data.glucose.at(2).summary.average, 5.5);
        QCOMPARE(data.glucose.at(2).summary.count, 2);
    }

    // Issue 18: the measures a person defined are in the report too, by
    // name and unit; one without values in the range is left out.
    void ownMeasuresAreSummarisedByDay()
    {
        const report::Data data =
            report::gather(m_store, {m_first, m_last, false}, at(m_last.addDays(30), 12));
        QCOMPARE(data.ownMeasures.size(), 1);
        const report::OwnMeasure &m = data.ownMeasures.first();
        QCOMPARE(m.name, QStringLiteral("Peak flow"));
        QCOMPARE(m.unit, QStringLiteral("L/min"));
        QCOMPARE(m.summary.count, 2);   // days
        QCOMPARE(m.summary.min, 460.0); // the first day's average
        QCOMPARE(m.summary.max, 500.0);
        QCOMPARE(m.summary.average, 480.0);
    }

    void adherenceListsEveryMissedDose()
    {
        const report::Data data =
            report::gather(m_store, {m_first, m_last, false}, at(m_last.addDays(30), 12));
        QCOMPARE(data.medications.size(), 1);
        const report::MedicationAdherence &m = data.medications.first();
        QCOMPARE(m.name, QStringLiteral("Metformin"));
        QCOMPARE(m.expected, 14);
        QCOMPARE(m.taken, 12);
        QCOMPARE(m.skipped, 1);
        QCOMPARE(m.missed.size(), 2);
        QCOMPARE(m.missed.at(0).status, QStringLiteral("skipped"));
        QCOMPARE(m.missed.at(0).scheduledAt, at(m_first.addDays(2), 8));
        QCOMPARE(m.missed.at(1).status, QString()); // never logged
        QCOMPARE(m.missed.at(1).scheduledAt, at(m_first.addDays(4), 20));
        // Doses not yet due do not count against the person.
        const report::Data early =
            report::gather(m_store, {m_first, m_last, false}, at(m_last, 12));
        QCOMPARE(early.medications.first().expected, 13);
    }

    void theJournalOnlyWhenAskedFor()
    {
        QVERIFY(report::gather(m_store, {m_first, m_last, false}).journal.isEmpty());
        const report::Data data = report::gather(m_store, {m_first, m_last, true});
        QCOMPARE(data.journal.size(), 1);
        QCOMPARE(data.journal.first().text, QStringLiteral("Dizzy after lunch."));
    }
};

QTEST_GUILESS_MAIN(TestHealthReport)
#include "test_health_report.moc"
