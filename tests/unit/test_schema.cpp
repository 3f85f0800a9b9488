#include "sync/core/schema.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <limits>

using namespace hale;

namespace {
const QDateTime kNow = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);

QStringList errorFields(const QString &kind, const QVariantMap &values)
{
    QStringList fields;
    for (const FieldError &e :
         schema::validate(*SchemaRegistry::instance().kind(kind), values, kNow))
        fields << e.field;
    return fields;
}

QVariantMap validMetric()
{
    return {{QStringLiteral("recorded_at"), kNow.addSecs(-60)}, {QStringLiteral("weight"), 72.5}};
}
} // namespace

class TestSchema : public QObject
{
    Q_OBJECT

private slots:
    void everyKindIsDeclaredWithATimeAndTitleField()
    {
        const QStringList expected{QStringLiteral("metric"),      QStringLiteral("meal"),
                                   QStringLiteral("exercise"),    QStringLiteral("medication"),
                                   QStringLiteral("dose"),        QStringLiteral("goal"),
                                   QStringLiteral("preference"),  QStringLiteral("measure"),
                                   QStringLiteral("measurement"), QStringLiteral("journal")};
        QStringList names;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            names << kind.name;
            QVERIFY2(kind.field(kind.timeField), qPrintable(kind.name));
            QVERIFY2(kind.field(kind.titleField), qPrintable(kind.name));
        }
        QCOMPARE(names, expected);
    }

    void mergeRuleFollowsTheFieldType()
    {
        const KindSpec *medication = SchemaRegistry::instance().kind(QStringLiteral("medication"));
        QVERIFY(medication->field(QStringLiteral("side_effects"))->isElementWise());
        QVERIFY(medication->field(QStringLiteral("schedule"))->isElementWise());
        QVERIFY(!medication->field(QStringLiteral("name"))->isElementWise());
        const KindSpec *metric = SchemaRegistry::instance().kind(QStringLiteral("metric"));
        QVERIFY(metric->field(QStringLiteral("body_measurements"))->isElementWise());
    }

    void aValidRecordHasNoErrors()
    {
        QCOMPARE(errorFields(QStringLiteral("metric"), validMetric()), QStringList());
    }

    void badValuesAreRefusedWithTheirField_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QVariantMap>("values");
        QTest::addColumn<QString>("field");
        QVariantMap m = validMetric();
        m[QStringLiteral("weight")] = -3;
        QTest::newRow("weight -3") << QStringLiteral("metric") << m << QStringLiteral("weight");
        m[QStringLiteral("weight")] = 9999;
        QTest::newRow("weight 9999") << QStringLiteral("metric") << m << QStringLiteral("weight");
        m = validMetric();
        m[QStringLiteral("sleep_quality")] = 11;
        QTest::newRow("sleep 11") << QStringLiteral("metric") << m
                                  << QStringLiteral("sleep_quality");
        m[QStringLiteral("sleep_quality")] = 7.5;
        QTest::newRow("sleep 7.5")
            << QStringLiteral("metric") << m << QStringLiteral("sleep_quality");
        m = validMetric();
        m[QStringLiteral("recorded_at")] = kNow.addDays(30);
        QTest::newRow("future") << QStringLiteral("metric") << m << QStringLiteral("recorded_at");
        m = validMetric();
        m[QStringLiteral("weight")] = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("NaN") << QStringLiteral("metric") << m << QStringLiteral("weight");
        m = validMetric();
        m[QStringLiteral("weight")] = QStringLiteral("heavy");
        QTest::newRow("text for number")
            << QStringLiteral("metric") << m << QStringLiteral("weight");
        m = validMetric();
        m[QStringLiteral("colour")] = QStringLiteral("red");
        QTest::newRow("unknown field") << QStringLiteral("metric") << m << QStringLiteral("colour");
        m = validMetric();
        m[QStringLiteral("body_measurements")] = QVariantMap{{QStringLiteral("waist"), 9000}};
        QTest::newRow("measurement range")
            << QStringLiteral("metric") << m << QStringLiteral("body_measurements");

        // Issue 18: the measures that only make sense together.
        auto metricWith = [](const QVariantMap &more) {
            QVariantMap values = validMetric();
            values.insert(more);
            return values;
        };
        const QDateTime night = kNow.addDays(-1);
        QTest::newRow("systolic alone")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("systolic"), 120}})
            << QStringLiteral("diastolic");
        QTest::newRow("diastolic alone")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("diastolic"), 80}})
            << QStringLiteral("systolic");
        QTest::newRow("pressures swapped")
            << QStringLiteral("metric")
            << metricWith({{QStringLiteral("systolic"), 80}, {QStringLiteral("diastolic"), 120}})
            << QStringLiteral("diastolic");
        QTest::newRow("systolic 300")
            << QStringLiteral("metric")
            << metricWith({{QStringLiteral("systolic"), 300}, {QStringLiteral("diastolic"), 80}})
            << QStringLiteral("systolic");
        QTest::newRow("bedtime alone")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("bedtime"), night}})
            << QStringLiteral("wake_time");
        QTest::newRow("woke before bed")
            << QStringLiteral("metric")
            << metricWith({{QStringLiteral("bedtime"), night},
                           {QStringLiteral("wake_time"), night.addSecs(-3600)}})
            << QStringLiteral("wake_time");
        QTest::newRow("a 30-hour night")
            << QStringLiteral("metric")
            << metricWith({{QStringLiteral("bedtime"), night.addDays(-1)},
                           {QStringLiteral("wake_time"), night.addSecs(6 * 3600)}})
            << QStringLiteral("wake_time");
        QTest::newRow("context without glucose")
            << QStringLiteral("metric")
            << metricWith({{QStringLiteral("glucose_context"), QStringLiteral("fasting")}})
            << QStringLiteral("glucose");
        QTest::newRow("glucose 80 mmol/L")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("glucose"), 80.0}})
            << QStringLiteral("glucose");
        QTest::newRow("body fat 90 %")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("body_fat"), 90.0}})
            << QStringLiteral("body_fat");
        QTest::newRow("negative steps")
            << QStringLiteral("metric") << metricWith({{QStringLiteral("steps"), -5}})
            << QStringLiteral("steps");

        const QVariantMap medication{{QStringLiteral("name"), QStringLiteral("  ")},
                                     {QStringLiteral("dose"), 5},
                                     {QStringLiteral("unit"), QStringLiteral("mg")},
                                     {QStringLiteral("start_date"), QDate(2026, 1, 1)}};
        QTest::newRow("empty name")
            << QStringLiteral("medication") << medication << QStringLiteral("name");
        QVariantMap med = medication;
        med[QStringLiteral("name")] = QStringLiteral("Ibuprofen");
        med[QStringLiteral("schedule")] = QStringList{QStringLiteral("25:00")};
        QTest::newRow("bad time of day")
            << QStringLiteral("medication") << med << QStringLiteral("schedule");
        med.remove(QStringLiteral("schedule"));
        med[QStringLiteral("unit")] = QStringLiteral("bucket");
        QTest::newRow("unknown unit")
            << QStringLiteral("medication") << med << QStringLiteral("unit");
        med[QStringLiteral("unit")] = QStringLiteral("mg");
        med[QStringLiteral("end_date")] = QDate(2025, 1, 1);
        QTest::newRow("ends before start")
            << QStringLiteral("medication") << med << QStringLiteral("end_date");

        QTest::newRow("journal mood 6")
            << QStringLiteral("journal")
            << QVariantMap{{QStringLiteral("entry_date"), kNow.date()},
                           {QStringLiteral("mood"), 6},
                           {QStringLiteral("text"), QStringLiteral("ok")}}
            << QStringLiteral("mood");
        QTest::newRow("missing required")
            << QStringLiteral("meal")
            << QVariantMap{{QStringLiteral("eaten_at"), kNow},
                           {QStringLiteral("meal_type"), QStringLiteral("lunch")}}
            << QStringLiteral("description");
        QTest::newRow("text too long")
            << QStringLiteral("meal")
            << QVariantMap{{QStringLiteral("eaten_at"), kNow},
                           {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                           {QStringLiteral("description"), QString(501, QLatin1Char('x'))}}
            << QStringLiteral("description");
    }
    void theNewMeasuresAreAccepted()
    {
        QVariantMap values = validMetric();
        values.insert({{QStringLiteral("body_fat"), 21.5},
                       {QStringLiteral("steps"), 8042},
                       {QStringLiteral("systolic"), 121},
                       {QStringLiteral("diastolic"), 79},
                       {QStringLiteral("pulse"), 64},
                       {QStringLiteral("glucose"), 5.4},
                       {QStringLiteral("glucose_context"), QStringLiteral("fasting")},
                       {QStringLiteral("water"), 500.0},
                       {QStringLiteral("bedtime"), kNow.addSecs(-9 * 3600)},
                       {QStringLiteral("wake_time"), kNow.addSecs(-3600)}});
        QCOMPARE(errorFields(QStringLiteral("metric"), values), QStringList());
    }

    void badValuesAreRefusedWithTheirField()
    {
        QFETCH(QString, kind);
        QFETCH(QVariantMap, values);
        QFETCH(QString, field);
        QCOMPARE(errorFields(kind, values), QStringList{field});
    }

    void jsonFormRoundTripsForEveryFieldType()
    {
        const KindSpec *metric = SchemaRegistry::instance().kind(QStringLiteral("metric"));
        const KindSpec *medication = SchemaRegistry::instance().kind(QStringLiteral("medication"));
        const QList<QPair<const FieldSpec *, QVariant>> cases{
            {metric->field(QStringLiteral("recorded_at")),
             QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7, 89), Qt::UTC)},
            {metric->field(QStringLiteral("weight")), 72.25},
            {metric->field(QStringLiteral("sleep_quality")), QVariant::fromValue<qint64>(7)},
            {metric->field(QStringLiteral("body_measurements")),
             QVariantMap{{QStringLiteral("hip"), 98.5}, {QStringLiteral("waist"), 81.0}}},
            {medication->field(QStringLiteral("start_date")), QDate(2026, 1, 31)},
            {medication->field(QStringLiteral("schedule")),
             QStringList{QStringLiteral("08:00"), QStringLiteral("20:30")}},
            {medication->field(QStringLiteral("name")), QStringLiteral("Vitamin D \u2600")},
        };
        for (const auto &[field, value] : cases) {
            const QJsonValue json = schema::toJson(*field, value);
            const schema::Coerced back = schema::fromJson(*field, json);
            QVERIFY2(back.ok(), qPrintable(field->name));
            QCOMPARE(back.value, value);
            QCOMPARE(schema::fromSql(*field, schema::toSql(*field, value)), value);
        }
    }

    // formatDateTime and parseDateTime read and write by hand what Qt's
    // ISO form would: checked against Qt over the whole range of years.
    void dateTimesAreWrittenAndReadAsQtWould()
    {
        auto *rng = QRandomGenerator::global();
        const qint64 first = QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        const qint64 last =
            QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC).toMSecsSinceEpoch();
        QList<qint64> instants{first, last, 0, -1, 951'782'400'000 /* 2000-02-29 */};
        for (int i = 0; i < 20000; ++i)
            instants << rng->bounded(first, last);
        for (const qint64 ms : instants) {
            const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
            const QString text = schema::formatDateTime(utc);
            QCOMPARE(text, utc.toString(Qt::ISODateWithMs));
            QCOMPARE(schema::parseDateTime(text), utc);
        }
        // Another zone, and no zone at all (taken as UTC), go through Qt's reader.
        QCOMPARE(schema::parseDateTime(QStringLiteral("2026-03-04T05:06:07.089+02:00")),
                 QDateTime(QDate(2026, 3, 4), QTime(3, 6, 7, 89), Qt::UTC));
        QCOMPARE(schema::parseDateTime(QStringLiteral("2026-03-04T05:06:07")),
                 QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7), Qt::UTC));
        for (const char *bad :
             {"2026-02-30T05:06:07.089Z", "2026-13-04T05:06:07.089Z", "2026-03-04T25:06:07.089Z",
              "2026-03-04T05:60:07.089Z", "+026-03-04T05:06:07.089Z", "2026-03-04T05:06:07.0x9Z",
              "0000-03-04T05:06:07.089Z"})
            QVERIFY2(!schema::parseDateTime(QLatin1String(bad)).isValid(), bad);
    }

    // The quick path stores what toSql(fromJson(...)) would, for every
    // field of every kind and values of every shape.
    void sqlFromJsonIsTheSlowPathsResult()
    {
        const QList<QJsonValue> values{
            72.5,
            0,
            -1e300,
            7,
            true,
            QJsonValue(),
            QStringLiteral("2026-03-04T05:06:07.089Z"),
            QStringLiteral("2026-03-04T05:06:07Z"),
            QStringLiteral("2026-03-04T05:06:07.089+02:00"),
            QStringLiteral("2026-02-30T05:06:07.089Z"),
            QStringLiteral("  Oat porridge "),
            QStringLiteral("   "),
            QString(),
            QStringLiteral("breakfast"),
            QJsonArray{QStringLiteral("08:00")},
            QJsonObject{{QStringLiteral("waist"), 81.0}},
        };
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            for (const FieldSpec &field : kind.fields) {
                for (const QJsonValue &value : values) {
                    QCOMPARE(schema::sqlFromJson(field, value),
                             schema::toSql(field, schema::fromJson(field, value).value));
                }
            }
        }
    }

    // And back: what a row's column gives, as toJson(fromSql(...)) would.
    void jsonFromSqlIsTheSlowPathsResult()
    {
        const QVariantList values{
            72.5,
            QVariant::fromValue<qint64>(7),
            QVariant(),
            QStringLiteral("2026-03-04T05:06:07.089Z"),
            QStringLiteral("2026-03-04T05:06:07Z"),
            QStringLiteral("2026-02-30T05:06:07.089Z"),
            QStringLiteral("  Oat porridge "),
            QStringLiteral("   "),
            QStringLiteral("breakfast"),
            QStringLiteral("[\"08:00\"]"),
            QStringLiteral("{\"waist\":81}"),
            QStringLiteral("2026-01-31"),
        };
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            for (const FieldSpec &field : kind.fields) {
                for (const QVariant &value : values) {
                    QCOMPARE(schema::jsonFromSql(field, value),
                             schema::toJson(field, schema::fromSql(field, value)));
                }
            }
        }
    }

    void jsonOfTheWrongShapeIsRefused()
    {
        const KindSpec *metric = SchemaRegistry::instance().kind(QStringLiteral("metric"));
        QVERIFY(
            !schema::fromJson(*metric->field(QStringLiteral("weight")), QStringLiteral("70")).ok());
        QVERIFY(
            !schema::fromJson(*metric->field(QStringLiteral("body_measurements")), QJsonArray{1, 2})
                 .ok());
        QVERIFY(!schema::fromJson(*metric->field(QStringLiteral("recorded_at")),
                                  QStringLiteral("yesterday"))
                     .ok());
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "test_schema.moc"
