// Live sync's numbers (docs/benchmarks.md, "Live sync"), against the real
// hale-server; run by tests/bench/run-live-benchmarks.sh under a keychain.
//   bench_live --propagation [--edits 200] [--nginx]
//     Two devices with their event streams open; each edit on A is timed
//     from the write to A's database until it is in B's. With --nginx (needs
//     HALE_TEST_DATABASE=postgres and HALE_NGINX_SITE), through the shipped
//     nginx site in front of two instances.
//   bench_live --idle 1000 [--idle-seconds 60]
//     1,000 open streams on one instance: its memory per stream, its CPU
//     while they idle, the time to tell all of them of one change when they
//     are one user's devices, and of one change each when they are 1,000
//     users.
#include "../e2e/nginx_front.h"
#include "../e2e/sync_device.h"
#include "../integration/server_process.h"
#include "bench_common.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QWebSocket>
#include <sys/resource.h>

using namespace hale;
using namespace hale::test;

namespace {

const QString kPassword = QStringLiteral("correct horse battery");

// Resident memory (KiB) and CPU time used (ms) of a process, from /proc.
struct Usage
{
    qint64 rssKiB = 0;
    qint64 cpuMs = 0;
};

Usage usageOf(qint64 pid)
{
    Usage u;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                u.rssKiB = line.mid(6).trimmed().split(' ').first().toLongLong();
        }
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the command's closing parenthesis; utime and stime
        // are the 14th and 15th of the line.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        const qint64 ticks = fields.value(11).toLongLong() + fields.value(12).toLongLong();
        u.cpuMs = ticks * 1000 / sysconf(_SC_CLK_TCK);
    }
    return u;
}

// --- propagation ---------------------------------------------------------

