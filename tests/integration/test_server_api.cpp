// The accounts, devices and sync API of the real hale-server (SQLite).
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync/core/wire.h"
#include "sync_bodies.h"

#include <QJsonArray>

using hale::test::RawApi;
using hale::test::ServerProcess;
using namespace hale::test::bodies;
using namespace hale::sync;

namespace {
const qint64 kNow = QDateTime::currentMSecsSinceEpoch();

// `n` bytes of `fill` as base64url without padding, as wrapped keys carry them.
QString bytes(int n, char fill)
{
    return QString::fromLatin1(QByteArray(n, fill).toBase64(QByteArray::Base64UrlEncoding |
                                                            QByteArray::OmitTrailingEquals));
}

// Wrapped keys of the right shape (the server cannot tell them from real ones).
QJsonObject passphraseKey()
{
    return {
        {QStringLiteral("v"), 1},
        {QStringLiteral("nonce"), bytes(24, 'n')},
        {QStringLiteral("sealed"), bytes(48, 's')},
        {QStringLiteral("kdf"), QJsonObject{{QStringLiteral("alg"), QStringLiteral("argon2id13")},
                                            {QStringLiteral("ops"), 3},
                                            {QStringLiteral("mem"), 268435456},
                                            {QStringLiteral("salt"), bytes(16, 'x')}}}};
}

QJsonObject recoveryKey()
{
    return {{QStringLiteral("v"), 1},
            {QStringLiteral("nonce"), bytes(24, 'm')},
            {QStringLiteral("sealed"), bytes(48, 't')}};
}

QJsonObject accountKeys()
{
    return {{QStringLiteral("passphrase"), passphraseKey()},
            {QStringLiteral("recovery"), recoveryKey()}};
}
} // namespace

class TestServerApi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<RawApi> m_api;

