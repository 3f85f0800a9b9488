// Open-loop load generator for hale-server (the server must be running; see
// tests/bench/run-load-benchmarks.sh):
//   bench_load --url http://127.0.0.1:PORT --devices N [--per-user D]
//              --rates R1,R2,... [--seconds S] [--seed X]
// Signs up N devices (D per account), then for each offered rate R (sync
// requests per second, all devices together) sends requests for S seconds
// on a fixed schedule: arrivals are a Poisson process of rate R, each given
// to the next device in turn. A device has one connection and one request
// in flight, like the app; an arrival for a busy device waits its turn.
// Latency runs from the arrival's intended time to the answer, so time
// spent queueing (in this generator or in the server) is not hidden — the
// closed loop of bench_server sends less when the server slows down.
// Each request pushes one changed meal and pulls from the device's cursor
// with its cursor key, as the app does. Stops raising the rate once p99
// passes --stop-ms. Every loop is bounded.
#include "bench_http.h"
#ifdef HALE_HAS_EPOLL_DISPATCHER
#include "sync/server/epoll_dispatcher.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <deque>
#include <random>

using namespace hale;
using namespace hale::bench;

namespace {

struct Device
{
    Client *client = nullptr;
    QString token;
    qint64 cursor = 0;
    QString cursorKey;
    std::deque<qint64> due; // intended send times (ns on the run's clock) not yet sent
    bool busy = false;
};

// Signs up every device, `parallel` accounts at a time so the server hashes
// passwords on all its workers.
bool signUpAll(std::vector<Device> &devices, int perUser, const QUrl &url, QObject *parent)
{
    const QString run = QUuid::createUuid().toString(QUuid::Id128).left(8);
    for (size_t i = 0; i < devices.size(); ++i)
        devices[i].client = new Client(url, parent);
    const size_t accounts = (devices.size() + size_t(perUser) - 1) / size_t(perUser);
    size_t nextAccount = 0;
    size_t doneAccounts = 0;
    bool failed = false;
    QEventLoop loop;
    std::function<void(size_t, size_t)> step = [&](size_t account, size_t device) {
        const size_t index = account * size_t(perUser) + device;
        if (device == size_t(perUser) || index >= devices.size()) {
            if (++doneAccounts == accounts)
                loop.quit();
            else if (nextAccount < accounts)
                step(nextAccount++, 0);
            return;
        }
        const QString email = QStringLiteral("load-%1-%2@example.org").arg(run).arg(account);
        devices[index].client->post(accountPath(device == 0), accountBody(email), {},
                                    [&, account, device, index](int, const QByteArray &reply) {
                                        devices[index].token = accessTokenOf(reply);
                                        if (devices[index].token.isEmpty()) {
                                            failed = true;
                                            loop.quit();
                                            return;
                                        }
                                        step(account, device + 1);
                                    });
    };
    for (int i = 0; i < 8 && nextAccount < accounts; ++i)
        step(nextAccount++, 0);
    QTimer::singleShot(600'000, &loop, [&] {
        failed = true;
        loop.quit();
    });
    loop.exec();
    return !failed;
}

struct RateResult
{
    double offered = 0;
    double answered = 0;
    QList<double> latencies;
    int errors = 0;
    int unanswered = 0;
};

double percentile(QList<double> sorted, double q)
{
    return sorted.isEmpty() ? 0 : sorted.at(qsizetype(q * double(sorted.size() - 1)));
}

RateResult runAt(std::vector<Device> &devices, double rate, double seconds, std::mt19937_64 &rng)
{
    RateResult result;
    result.offered = rate;
    // The schedule, fixed before the first request: Poisson arrivals.
    std::exponential_distribution<double> gap(rate);
    std::vector<qint64> arrivals;
    for (double t = gap(rng); t < seconds; t += gap(rng))
        arrivals.push_back(qint64(t * 1e9));
    size_t nextArrival = 0;
    size_t nextDevice = 0;
    int outstanding = 0;
    int answered = 0;
    int serial = 0;
    QElapsedTimer clock;
    QEventLoop loop;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);

    std::function<void(Device &)> send = [&](Device &device) {
        const qint64 intended = device.due.front();
        device.due.pop_front();
        device.busy = true;
        ++outstanding;
        const QByteArray body =
            QJsonDocument(syncBody(device.cursor, {meal(++serial)}, 500, device.cursorKey))
                .toJson(QJsonDocument::Compact);
        device.client->post(
            QStringLiteral("/api/v1/sync"), body, device.token,
            [&, intended, dev = &device](int status, const QByteArray &reply) {
                result.latencies << double(clock.nsecsElapsed() - intended) / 1e6;
                ++answered;
                --outstanding;
                dev->busy = false;
                if (status == 200) {
                    const QJsonObject json = QJsonDocument::fromJson(reply).object();
                    dev->cursor = json.value(QStringLiteral("cursor")).toInteger(dev->cursor);
                    dev->cursorKey = json.value(QStringLiteral("cursor_key")).toString();
                } else {
                    ++result.errors;
                }
                if (!dev->due.empty())
                    send(*dev);
                else if (nextArrival == arrivals.size() && outstanding == 0)
                    loop.quit();
            });
    };
    QObject::connect(&ticker, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.nsecsElapsed();
        while (nextArrival < arrivals.size() && arrivals[nextArrival] <= now) {
            Device &device = devices[nextDevice++ % devices.size()];
            device.due.push_back(arrivals[nextArrival++]);
            if (!device.busy)
                send(device);
        }
        if (nextArrival == arrivals.size()) {
            ticker.stop();
            if (outstanding == 0)
                loop.quit();
        }
    });
    clock.start();
    ticker.start();
    // Bounded: what has not been answered 30 s after the last arrival is
    // counted as unanswered.
    QTimer::singleShot(int(seconds * 1000) + 30'000, &loop, &QEventLoop::quit);
    loop.exec();
    ticker.stop();
    result.answered = answered / std::max(seconds, bench::elapsedMs(clock) / 1000.0);
    result.unanswered = int(arrivals.size()) - answered;
    for (Device &device : devices)
        device.due.clear();
    return result;
}

} // namespace

