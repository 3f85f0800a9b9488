#include "models/local_store.h"
#include "models/trends.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;

// Issue 18: measures a person defines (a name, a unit, a range) are data:
// the registry declares their shape, the server checks only that, and the
// device holds each value to its measure's range.
class TestOwnMeasures : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;

    QString define(const QString &name, const QString &unit, const QVariant &low,
                   const QVariant &high)
    {
        const WriteResult r = m_store->create(QStringLiteral("measure"),
                                              {{QStringLiteral("created_on"), QDate(2026, 11, 1)},
                                               {QStringLiteral("name"), name},
                                               {QStringLiteral("unit"), unit},
                                               {QStringLiteral("range_min"), low},
                                               {QStringLiteral("range_max"), high}});
        return r.ok() ? r.id : QString();
    }

    WriteResult log(const QString &measure, const QVariant &value,
                    const QDateTime &at = QDateTime(QDate(2026, 11, 20), QTime(8, 0), Qt::UTC))
    {
        return m_store->create(QStringLiteral("measurement"),
                               {{QStringLiteral("recorded_at"), at},
                                {QStringLiteral("measure_id"), measure},
                                {QStringLiteral("value"), value}});
    }

    static QString firstError(const WriteResult &r)
    {
        return r.errors.isEmpty()
                   ? QString()
                   : r.errors.first().field + QLatin1Char(' ') + r.errors.first().message;
    }

private slots:
    void init()
    {
        m_store = std::make_unique<LocalStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
    }
    void cleanup()
    {
        m_store.reset();
        QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    }

    void aValueOutsideItsMeasuresRangeIsRefused()
    {
        const QString peakFlow = define(u"Peak flow"_qs, u"L/min"_qs, 50.0, 900.0);
        QVERIFY(!peakFlow.isEmpty());
        const WriteResult high = log(peakFlow, 1000.0);
        QCOMPARE(firstError(high), QStringLiteral("value must be between 50 and 900 L/min"));
        QCOMPARE(firstError(log(peakFlow, 20.0)),
                 QStringLiteral("value must be between 50 and 900 L/min"));
        const WriteResult ok = log(peakFlow, 455.0);
        QVERIFY(ok.ok());
        // Edits are held to it too.
        QVERIFY(!m_store->update(u"measurement"_qs, ok.id, {{u"value"_qs, 901.0}}).ok());
        QCOMPARE(m_store->count(u"measurement"_qs), 1);
        QCOMPARE(m_store->pendingChangeCount(), 2); // the measure and the one value
    }

    void aRangeMayBeOpenAtEitherEnd()
    {
        const QString pain = define(u"Pain"_qs, QString(), 0.0, QVariant());
        QVERIFY(log(pain, 1e6).ok());
        QCOMPARE(firstError(log(pain, -1.0)), QStringLiteral("value must be at least 0"));
        const QString change = define(u"Temperature change"_qs, u"°C"_qs, QVariant(), 3.0);
        QVERIFY(log(change, -2.5).ok());
        QCOMPARE(firstError(log(change, 3.5)), QStringLiteral("value must be at most 3 °C"));
    }

    // A measure deleted (or not synced yet) has no range to hold a value to:
    // the value is kept, as any synced record is.
    void aValueWithoutItsMeasureHereIsKept()
    {
        QVERIFY(log(u"0b6f7a52-5f0c-4a43-8f7e-3a1d2c4b5e6f"_qs, 12345.0).ok());
        const QString waist = define(u"Waist"_qs, u"cm"_qs, 40.0, 200.0);
        QVERIFY(m_store->remove(u"measure"_qs, waist).ok());
        QVERIFY(log(waist, 500.0).ok());
    }

    void aMeasuresRangeRunsLowToHigh()
    {
        QVERIFY(define(u"Backwards"_qs, u"x"_qs, 10.0, 5.0).isEmpty());
        QVERIFY(define(u"Empty"_qs, u"x"_qs, 5.0, 5.0).isEmpty());
        const QList<FieldError> errors =
            schema::validate(*SchemaRegistry::instance().kind(u"measure"_qs),
                             {{u"created_on"_qs, QDate(2026, 11, 1)},
                              {u"name"_qs, u"Backwards"_qs},
                              {u"range_min"_qs, 10.0},
                              {u"range_max"_qs, 5.0}});
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().field, QStringLiteral("range_max"));
    }

    // What the server checks (each value alone): a number, of any size a
    // person could choose; a name of any words; but not text for a number.
    void theServerChecksTheShapeNotTheNames()
    {
        const KindSpec *measure = SchemaRegistry::instance().kind(u"measure"_qs);
        const KindSpec *measurement = SchemaRegistry::instance().kind(u"measurement"_qs);
        QVERIFY(schema::checkValueAlone(*measure->field(u"name"_qs), u"Ferritin (Mayo lab)"_qs)
                    .isEmpty());
        QVERIFY(schema::checkValueAlone(*measurement->field(u"value"_qs), 4.2e9).isEmpty());
        QVERIFY(!schema::fromJson(*measurement->field(u"value"_qs), QJsonValue(u"high"_qs)).ok());
        QVERIFY(!schema::checkValueAlone(*measure->field(u"name"_qs), QString(61, u'x')).isEmpty());
        QVERIFY(!schema::checkValueAlone(*measure->field(u"unit"_qs), QString(21, u'x')).isEmpty());
        QCOMPARE(measurement->field(u"value"_qs)->definedBy, QStringLiteral("measure_id"));
    }

    void oneMeasuresValuesAreReadAndChartedApart()
    {
        const QString waist = define(u"Waist"_qs, u"cm"_qs, 40.0, 200.0);
        const QString peakFlow = define(u"Peak flow"_qs, u"L/min"_qs, 50.0, 900.0);
        const QDateTime day(QDate(2026, 11, 20), QTime(8, 0), Qt::UTC);
        QVERIFY(log(waist, 86.0, day).ok());
        QVERIFY(log(peakFlow, 450.0, day).ok());
        QVERIFY(log(peakFlow, 470.0, day.addSecs(3600)).ok());
        RecordFilter onlyPeakFlow;
        onlyPeakFlow.matchField = u"measure_id"_qs;
        onlyPeakFlow.matchValue = peakFlow;
        QCOMPARE(m_store->count(u"measurement"_qs, onlyPeakFlow), 2);
        QCOMPARE(m_store->count(u"measurement"_qs), 3);
        // A field the kind does not have filters nothing (and injects nothing).
        RecordFilter unknown;
        unknown.matchField = u"1=1; DROP TABLE measurements"_qs;
        unknown.matchValue = peakFlow;
        QCOMPARE(m_store->count(u"measurement"_qs, unknown), 3);

        const auto points =
            trends::daily(*m_store, u"measurement"_qs, u"value"_qs, trends::Aggregate::Average, {},
                          {}, {u"measure_id"_qs, peakFlow});
        QCOMPARE(points.size(), 1);
        QCOMPARE(points.first().value, 460.0);
    }
};

QTEST_GUILESS_MAIN(TestOwnMeasures)
#include "test_own_measures.moc"