private slots:
    void init()
    {
        m_server = std::make_unique<ServerProcess>();
        QVERIFY2(m_server->started(),
                 ServerProcess::usesPostgres()
                     ? "hale-server did not start on the PostgreSQL test cluster"
                     : "hale-server did not start");
        m_api = std::make_unique<RawApi>(m_server->baseUrl());
    }
    void cleanup()
    {
        m_api.reset();
        m_server.reset();
    }

    void signUpValidatesAndRefusesADuplicateEmail()
    {
        const RawApi::Reply created = m_api->account(QStringLiteral("ann@example.org"),
                                                     RawApi::device(QStringLiteral("Laptop")));
        QCOMPARE(created.status, 201);
        QVERIFY(!tokenOf(created).isEmpty());
        QVERIFY(!created.body.value(QStringLiteral("refresh_token")).toString().isEmpty());
        QCOMPARE(
            m_api
                ->account(QStringLiteral("ANN@example.org"), RawApi::device(QStringLiteral("Desk")))
                .status,
            409);

        const RawApi::Reply shortPassword = m_api->call(
            "POST", QStringLiteral("/api/v1/auth/register"),
            QJsonObject{{QStringLiteral("email"), QStringLiteral("bo@example.org")},
                        {QStringLiteral("password"), QStringLiteral("short")},
                        {QStringLiteral("device"), RawApi::device(QStringLiteral("x"))}});
        QCOMPARE(shortPassword.status, 400);
        QCOMPARE(
            shortPassword
                .body[QStringLiteral("error")][QStringLiteral("details")][QStringLiteral("field")]
                .toString(),
            QStringLiteral("password"));
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/auth/register"), QByteArray("{nope"))
                     .status,
                 400);
    }

    void signInChecksThePassword()
    {
        m_api->account(QStringLiteral("ann@example.org"), RawApi::device(QStringLiteral("Laptop")));
        QCOMPARE(m_api
                     ->account(QStringLiteral("ann@example.org"),
                               RawApi::device(QStringLiteral("Desk")), false)
                     .status,
                 200);
        const RawApi::Reply wrong = m_api->call(
            "POST", QStringLiteral("/api/v1/auth/login"),
            QJsonObject{{QStringLiteral("email"), QStringLiteral("ann@example.org")},
                        {QStringLiteral("password"), QStringLiteral("wrong horse")},
                        {QStringLiteral("device"), RawApi::device(QStringLiteral("Desk"))}});
        QCOMPARE(wrong.status, 401);
        QVERIFY(wrong.raw.contains("email or the password"));
    }

    void aClientWithoutTheProtocolVersionIsAskedToUpdate()
    {
        const RawApi::Reply r = m_api->call("POST", QStringLiteral("/api/v1/auth/register"),
                                            QByteArray("{}"), {}, false);
        QCOMPARE(r.status, 426);
        QVERIFY(r.raw.contains("update Hale") || r.raw.contains("update"));
    }

    void forgedAndMissingTokensAreRefused()
    {
        const QString token = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                     RawApi::device(QStringLiteral("Laptop"))));
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices")).status, 401);
        QStringList parts = token.split(QLatin1Char('.'));
        parts[0] = QString::fromLatin1(
            QByteArray(R"({"alg":"none","typ":"JWT"})")
                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QCOMPARE(m_api
                     ->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(),
                            parts.join(QLatin1Char('.')))
                     .status,
                 401);
        parts = token.split(QLatin1Char('.'));
        parts[2] = QStringLiteral("AAAA") + parts[2].mid(4);
        QCOMPARE(m_api
                     ->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(),
                            parts.join(QLatin1Char('.')))
                     .status,
                 401);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), token).status,
                 200);
    }

    void twoDevicesOfOneUserSyncAndARetryDuplicatesNothing()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Desk")), false));
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const RecordState written =
            metric(id, 72.5, stampAt(kNow - 1000, QStringLiteral("laptop")));

        const RawApi::Reply pushed =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {written}), a);
        QCOMPARE(pushed.status, 200);
        QCOMPARE(decoded(pushed).applied, QStringList{recordKey(written)});
        const qint64 cursorA = decoded(pushed).cursor;
        QCOMPARE(cursorA, 1);

        // The same request again (a retry after a lost answer) changes nothing.
        const RawApi::Reply retried =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {written}), a);
        QCOMPARE(decoded(retried).cursor, 1);

        const SyncResponse pulled =
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), b));
        QCOMPARE(pulled.changes.size(), 1);
        QCOMPARE(pulled.changes.first(), written);
        QCOMPARE(pulled.cursor, 1);

        // A concurrent older edit from B loses; B is told the merged result.
        const RecordState older = metric(id, 70.0, stampAt(kNow - 5000, QStringLiteral("desk")));
        const SyncResponse merged =
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(1, {older}), b));
        QCOMPARE(merged.merged.size(), 1);
        QCOMPARE(merged.merged.first().fields.value(QStringLiteral("weight")).value.toDouble(),
                 72.5);
        QCOMPARE(merged.cursor, 1); // nothing changed on the server
    }

    void textRoundTripsExactlyThroughBatchWrites()
    {
        // Quotes, backslashes, braces and commas are what the server's bulk
        // statements must escape; a batch takes the multi-row path.
        const QString a = tokenOf(m_api->account(QStringLiteral("eve@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("eve@example.org"),
                                                 RawApi::device(QStringLiteral("Desk")), false));
        const QStringList texts{QStringLiteral("say \"hi\", {then} \\ leave"),
                                QStringLiteral("{\"json\": [1, 2]}"), QStringLiteral("\\\\"),
                                QStringLiteral("NULL"),
                                QStringLiteral("caf\u00e9 \U0001F600\n\ttab")};
        QList<RecordState> written;
        for (int i = 0; i < 120; ++i) {
            RecordState s;
            s.kind = QStringLiteral("journal");
            s.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            const HlcStamp stamp = stampAt(kNow - 1000, QStringLiteral("laptop"));
            s.fields[QStringLiteral("text")] = {texts.at(i % texts.size()), stamp};
            s.deleted = {false, stamp};
            written << s;
        }
        QCOMPARE(
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, written), a).status,
            200);
        // Edit them all again: the stored states are read back and merged.
        QList<RecordState> edited = written;
        for (RecordState &s : edited)
            s.fields[QStringLiteral("text")] = {
                QString(s.fields.value(QStringLiteral("text")).value.toString() +
                        QStringLiteral("\"'")),
                stampAt(kNow - 500, QStringLiteral("laptop"))};
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, edited), a).status,
                 200);

        const SyncResponse pulled =
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), b));
        QCOMPARE(pulled.changes.size(), edited.size());
        QHash<QString, RecordState> byId;
        for (const RecordState &s : pulled.changes)
            byId.insert(s.id, s);
        for (const RecordState &s : edited)
            QCOMPARE(byId.value(s.id), s);
    }

    void pullsArePagedInSequenceOrder()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Desk")), false));
        QList<RecordState> many;
        for (int i = 0; i < 25; ++i)
            many << metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 60 + i,
                           stampAt(kNow - 100000 + i, QStringLiteral("laptop")));
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, many), a).status,
                 200);
        qint64 cursor = 0;
        QStringList seen;
        for (int page = 0; page < 10; ++page) {
            const SyncResponse r = decoded(
                m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(cursor, {}, 10), b));
            for (const RecordState &s : r.changes)
                seen << s.id;
            QVERIFY(r.cursor > cursor || !r.hasMore);
            cursor = r.cursor;
            if (!r.hasMore)
                break;
        }
        QCOMPARE(seen.size(), 25);
        for (int i = 0; i < 25; ++i)
            QCOMPARE(seen.at(i), many.at(i).id); // in the order they were written
    }

    void aPushLargerThanAPageIsNotPulledBack()
    {
        const RawApi::Reply signedUp = m_api->account(QStringLiteral("ann@example.org"),
                                                      RawApi::device(QStringLiteral("Laptop")));
        const QString a = tokenOf(signedUp);
        const QString node = signedUp.body.value(QStringLiteral("device_id")).toString();
        QList<RecordState> many;
        for (int i = 0; i < 25; ++i)
            many << metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 60 + i,
                           stampAt(kNow - 1000 + i, node));
        // An up-to-date device pushes more than a page holds: its cursor
        // moves past its own writes, and nothing comes back to it.
        const SyncResponse pushed =
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, many, 10), a));
        QVERIFY(!pushed.hasMore);
        QCOMPARE(pushed.changes.size(), 0);
        QCOMPARE(pushed.applied.size(), 25);
        const SyncResponse next = decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"),
                                                      syncBody(pushed.cursor, {}, 10), a));
        QCOMPARE(next.changes.size(), 0);
        QVERIFY(!next.hasMore);
        QCOMPARE(next.cursor, pushed.cursor);
    }

    void invalidChangesAreRefusedWholeWithTheRecordAndField()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const RecordState good = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 70,
                                        stampAt(kNow, QStringLiteral("l")));
        RecordState bad = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 9999,
                                 stampAt(kNow, QStringLiteral("l")));
        const RawApi::Reply refused =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {good, bad}), a);
        QCOMPARE(refused.status, 400);
        const QJsonObject details =
            refused.body[QStringLiteral("error")][QStringLiteral("details")].toObject();
        QCOMPARE(details.value(QStringLiteral("record")).toString(), recordKey(bad));
        QCOMPARE(details.value(QStringLiteral("field")).toString(), QStringLiteral("weight"));
        // Nothing of that batch was written.
        QCOMPARE(decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), a))
                     .changes.size(),
                 0);

        RecordState future = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 70,
                                    stampAt(kNow + 3600'000, QStringLiteral("l")));
        const RawApi::Reply ahead =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {future}), a);
        QCOMPARE(ahead.status, 400);
        QVERIFY(ahead.raw.contains("clock"));
    }

    // Issue 18: a person's own measures are data. The server takes any name
    // and unit of the declared lengths and any number as a value (the range
    // is the device's to hold, since it lives in another record), and refuses
    // what is not the declared shape.
    void ownMeasuresAreCheckedForShapeNotMeaning()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const HlcStamp stamp = stampAt(kNow, QStringLiteral("l"));
        RecordState measure;
        measure.kind = QStringLiteral("measure");
        measure.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        measure.fields[QStringLiteral("name")] = {QStringLiteral("Ferritin – Dr. Åberg's lab"),
                                                  stamp};
        measure.fields[QStringLiteral("unit")] = {QStringLiteral("µg/L"), stamp};
        measure.fields[QStringLiteral("range_min")] = {10.0, stamp};
        measure.fields[QStringLiteral("range_max")] = {400.0, stamp};
        measure.deleted = {false, stamp};
        RecordState value;
        value.kind = QStringLiteral("measurement");
        value.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        value.fields[QStringLiteral("measure_id")] = {measure.id, stamp};
        value.fields[QStringLiteral("value")] = {4200.0, stamp};
        value.deleted = {false, stamp};
        const RawApi::Reply taken =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {measure, value}), a);
        QCOMPARE(taken.status, 200);
        QCOMPARE(decoded(taken).applied.size(), 2);

        RecordState text = value;
        text.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        text.fields[QStringLiteral("value")] = {QStringLiteral("high"), stamp};
        const RawApi::Reply refused =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(2, {text}), a);
        QCOMPARE(refused.status, 400);
        QCOMPARE(
            refused
                .body[QStringLiteral("error")][QStringLiteral("details")][QStringLiteral("field")]
                .toString(),
            QStringLiteral("value"));
        RecordState longName = measure;
        longName.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        longName.fields[QStringLiteral("name")] = {QString(61, u'x'), stamp};
        QCOMPARE(
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(2, {longName}), a).status,
            400);
    }

    // Issue 19: an end-to-end encrypted account's wrapped data key is kept
    // by the server for a new device to fetch; the server checks its shape
    // only, and each user sees only their own.
    void wrappedKeysAreKeptForTheAccountAndCheckedForShape()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("bob@example.org"),
                                                 RawApi::device(QStringLiteral("Desk"))));
        const QString path = QString::fromLatin1(route::kAccountKeys);
        QCOMPARE(m_api->call("GET", path, QByteArray(), a).status, 404); // an account in clear
        const QJsonObject passphrase = passphraseKey();
        const QJsonObject recovery = recoveryKey();
        const QJsonObject keys = accountKeys();

        // Malformed: refused with the field, nothing kept.
        QJsonObject cheap = passphrase;
        QJsonObject cheapKdf = cheap.value(QStringLiteral("kdf")).toObject();
        cheapKdf.insert(QStringLiteral("mem"), 1024);
        cheap.insert(QStringLiteral("kdf"), cheapKdf);
        QJsonObject shortNonce = recovery;
        shortNonce.insert(QStringLiteral("nonce"), bytes(12, 'n'));
        for (const QJsonObject &bad : {QJsonObject{{QStringLiteral("passphrase"), passphrase}},
                                       QJsonObject{{QStringLiteral("passphrase"), cheap},
                                                   {QStringLiteral("recovery"), recovery}},
                                       QJsonObject{{QStringLiteral("passphrase"), passphrase},
                                                   {QStringLiteral("recovery"), shortNonce}},
                                       QJsonObject{{QStringLiteral("passphrase"), recovery},
                                                   {QStringLiteral("recovery"), recovery}}}) {
            const RawApi::Reply refused =
                m_api->call("PUT", path, QJsonObject{{QStringLiteral("keys"), bad}}, a);
            QCOMPARE(refused.status, 400);
            QCOMPARE(refused
                         .body[QStringLiteral("error")][QStringLiteral("details")]
                              [QStringLiteral("field")]
                         .toString(),
                     QStringLiteral("keys"));
        }
        QCOMPARE(m_api->call("GET", path, QByteArray(), a).status, 404);
        QCOMPARE(m_api->call("PUT", path, QJsonObject{{QStringLiteral("keys"), keys}}).status, 401);

        QCOMPARE(m_api->call("PUT", path, QJsonObject{{QStringLiteral("keys"), keys}}, a).status,
                 200);
        const RawApi::Reply fetched = m_api->call("GET", path, QByteArray(), a);
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.body.value(QStringLiteral("keys")).toObject(), keys);
        QCOMPARE(m_api->call("GET", path, QByteArray(), b).status, 404); // Bob's account is his own
        // The account's export carries them, to open its sealed values.
        const RawApi::Reply exported =
            m_api->call("GET", QString::fromLatin1(route::kAccountExport), QByteArray(), a);
        QCOMPARE(exported.body.value(QStringLiteral("keys")).toObject(), keys);
        QVERIFY(!m_api->call("GET", QString::fromLatin1(route::kAccountExport), QByteArray(), b)
                     .body.contains(QStringLiteral("keys")));
    }

    // Issue 19: values sealed on the device ({"e": ...}) are taken, and
    // merged by their stamps, for an encrypted account only, where every
    // value must be sealed; the server cannot check them, and a clear
    // account's values are checked as ever.
    void sealedValuesAreTakenForAnEncryptedAccountOnly()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Desk")), false));
        const HlcStamp stamp = stampAt(kNow, QStringLiteral("l"));
        const QJsonObject sealed{
            {QStringLiteral("e"), QStringLiteral("c2VhbGVkLXZhbHVlLW9mLTcyLjU")}};
        const QJsonObject sealedName{
            {QStringLiteral("e"), QStringLiteral("c2VhbGVkLW5hbWUtb2YtMDg6MDA")}};
        const QString hashKey = QStringLiteral("Qm9vZmVkLWVsZW1lbnQta2V5");
        RecordState weight = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 0, stamp);
        weight.fields[QStringLiteral("weight")] = {sealed, stamp};
        RecordState pills;
        pills.kind = QStringLiteral("medication");
        pills.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        pills.fields[QStringLiteral("name")] = {sealed, stamp};
        // A schedule's time, named by a keyed hash with the time sealed
        // inside; a removed one keeps its sealed name.
        pills.elements[QStringLiteral("schedule")].insert(hashKey, {sealed, stamp, false});
        pills.elements[QStringLiteral("schedule")].insert(QStringLiteral("UmVtb3ZlZC1lbGVtZW50"),
                                                          {sealedName, stamp, true});
        pills.deleted = {false, stamp};

        const RawApi::Reply clear =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {weight}), a);
        QCOMPARE(clear.status, 400); // an account in clear: a weight must be a number
        QCOMPARE(
            clear.body[QStringLiteral("error")][QStringLiteral("details")][QStringLiteral("field")]
                .toString(),
            QStringLiteral("weight"));

        QCOMPARE(m_api
                     ->call("PUT", QString::fromLatin1(route::kAccountKeys),
                            QJsonObject{{QStringLiteral("keys"), accountKeys()}}, a)
                     .status,
                 200);
        const RawApi::Reply taken =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {weight, pills}), a);
        QCOMPARE(taken.status, 200);
        QCOMPARE(decoded(taken).applied.size(), 2);
        // The other device gets them as they were sealed (read here as JSON:
        // a device opens them before it checks them).
        const QJsonArray pulled =
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), b)
                .body.value(QStringLiteral("changes"))
                .toArray();
        QCOMPARE(pulled.size(), 2);
        for (const QJsonValue &record : pulled) {
            const QJsonObject o = record.toObject();
            if (o.value(QStringLiteral("kind")).toString() == u"metric"_qs) {
                QCOMPARE(o[QStringLiteral("fields")][QStringLiteral("weight")][QStringLiteral("v")]
                             .toObject(),
                         sealed);
                continue;
            }
            const QJsonObject schedule =
                o[QStringLiteral("elements")][QStringLiteral("schedule")].toObject();
            QCOMPARE(schedule[hashKey][QStringLiteral("v")].toObject(), sealed);
            const QJsonObject removed = schedule[u"UmVtb3ZlZC1lbGVtZW50"_qs].toObject();
            QCOMPARE(removed.value(QStringLiteral("x")).toBool(), true);
            QCOMPARE(removed.value(QStringLiteral("v")).toObject(), sealedName);
        }
        // A value in clear is refused, record and all: this device lacks the
        // key (409, not the record's fault), and nothing is kept.
        for (const bool asElement : {false, true}) {
            RecordState plain = pills;
            plain.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            if (asElement)
                plain.elements[QStringLiteral("schedule")].insert(QStringLiteral("08:00"),
                                                                  {true, stamp, false});
            else
                plain.fields[QStringLiteral("notes")] = {QStringLiteral("with food"), stamp};
            const RawApi::Reply refused =
                m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(2, {plain}), a);
            QCOMPARE(refused.status, 409);
            QCOMPARE(refused.body[QStringLiteral("error")][QStringLiteral("code")].toString(),
                     QLatin1String(errorcode::kEndToEndEncrypted));
        }
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(2, {}), b)
                     .body.value(QStringLiteral("changes"))
                     .toArray()
                     .size(),
                 0);
        // An element's key still has its bounds.
        RecordState longKey = pills;
        longKey.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        longKey.elements[QStringLiteral("schedule")].clear();
        longKey.elements[QStringLiteral("schedule")].insert(QString(61, u'k'),
                                                            {sealed, stamp, false});
        QCOMPARE(
            m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(2, {longKey}), a).status,
            400);
    }

    // Issue 19: switching encryption on erases the account's records on the
    // server, which are all in clear (the devices send them again, sealed),
    // but only from the account's latest change: a device that has not seen
    // another's latest writes is told to sync first, and nothing is erased.
    // A new passphrase's keys (encryption already on) erase nothing.
    void switchingEncryptionOnErasesTheClearCopyFromTheLatestChangeOnly()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        const QString b = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Desk")), false));
        const QString path = QString::fromLatin1(route::kAccountKeys);
        const auto onServer = [&] {
            return m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), b)
                .body.value(QStringLiteral("changes"))
                .toArray()
                .size();
        };
        QCOMPARE(pushOneMetric(*m_api, a, 71.5), 200);
        QCOMPARE(pushOneMetric(*m_api, a, 72.5), 200); // the account's change 2
        const auto switchOn = [&](qint64 cursor) {
            return m_api->call("PUT", path,
                               QJsonObject{{QStringLiteral("keys"), accountKeys()},
                                           {QStringLiteral("cursor"), cursor}},
                               a);
        };
        const RawApi::Reply behind = switchOn(1);
        QCOMPARE(behind.status, 409);
        QCOMPARE(behind.body[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QLatin1String(errorcode::kSyncFirst));
        QCOMPARE(m_api->call("GET", path, QByteArray(), a).status, 404);
        QCOMPARE(onServer(), 2);
        QCOMPARE(m_api
                     ->call("PUT", path,
                            QJsonObject{{QStringLiteral("keys"), accountKeys()},
                                        {QStringLiteral("cursor"), -1}},
                            a)
                     .status,
                 400);

        QCOMPARE(switchOn(2).status, 200);
        QCOMPARE(onServer(), 0);
        // The records come back sealed; a new passphrase keeps them. Keys
        // replace only the keys the device read: another switch-on (a
        // second device at the same moment) or stale keys are refused.
        RecordState sealedWeight = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 0,
                                          stampAt(kNow, QStringLiteral("l")));
        sealedWeight.fields[QStringLiteral("weight")].value =
            QJsonObject{{QStringLiteral("e"), QStringLiteral("c2VhbGVk")}};
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {sealedWeight}), a)
                     .status,
                 200);
        const RawApi::Reply again = switchOn(3);
        QCOMPARE(again.status, 409);
        QCOMPARE(again.body[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QLatin1String(errorcode::kKeysChanged));
        const QJsonObject stored =
            m_api->call("GET", path, QByteArray(), a).body.value(QStringLiteral("keys")).toObject();
        QJsonObject rewrapped = accountKeys();
        QJsonObject passphrase = rewrapped.value(QStringLiteral("passphrase")).toObject();
        passphrase.insert(QStringLiteral("nonce"), bytes(24, 'm'));
        rewrapped.insert(QStringLiteral("passphrase"), passphrase);
        const auto replace = [&](const QJsonObject &previous) {
            return m_api
                ->call("PUT", path,
                       QJsonObject{{QStringLiteral("keys"), rewrapped},
                                   {QStringLiteral("previous"), previous}},
                       a)
                .status;
        };
        QCOMPARE(replace(stored), 200);
        QCOMPARE(replace(stored), 409); // stale: they were replaced
        QCOMPARE(onServer(), 1);
    }

    // Switching on erases the account's records: a device that does not
    // know every kind stored (an older version) may not, or the records of
    // the kinds it does not know would be lost.
    void switchingOnNeedsEveryStoredKindKnown()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        QCOMPARE(pushOneMetric(*m_api, a, 71.5), 200);
        const QString path = QString::fromLatin1(route::kAccountKeys);
        const auto switchOn = [&](const QJsonArray &kinds) {
            return m_api->call("PUT", path,
                               QJsonObject{{QStringLiteral("keys"), accountKeys()},
                                           {QStringLiteral("cursor"), 1},
                                           {QStringLiteral("kinds"), kinds}},
                               a);
        };
        const RawApi::Reply refused = switchOn({QStringLiteral("meal"), QStringLiteral("journal")});
        QCOMPARE(refused.status, 409);
        QVERIFY(
            refused.body[QStringLiteral("error")][QStringLiteral("message")].toString().contains(
                QStringLiteral("update Hale")));
        QCOMPARE(m_api->call("GET", path, QByteArray(), a).status, 404);
        QCOMPARE(switchOn({QStringLiteral("meal"), QStringLiteral("metric")}).status, 200);
    }

    void oneUserNeverSeesAnothersRecordsOrDevices()
    {
        const QString ann = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                   RawApi::device(QStringLiteral("Laptop"))));
        const QJsonObject bobDevice = RawApi::device(QStringLiteral("Bob's phone"));
        const QString bob = tokenOf(m_api->account(QStringLiteral("bob@example.org"), bobDevice));
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/sync"),
                            syncBody(0, {metric(QUuid::createUuid().toString(QUuid::WithoutBraces),
                                                80, stampAt(kNow, QStringLiteral("b")))}),
                            bob)
                     .status,
                 200);
        QCOMPARE(decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), ann))
                     .changes.size(),
                 0);
        const QJsonArray annDevices =
            m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), ann)
                .body.value(QStringLiteral("devices"))
                .toArray();
        QCOMPARE(annDevices.size(), 1);
        const QString bobDeviceId = bobDevice.value(QStringLiteral("id")).toString();
        QCOMPARE(m_api
                     ->call("PATCH", QStringLiteral("/api/v1/devices/") + bobDeviceId,
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("mine now")}}, ann)
                     .status,
                 404);
        QCOMPARE(m_api
                     ->call("DELETE", QStringLiteral("/api/v1/devices/") + bobDeviceId,
                            QByteArray(), ann)
                     .status,
                 404);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), bob).status,
                 200);
    }

    void revokingADeviceStopsItsAccessTokenAtOnce()
    {
        const QJsonObject laptop = RawApi::device(QStringLiteral("Laptop"));
        const RawApi::Reply first = m_api->account(QStringLiteral("ann@example.org"), laptop);
        const QString desk = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                    RawApi::device(QStringLiteral("Desk")), false));
        QCOMPARE(m_api
                     ->call("PATCH",
                            QStringLiteral("/api/v1/devices/") +
                                laptop.value(QStringLiteral("id")).toString(),
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("Old laptop")}},
                            desk)
                     .status,
                 200);
        QCOMPARE(m_api
                     ->call("DELETE",
                            QStringLiteral("/api/v1/devices/") +
                                laptop.value(QStringLiteral("id")).toString(),
                            QByteArray(), desk)
                     .status,
                 200);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), tokenOf(first))
                     .status,
                 401);
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                            QJsonObject{{QStringLiteral("refresh_token"),
                                         first.body.value(QStringLiteral("refresh_token"))}})
                     .status,
                 401);
    }

    void lastSeenIsNotedOnceAMinute()
    {
        const QJsonObject laptop = RawApi::device(QStringLiteral("Laptop"));
        const QString token = tokenOf(m_api->account(QStringLiteral("lu@example.org"), laptop));
        auto lastSeen = [&] {
            const RawApi::Reply list =
                m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), token);
            return QDateTime::fromString(list.body.value(QStringLiteral("devices"))
                                             .toArray()
                                             .at(0)
                                             .toObject()
                                             .value(QStringLiteral("last_seen"))
                                             .toString(),
                                         Qt::ISODateWithMs);
        };
        // Seen 30 s ago: a request now writes nothing.
        const QDateTime recent = QDateTime::currentDateTimeUtc().addSecs(-30);
        QVERIFY(m_server->runSql(QStringLiteral("UPDATE devices SET last_seen = '%1'")
                                     .arg(recent.toString(Qt::ISODateWithMs))));
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), token).status,
                 200);
        QCOMPARE(lastSeen().toMSecsSinceEpoch(), recent.toMSecsSinceEpoch());
        // Seen a day ago: the next request notes now.
        QVERIFY(m_server->runSql(
            QStringLiteral("UPDATE devices SET last_seen = '%1'")
                .arg(QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODateWithMs))));
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), token).status,
                 200);
        QVERIFY(qAbs(lastSeen().secsTo(QDateTime::currentDateTimeUtc())) < 10);
    }

    void refreshTokensRotateAndAReusedOneEndsTheSession()
    {
        const RawApi::Reply signedUp = m_api->account(QStringLiteral("ann@example.org"),
                                                      RawApi::device(QStringLiteral("Laptop")));
        const QJsonValue firstRefresh = signedUp.body.value(QStringLiteral("refresh_token"));
        const RawApi::Reply rotated =
            m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        QJsonObject{{QStringLiteral("refresh_token"), firstRefresh}});
        QCOMPARE(rotated.status, 200);
        QVERIFY(rotated.body.value(QStringLiteral("refresh_token")) != firstRefresh);
        QCOMPARE(
            m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), tokenOf(rotated))
                .status,
            200);

        // The old token again while its successor is unused: a retry whose
        // answer was lost, answered the same.
        const RawApi::Reply retried =
            m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        QJsonObject{{QStringLiteral("refresh_token"), firstRefresh}});
        QCOMPARE(retried.status, 200);
        QCOMPARE(retried.body.value(QStringLiteral("refresh_token")),
                 rotated.body.value(QStringLiteral("refresh_token")));
        // The device moves on...
        const RawApi::Reply next =
            m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        QJsonObject{{QStringLiteral("refresh_token"),
                                     rotated.body.value(QStringLiteral("refresh_token"))}});
        QCOMPARE(next.status, 200);
        // ...and the old token again: someone copied it. The session ends.
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                            QJsonObject{{QStringLiteral("refresh_token"), firstRefresh}})
                     .status,
                 401);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), tokenOf(next))
                     .status,
                 401);
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                            QJsonObject{{QStringLiteral("refresh_token"),
                                         next.body.value(QStringLiteral("refresh_token"))}})
                     .status,
                 401);
    }

    void exportReturnsEverythingAndDeleteErasesIt()
    {
        const QString a = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                 RawApi::device(QStringLiteral("Laptop"))));
        RecordState meal;
        meal.kind = QStringLiteral("meal");
        meal.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        meal.fields[QStringLiteral("description")] = {QStringLiteral("Soup"),
                                                      stampAt(kNow, QStringLiteral("l"))};
        const RecordState weight = metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 70,
                                          stampAt(kNow, QStringLiteral("l")));
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {meal, weight}), a)
                     .status,
                 200);

        const RawApi::Reply exported =
            m_api->call("GET", QStringLiteral("/api/v1/account/export"), QByteArray(), a);
        QCOMPARE(exported.status, 200);
        QCOMPARE(exported.body.value(QStringLiteral("records")).toArray().size(), 2);
        QCOMPARE(exported.body.value(QStringLiteral("devices")).toArray().size(), 1);

        const RawApi::Reply erased =
            m_api->call("DELETE", QStringLiteral("/api/v1/data/meal"), QByteArray(), a);
        QCOMPARE(erased.status, 200);
        QCOMPARE(erased.body.value(QStringLiteral("erased")).toInt(), 1);
        QCOMPARE(
            m_api->call("DELETE", QStringLiteral("/api/v1/data/secrets"), QByteArray(), a).status,
            404);
        const SyncResponse left =
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), a));
        QCOMPARE(left.changes.size(), 1);
        QCOMPARE(left.changes.first().kind, QStringLiteral("metric"));

        QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/account"), QByteArray(), a).status,
                 200);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), a).status,
                 401);
        QCOMPARE(m_api
                     ->account(QStringLiteral("ann@example.org"),
                               RawApi::device(QStringLiteral("x")), false)
                     .status,
                 401);
        // The address is free again, and the new account starts empty.
        const QString fresh = tokenOf(m_api->account(QStringLiteral("ann@example.org"),
                                                     RawApi::device(QStringLiteral("New"))));
        QCOMPARE(
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}), fresh))
                .changes.size(),
            0);
    }

    void guessingPasswordsIsThrottled()
    {
        m_api->account(QStringLiteral("ann@example.org"), RawApi::device(QStringLiteral("Laptop")));
        int lastStatus = 0;
        QByteArray retryAfter;
        for (int i = 0; i < 12 && lastStatus != 429; ++i) {
            const RawApi::Reply r = m_api->call(
                "POST", QStringLiteral("/api/v1/auth/login"),
                QJsonObject{{QStringLiteral("email"), QStringLiteral("ann@example.org")},
                            {QStringLiteral("password"), QStringLiteral("guess %1").arg(i)},
                            {QStringLiteral("device"), RawApi::device(QStringLiteral("x"))}});
            lastStatus = r.status;
            retryAfter = r.raw;
        }
        QCOMPARE(lastStatus, 429);
        QVERIFY(retryAfter.contains("retry_after"));
    }

    void metricsCountRequestsByRouteAndStatus()
    {
        m_api->call("GET", QStringLiteral("/healthz"));
        m_api->call("GET", QStringLiteral("/api/v1/devices"));
        const RawApi::Reply metrics = m_api->call("GET", QStringLiteral("/metrics"));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.raw.contains(
            "hale_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"));
        QVERIFY(metrics.raw.contains("route=\"/api/v1/devices\",status=\"401\""));
        QVERIFY(metrics.raw.contains("hale_sync_duration_seconds_bucket"));
        QVERIFY(metrics.raw.contains("hale_open_connections "));
    }

    void logoutEndsThisDevicesSession()
    {
        const RawApi::Reply signedUp = m_api->account(QStringLiteral("ann@example.org"),
                                                      RawApi::device(QStringLiteral("Laptop")));
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/auth/logout"), QByteArray("{}"),
                            tokenOf(signedUp))
                     .status,
                 200);
        QCOMPARE(
            m_api->call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), tokenOf(signedUp))
                .status,
            401);
    }
};

