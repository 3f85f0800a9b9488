// The app's ApiClient against the real hale-server (SQLite, and PostgreSQL
// with HALE_TEST_DATABASE=postgres): what the sync worker will see.
#include "server_process.h"
#include "sync/client/api_client.h"
#include "tests/integration/body_log.h"

#include <QEventLoop>
#include <QTimer>

using hale::test::ServerProcess;
using namespace hale::sync;

namespace {

// Waits (bounded) for one ApiClient callback and returns what it gave.
template <typename T> struct Outcome
{
    std::optional<T> value;
    ApiError error;
};

template <typename T, typename Start> Outcome<T> await(Start start)
{
    Outcome<T> out;
    QEventLoop loop;
    bool answered = false;
    start([&](std::optional<T> value, const ApiError &error) {
        out = {std::move(value), error};
        answered = true;
        loop.quit();
    });
    if (!answered) {
        QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return out;
}

DeviceDescription device(const QString &name)
{
    return {QUuid::createUuid().toString(QUuid::WithoutBraces),
            name,
            QStringLiteral("linux"),
            {},
            false,
            false};
}

RecordState weight(double kg, const QString &node, qint64 ms = QDateTime::currentMSecsSinceEpoch())
{
    RecordState s;
    s.kind = QStringLiteral("metric");
    s.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    s.fields[QStringLiteral("weight")] = {kg, {ms, 0, node}};
    s.deleted = {false, {ms, 0, node}};
    return s;
}

const QString kEmail = QStringLiteral("ann@example.org");
const QString kPassword = QStringLiteral("correct horse");

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_server;
    hale::test::RecordingNetwork m_network; // logs the bodies (see body_log.h)

    std::unique_ptr<ApiClient> client()
    {
        return std::make_unique<ApiClient>(&m_network, QUrl(m_server->baseUrl()));
    }

private slots:
    void init()
    {
        m_server = std::make_unique<ServerProcess>(
            QStringLiteral("[rate_limit]\nrequests_per_minute=30\n"));
        QVERIFY2(m_server->started(), "hale-server did not start");
    }
    void cleanup() { m_server.reset(); }

    void signUpSignInAndSyncBetweenTwoDevices()
    {
        auto laptop = client();
        auto desk = client();
        const auto up = await<AuthTokens>([&](auto done) {
            laptop->signUp(kEmail, kPassword, device(QStringLiteral("Laptop")), done);
        });
        QVERIFY2(up.error.ok(), qPrintable(up.error.message));
        const auto in = await<AuthTokens>([&](auto done) {
            desk->signIn(kEmail, kPassword, device(QStringLiteral("Desk")), done);
        });
        QVERIFY(in.value);
        QCOMPARE(in.value->userId, up.value->userId);

        SyncRequest push;
        push.changes = {weight(72.5, QStringLiteral("laptop"))};
        const auto pushed = await<SyncResponse>([&](auto done) { laptop->sync(push, done); });
        QVERIFY2(pushed.value, qPrintable(pushed.error.message));
        QCOMPARE(pushed.value->applied, QStringList{recordKey(push.changes.first())});

        const auto pulled = await<SyncResponse>([&](auto done) { desk->sync({}, done); });
        QVERIFY(pulled.value);
        QCOMPARE(pulled.value->changes, push.changes);
        QVERIFY(desk->bytesReceived() > 0);

        const auto list = await<QList<DeviceDescription>>([&](auto done) { desk->devices(done); });
        QVERIFY(list.value);
        QCOMPARE(list.value->size(), 2);
    }

    void errorsArriveAsKindsTheWorkerCanActOn()
    {
        auto laptop = client();
        QVERIFY(await<AuthTokens>([&](auto done) {
                    laptop->signUp(kEmail, kPassword, device(QStringLiteral("Laptop")), done);
                }).value);
        auto stranger = client();
        const auto taken = await<AuthTokens>([&](auto done) {
            stranger->signUp(kEmail, kPassword, device(QStringLiteral("x")), done);
        });
        QCOMPARE(taken.error.kind, ApiError::Kind::Conflict);
        auto other = client();
        const auto wrong = await<AuthTokens>([&](auto done) {
            other->signIn(kEmail, QStringLiteral("wrong horse"), device(QStringLiteral("x")), done);
        });
        QCOMPARE(wrong.error.kind, ApiError::Kind::Unauthorized);

        SyncRequest bad;
        bad.changes = {weight(9999, QStringLiteral("laptop"))};
        const auto refused = await<SyncResponse>([&](auto done) { laptop->sync(bad, done); });
        QCOMPARE(refused.error.kind, ApiError::Kind::Invalid);
        QCOMPARE(refused.error.record, recordKey(bad.changes.first()));
        QCOMPARE(refused.error.field, QStringLiteral("weight"));

        // The server allows 30 requests a minute here.
        ApiError limited;
        for (int i = 0; i < 40 && limited.ok(); ++i)
            limited =
                await<QList<DeviceDescription>>([&](auto done) { laptop->devices(done); }).error;
        QCOMPARE(limited.kind, ApiError::Kind::RateLimited);
        QVERIFY(limited.retryAfterSeconds >= 1);
    }

    void refreshRotatesAndARevokedDeviceIsSignedOut()
    {
        auto laptop = client();
        auto desk = client();
        QVERIFY(await<AuthTokens>([&](auto done) {
                    laptop->signUp(kEmail, kPassword, device(QStringLiteral("Laptop")), done);
                }).value);
        const auto deskTokens = await<AuthTokens>([&](auto done) {
            desk->signIn(kEmail, kPassword, device(QStringLiteral("Desk")), done);
        });
        const auto rotated = await<AuthTokens>(
            [&](auto done) { desk->refresh(deskTokens.value->refreshToken, done); });
        QVERIFY(rotated.value);
        QVERIFY(rotated.value->refreshToken != deskTokens.value->refreshToken);

        QVERIFY(await<bool>([&](auto done) {
                    laptop->revokeDevice(deskTokens.value->deviceId, done);
                }).value);
        const auto afterRevoke = await<SyncResponse>([&](auto done) { desk->sync({}, done); });
        QCOMPARE(afterRevoke.error.kind, ApiError::Kind::Unauthorized);
        const auto refreshAfterRevoke =
            await<AuthTokens>([&](auto done) { desk->refresh(rotated.value->refreshToken, done); });
        QCOMPARE(refreshAfterRevoke.error.kind, ApiError::Kind::Unauthorized);
    }

    void aServerThatVanishesIsANetworkError()
    {
        auto laptop = client();
        QVERIFY(await<AuthTokens>([&](auto done) {
                    laptop->signUp(kEmail, kPassword, device(QStringLiteral("Laptop")), done);
                }).value);
        m_server->kill();
        SyncRequest push;
        push.changes = {weight(70, QStringLiteral("laptop"))};
        const auto cut = await<SyncResponse>([&](auto done) { laptop->sync(push, done); });
        QCOMPARE(cut.error.kind, ApiError::Kind::Network);
        QVERIFY(!cut.value);
    }

    void privacyControlsEraseFromTheServer()
    {
        auto laptop = client();
        QVERIFY(await<AuthTokens>([&](auto done) {
                    laptop->signUp(kEmail, kPassword, device(QStringLiteral("Laptop")), done);
                }).value);
        SyncRequest push;
        push.changes = {weight(70, QStringLiteral("laptop")), weight(71, QStringLiteral("laptop"))};
        QVERIFY(await<SyncResponse>([&](auto done) { laptop->sync(push, done); }).value);
        const auto erased =
            await<int>([&](auto done) { laptop->deleteKind(QStringLiteral("metric"), done); });
        QCOMPARE(erased.value.value_or(-1), 2);
        QVERIFY(await<bool>([&](auto done) { laptop->deleteAccount(done); }).value);
        QCOMPARE(await<SyncResponse>([&](auto done) { laptop->sync({}, done); }).error.kind,
                 ApiError::Kind::Unauthorized);
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "test_api_client.moc"
