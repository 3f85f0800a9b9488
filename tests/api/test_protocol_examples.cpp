// Every body example in docs/api/openapi.yaml that the app or the server
// reads is decoded by the shared protocol code (sync/core), and where that
// code also writes the body, writing the decoded value gives the example
// back. The examples come from validate_bodies.py --dump-examples, which has
// already checked each against its schema.
#include "sync/core/protocol.h"
#include "sync/core/wire.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace hale::sync;

class TestProtocolExamples : public QObject
{
    Q_OBJECT

private slots:
    void examplesDecode()
    {
        QFile file(qEnvironmentVariable("HALE_API_EXAMPLES"));
        QVERIFY2(file.open(QIODevice::ReadOnly), "HALE_API_EXAMPLES names no readable file");
        const QJsonArray examples = QJsonDocument::fromJson(file.readAll()).array();
        int decoded = 0, errors = 0;
        for (const QJsonValue entry : examples) {
            const QJsonObject e = entry.toObject();
            const QString route = e.value(QStringLiteral("method")).toString() + QLatin1Char(' ') +
                                  e.value(QStringLiteral("path")).toString() + QLatin1Char(' ') +
                                  e.value(QStringLiteral("status")).toString();
            const QJsonObject body = e.value(QStringLiteral("example")).toObject();
            const QString schema = e.value(QStringLiteral("schema_ref")).toString();
            const QByteArray where = route.toUtf8();
            WireError error;
            if (schema == QLatin1String("Error")) {
                const auto decodedError = decodeError(body);
                QVERIFY2(decodedError, where.constData());
                QCOMPARE(encodeError(*decodedError), body);
                ++errors;
            } else if (schema == QLatin1String("Tokens")) {
                const auto tokens = decodeTokens(body);
                QVERIFY2(tokens, where.constData());
                QCOMPARE(encodeTokens(*tokens), body);
            } else if (schema == QLatin1String("Credentials")) {
                const auto credentials = decodeCredentials(body, &error);
                QVERIFY2(credentials, qPrintable(route + QStringLiteral(": ") + error.message));
                QCOMPARE(encodeCredentials(*credentials), body);
            } else if (schema == QLatin1String("SyncRequest")) {
                // As strictly as the server reads it.
                QVERIFY2(decodeSyncRequest(body, UnknownFields::Refuse, &error),
                         qPrintable(route + QStringLiteral(": ") + error.message));
            } else if (schema == QLatin1String("SyncResponse")) {
                QVERIFY2(decodeSyncResponse(body, UnknownFields::Refuse, &error),
                         qPrintable(route + QStringLiteral(": ") + error.message));
            } else if (route == QLatin1String("GET /api/v1/devices 200")) {
                const auto devices = decodeDeviceList(body);
                QVERIFY2(devices && !devices->isEmpty(), where.constData());
                QCOMPARE(encodeDeviceList(*devices), body);
            } else if (route == QLatin1String("PATCH /api/v1/devices/{id} request")) {
                QCOMPARE(encodeRename(decodeRename(body)), body);
            } else if (route == QLatin1String("POST /api/v1/auth/refresh request")) {
                QCOMPARE(encodeRefreshRequest(decodeRefreshRequest(body)), body);
            } else if (route == QLatin1String("DELETE /api/v1/data/{kind} 200")) {
                const auto erased = decodeErased(body);
                QVERIFY2(erased, where.constData());
                QCOMPARE(encodeErased(body.value(QStringLiteral("kind")).toString(), *erased),
                         body);
            } else if (route == QLatin1String("GET /api/v1/account/export 200")) {
                const auto devices = decodeDeviceList(body);
                QVERIFY2(devices, where.constData());
                for (const QJsonValue record : body.value(QStringLiteral("records")).toArray())
                    QVERIFY2(decodeRecord(record, UnknownFields::Refuse, &error),
                             qPrintable(route + QStringLiteral(": ") + error.message));
            } else {
                continue; // an acknowledgement neither side reads ({"deleted": true}, ...)
            }
            ++decoded;
        }
        qInfo("%d of %lld examples decoded (%d of them errors)", decoded,
              qlonglong(examples.size()), errors);
        // Every body the protocol code handles has an example: the routes
        // above, and an error for each refusal.
        QVERIFY(decoded >= 12 + 60);
    }

    void routesAreFilledIn()
    {
        const QString id = QStringLiteral("0b8e7a52-5f0c-4a43-8f7e-3a1d2c4b5e6f");
        QCOMPARE(routePath(route::kDevice, id), QStringLiteral("/api/v1/devices/") + id);
        QCOMPARE(routePath(route::kKindData, QStringLiteral("meal")),
                 QStringLiteral("/api/v1/data/meal"));
        QCOMPARE(routePath(route::kSync), QStringLiteral("/api/v1/sync"));
    }

    void anErrorBodyWithoutACodeStillCarriesItsMessage()
    {
        const auto error =
            decodeError({{QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("message"), QStringLiteral("Down.")}}}});
        QVERIFY(error);
        QCOMPARE(error->message, QStringLiteral("Down."));
        QVERIFY(!decodeError({{QStringLiteral("status"), QStringLiteral("ok")}}));
    }
};

QTEST_GUILESS_MAIN(TestProtocolExamples)
#include "test_protocol_examples.moc"