class TestServerRateLimit : public QObject
{
    Q_OBJECT

private slots:
    void eachUserGetsABucketOfRequests()
    {
        ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute=5\n"));
        QVERIFY(server.started());
        RawApi api(server.baseUrl());
        const QString ann = tokenOf(
            api.account(QStringLiteral("ann@example.org"), RawApi::device(QStringLiteral("a"))));
        const QString bob = tokenOf(
            api.account(QStringLiteral("bob@example.org"), RawApi::device(QStringLiteral("b"))));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(api.call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), ann).status,
                     200);
        const RawApi::Reply limited =
            api.call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), ann);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
        QVERIFY(limited
                    .body[QStringLiteral("error")][QStringLiteral("details")]
                         [QStringLiteral("retry_after")]
                    .toInt() >= 1);
        // Another user is not affected.
        QCOMPARE(api.call("GET", QStringLiteral("/api/v1/devices"), QByteArray(), bob).status, 200);
    }

    // The pages of a transfer in progress are not abuse: with a bucket of 5
    // requests a minute, a device pushes 300 records in batches of 100 and
    // another pulls them in 30 pages, each without a 429. Requests that do
    // not continue a transfer are still counted as before.
    void thePagesOfATransferInProgressAreCountedApart()
    {
        ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute=5\n"));
        QVERIFY(server.started());
        RawApi api(server.baseUrl());
        const QString email = QStringLiteral("cat@example.org");
        const RawApi::Reply signedUp = api.account(email, RawApi::device(QStringLiteral("a")));
        const QString a = tokenOf(signedUp);
        const QString node = signedUp.body.value(QStringLiteral("device_id")).toString();
        qint64 cursor = 0;
        for (int batch = 0; batch < 3; ++batch) {
            QList<RecordState> changes;
            for (int i = 0; i < 100; ++i)
                changes.append(metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 70 + i,
                                      stampAt(kNow - 1000 + batch, node)));
            const RawApi::Reply pushed =
                api.call("POST", QStringLiteral("/api/v1/sync"), syncBody(cursor, changes), a);
            QCOMPARE(pushed.status, 200);
            cursor = decoded(pushed).cursor;
        }
        const QString b = tokenOf(api.account(email, RawApi::device(QStringLiteral("b")), false));
        cursor = 0;
        int pages = 0;
        bool more = true;
        while (more) {
            const RawApi::Reply page =
                api.call("POST", QStringLiteral("/api/v1/sync"), syncBody(cursor, {}, 10), b);
            QCOMPARE(page.status, 200);
            cursor = decoded(page).cursor;
            more = decoded(page).hasMore;
            QVERIFY(++pages <= 31);
        }
        QCOMPARE(pages, 30);
        // Starting over is not a continuation: the ordinary bucket (5, of
        // which the pull's first page took 1) runs out.
        int status = 200;
        for (int i = 0; i < 6 && status == 200; ++i)
            status =
                api.call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, {}, 10), b).status;
        QCOMPARE(status, 429);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestServerApi api;
    TestServerRateLimit limits;
    return QTest::qExec(&api, argc, argv) | QTest::qExec(&limits, argc, argv);
}
#include "test_server_api.moc"