int main(int argc, char **argv)
{
#ifdef HALE_HAS_EPOLL_DISPATCHER
    hale::server::installEpollEventDispatcher(); // thousands of connections
#endif
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption urlOption(QStringLiteral("url"), QStringLiteral("Server URL."),
                                       QStringLiteral("url"));
    auto option = [](const char *name, const char *help, const char *fallback) {
        return QCommandLineOption(QLatin1String(name), QLatin1String(help), QStringLiteral("n"),
                                  QLatin1String(fallback));
    };
    const auto devicesOption = option("devices", "Devices in all.", "100");
    const auto perUserOption = option("per-user", "Devices per account.", "2");
    const auto ratesOption =
        option("rates", "Offered loads to try, syncs/s, comma-separated.", "250,500,1000,2000");
    const auto secondsOption = option("seconds", "Seconds at each rate.", "10");
    const auto stopOption = option("stop-ms", "Stop raising the rate once p99 is above.", "1000");
    const auto seedOption = option("seed", "Seed of the arrival schedule.", "1");
    parser.addOptions({urlOption, devicesOption, perUserOption, ratesOption, secondsOption,
                       stopOption, seedOption});
    parser.process(app);
    const QUrl url(parser.value(urlOption));
    const int deviceCount = parser.value(devicesOption).toInt();
    const int perUser = parser.value(perUserOption).toInt();
    const double seconds = parser.value(secondsOption).toDouble();
    const double stopMs = parser.value(stopOption).toDouble();
    QList<double> rates;
    for (const QString &rate : parser.value(ratesOption).split(QLatin1Char(',')))
        rates << rate.toDouble();
    if (!url.isValid() || deviceCount < 1 || perUser < 1 || seconds <= 0 || seconds > 600 ||
        std::any_of(rates.cbegin(), rates.cend(), [](double r) { return r <= 0 || r > 1e5; })) {
        std::fprintf(stderr, "bench_load: give --url, --devices, and rates in (0, 100000]\n");
        return 2;
    }

    std::vector<Device> devices(static_cast<size_t>(deviceCount));
    QElapsedTimer clock;
    clock.start();
    if (!signUpAll(devices, perUser, url, &app)) {
        std::fprintf(stderr, "bench_load: sign-up failed (are the rate limits raised?)\n");
        return 1;
    }
    std::printf("signed up %d devices (%d per account) in %.0f ms\n", deviceCount, perUser,
                bench::elapsedMs(clock));
    std::printf("%8s %10s %9s %9s %9s %9s %7s %10s\n", "offered", "answered/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "errors", "unanswered");
    std::fflush(stdout);
    std::mt19937_64 rng(parser.value(seedOption).toULongLong());
    double best = 0;
    int failures = 0;
    for (double rate : std::as_const(rates)) {
        RateResult r = runAt(devices, rate, seconds, rng);
        std::sort(r.latencies.begin(), r.latencies.end());
        const double p99 = percentile(r.latencies, 0.99);
        std::printf("%8.0f %10.0f %9.1f %9.1f %9.1f %9.1f %7d %10d\n", r.offered, r.answered,
                    percentile(r.latencies, 0.5), percentile(r.latencies, 0.95), p99,
                    r.latencies.isEmpty() ? 0.0 : r.latencies.last(), r.errors, r.unanswered);
        std::fflush(stdout);
        failures += r.errors + r.unanswered;
        if (p99 < 100 && r.errors == 0 && r.unanswered == 0)
            best = std::max(best, rate);
        if (p99 > stopMs || r.unanswered > 0)
            break;
    }
    std::printf("highest offered load with p99 under 100 ms at %d devices: %.0f syncs/s\n",
                deviceCount, best);
    return failures == 0 ? 0 : 1;
}
