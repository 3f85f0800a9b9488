#pragma once

#include "sync/server/http_limits.h"

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace hale::server {

// Everything hale-server is told at start: command line over configuration
// file (INI, --config) over defaults.
struct ServerConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8787;
    QString dataDir;  // where the SQLite database and the signing secret live
    QString database; // empty = SQLite in dataDir; postgres://user@host:port/db otherwise
    QString tlsCertificate;
    QString tlsKey;
    bool allowInsecureHttp = false;
    int workers = 4;
    int requestsPerMinute = 100;         // per user
    int signInsPerMinute = 10;           // per account (and 3x per address)
    qint64 accessTokenSeconds = 15 * 60; // lifetime of an access token
    HttpLimits limits;
    EventLimits events;
    QList<QHostAddress> trustedProxies; // whose X-Forwarded-For is believed
    QString signingKey;      // the token signing key's file; empty = signing.key in dataDir
    bool listRoutes = false; // print "METHOD /path" per route and exit (the API spec check)

    // Parses and checks; on a mistake returns nothing and says why. --help and
    // --version print and exit.
    static std::optional<ServerConfig> fromArguments(const QStringList &arguments, QString *error);
    // "127.0.0.1:8787", "[::1]:8787", "0.0.0.0:443"
    static bool parseListen(const QString &text, QHostAddress *address, quint16 *port);
};

} // namespace hale::server
