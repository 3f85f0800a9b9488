#include "sync/core/wire.h"

#include <QJsonArray>
#include <QTest>

using namespace hale::sync;

namespace {
const QString kId = QStringLiteral("6f1c2b5e-0d4a-4f7e-9a39-2f3f7c0e9d11");
const QString kStamp = QStringLiteral("1790000000000-000001-device-a");

RecordState sample()
{
    const HlcStamp t = *HlcStamp::fromString(kStamp);
    RecordState s;
    s.kind = QStringLiteral("medication");
    s.id = kId;
    s.fields[QStringLiteral("name")] = {QStringLiteral("Ibuprofen"), t};
    s.fields[QStringLiteral("dose")] = {200.0, t};
    s.elements[QStringLiteral("side_effects")][QStringLiteral("nausea")] = {true, t, false};
    s.elements[QStringLiteral("side_effects")][QStringLiteral("rash")] = {QJsonValue(), t, true};
    s.elements[QStringLiteral("schedule")][QStringLiteral("08:00")] = {true, t, false};
    s.deleted = {false, t};
    return s;
}

QByteArray requestWith(const QJsonObject &change)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("cursor"), 0},
                                     {QStringLiteral("changes"), QJsonArray{change}}})
        .toJson();
}

// Decodes a request body the way the server does; returns the error.
WireError refusal(const QByteArray &body)
{
    WireError error;
    if (auto json = parseObject(body, &error))
        decodeSyncRequest(*json, UnknownFields::Refuse, &error);
    return error;
}

QJsonObject withField(const QString &field, const QJsonValue &value)
{
    QJsonObject change = encodeRecord(sample());
    QJsonObject fields = change.value(QStringLiteral("fields")).toObject();
    fields.insert(field, QJsonObject{{QStringLiteral("v"), value}, {QStringLiteral("t"), kStamp}});
    change.insert(QStringLiteral("fields"), fields);
    return change;
}
} // namespace

class TestWire : public QObject
{
    Q_OBJECT

private slots:
    void recordsAndRequestsRoundTrip()
    {
        SyncRequest request;
        request.cursor = 42;
        request.pageSize = 100;
        request.kinds = {QStringLiteral("medication")};
        request.changes = {sample()};
        WireError error;
        const auto json = parseObject(QJsonDocument(encodeSyncRequest(request)).toJson(), &error);
        QVERIFY(json);
        const auto back = decodeSyncRequest(*json, UnknownFields::Refuse, &error);
        QVERIFY2(back, qPrintable(error.message));
        QCOMPARE(back->cursor, 42);
        QCOMPARE(back->pageSize, 100);
        QCOMPARE(back->kinds, request.kinds);
        QCOMPARE(back->changes.size(), 1);
        QCOMPARE(back->changes.first(), sample());
        // The text written directly says the same, byte for byte after parsing.
        const auto direct = parseObject(encodeSyncRequestJson(request), &error);
        QVERIFY2(direct, qPrintable(error.message));
        QCOMPARE(*direct, encodeSyncRequest(request));
        request.kinds.clear();
        QCOMPARE(*parseObject(encodeSyncRequestJson(request), &error), encodeSyncRequest(request));

        SyncResponse response;
        response.applied = {recordKey(sample())};
        response.changes = {sample()};
        response.cursor = 7;
        response.hasMore = true;
        const auto decoded =
            decodeSyncResponse(encodeSyncResponse(response), UnknownFields::Keep, &error);
        QVERIFY(decoded);
        QCOMPARE(decoded->applied, response.applied);
        QCOMPARE(decoded->changes.first(), sample());
        QCOMPARE(decoded->cursor, 7);
        QVERIFY(decoded->hasMore);
    }

    void aBaseStampTravelsAndMayNotFollowItsWrite()
    {
        RecordState state = sample();
        Cell &dose = state.fields[QStringLiteral("dose")];
        dose.base = *HlcStamp::fromString(kStamp);
        dose.stamp = {dose.base.millis + 5, 0, dose.base.node};
        for (const QByteArray &text :
             {QJsonDocument(encodeRecord(state)).toJson(), encodeRecordJson(state)}) {
            WireError error;
            const auto decoded =
                decodeRecord(QJsonDocument::fromJson(text).object(), UnknownFields::Refuse, &error);
            QVERIFY2(decoded, qPrintable(error.message));
            QCOMPARE(*decoded, state);
        }
        QJsonObject json = encodeRecord(state);
        QJsonObject fields = json.value(QStringLiteral("fields")).toObject();
        fields.insert(QStringLiteral("dose"),
                      QJsonObject{{QStringLiteral("v"), 200.0},
                                  {QStringLiteral("t"), kStamp},
                                  {QStringLiteral("b"), dose.stamp.toString()}});
        json.insert(QStringLiteral("fields"), fields);
        WireError error;
        QVERIFY(!decodeRecord(json, UnknownFields::Refuse, &error));
        QCOMPARE(error.field, QStringLiteral("dose"));
    }

