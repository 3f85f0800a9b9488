#include "models/import_export.h"
#include "models/local_store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace hale;

namespace {
const qint64 kNow = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
const QString kMetric = QStringLiteral("metric");
const QString kMeal = QStringLiteral("meal");

QString u(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QDateTime at(const char *iso)
{
    return schema::parseDateTime(QLatin1String(iso));
}

QStringList kindNames()
{
    QStringList names;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds())
        names << kind.name;
    return names;
}

QByteArray withoutExportTime(const QByteArray &json)
{
    static const QRegularExpression re(QStringLiteral("\"exported_at\": \"[^\"]*\""));
    return QString::fromUtf8(json).replace(re, QStringLiteral("\"exported_at\": \"\"")).toUtf8();
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// A metric CSV: the header line and then one line per entry of `lines`.
QByteArray metricCsv(const QStringList &lines)
{
    QString csv = QStringLiteral("id,recorded_at,weight,notes\n");
    for (const QString &line : lines)
        csv += line + QLatin1Char('\n');
    return csv.toUtf8();
}

QString metricLine(const QString &weight, const QString &notes = {})
{
    return newId() + QStringLiteral(",2026-11-20T07:00:00.000Z,") + weight + QLatin1Char(',') +
           notes;
}

QByteArray backup(const QString &kindsJson)
{
    return (QStringLiteral("{\n  \"format\": \"hale-backup\",\n  \"version\": 1,\n  \"kinds\": ") +
            kindsJson + QStringLiteral("\n}\n"))
        .toUtf8();
}

QString metricJson(const QString &extra)
{
    return QStringLiteral("{\"id\": \"%1\", \"recorded_at\": \"2026-11-20T07:00:00.000Z\"%2}")
        .arg(newId(), extra);
}
} // namespace

class TestImportExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_opened = 0;
    std::unique_ptr<LocalStore> m_store; // filled with every field type
    QString m_medicationId;
    QString m_firstMetricId;
    QString m_minimalId;
    QString m_deletedId;
    int m_live = 0;

    std::unique_ptr<LocalStore> openStore()
    {
        auto store = std::make_unique<LocalStore>();
        store->setPhysicalClock([] { return kNow; });
        store->open(m_dir.filePath(QStringLiteral("store%1").arg(++m_opened)));
        return store;
    }

    QString add(const QString &kind, const QVariantMap &values)
    {
        const WriteResult r = m_store->create(kind, values);
        if (!r.ok())
            qWarning() << kind << r.message << (r.errors.isEmpty() ? QString() : r.errors[0].field);
        ++m_live;
        return r.ok() ? r.id : QString();
    }

