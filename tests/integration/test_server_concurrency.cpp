// Several devices of one user push and pull at the same time: every puller
// must see every change exactly once and in the order it was written. Runs
// on SQLite and on PostgreSQL (HALE_TEST_DATABASE=postgres). Bounded: a fixed
// amount of work and a 120 s limit.
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync/core/wire.h"

#include <QHash>
#include <QSet>

using hale::test::RawApi;
using hale::test::ServerProcess;
using namespace hale::sync;

namespace {

constexpr int kPushers = 4;
constexpr int kBatches = 15;
constexpr int kBatchSize = 4;
constexpr int kPullers = 3;

struct Device
{
    QString token;
    std::unique_ptr<QNetworkAccessManager> nam = std::make_unique<QNetworkAccessManager>();
};

QNetworkReply *post(Device &device, const QString &url, const QJsonObject &body)
{
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Hale-Protocol", "1");
    request.setRawHeader("Authorization", "Bearer " + device.token.toLatin1());
    return device.nam->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace

class TestServerConcurrency : public QObject
{
    Q_OBJECT

private slots:
    void concurrentPushersAndPullersSeeEveryChangeOnceInOrder()
    {
        // Seven devices of one user make hundreds of requests here; the
        // per-user rate limit is not what this test is about.
        ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute=100000\n"));
        QVERIFY2(server.started(), "hale-server did not start");
        RawApi api(server.baseUrl());
        const QString email = QStringLiteral("ann@example.org");
        QCOMPARE(api.account(email, RawApi::device(QStringLiteral("first"))).status, 201);

        std::vector<Device> pushers(kPushers);
        std::vector<Device> pullers(kPullers);
        for (auto *group : {&pushers, &pullers}) {
            for (Device &d : *group) {
                const auto reply =
                    api.account(email, RawApi::device(QStringLiteral("device")), false);
                QCOMPARE(reply.status, 200);
                d.token = reply.body.value(QStringLiteral("access_token")).toString();
            }
        }

        const QString url = server.baseUrl() + QStringLiteral("/api/v1/sync");
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        // What each pusher writes, in order.
        QList<QStringList> written(kPushers);
        QHash<QString, int> writer;
        int pushersDone = 0;
        int failures = 0;
        QEventLoop loop;

        std::function<void(int, int)> push = [&](int p, int batch) {
            if (batch == kBatches) {
                ++pushersDone;
                return;
            }
            SyncRequest request;
            request.cursor = 0;
            request.pageSize = 1;
            for (int i = 0; i < kBatchSize; ++i) {
                RecordState s;
                s.kind = QStringLiteral("meal");
                s.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
                const HlcStamp stamp{now - 60'000 + batch, quint32(i),
                                     QStringLiteral("pusher%1").arg(p)};
                s.fields[QStringLiteral("description")] = {
                    QStringLiteral("meal %1.%2").arg(batch).arg(i), stamp};
                s.deleted = {false, stamp};
                request.changes << s;
                written[p] << s.id;
                writer.insert(s.id, p);
            }
            QNetworkReply *reply = post(pushers[size_t(p)], url, encodeSyncRequest(request));
            connect(reply, &QNetworkReply::finished, &loop, [&, reply, p, batch] {
                reply->deleteLater();
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                    ++failures;
                push(p, batch + 1);
            });
        };

        const int total = kPushers * kBatches * kBatchSize;
        std::vector<QStringList> seen(kPullers);
        std::vector<qint64> cursors(kPullers, 0);
        int pullersDone = 0;
        std::function<void(int)> pull = [&](int q) {
            SyncRequest request;
            request.cursor = cursors[size_t(q)];
            request.pageSize = 7; // small pages: many round trips interleave with the pushes
            QNetworkReply *reply = post(pullers[size_t(q)], url, encodeSyncRequest(request));
            connect(reply, &QNetworkReply::finished, &loop, [&, reply, q] {
                reply->deleteLater();
                const auto response =
                    decodeSyncResponse(QJsonDocument::fromJson(reply->readAll()).object(),
                                       UnknownFields::Keep, nullptr);
                if (!response || response->cursor < cursors[size_t(q)]) {
                    ++failures;
                    ++pullersDone;
                    return;
                }
                for (const RecordState &s : response->changes)
                    seen[size_t(q)] << s.id;
                cursors[size_t(q)] = response->cursor;
                const bool finished = pushersDone == kPushers && !response->hasMore &&
                                      seen[size_t(q)].size() >= total;
                if (finished || seen[size_t(q)].size() > 2 * total) {
                    ++pullersDone;
                    return;
                }
                pull(q);
            });
        };

        for (int p = 0; p < kPushers; ++p)
            push(p, 0);
        for (int q = 0; q < kPullers; ++q)
            pull(q);
        QTimer deadline;
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        deadline.start(120'000);
        QTimer poll;
        connect(&poll, &QTimer::timeout, &loop, [&] {
            if (pullersDone == kPullers)
                loop.quit();
        });
        poll.start(20);
        loop.exec();

        QCOMPARE(failures, 0);
        QCOMPARE(pushersDone, kPushers);
        QCOMPARE(pullersDone, kPullers);
        for (int q = 0; q < kPullers; ++q) {
            const QStringList &got = seen[size_t(q)];
            QCOMPARE(got.size(), total);                                     // nothing twice ...
            QCOMPARE(QSet<QString>(got.cbegin(), got.cend()).size(), total); // ... nothing missing
            // Each pusher's writes arrive in the order it made them.
            for (int p = 0; p < kPushers; ++p) {
                QStringList fromP;
                for (const QString &id : got) {
                    if (writer.value(id) == p)
                        fromP << id;
                }
                QCOMPARE(fromP, written[p]);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestServerConcurrency)
#include "test_server_concurrency.moc"
