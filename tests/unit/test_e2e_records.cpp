#include "sync/client/e2e_records.h"
#include "sync/core/wire.h"

#include <QJsonArray>
#include <QTest>

using namespace hale::sync;
using namespace hale::sync::e2e;

// Whole records sealed for an end-to-end encrypted account and opened on
// another device, through the wire as the server passes them on: what the
// server sees, what a device refuses, and what it checks once opened.
class TestE2eRecords : public QObject
{
    Q_OBJECT

private:
    const QString m_user = QStringLiteral("3f2b0c1e-8d4a-4c59-9f0e-1a2b3c4d5e6f");
    const SecretKey m_key = SecretKey::random();
    const ValueCipher m_cipher{m_key};

    static HlcStamp stamp(qint64 millis) { return {millis, 0, QStringLiteral("0b8e7a52")}; }

    static RecordState medication(const QString &id)
    {
        RecordState s;
        s.kind = QStringLiteral("medication");
        s.id = id;
        s.fields[QStringLiteral("name")] = {QStringLiteral("Metformin"), stamp(1'790'000'000'000)};
        s.fields[QStringLiteral("notes")] = {QJsonValue(), stamp(1'790'000'000'001)};
        s.fields[QStringLiteral("from_a_later_version")] = {4242.5, stamp(1'790'000'000'002)};
        auto &schedule = s.elements[QStringLiteral("schedule")];
        schedule.insert(QStringLiteral("08:00"), {true, stamp(1'790'000'000'003), false});
        schedule.insert(QStringLiteral("20:00"), {QJsonValue(), stamp(1'790'000'000'004), true});
        s.deleted = {false, stamp(1'790'000'000'000)};
        return s;
    }

    // Through the wire both ways, as a device pushes and another pulls.
    static RecordState throughServer(const RecordState &sealed)
    {
        SyncResponse response;
        response.changes = {sealed};
        WireError error;
        const auto pulled =
            decodeSyncResponse(encodeSyncResponseJson(response, {}), UnknownFields::Keep, &error,
                               {}, SealedValues::Accept);
        if (!pulled || pulled->changes.size() != 1)
            qFatal("not decoded: %s", qPrintable(error.message));
        return pulled->changes.first();
    }

    const QString m_id = QStringLiteral("01a23e59-c405-7638-91f0-2c15816867ed");

private slots:
    void initTestCase() { QVERIFY(available()); }

    void aSealedRecordOpensToWhatWasSealedAndShowsTheServerNoValueOrName()
    {
        const RecordState clear = medication(m_id);
        const RecordState sealed = sealRecord(m_cipher, m_user, clear);
        const QByteArray onServer = encodeRecordJson(sealed);
        // Each is long, or holds a character base64url has not (":", "."),
        // so none turns up in a sealed value by chance (a bare "42" did).
        for (const char *secret : {"Metformin", "08:00", "20:00", "4242.5"})
            QVERIFY2(!onServer.contains(secret), secret);
        QVERIFY(onServer.contains("from_a_later_version")); // field names stay in clear
        QVERIFY(hasSealedValues(sealed));
        QVERIFY(!hasSealedValues(clear));

        RecordState pulled = throughServer(sealed);
        QVERIFY(pulled.elements[QStringLiteral("schedule")].size() == 2);
        QString why;
        QVERIFY2(openRecord(m_cipher, m_user, pulled, &why), qPrintable(why));
        QCOMPARE(pulled, clear);
    }

    // The server takes the device's element keys as they come: two
    // devices adding the same time meet on one element.
    void twoDevicesSealingOneNameMeetOnOneElement()
    {
        const ValueCipher otherDevice(*SecretKey::fromBytes(m_key.bytes()));
        const RecordState a = sealRecord(m_cipher, m_user, medication(m_id));
        const RecordState b = sealRecord(otherDevice, m_user, medication(m_id));
        QCOMPARE(a.elements.value(QStringLiteral("schedule")).keys(),
                 b.elements.value(QStringLiteral("schedule")).keys());
        QCOMPARE(a, b); // the same write sealed twice is the same bytes
    }