    void responseTextSplicesStoredRecords()
    {
        RecordState other = sample();
        other.id = QStringLiteral("6f1c1a3e-0d4b-4c36-9a8e-1f0b8f6f7a21");
        SyncResponse response;
        response.applied = {recordKey(sample())};
        response.merged = {sample()};
        response.changes = {sample()};
        response.cursor = 9;
        response.cursorKey = recordKey(other);
        const QByteArray text = encodeSyncResponseJson(response, {encodeRecordJson(other)});
        WireError error;
        const auto json = parseObject(text, &error);
        QVERIFY2(json, qPrintable(error.message));
        const auto decoded = decodeSyncResponse(*json, UnknownFields::Keep, &error);
        QVERIFY2(decoded, qPrintable(error.message));
        QCOMPARE(decoded->applied, response.applied);
        QCOMPARE(decoded->merged, response.merged);
        QCOMPARE(decoded->changes, (QList<RecordState>{sample(), other}));
        QCOMPARE(decoded->cursor, 9);
        QCOMPARE(decoded->cursorKey, response.cursorKey);
        QVERIFY(!decoded->hasMore);
        // Nothing spliced and nothing to send: still a valid, complete object.
        const auto empty = parseObject(encodeSyncResponseJson(SyncResponse{}, {}), &error);
        QVERIFY(empty);
        QCOMPARE(empty->keys(),
                 (QStringList{QStringLiteral("applied"), QStringLiteral("changes"),
                              QStringLiteral("cursor"), QStringLiteral("cursor_key"),
                              QStringLiteral("has_more"), QStringLiteral("merged")}));
    }