    // One or more records of every kind that between them use every field type
    // and the awkward text: commas, quotes, CR/LF, non-ASCII, separators in sets.
    bool fill()
    {
        const QString notes = u("Felt \"great\", slept well,\nthen a headache\r\n"
                                "\xc3\x84rger, \xe5\xa4\xb4\xe7\x97\x9b \xf0\x9f\x98\x80");
        m_firstMetricId =
            add(kMetric, {{QStringLiteral("recorded_at"), at("2026-11-20T07:15:30.123Z")},
                          {QStringLiteral("weight"), 72.35},
                          {QStringLiteral("sleep_quality"), 7},
                          {QStringLiteral("energy_level"), 8},
                          {QStringLiteral("resting_heart_rate"), 58},
                          {QStringLiteral("body_measurements"),
                           QVariantMap{{QStringLiteral("waist"), 81.5},
                                       {QStringLiteral("chest"), 102.25},
                                       {QStringLiteral("thigh; left"), 55.1},
                                       {QStringLiteral("arm=upper \\ flexed"), 33}}},
                          {QStringLiteral("notes"), notes}});
        // A weight that needs all 17 significant digits, and leading spaces.
        const QString second =
            add(kMetric, {{QStringLiteral("recorded_at"), at("2026-11-21T06:59:59.999Z")},
                          {QStringLiteral("weight"), 70.0 + 1.0 / 3.0},
                          {QStringLiteral("notes"), QStringLiteral("  indented")}});
        m_minimalId =
            add(kMetric, {{QStringLiteral("recorded_at"), at("2026-11-21T07:00:00.000Z")}});
        m_deletedId = add(kMetric, {{QStringLiteral("recorded_at"), at("2026-11-19T08:00:00Z")},
                                    {QStringLiteral("weight"), 99}});
        --m_live;
        const bool deleted = m_store->remove(kMetric, m_deletedId).ok();

        const QString meal =
            add(kMeal, {{QStringLiteral("eaten_at"), at("2026-11-22T12:30:00.5Z")},
                        {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                        {QStringLiteral("description"), u("Pasta, \"al dente\"")},
                        {QStringLiteral("calories"), 650.5},
                        {QStringLiteral("protein"), 25},
                        {QStringLiteral("carbs"), 80.25},
                        {QStringLiteral("fat"), 22.1},
                        {QStringLiteral("notes"), u("Caf\xc3\xa9, with friends")}});
        const QString run = add(QStringLiteral("exercise"),
                                {{QStringLiteral("performed_at"), at("2026-11-22T06:45:10.250Z")},
                                 {QStringLiteral("activity"), QStringLiteral("Running")},
                                 {QStringLiteral("duration"), 42.5},
                                 {QStringLiteral("distance"), 8.03},
                                 {QStringLiteral("calories"), 455}});
        const QString lift = add(QStringLiteral("exercise"),
                                 {{QStringLiteral("performed_at"), at("2026-11-22T18:00:00.000Z")},
                                  {QStringLiteral("activity"), QStringLiteral("Strength training")},
                                  {QStringLiteral("duration"), 55},
                                  {QStringLiteral("sets"), 4},
                                  {QStringLiteral("reps"), 10},
                                  {QStringLiteral("weight"), 62.5},
                                  {QStringLiteral("notes"), QStringLiteral("Squats")}});
        m_medicationId =
            add(QStringLiteral("medication"),
                {{QStringLiteral("name"), QStringLiteral("Ibuprofen")},
                 {QStringLiteral("dose"), 200},
                 {QStringLiteral("unit"), QStringLiteral("mg")},
                 {QStringLiteral("schedule"),
                  QStringList{QStringLiteral("20:00"), QStringLiteral("08:00")}},
                 {QStringLiteral("start_date"), QDate(2026, 1, 15)},
                 {QStringLiteral("end_date"), QDate(2026, 12, 31)},
                 {QStringLiteral("side_effects"),
                  QStringList{QStringLiteral("nausea"), QStringLiteral("dry mouth; mild"),
                              QStringLiteral("back\\slash"),
                              u("M\xc3\xbc"
                                "digkeit")}},
                 {QStringLiteral("notes"),
                  QStringLiteral("After food, \"never\" on an empty stomach")}});
        const QString dose = add(QStringLiteral("dose"),
                                 {{QStringLiteral("medication_id"), m_medicationId},
                                  {QStringLiteral("scheduled_at"), at("2026-11-22T08:00:00Z")},
                                  {QStringLiteral("status"), QStringLiteral("taken")},
                                  {QStringLiteral("logged_at"), at("2026-11-22T08:05:12.345Z")},
                                  {QStringLiteral("notes"), QStringLiteral("with water")}});
        const QString journal =
            add(QStringLiteral("journal"),
                {{QStringLiteral("entry_date"), QDate(2026, 11, 22)},
                 {QStringLiteral("mood"), 4},
                 {QStringLiteral("text"),
                  u("Good day, \"mostly\".\nWalked 5 km \xe2\x80\x94 sch\xc3\xb6n.")}});
        const QStringList ids{m_firstMetricId, second, m_minimalId, m_deletedId, meal, run, lift,
                              m_medicationId,  dose,   journal};
        return deleted && !ids.contains(QString());
    }

    void expectFailure(const ImportResult &r, int line, const QStringList &mentions)
    {
        QVERIFY2(!r.ok, "the import should have been refused");
        QCOMPARE(r.imported, 0);
        QCOMPARE(r.line, line);
        for (const QString &word : mentions)
            QVERIFY2(r.reason.contains(word, Qt::CaseInsensitive),
                     qPrintable(QStringLiteral("\"%1\" does not mention %2").arg(r.reason, word)));
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_live = 0;
        m_store = openStore();
        QVERIFY(m_store->isOpen());
        QVERIFY(fill());
    }
    void cleanup() { m_store.reset(); }

    void jsonHoldsEveryKindAndOnlyLiveRecordsWithoutNulls()
    {
        const QByteArray json = ImportExport::exportJson(*m_store);
        const QJsonObject root = QJsonDocument::fromJson(json).object();
        QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("hale-backup"));
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
        QVERIFY(
            schema::parseDateTime(root.value(QStringLiteral("exported_at")).toString()).isValid());
        const QJsonObject kinds = root.value(QStringLiteral("kinds")).toObject();
        QCOMPARE(kinds.keys().size(), kindNames().size());
        int records = 0;
        for (const QString &kind : kindNames()) {
            for (const QJsonValue &record : kinds.value(kind).toArray()) {
                ++records;
                for (const QJsonValue &value : record.toObject())
                    QVERIFY(!value.isNull());
            }
        }
        QCOMPARE(records, m_live);
        QVERIFY(!json.contains(m_deletedId.toLatin1()));
        const QJsonObject first = kinds.value(kMetric).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("id")).toString(), m_firstMetricId);
        QCOMPARE(first.value(QStringLiteral("weight")).toDouble(), 72.35);
        QCOMPARE(first.value(QStringLiteral("recorded_at")).toString(),
                 QStringLiteral("2026-11-20T07:15:30.123Z"));
    }

    void jsonRoundTripIsExact()
    {
        const QByteArray first = ImportExport::exportJson(*m_store);
        auto empty = openStore();
        const ImportResult r = ImportExport::importJson(*empty, first);
        QVERIFY2(r.ok, qPrintable(r.message()));
        QCOMPARE(r.imported, m_live);
        QCOMPARE(withoutExportTime(ImportExport::exportJson(*empty)), withoutExportTime(first));
        for (const QString &kind : kindNames())
            QCOMPARE(ImportExport::exportCsv(*empty, kind),
                     ImportExport::exportCsv(*m_store, kind));

        // An editor may have added a byte order mark.
        auto another = openStore();
        QVERIFY(ImportExport::importJson(*another, QByteArray("\xEF\xBB\xBF") + first).ok);
        QCOMPARE(withoutExportTime(ImportExport::exportJson(*another)), withoutExportTime(first));
    }

    void progressIsReportedAndCancellingImportsNothing()
    {
        const QByteArray backup = ImportExport::exportJson(*m_store);
        auto empty = openStore();
        int calls = 0;
        const ImportResult cancelled = ImportExport::importJson(*empty, backup, [&](int, int) {
            ++calls;
            return false; // cancel at the first report
        });
        QVERIFY(!cancelled.ok);
        QCOMPARE(calls, 1);
        QVERIFY2(cancelled.reason.contains(QStringLiteral("cancelled")),
                 qPrintable(cancelled.reason));
        for (const QString &kind : kindNames())
            QCOMPARE(empty->count(kind), 0);
        QCOMPARE(empty->pendingChangeCount(), 0);

        int lastTotal = 0;
        const ImportResult done = ImportExport::importJson(*empty, backup, [&](int, int total) {
            lastTotal = total;
            return true;
        });
        QVERIFY(done.ok);
        QCOMPARE(lastTotal, m_live);
    }

    void csvRoundTripIsExactForEveryKind()
    {
        auto empty = openStore();
        for (const QString &kind : kindNames()) {
            const QByteArray csv = ImportExport::exportCsv(*m_store, kind);
            const ImportResult r = ImportExport::importCsv(*empty, kind, csv);
            QVERIFY2(r.ok, qPrintable(kind + QStringLiteral(": ") + r.message()));
            QCOMPARE(r.imported, m_store->count(kind));
            QCOMPARE(ImportExport::exportCsv(*empty, kind), csv);
        }
        QCOMPARE(withoutExportTime(ImportExport::exportJson(*empty)),
                 withoutExportTime(ImportExport::exportJson(*m_store)));
    }

    void csvFollowsRfc4180()
    {
        const QString csv = QString::fromUtf8(ImportExport::exportCsv(*m_store, kMetric));
        QVERIFY(csv.startsWith(
            QStringLiteral("id,recorded_at,weight,sleep_quality,energy_level,resting_heart_rate,"
                           "body_measurements,body_fat,steps,systolic,diastolic,pulse,glucose,"
                           "glucose_context,water,bedtime,wake_time,notes\r\n")));
        QVERIFY(csv.contains(
            m_firstMetricId +
            QStringLiteral(
                ",2026-11-20T07:15:30.123Z,72.35,7,8,58,arm\\=upper \\\\ flexed=33;"
                "chest=102.25;thigh\\; left=55.1;waist=81.5,,,,,,,,,,,\"Felt \"\"great\"\", "
                "slept well,\nthen a headache\r\n")));
        QVERIFY(csv.contains(QStringLiteral(",70.333333333333329,,,,,,,,,,,,,,,  indented\r\n")));
        QVERIFY(!csv.contains(m_deletedId));
        const QString medications =
            QString::fromUtf8(ImportExport::exportCsv(*m_store, QStringLiteral("medication")));
        QVERIFY(medications.contains(u(",mg,08:00;20:00,2026-01-15,2026-12-31,M\xc3\xbc"
                                       "digkeit;back\\\\slash;"
                                       "dry mouth\\; mild;nausea,")));
        QVERIFY(ImportExport::exportCsv(*m_store, QStringLiteral("nonsense")).isEmpty());
    }

    void importOverwritesExistingRecordsAndRestoresDeletedOnes()
    {
        const QByteArray json = ImportExport::exportJson(*m_store);
        const QString extra =
            add(kMetric, {{QStringLiteral("recorded_at"), at("2026-11-22T07:00:00Z")}});
        QVERIFY(
            m_store
                ->update(kMetric, m_firstMetricId,
                         {{QStringLiteral("weight"), 80}, {QStringLiteral("notes"), QVariant()}})
                .ok());
        const QString mealId = m_store->records(kMeal).first().id;
        QVERIFY(m_store->remove(kMeal, mealId).ok());
        // A field the file leaves out becomes null.
        QVERIFY(m_store->update(kMetric, m_minimalId, {{QStringLiteral("weight"), 75}}).ok());

        const ImportResult r = ImportExport::importJson(*m_store, json);
        QVERIFY2(r.ok, qPrintable(r.message()));
        QCOMPARE(
            m_store->record(kMetric, m_firstMetricId)->value(QStringLiteral("weight")).toDouble(),
            72.35);
        QVERIFY(
            !m_store->record(kMetric, m_firstMetricId)->value(QStringLiteral("notes")).isNull());
        QVERIFY(!m_store->record(kMeal, mealId)->deleted);
        QVERIFY(m_store->record(kMetric, m_minimalId)->value(QStringLiteral("weight")).isNull());
        QVERIFY(m_store->record(kMetric, extra)); // what the file does not mention stays
        QVERIFY(m_store->remove(kMetric, extra).ok());
        QCOMPARE(withoutExportTime(ImportExport::exportJson(*m_store)), withoutExportTime(json));

        // Importing the same file again writes nothing: no revision moves.
        const auto revisions = [this] {
            qint64 sum = 0;
            for (const OutboxEntry &entry : m_store->pendingChanges(1000))
                sum += entry.revision;
            return sum;
        };
        const qint64 before = revisions();
        QVERIFY(ImportExport::importJson(*m_store, json).ok);
        QCOMPARE(revisions(), before);
    }

    void lenientCsvIsAccepted()
    {
        auto empty = openStore();
        // A byte order mark, LF line ends, columns in another order, a blank
        // line, no final line break and a row without an id.
        const QString id = newId();
        const QByteArray csv = u("\xef\xbb\xbfweight,recorded_at,id\n"
                                 "80.5,2026-11-20T07:00:00Z,%1\n"
                                 "\n"
                                 "81,2026-11-21T07:00:00.000Z,")
                                   .arg(id.toUpper())
                                   .toUtf8();
        const ImportResult r = ImportExport::importCsv(*empty, kMetric, csv);
        QVERIFY2(r.ok, qPrintable(r.message()));
        QCOMPARE(r.imported, 2);
        QCOMPARE(empty->record(kMetric, id)->value(QStringLiteral("weight")).toDouble(), 80.5);
        QCOMPARE(empty->count(kMetric), 2);
    }

    // --- refusals ---

    void malformedJsonReportsTheLine()
    {
        auto empty = openStore();
        const QByteArray json = backup(QStringLiteral("{\n    \"metric\": [,]\n  }"));
        expectFailure(ImportExport::importJson(*empty, json), 5, {QStringLiteral("JSON")});
        expectFailure(ImportExport::importJson(*empty, {}), 1, {});
    }

    void jsonOfAnotherFormatOrVersionIsRefused()
    {
        auto empty = openStore();
        expectFailure(ImportExport::importJson(
                          *empty, R"({"format": "something-else", "version": 1, "kinds": {}})"),
                      0, {QStringLiteral("Hale backup")});
        expectFailure(ImportExport::importJson(*empty, R"([1, 2])"), 0, {});
        expectFailure(ImportExport::importJson(
                          *empty, R"({"format": "hale-backup", "version": 2, "kinds": {}})"),
                      0, {QStringLiteral("newer")});
        expectFailure(ImportExport::importJson(*empty, R"({"format": "hale-backup", "kinds": {}})"),
                      0, {QStringLiteral("version")});
        expectFailure(ImportExport::importJson(*empty, backup(QStringLiteral("{\"sleep\": []}"))),
                      0, {QStringLiteral("sleep")});
        expectFailure(ImportExport::importJson(*empty, backup(QStringLiteral("{\"metric\": {}}"))),
                      0, {QStringLiteral("metric")});
    }

    void badJsonRecordsImportNothing_data()
    {
        QTest::addColumn<QString>("second");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("unknown field")
            << metricJson(QStringLiteral(", \"mass\": 70")) << QStringList{QStringLiteral("mass")};
        QTest::newRow("wrong type") << metricJson(QStringLiteral(", \"weight\": \"heavy\""))
                                    << QStringList{QStringLiteral("weight")};
        QTest::newRow("out of range")
            << metricJson(QStringLiteral(", \"weight\": -3"))
            << QStringList{QStringLiteral("weight"), QStringLiteral("20")};
        QTest::newRow("missing required field")
            << QStringLiteral("{\"id\": \"%1\", \"weight\": 70}").arg(newId())
            << QStringList{QStringLiteral("recorded_at")};
        QTest::newRow("bad id")
            << QStringLiteral(
                   "{\"id\": \"not-a-uuid\", \"recorded_at\": \"2026-11-20T07:00:00.000Z\"}")
            << QStringList{QStringLiteral("not-a-uuid")};
        QTest::newRow("not an object") << QStringLiteral("42") << QStringList{};
    }
    void badJsonRecordsImportNothing()
    {
        QFETCH(QString, second);
        QFETCH(QStringList, mentions);
        auto empty = openStore();
        const QString kinds = QStringLiteral("{\"meal\": [], \"metric\": [%1, %2]}")
                                  .arg(metricJson(QStringLiteral(", \"weight\": 70")), second);
        expectFailure(ImportExport::importJson(*empty, backup(kinds)), 0,
                      mentions + QStringList{QStringLiteral("record 2 of kind metric")});
        QCOMPARE(empty->count(kMetric), 0);
        QCOMPARE(empty->pendingChangeCount(), 0);
    }

    void invalidCsvValueNamesTheFieldAndLineAndImportsNothing()
    {
        auto empty = openStore();
        const QByteArray csv =
            metricCsv({metricLine(QStringLiteral("70")), metricLine(QStringLiteral("-3"))});
        expectFailure(ImportExport::importCsv(*empty, kMetric, csv), 3, {QStringLiteral("weight")});
        QCOMPARE(empty->count(kMetric), 0);
        QCOMPARE(empty->pendingChangeCount(), 0);

        // Lines are lines of the file: a quoted note may span several.
        const QByteArray multiLine =
            metricCsv({metricLine(QStringLiteral("70"), QStringLiteral("\"one\ntwo\r\nthree\"")),
                       metricLine(QStringLiteral("heavy"))});
        expectFailure(ImportExport::importCsv(*empty, kMetric, multiLine), 5,
                      {QStringLiteral("weight")});
        QCOMPARE(empty->count(kMetric), 0);
    }

    void malformedCsvIsRefusedWithItsLine_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<int>("line");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("unbalanced quote")
            << metricCsv({metricLine(QStringLiteral("70")),
                          metricLine(QStringLiteral("71"), QStringLiteral("\"never closed")),
                          metricLine(QStringLiteral("72"))})
            << 3 << QStringList{QStringLiteral("never closed")};
        QTest::newRow("quote inside a field")
            << metricCsv({metricLine(QStringLiteral("70"), QStringLiteral("a \"b\""))}) << 2
            << QStringList{QStringLiteral("quote")};
        QTest::newRow("text after a closing quote")
            << metricCsv({metricLine(QStringLiteral("70"), QStringLiteral("\"a\"b"))}) << 2
            << QStringList{QStringLiteral("quote")};
        QTest::newRow("too many columns")
            << metricCsv({metricLine(QStringLiteral("70")), metricLine(QStringLiteral("70,extra"))})
            << 3 << QStringList{QStringLiteral("5"), QStringLiteral("4")};
        QTest::newRow("too few columns")
            << metricCsv({newId() + QStringLiteral(",2026-11-20T07:00:00Z")}) << 2
            << QStringList{QStringLiteral("2"), QStringLiteral("4")};
        QTest::newRow("unknown column")
            << QByteArray("id,recorded_at,mass\n") << 1 << QStringList{QStringLiteral("mass")};
        QTest::newRow("duplicate column")
            << QByteArray("id,weight,weight\n") << 1 << QStringList{QStringLiteral("weight")};
        QTest::newRow("bad id") << metricCsv({QStringLiteral("12345,2026-11-20T07:00:00Z,70,")})
                                << 2 << QStringList{QStringLiteral("12345")};
        const QString id = newId();
        QTest::newRow("duplicate id")
            << metricCsv({id + QStringLiteral(",2026-11-20T07:00:00Z,70,"),
                          id + QStringLiteral(",2026-11-21T07:00:00Z,71,")})
            << 3 << QStringList{id};
        QTest::newRow("bad date") << metricCsv({newId() + QStringLiteral(",yesterday,70,")}) << 2
                                  << QStringList{QStringLiteral("recorded_at")};
        QTest::newRow("invalid UTF-8")
            << metricCsv({metricLine(QStringLiteral("70"))}) + QByteArray(",,\xff\xfe,\n") << 3
            << QStringList{QStringLiteral("UTF-8")};
        QTest::newRow("empty file") << QByteArray() << 0 << QStringList{QStringLiteral("header")};
    }
    void malformedCsvIsRefusedWithItsLine()
    {
        QFETCH(QByteArray, csv);
        QFETCH(int, line);
        QFETCH(QStringList, mentions);
        auto empty = openStore();
        expectFailure(ImportExport::importCsv(*empty, kMetric, csv), line, mentions);
        QCOMPARE(empty->count(kMetric), 0);
    }

    void csvOfAnUnknownKindIsRefused()
    {
        expectFailure(ImportExport::importCsv(*m_store, QStringLiteral("sleep"), "id\n"), 0,
                      {QStringLiteral("sleep")});
    }

    void invalidUtf8InJsonReportsTheLine()
    {
        auto empty = openStore();
        QByteArray json = backup(QStringLiteral("{\"metric\": []}"));
        json.insert(json.indexOf("hale-backup"), "\xc3");
        expectFailure(ImportExport::importJson(*empty, json), 2, {QStringLiteral("UTF-8")});
    }

    void hugeInputIsRefused()
    {
        // Uninitialised, so the pages are never touched.
        const QByteArray huge(ImportExport::kMaxImportBytes + 1, Qt::Uninitialized);
        expectFailure(ImportExport::importJson(*m_store, huge), 0, {QStringLiteral("256")});
        expectFailure(ImportExport::importCsv(*m_store, kMetric, huge), 0, {QStringLiteral("256")});

        // A sparse file: refused from its size, without reading it.
        QFile file(m_dir.filePath(QStringLiteral("huge.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(ImportExport::kMaxImportBytes + 1));
        file.close();
        QByteArray data;
        expectFailure(ImportExport::readImportFile(file.fileName(), &data), 0,
                      {QStringLiteral("256")});
        QVERIFY(data.isEmpty());
        QVERIFY(file.remove());

        QFile small(m_dir.filePath(QStringLiteral("small.csv")));
        QVERIFY(small.open(QIODevice::WriteOnly));
        small.write("id\n");
        small.close();
        QVERIFY(ImportExport::readImportFile(small.fileName(), &data).ok);
        QCOMPARE(data, QByteArray("id\n"));
        QVERIFY(!ImportExport::readImportFile(m_dir.filePath(QStringLiteral("missing")), &data).ok);
    }

    void messageIncludesTheLine()
    {
        ImportResult r;
        r.reason = QStringLiteral("weight must be between 20 and 400 kg");
        QCOMPARE(r.message(), r.reason);
        r.line = 3;
        QCOMPARE(r.message(), QStringLiteral("Line 3: weight must be between 20 and 400 kg"));
    }
};

QTEST_GUILESS_MAIN(TestImportExport)
#include "test_import_export.moc"
