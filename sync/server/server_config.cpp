#include "sync/server/server_config.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace hale::server {

bool ServerConfig::parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    const QHostAddress parsed(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1")
                                                                 : host);
    if (!ok || p > 65535 || parsed.isNull())
        return false;
    *address = parsed;
    *port = quint16(p);
    return true;
}

std::optional<ServerConfig> ServerConfig::fromArguments(const QStringList &arguments,
                                                        QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Hale's sync server. With no options it serves on 127.0.0.1:8787 with an "
                       "embedded SQLite database."));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port, e.g. 127.0.0.1:8787."),
                                    QStringLiteral("host:port"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Folder for the database and secrets."),
                                     QStringLiteral("folder"));
    const QCommandLineOption database(
        QStringLiteral("database"), QStringLiteral("postgres://user@host:port/db for PostgreSQL."),
        QStringLiteral("url"));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Read settings from this INI file."),
                                    QStringLiteral("file"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     QStringLiteral("PEM certificate chain: serve HTTPS."),
                                     QStringLiteral("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    QStringLiteral("PEM private key for --tls-cert."),
                                    QStringLiteral("file"));
    const QCommandLineOption insecure(
        QStringLiteral("allow-insecure-http"),
        QStringLiteral("Serve plain HTTP on a non-loopback address (only behind a TLS proxy)."));
    const QCommandLineOption signingKey(
        QStringLiteral("signing-key"),
        QStringLiteral("The access tokens' signing key (default: signing.key in the data "
                       "folder). Every instance on one database needs the same."),
        QStringLiteral("file"));
    QCommandLineOption routes(QStringLiteral("list-routes"),
                              QStringLiteral("Print the HTTP routes and exit."));
    routes.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(
        {listen, dataDir, database, config, tlsCert, tlsKey, insecure, signingKey, routes});
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument %1").arg(parser.positionalArguments().first());
        return std::nullopt;
    }

    ServerConfig c;
    c.listRoutes = parser.isSet(routes);
    QString listenText = QStringLiteral("127.0.0.1:8787");
    if (parser.isSet(config)) {
        if (!QFileInfo(parser.value(config)).isReadable()) {
            *error =
                QStringLiteral("cannot read the configuration file %1").arg(parser.value(config));
            return std::nullopt;
        }
        QSettings ini(parser.value(config), QSettings::IniFormat);
        listenText = ini.value(QStringLiteral("listen"), listenText).toString();
        c.dataDir = ini.value(QStringLiteral("data_dir")).toString();
        c.database = ini.value(QStringLiteral("database")).toString();
        c.tlsCertificate = ini.value(QStringLiteral("tls_cert")).toString();
        c.tlsKey = ini.value(QStringLiteral("tls_key")).toString();
        c.allowInsecureHttp = ini.value(QStringLiteral("allow_insecure_http"), false).toBool();
        c.workers = ini.value(QStringLiteral("workers"), c.workers).toInt();
        c.requestsPerMinute =
            ini.value(QStringLiteral("rate_limit/requests_per_minute"), c.requestsPerMinute)
                .toInt();
        c.signInsPerMinute =
            ini.value(QStringLiteral("rate_limit/sign_ins_per_minute"), c.signInsPerMinute).toInt();
        c.accessTokenSeconds =
            ini.value(QStringLiteral("auth/access_token_seconds"), c.accessTokenSeconds)
                .toLongLong();
        HttpLimits &l = c.limits;
        l.maxHeaderBytes =
            ini.value(QStringLiteral("http/max_header_bytes"), l.maxHeaderBytes).toLongLong();
        l.maxBodyBytes =
            ini.value(QStringLiteral("http/max_body_bytes"), l.maxBodyBytes).toLongLong();
        l.headerTimeoutMs =
            ini.value(QStringLiteral("http/header_timeout_ms"), l.headerTimeoutMs).toInt();
        l.bodyTimeoutMs =
            ini.value(QStringLiteral("http/body_timeout_ms"), l.bodyTimeoutMs).toInt();
        l.idleTimeoutMs =
            ini.value(QStringLiteral("http/idle_timeout_ms"), l.idleTimeoutMs).toInt();
        l.maxConnections =
            ini.value(QStringLiteral("http/max_connections"), l.maxConnections).toInt();
        l.maxConnectionsPerAddress = ini.value(QStringLiteral("http/max_connections_per_address"),
                                               l.maxConnectionsPerAddress)
                                         .toInt();
        l.writeTimeoutMs =
            ini.value(QStringLiteral("http/write_timeout_ms"), l.writeTimeoutMs).toInt();
        l.tlsHandshakeTimeoutMs =
            ini.value(QStringLiteral("http/tls_handshake_timeout_ms"), l.tlsHandshakeTimeoutMs)
                .toInt();
        for (const QString &proxy :
             ini.value(QStringLiteral("http/trusted_proxies")).toStringList()) {
            const QHostAddress address(proxy.trimmed());
            if (address.isNull()) {
                *error =
                    QStringLiteral("http/trusted_proxies: \"%1\" is not an IP address").arg(proxy);
                return std::nullopt;
            }
            c.trustedProxies << address;
        }
        EventLimits &e = c.events;
        e.maxStreams = ini.value(QStringLiteral("events/max_streams"), e.maxStreams).toInt();
        e.maxStreamsPerUser =
            ini.value(QStringLiteral("events/max_streams_per_user"), e.maxStreamsPerUser).toInt();
        e.maxStreamsPerAddress =
            ini.value(QStringLiteral("events/max_streams_per_address"), e.maxStreamsPerAddress)
                .toInt();
        e.pingIntervalMs =
            ini.value(QStringLiteral("events/ping_interval_ms"), e.pingIntervalMs).toInt();
        c.signingKey = ini.value(QStringLiteral("auth/signing_key")).toString();
    }
    if (parser.isSet(listen))
        listenText = parser.value(listen);
    if (parser.isSet(dataDir))
        c.dataDir = parser.value(dataDir);
    if (parser.isSet(database))
        c.database = parser.value(database);
    if (parser.isSet(tlsCert))
        c.tlsCertificate = parser.value(tlsCert);
    if (parser.isSet(tlsKey))
        c.tlsKey = parser.value(tlsKey);
    if (parser.isSet(signingKey))
        c.signingKey = parser.value(signingKey);
    c.allowInsecureHttp = c.allowInsecureHttp || parser.isSet(insecure);

    if (!parseListen(listenText, &c.address, &c.port)) {
        *error = QStringLiteral("--listen needs host:port, e.g. 127.0.0.1:8787 (got \"%1\")")
                     .arg(listenText);
        return std::nullopt;
    }
    if (c.tlsCertificate.isEmpty() != c.tlsKey.isEmpty()) {
        *error = QStringLiteral("--tls-cert and --tls-key go together");
        return std::nullopt;
    }
    if (!c.address.isLoopback() && c.tlsCertificate.isEmpty() && !c.allowInsecureHttp) {
        *error =
            QStringLiteral(
                "refusing to serve plain HTTP on %1: passwords and health data would cross the "
                "network unencrypted. Give --tls-cert and --tls-key, or --allow-insecure-http when "
                "a "
                "TLS reverse proxy sits in front.")
                .arg(c.address.toString());
        return std::nullopt;
    }
    if (c.workers < 1 || c.workers > 256 || c.requestsPerMinute < 1 || c.signInsPerMinute < 1 ||
        c.limits.maxBodyBytes < 1024 || c.limits.maxHeaderBytes < 1024 ||
        c.limits.maxConnections < 1 || c.limits.maxConnectionsPerAddress < 1 ||
        c.limits.writeTimeoutMs < 100 || c.limits.tlsHandshakeTimeoutMs < 100 ||
        c.limits.headerTimeoutMs < 100 || c.limits.bodyTimeoutMs < 100 ||
        c.limits.idleTimeoutMs < 100 || c.accessTokenSeconds < 1 ||
        c.accessTokenSeconds > 24 * 3600 || c.events.maxStreams < 0 ||
        c.events.maxStreamsPerUser < 1 || c.events.maxStreamsPerAddress < 1 ||
        c.events.pingIntervalMs < 100) {
        *error = QStringLiteral("a setting in the configuration is out of range");
        return std::nullopt;
    }
    if (c.dataDir.isEmpty())
        c.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    c.dataDir = QDir(c.dataDir).absolutePath();
    if (c.signingKey.isEmpty())
        c.signingKey = QDir(c.dataDir).filePath(QStringLiteral("signing.key"));
    return c;
}

} // namespace hale::server