    void directJsonTextDecodesToTheSameState()
    {
        RecordState s = sample();
        // Text that needs escaping, non-ASCII (with a surrogate pair), a
        // control character, and a field a newer version wrote as an object.
        s.fields[QStringLiteral("name")].value =
            QStringLiteral("Ibu \"pro\" \\fen\n\u00e9\U0001F600\u0001");
        s.fields[QStringLiteral("dose")].value = 0.1 + 0.2;
        s.fields[QStringLiteral("future")] = {
            QJsonObject{{QStringLiteral("a"), QJsonArray{1, true}}}, s.deleted.stamp};
        const QByteArray text = encodeRecordJson(s);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.object(), encodeRecord(s));
        QCOMPARE(decodeStoredRecord(doc.object()).value(), s);
    }

    void unknownFieldsAreRefusedByTheServerButKeptByADevice()
    {
        const QJsonObject change = withField(QStringLiteral("colour"), QStringLiteral("red"));
        WireError error;
        QVERIFY(!decodeRecord(change, UnknownFields::Refuse, &error));
        QCOMPARE(error.field, QStringLiteral("colour"));
        QCOMPARE(error.record, QStringLiteral("medication/") + kId);
        const auto kept = decodeRecord(change, UnknownFields::Keep, &error);
        QVERIFY(kept);
        QCOMPARE(kept->fields.value(QStringLiteral("colour")).value.toString(),
                 QStringLiteral("red"));
    }

    void badInputIsRefusedWithWhatIsWrong_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("mentions");

        QTest::newRow("not json") << QByteArray("{\"cursor\": ") << QString() << "not valid JSON";
        QTest::newRow("array") << QByteArray("[1, 2]") << QString() << "JSON object";
        QTest::newRow("cursor_key not a record key")
            << QByteArray("{\"cursor\": 3, \"cursor_key\": \"metric/not-a-uuid\"}") << QString()
            << "cursor_key";
        QTest::newRow("half a surrogate pair")
            << QByteArray("{\"cursor\": 0, \"kinds\": [\"x\\ud800\"]}") << QString()
            << "not valid Unicode";
        QTest::newRow("cursor_key with a quote in its kind")
            << QByteArray("{\"cursor\": 1, \"cursor_key\": "
                          "\"a\\\"/6f1c2b5e-0d4a-4f7e-9a39-2f3f7c0e9d11\"}")
            << QString() << "cursor_key";
        QTest::newRow("cursor_key without a kind")
            << QByteArray("{\"cursor\": 3, \"cursor_key\": "
                          "\"/6f1c1a3e-0d4b-4c36-9a8e-1f0b8f6f7a21\"}")
            << QString() << "cursor_key";
        QTest::newRow("invalid utf-8")
            << QByteArray("{\"cursor\": 0, \"x\": \"\xC3\x28\"}") << QString() << "UTF-8";
        QTest::newRow("NaN") << QByteArray("{\"cursor\": NaN}") << QString() << "not valid JSON";
        QTest::newRow("too deep") << QByteArray(100, '[') + QByteArray(100, ']') << QString()
                                  << "nested";
        QTest::newRow("negative cursor") << QByteArray("{\"cursor\": -1}") << QString() << "cursor";
        QTest::newRow("page size")
            << QByteArray("{\"page_size\": 100000}") << QString() << "page_size";
        QTest::newRow("unknown sync kind")
            << QByteArray("{\"kinds\": [\"secrets\"]}") << QString() << "Unknown kind";

        QJsonObject change = encodeRecord(sample());
        change.insert(QStringLiteral("kind"), QStringLiteral("secrets"));
        QTest::newRow("unknown kind") << requestWith(change) << QString() << "Unknown kind";
        change = encodeRecord(sample());
        change.insert(QStringLiteral("id"), QStringLiteral("1234"));
        QTest::newRow("bad uuid") << requestWith(change) << QString() << "UUID";
        QTest::newRow("wrong type")
            << requestWith(withField(QStringLiteral("dose"), QStringLiteral("lots"))) << "dose"
            << "number";
        QTest::newRow("out of range")
            << requestWith(withField(QStringLiteral("dose"), -5)) << "dose"
            << "between";
        QTest::newRow("huge number")
            << requestWith(withField(QStringLiteral("dose"), 1e300)) << "dose"
            << "between";
        QTest::newRow("too long") << requestWith(withField(QStringLiteral("name"),
                                                           QString(5000, QLatin1Char('x'))))
                                  << "name"
                                  << "too long";

        change = withField(QStringLiteral("dose"), 5);
        QJsonObject fields = change.value(QStringLiteral("fields")).toObject();
        fields.insert(QStringLiteral("dose"),
                      QJsonObject{{QStringLiteral("v"), 5},
                                  {QStringLiteral("t"), QStringLiteral("yesterday")}});
        change.insert(QStringLiteral("fields"), fields);
        QTest::newRow("bad stamp") << requestWith(change) << "dose"
                                   << "stamp";

        change = encodeRecord(sample());
        QJsonObject elements = change.value(QStringLiteral("elements")).toObject();
        elements.insert(
            QStringLiteral("schedule"),
            QJsonObject{{QStringLiteral("25:99"),
                         QJsonObject{{QStringLiteral("v"), true}, {QStringLiteral("t"), kStamp}}}});
        change.insert(QStringLiteral("elements"), elements);
        QTest::newRow("bad time of day") << requestWith(change) << "schedule"
                                         << "time of day";
        QTest::newRow("set as a value")
            << requestWith(withField(QStringLiteral("side_effects"), QStringLiteral("x")))
            << "side_effects"
            << "elements";
    }
    void badInputIsRefusedWithWhatIsWrong()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(QString, mentions);
        const WireError error = refusal(body);
        QVERIFY2(error.isError(), "the body should have been refused");
        QCOMPARE(error.field, field);
        QVERIFY2(error.message.contains(mentions, Qt::CaseInsensitive), qPrintable(error.message));
    }

    void aClearedFieldIsAValidWrite()
    {
        // Clearing a required field on one device is a write like any other;
        // the editor, not the protocol, decides what may be empty.
        const auto state = decodeRecord(withField(QStringLiteral("name"), QJsonValue()),
                                        UnknownFields::Refuse, nullptr);
        QVERIFY(state);
        QVERIFY(state->fields.value(QStringLiteral("name")).value.isNull());
    }
};

QTEST_GUILESS_MAIN(TestWire)
#include "test_wire.moc"