int propagation(int edits, bool throughNginx)
{
    std::unique_ptr<ServerProcess> one, two;
    NginxFront nginx;
    const QString limits = QStringLiteral("[rate_limit]\nrequests_per_minute = 100000\n"
                                          "[http]\ntrusted_proxies = 127.0.0.1\n");
    one = std::make_unique<ServerProcess>(limits);
    if (!one->started()) {
        std::fprintf(stderr, "hale-server did not start: %s\n", qPrintable(one->stderrText()));
        return 1;
    }
    QString url = one->baseUrl();
    if (throughNginx) {
        if (one->databaseUrl().isEmpty()) {
            std::fprintf(stderr, "--nginx needs HALE_TEST_DATABASE=postgres\n");
            return 1;
        }
        two = std::make_unique<ServerProcess>(
            limits + QStringLiteral("[auth]\nsigning_key = %1/signing.key\n").arg(one->dataDir()),
            QStringList{QStringLiteral("--database"), one->databaseUrl()});
        QString error;
        if (!two->started() || !nginx.start(one->port(), two->port(), &error)) {
            std::fprintf(stderr, "the deployment did not start: %s\n", qPrintable(error));
            return 1;
        }
        url = nginx.url();
    }
    Device a(QStringLiteral("laptop"), asTheAppRuns()),
        b(QStringLiteral("desktop"), asTheAppRuns());
    a.syncOnLocalChanges();
    const QString email =
        QStringLiteral("bench-%1@example.org").arg(QUuid::createUuid().toString(QUuid::Id128));
    if (!a.join(url, email, true) || !b.join(url, email, false) ||
        !waitUntil([&] { return a.status.live && b.status.live; })) {
        std::fprintf(stderr, "the devices did not sign in and go live\n");
        return 1;
    }
    const QString id = a.store.create(kMetric, metric(60)).id;
    if (!waitUntil([&] { return weightOf(b.store, id) == 60; }, 10'000))
        return 1;

    QElapsedTimer clock;
    double target = 0;
    double arrivedMs = -1;
    QObject::connect(b.worker.get(), &SyncWorker::recordsChanged, [&] {
        if (arrivedMs < 0 && weightOf(b.store, id) == target)
            arrivedMs = bench::elapsedMs(clock);
    });
    QList<double> millis;
    for (int i = 0; i < edits; ++i) {
        target = 61 + (i % 100) / 10.0;
        arrivedMs = -1;
        clock.start();
        if (!a.store.update(kMetric, id, {{QStringLiteral("weight"), target}}).ok())
            return 1;
        if (!waitUntil([&] { return arrivedMs >= 0; }, 10'000)) {
            std::fprintf(stderr, "edit %d did not arrive within 10 s\n", i);
            return 1;
        }
        millis << arrivedMs;
        QTest::qWait(50); // the next edit is a new action, not part of this one
        target = -1;
    }
    bench::report(throughNginx ? "edit on A in B's database (nginx, 2 instances)"
                               : "edit on A in B's database (1 instance)",
                  millis);
    return 0;
}

// --- idle streams ----------------------------------------------------------

QWebSocket *openStream(const QString &baseUrl, const QString &token, QObject *parent)
{
    QUrl url(baseUrl);
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QLatin1String(sync::route::kEvents));
    QNetworkRequest request(url);
    request.setRawHeader(sync::kProtocolHeader, QByteArray::number(sync::kProtocolVersion));
    request.setRawHeader(sync::kAuthorizationHeader, sync::kBearerPrefix + token.toLatin1());
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, parent);
    socket->open(request);
    return socket;
}

// Signs up (device a) or in (device b); the access token.
QString account(QNetworkAccessManager &network, const QString &baseUrl, const QString &email,
                bool signUp)
{
    QNetworkRequest request(
        QUrl(baseUrl + QLatin1String(signUp ? sync::route::kRegister : sync::route::kLogin)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader(sync::kProtocolHeader, QByteArray::number(sync::kProtocolVersion));
    const QJsonObject body{
        {QStringLiteral("email"), email},
        {QStringLiteral("password"), kPassword},
        {QStringLiteral("device"),
         QJsonObject{{QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                     {QStringLiteral("name"), QStringLiteral("bench")},
                     {QStringLiteral("platform"), QStringLiteral("linux")}}}};
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(60'000);
    const QString token = QJsonDocument::fromJson(reply->readAll())
                              .object()
                              .value(QStringLiteral("access_token"))
                              .toString();
    reply->deleteLater();
    return token;
}

QNetworkReply *push(QNetworkAccessManager &network, const QString &baseUrl, const QString &token)
{
    sync::RecordState change;
    change.kind = QStringLiteral("metric");
    change.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const sync::HlcStamp stamp{QDateTime::currentMSecsSinceEpoch(), 0, QStringLiteral("bench")};
    change.fields[QStringLiteral("weight")] = {70.0, stamp};
    change.deleted = {false, stamp};
    sync::SyncRequest request;
    request.changes = {change};
    QNetworkRequest http(QUrl(baseUrl + QLatin1String(sync::route::kSync)));
    http.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    http.setRawHeader(sync::kProtocolHeader, QByteArray::number(sync::kProtocolVersion));
    http.setRawHeader(sync::kAuthorizationHeader, sync::kBearerPrefix + token.toLatin1());
    return network.post(http, QJsonDocument(sync::encodeSyncRequest(request)).toJson());
}

// Waits until every socket is open or has heard `count` messages.
bool waitAll(const QList<QWebSocket *> &sockets, const std::function<bool(QWebSocket *)> &done)
{
    return waitUntil([&] { return std::all_of(sockets.cbegin(), sockets.cend(), done); }, 120'000);
}

int idle(int streams, int idleSeconds)
{
    // Every client here has one address (127.0.0.1), and opens its stream
    // at the same moment: the HTTP limits on connections per address and
    // open at once are lifted for the handshakes (a stream leaves them once
    // open). Devices come from their own addresses.
    ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute = 1000000\n"
                                        "sign_ins_per_minute = 1000000\n"
                                        "[http]\nmax_connections = %1\n"
                                        "max_connections_per_address = %1\n"
                                        "[events]\nmax_streams_per_user = %1\n")
                             .arg(streams + 10));
    if (!server.started())
        return 1;
    QNetworkAccessManager network;
    QObject owner;
    const QString base = server.baseUrl();

    // One user's devices: one stream each (the device identity does not
    // change what a stream costs), and another device that pushes.
    const QString email =
        QStringLiteral("fanout-%1@example.org").arg(QUuid::createUuid().toString(QUuid::Id128));
    const QString pusher = account(network, base, email, true);
    const QString listener = account(network, base, email, false);
    const Usage before = usageOf(server.processId());
    QList<QWebSocket *> sockets;
    QHash<QWebSocket *, int> heard;
    QHash<QWebSocket *, double> heardAt;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < streams; ++i) {
        QWebSocket *s = openStream(base, listener, &owner);
        QObject::connect(s, &QWebSocket::textMessageReceived, [&, s] {
            ++heard[s];
            heardAt[s] = bench::elapsedMs(clock);
        });
        sockets << s;
    }
    if (!waitAll(sockets, [&](QWebSocket *s) { return heard.value(s) >= 1; })) {
        std::fprintf(stderr, "not every stream opened\n");
        return 1;
    }
    std::printf("%d streams of one user opened in %.0f ms\n", streams, bench::elapsedMs(clock));
    QTest::qWait(2000); // settle
    const Usage open = usageOf(server.processId());
    std::printf("server memory: %lld KiB before, %lld KiB with %d streams: %.1f KiB per stream\n",
                static_cast<long long>(before.rssKiB), static_cast<long long>(open.rssKiB), streams,
                double(open.rssKiB - before.rssKiB) / streams);
    QTest::qWait(idleSeconds * 1000);
    const Usage idled = usageOf(server.processId());
    std::printf("server CPU while %d streams idled %d s (pinged every 30 s): %lld ms (%.2f %% of "
                "one core)\n",
                streams, idleSeconds, static_cast<long long>(idled.cpuMs - open.cpuMs),
                100.0 * double(idled.cpuMs - open.cpuMs) / (idleSeconds * 1000.0));
    std::fflush(stdout);

    QList<double> fanout;
    for (int round = 0; round < 20; ++round) {
        const int want = round + 2;
        clock.restart();
        QNetworkReply *reply = push(network, base, pusher);
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        if (!waitAll(sockets, [&](QWebSocket *s) { return heard.value(s) >= want; }))
            return 1;
        double last = 0;
        for (QWebSocket *s : std::as_const(sockets))
            last = std::max(last, heardAt.value(s));
        fanout << last;
    }
    bench::report(qPrintable(QStringLiteral("push until all %1 streams heard").arg(streams)),
                  fanout);
    for (QWebSocket *s : std::as_const(sockets))
        s->abort();
    qDeleteAll(sockets);
    sockets.clear();
    heard.clear();

    // Many users, one stream each, each told of its own change.
    QList<QString> tokens;
    clock.restart();
    for (int i = 0; i < streams; ++i) {
        const QString user = QStringLiteral("user%1-%2@example.org")
                                 .arg(i)
                                 .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
        tokens << account(network, base, user, true);
        const QString other = account(network, base, user, false);
        QWebSocket *s = openStream(base, other, &owner);
        QObject::connect(s, &QWebSocket::textMessageReceived, [&, s] {
            ++heard[s];
            heardAt[s] = bench::elapsedMs(clock);
        });
        sockets << s;
    }
    if (!waitAll(sockets, [&](QWebSocket *s) { return heard.value(s) >= 1; }))
        return 1;
    std::printf("%d users signed up, each with a stream, in %.0f ms\n", streams,
                bench::elapsedMs(clock));
    QTest::qWait(1000);
    clock.restart();
    QList<double> sentAt;
    for (int i = 0; i < streams; ++i) {
        sentAt << bench::elapsedMs(clock);
        QNetworkReply *reply = push(network, base, tokens.at(i));
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    }
    if (!waitAll(sockets, [&](QWebSocket *s) { return heard.value(s) >= 2; }))
        return 1;
    QList<double> perUser;
    double last = 0;
    for (int i = 0; i < streams; ++i) {
        perUser << heardAt.value(sockets.at(i)) - sentAt.at(i);
        last = std::max(last, heardAt.value(sockets.at(i)));
    }
    std::printf("%d users' pushes sent at once: the last stream heard at %.0f ms\n", streams, last);
    bench::report("each user's push until its stream heard", perUser);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // A thousand sockets here and as many in the server (which inherits it).
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    QCommandLineParser parser;
    const QCommandLineOption propagationOption(QStringLiteral("propagation"),
                                               QStringLiteral("Time edits from A to B."));
    const QCommandLineOption editsOption(QStringLiteral("edits"), QStringLiteral("Edits (200)."),
                                         QStringLiteral("n"), QStringLiteral("200"));
    const QCommandLineOption nginxOption(QStringLiteral("nginx"),
                                         QStringLiteral("Through nginx and two instances."));
    const QCommandLineOption idleOption(QStringLiteral("idle"),
                                        QStringLiteral("Open this many idle streams."),
                                        QStringLiteral("n"));
    const QCommandLineOption secondsOption(QStringLiteral("idle-seconds"),
                                           QStringLiteral("How long they idle (60)."),
                                           QStringLiteral("s"), QStringLiteral("60"));
    parser.addOptions({propagationOption, editsOption, nginxOption, idleOption, secondsOption});
    parser.addHelpOption();
    parser.process(app);
    if (parser.isSet(propagationOption))
        return propagation(parser.value(editsOption).toInt(), parser.isSet(nginxOption));
    if (parser.isSet(idleOption))
        return idle(parser.value(idleOption).toInt(), parser.value(secondsOption).toInt());
    parser.showHelp(2);
}