    void anAlteredOrMovedValueIsRefused()
    {
        const RecordState sealed = sealRecord(m_cipher, m_user, medication(m_id));
        QString why;

        RecordState altered = sealed;
        QString text = altered.fields[QStringLiteral("name")].value.toObject()[u"e"_qs].toString();
        text[10] = text[10] == u'A' ? u'B' : u'A';
        altered.fields[QStringLiteral("name")].value = QJsonObject{{QStringLiteral("e"), text}};
        QVERIFY(!openRecord(m_cipher, m_user, altered, &why));
        QVERIFY(why.contains(QLatin1String("name")));

        // Another record's name, swapped in by the server.
        RecordState other = medication(QStringLiteral("a8c4e1f2-5b6d-4e7f-8091-a2b3c4d5e6f7"));
        other.fields[QStringLiteral("name")].value = QStringLiteral("Warfarin");
        RecordState swapped = sealed;
        swapped.fields[QStringLiteral("name")] =
            sealRecord(m_cipher, m_user, other).fields.value(QStringLiteral("name"));
        QVERIFY(!openRecord(m_cipher, m_user, swapped, &why));

        // One field's value moved to another of the same record.
        RecordState moved = sealed;
        moved.fields[QStringLiteral("notes")].value =
            sealed.fields.value(QStringLiteral("name")).value;
        moved.fields[QStringLiteral("notes")].stamp = sealed.fields.value(u"name"_qs).stamp;
        QVERIFY(!openRecord(m_cipher, m_user, moved, &why));

        // An element moved under another element's key.
        RecordState renamed = sealed;
        auto &schedule = renamed.elements[QStringLiteral("schedule")];
        const QString first = schedule.firstKey();
        const QString last = schedule.lastKey();
        schedule[first].value = sealed.elements.value(u"schedule"_qs).value(last).value;
        QVERIFY(!openRecord(m_cipher, m_user, renamed, &why));

        // Another account's key opens nothing.
        RecordState mine = sealed;
        QVERIFY(!openRecord(ValueCipher(SecretKey::random()), m_user, mine, &why));
        // Nor does another user's place.
        mine = sealed;
        QVERIFY(!openRecord(m_cipher, QStringLiteral("5e6f7a8b-0000-4000-8000-000000000001"), mine,
                            &why));
        // The flag that says an element was removed is the server's to pass
        // on, in clear: flipped, it disagrees with the sealed pair.
        RecordState unremoved = sealed;
        for (Element &element : unremoved.elements[QStringLiteral("schedule")])
            element.removed = !element.removed;
        QVERIFY(!openRecord(m_cipher, m_user, unremoved, &why));
        // A base stamp (which write a field's write replaced) put back.
        RecordState rebased = sealed;
        rebased.fields[QStringLiteral("name")].base = stamp(1'780'000'000'000);
        QVERIFY(!openRecord(m_cipher, m_user, rebased, &why));
        // A record with no values at all is not one a device made.
        RecordState empty;
        empty.kind = QStringLiteral("medication");
        empty.id = m_id;
        empty.deleted = {false, stamp(1'790'000'000'000)};
        QVERIFY(!openRecord(m_cipher, m_user, empty, &why));
        // A value in clear among the sealed ones is not the account's.
        RecordState plain = sealed;
        plain.fields[QStringLiteral("name")].value = QStringLiteral("Placebo");
        QVERIFY(!openRecord(m_cipher, m_user, plain, &why));
    }

    // The server cannot check a sealed value; the device does, once opened.
    void aValueThatOpensButBreaksTheSchemaIsRefused()
    {
        RecordState weight;
        weight.kind = QStringLiteral("metric");
        weight.id = m_id;
        weight.fields[QStringLiteral("weight")] = {99999, stamp(1'790'000'000'000)};
        weight.deleted = {false, stamp(1'790'000'000'000)};
        RecordState pulled = throughServer(sealRecord(m_cipher, m_user, weight));
        QString why;
        QVERIFY(!openRecord(m_cipher, m_user, pulled, &why));
        QVERIFY2(why.contains(QLatin1String("weight")), qPrintable(why));

        weight.fields[QStringLiteral("weight")].value = 72.5;
        pulled = throughServer(sealRecord(m_cipher, m_user, weight));
        QVERIFY2(openRecord(m_cipher, m_user, pulled, &why), qPrintable(why));
        QCOMPARE(pulled.fields.value(QStringLiteral("weight")).value.toDouble(), 72.5);
    }

    // A removed element in clear keeps no value on the wire; a sealed one
    // keeps its sealed name, in a stored state too.
    void aRemovedElementKeepsItsSealedNameOnlyWhenSealed()
    {
        const RecordState sealed = sealRecord(m_cipher, m_user, medication(m_id));
        const auto stored = decodeStoredRecord(encodeRecordJson(sealed));
        QVERIFY(stored);
        QCOMPARE(*stored, sealed);

        RecordState clear = medication(m_id);
        clear.elements[QStringLiteral("schedule")][QStringLiteral("20:00")].value = true;
        WireError error;
        const auto decoded =
            decodeRecord(encodeRecordJson(clear), UnknownFields::Keep, &error, true);
        QVERIFY(decoded);
        QVERIFY(decoded->elements.value(u"schedule"_qs).value(u"20:00"_qs).value.isNull());
    }
};

QTEST_GUILESS_MAIN(TestE2eRecords)
#include "test_e2e_records.moc"
