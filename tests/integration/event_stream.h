#pragma once

// A test client of hale-server's event stream (GET /api/v1/events).

#include "sync/core/protocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTest>
#include <QWebSocket>
#include <optional>

namespace hale::test {

inline constexpr int kStreamWaitMs = 10'000;

// One client's stream, with what it heard.
class Stream
{
public:
    // `tls`: what a wss:// stream trusts (for an https:// server).
    Stream(const QString &baseUrl, const QString &token,
           const std::optional<QSslConfiguration> &tls = {},
           const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        QUrl url(baseUrl);
        url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                             : QStringLiteral("ws"));
        if (tls)
            socket.setSslConfiguration(*tls);
        url.setPath(QLatin1String(sync::route::kEvents));
        QNetworkRequest request(url);
        request.setRawHeader(sync::kProtocolHeader, QByteArray::number(sync::kProtocolVersion));
        if (!token.isEmpty())
            request.setRawHeader(sync::kAuthorizationHeader,
                                 sync::kBearerPrefix + token.toLatin1());
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            messages << QJsonDocument::fromJson(text.toUtf8()).object();
        });
        socket.open(request);
    }
    ~Stream() { socket.abort(); }

    bool waitOpen()
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        return socket.state() == QAbstractSocket::ConnectedState || connected.wait(kStreamWaitMs);
    }
    bool waitClosed()
    {
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        return socket.state() == QAbstractSocket::UnconnectedState ||
               disconnected.wait(kStreamWaitMs);
    }
    // Waits for the n-th message (counting from 1); its "seq", or -1.
    qint64 waitMessage(int n)
    {
        QDeadlineTimer deadline(kStreamWaitMs);
        while (messages.size() < n && !deadline.hasExpired())
            QTest::qWait(5);
        if (messages.size() < n)
            return -1;
        const QJsonObject m = messages.at(n - 1);
        return m.value(QStringLiteral("type")) == QLatin1String(sync::events::kChanged)
                   ? m.value(QStringLiteral("seq")).toInteger(-1)
                   : -1;
    }

    QWebSocket socket;
    QList<QJsonObject> messages;
};

} // namespace hale::test
