// hale-server: the sync service. With no arguments it serves on
// 127.0.0.1:8787 with its data in the per-user data folder.
#include "sync/core/protocol.h"
#include "sync/core/schema.h"
#include "sync/core/wire.h"
#include "sync/server/api.h"
#include "sync/server/change_feed.h"
#include "sync/server/crypto.h"
#include "sync/server/event_hub.h"
#include "sync/server/http_server.h"
#include "sync/server/metrics.h"
#include "sync/server/server_config.h"
#include "sync/server/server_store.h"
#ifdef HALE_HAS_EPOLL_DISPATCHER
#include "sync/server/epoll_dispatcher.h"
#endif
#include "sync/server/signing_secret.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QScopeGuard>
#include <QThread>
#include <cstdio>

using namespace hale::server;

namespace {

void addRoutes(Router &router)
{
    router.add(
        "GET", QLatin1String(hale::sync::route::kHealth),
        [](const HttpRequest &, const QStringList &) {
            return HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
        });
    router.add("GET", QLatin1String(hale::sync::route::kInfo),
               [](const HttpRequest &, const QStringList &) {
                   return HttpResponse::json(
                       200, {{QStringLiteral("server_version"), QStringLiteral(HALE_VERSION)},
                             {QStringLiteral("protocol_version"), hale::sync::kProtocolVersion},
                             {QStringLiteral("min_protocol_version"), hale::sync::kProtocolVersion},
                             {QStringLiteral("schema_version"), hale::SchemaRegistry::kVersion}});
               });
}

} // namespace

int main(int argc, char **argv)
{
#ifdef HALE_HAS_EPOLL_DISPATCHER
    hale::server::installEpollEventDispatcher(); // thousands of connections
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Hale"));
    QCoreApplication::setApplicationName(QStringLiteral("hale-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALE_VERSION));

    QString error;
    const auto config = ServerConfig::fromArguments(app.arguments(), &error);
    if (!config) {
        std::fprintf(stderr, "hale-server: %s\n", qPrintable(error));
        return 2;
    }
    if (config->listRoutes) {
        Router router;
        addRoutes(router);
        Api(nullptr, {}).addRoutes(router);
        router.add("GET", QLatin1String(hale::sync::route::kMetrics), {});
        for (const Router::Route &route : router.routes())
            std::printf("%s %s\n", route.method.constData(), qPrintable(route.pattern));
        return 0;
    }
    if (!crypto::initialise()) {
        std::fprintf(stderr, "hale-server: libsodium cannot be initialised\n");
        return 1;
    }
    ServerStore store(config->dataDir, config->database);
    if (!store.migrate(&error)) {
        std::fprintf(stderr, "hale-server: %s\n", qPrintable(error));
        return 1;
    }
    Api::Settings settings;
    settings.signingSecret = loadSigningSecret(config->signingKey, store, &error);
    if (settings.signingSecret.isEmpty()) {
        std::fprintf(stderr, "hale-server: %s\n", qPrintable(error));
        return 1;
    }
    settings.requestsPerMinute = config->requestsPerMinute;
    settings.signInsPerMinute = config->signInsPerMinute;
    settings.accessTokenSeconds = config->accessTokenSeconds;
    // Workers tell the hub (on this thread) what they committed, and on
    // PostgreSQL the other instances on the database too (ChangeFeed).
    EventHub events(config->events);
    QThread feedThread;
    feedThread.setObjectName(QStringLiteral("hale-feed"));
    // Stopped on every way out of main(); the feed is deleted as it ends.
    const auto stopFeed = qScopeGuard([&feedThread] {
        feedThread.quit();
        feedThread.wait();
    });
    ChangeFeed *feed = nullptr;
    if (store.isPostgres()) {
        feed = new ChangeFeed(config->database);
        feed->moveToThread(&feedThread);
        QObject::connect(&feedThread, &QThread::started, feed, &ChangeFeed::start);
        QObject::connect(&feedThread, &QThread::finished, feed, &QObject::deleteLater);
        QObject::connect(feed, &ChangeFeed::changed, &events, &EventHub::publish);
        QObject::connect(feed, &ChangeFeed::reconnected, &events, [&events, feed] {
            QMetaObject::invokeMethod(feed,
                                      [feed, users = events.users()] { feed->catchUp(users); });
        });
        feedThread.start();
    }
    settings.changesCommitted = [&events, feed](const QString &user, qint64 seq,
                                                const QString &device) {
        QMetaObject::invokeMethod(
            &events, [&events, user, seq, device] { events.publish(user, seq, device); });
        if (feed) {
            QMetaObject::invokeMethod(
                feed, [feed, user, seq, device] { feed->committed(user, seq, device); });
        }
    };
    settings.sessionsEnded = [&events](const QString &user, const QString &device) {
        QMetaObject::invokeMethod(&events,
                                  [&events, user, device] { events.revoke(user, device); });
    };
    Api api(&store, settings);
    Metrics metrics;
    Router router;
    addRoutes(router);
    api.addRoutes(router);
    router.add("GET", QLatin1String(hale::sync::route::kMetrics),
               [&metrics](const HttpRequest &, const QStringList &) {
                   HttpResponse r;
                   r.body = metrics.render();
                   r.setHeader("Content-Type", "text/plain; version=0.0.4");
                   return r;
               });
    HttpServer server(&router, config->limits, config->workers);
    server.setTrustedProxies(config->trustedProxies);
    server.setUpgradeHandler([&events](QTcpSocket *socket, const QJsonObject &handover) {
        events.adopt(socket, handover);
    });
    metrics.addGauge("hale_event_streams", "Open event streams (WebSockets).",
                     [&events] { return events.streams(); });
    metrics.addGauge("hale_open_connections", "Open client connections.",
                     [&server] { return server.openConnections(); });
    metrics.addGauge("hale_db_cached_statements",
                     "Prepared statements kept for reuse, over all database connections.",
                     [&store] { return store.cachedStatements(); });
    QObject::connect(&server, &HttpServer::requestServed, &server,
                     [&metrics](const QByteArray &method, const QString &route, int status,
                                double ms) { metrics.recordRequest(method, route, status, ms); });
    if (!config->tlsCertificate.isEmpty() &&
        !server.enableTls(config->tlsCertificate, config->tlsKey, &error)) {
        std::fprintf(stderr, "hale-server: %s\n", qPrintable(error));
        return 2;
    }
    if (!server.listen(config->address, config->port)) {
        std::fprintf(stderr, "hale-server: cannot listen on %s:%d: %s\n",
                     qPrintable(config->address.toString()), config->port,
                     qPrintable(server.errorString()));
        return 1;
    }
    // Tests and scripts read the port from this line (it matters with port 0).
    std::printf("hale-server %s listening on %s://%s:%d\n", HALE_VERSION,
                server.tlsEnabled() ? "https" : "http",
                qPrintable(server.serverAddress().toString()), server.serverPort());
    std::fflush(stdout);
    return app.exec();
}
