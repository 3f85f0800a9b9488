// Load generator for hale-server (the server must be running; see
// tests/bench/run-server-benchmarks.sh):
//   bench_server --url http://127.0.0.1:PORT [--users U] [--devices D]
//                [--concurrency C] [--requests N] [--records R]
// Signs up U users with D devices each, then keeps C devices busy with sync
// requests (one change plus a pull) until N have been answered, and prints
// requests/s and latency percentiles. Then pushes R records from one device
// and pulls them all into a fresh device, and times a no-op sync and its
// bytes on the wire. Every loop is bounded.
#include "bench_http.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <memory>

using namespace hale;
using namespace hale::bench;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption urlOption(QStringLiteral("url"), QStringLiteral("Server URL."),
                                       QStringLiteral("url"));
    auto number = [](const char *name, const char *help, const char *fallback) {
        return QCommandLineOption(QLatin1String(name), QLatin1String(help), QStringLiteral("n"),
                                  QLatin1String(fallback));
    };
    const auto users = number("users", "Users to sign up.", "50");
    const auto devices = number("devices", "Devices per user.", "2");
    const auto concurrency = number("concurrency", "Devices syncing at once.", "100");
    const auto requests = number("requests", "Sync requests in the load phase.", "5000");
    const auto records = number("records", "Records to push and pull (0 = skip).", "100000");
    const auto batch = number("batch", "Records per push request.", "1000");
    parser.addOptions({urlOption, users, devices, concurrency, requests, records, batch});
    parser.process(app);
    const QUrl url(parser.value(urlOption));
    const int userCount = parser.value(users).toInt();
    const int deviceCount = parser.value(devices).toInt();
    const int parallel = parser.value(concurrency).toInt();
    const int total = parser.value(requests).toInt();
    const int recordCount = parser.value(records).toInt();
    const int batchSize = parser.value(batch).toInt();
    if (!url.isValid() || userCount < 1 || deviceCount < 1 || parallel < 1 || total < 1) {
        std::fprintf(stderr, "bench_server: give --url and positive numbers\n");
        return 2;
    }

    // Sign-up: U users x D devices, each device with its own connection.
    const QString run = QUuid::createUuid().toString(QUuid::Id128).left(8);
    struct Device
    {
        Client *client;
        QString token;
        qint64 cursor = 0;
    };
    std::vector<Device> all;
    QElapsedTimer clock;
    clock.start();
    for (int u = 0; u < userCount; ++u) {
        const QString email = QStringLiteral("bench-%1-%2@example.org").arg(run).arg(u);
        for (int d = 0; d < deviceCount; ++d) {
            auto *client = new Client(url, &app);
            const QString token = signIn(client, email, d == 0);
            if (token.isEmpty()) {
                std::fprintf(stderr, "bench_server: sign-up failed (is the rate limit raised?)\n");
                return 1;
            }
            all.push_back({client, token});
        }
    }
    std::printf("signed up %d users x %d devices in %.0f ms (Argon2id per sign-in)\n", userCount,
                deviceCount, bench::elapsedMs(clock));

    // Load: `parallel` devices at a time, each sending one change + pull.
    QList<double> latencies;
    int started = 0;
    int finished = 0;
    int errors = 0;
    QEventLoop loop;
    // Lane s owns the devices whose index is s modulo the number of lanes, so
    // no device ever has two requests in flight.
    const size_t lanes = std::min(size_t(parallel), all.size());
    std::vector<size_t> rounds(lanes, 0);
    std::function<void(size_t)> next = [&](size_t slot) {
        if (started >= total)
            return;
        const size_t owned = (all.size() - slot + lanes - 1) / lanes;
        Device &device = all[slot + lanes * (rounds[slot]++ % owned)];
        ++started;
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        device.client->post(
            QStringLiteral("/api/v1/sync"),
            QJsonDocument(syncBody(device.cursor, {meal(started)})).toJson(QJsonDocument::Compact),
            device.token, [&, slot, timer, dev = &device](int status, const QByteArray &body) {
                latencies << bench::elapsedMs(*timer);
                if (status != 200)
                    ++errors;
                dev->cursor = qint64(QJsonDocument::fromJson(body)
                                         .object()
                                         .value(QStringLiteral("cursor"))
                                         .toDouble(double(dev->cursor)));
                if (++finished == total)
                    loop.quit();
                else
                    next(slot);
            });
    };
    clock.restart();
    for (size_t lane = 0; lane < lanes; ++lane)
        next(lane);
    QTimer::singleShot(600'000, &loop, &QEventLoop::quit);
    loop.exec();
    const double seconds = bench::elapsedMs(clock) / 1000.0;
    std::printf("load: %d sync requests (1 change + pull) at concurrency %zu: %.0f requests/s, "
                "%d errors\n",
                finished, lanes, finished / seconds, errors);
    bench::report("sync latency under load", latencies);

    // A no-op sync: nothing to push, nothing new to pull.
    Device &quiet = all.front();
    call(quiet.client, QStringLiteral("/api/v1/sync"), syncBody(0, {}, 1000), quiet.token);
    qint64 cursor = QJsonDocument::fromJson(call(quiet.client, QStringLiteral("/api/v1/sync"),
                                                 syncBody(0, {}, 1000), quiet.token)
                                                .second)
                        .object()
                        .value(QStringLiteral("cursor"))
                        .toVariant()
                        .toLongLong();
    QList<double> noops;
    qint64 sentBefore = quiet.client->sent();
    qint64 receivedBefore = quiet.client->received();
    for (int i = 0; i < 200; ++i) {
        QElapsedTimer t;
        t.start();
        call(quiet.client, QStringLiteral("/api/v1/sync"), syncBody(cursor, {}), quiet.token);
        noops << bench::elapsedMs(t);
    }
    bench::report("no-op sync", noops);
    std::printf("no-op sync bytes on the wire: %lld sent + %lld received per request\n",
                (quiet.client->sent() - sentBefore) / 200,
                (quiet.client->received() - receivedBefore) / 200);

    if (recordCount > 0) {
        // Push R records from a fresh account's device in batches...
        auto *pusher = new Client(url, &app);
        const QString email = QStringLiteral("bulk-%1@example.org").arg(run);
        const QString pushToken = signIn(pusher, email, true);
        // The bodies are encoded before the clock starts: the number is the
        // server's (and loopback's), not this generator's JSON encoding.
        QList<QByteArray> bodies;
        for (int done = 0; done < recordCount;) {
            QList<sync::RecordState> batch;
            for (int i = 0; i < batchSize && done < recordCount; ++i, ++done)
                batch << meal(done);
            bodies << QJsonDocument(syncBody(0, batch, 1)).toJson(QJsonDocument::Compact);
        }
        clock.restart();
        for (const QByteArray &body : std::as_const(bodies)) {
            if (call(pusher, QStringLiteral("/api/v1/sync"), body, pushToken).first != 200) {
                std::fprintf(stderr, "bench_server: push failed\n");
                return 1;
            }
        }
        std::printf("push %d records (batches of %d): %.0f ms, %.1f MB sent\n", recordCount,
                    batchSize, bench::elapsedMs(clock), double(pusher->sent()) / 1e6);
        // ... and pull them all into a fresh device of the same account.
        auto *puller = new Client(url, &app);
        const QString pullToken = signIn(puller, email, false);
        clock.restart();
        qint64 at = 0;
        int pulled = 0;
        for (int page = 0; page < recordCount; ++page) {
            const auto [status, body] =
                call(puller, QStringLiteral("/api/v1/sync"), syncBody(at, {}, 1000), pullToken);
            const QJsonObject reply = QJsonDocument::fromJson(body).object();
            pulled += int(reply.value(QStringLiteral("changes")).toArray().size());
            at = reply.value(QStringLiteral("cursor")).toVariant().toLongLong();
            if (status != 200 || !reply.value(QStringLiteral("has_more")).toBool())
                break;
        }
        std::printf("initial pull of %d records into a fresh device (pages of 1000): %.0f ms, "
                    "%.1f MB received\n",
                    pulled, bench::elapsedMs(clock), double(puller->received()) / 1e6);
    }
    return errors == 0 ? 0 : 1;
}
