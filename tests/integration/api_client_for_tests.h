#pragma once

#include "sync/core/protocol.h"
#include "tests/integration/body_log.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTimer>
#include <QUuid>
#include <optional>

namespace hale::test {

// Raw JSON requests to hale-server, for checking the API's edges (the app's
// ApiClient speaks only well-formed protocol).
class RawApi
{
public:
    explicit RawApi(QString baseUrl) : m_base(std::move(baseUrl)) {}
    // For HTTPS with a test certificate: trust exactly `tls`'s CA certificates.
    void setTls(const QSslConfiguration &tls) { m_tls = tls; }
    // A header sent with every request from now on (empty value: none).
    void setHeader(const QByteArray &name, const QByteArray &value) { m_headers[name] = value; }

    struct Reply
    {
        int status = 0;
        QJsonObject body;
        QByteArray raw;
        QByteArray retryAfter; // the Retry-After header, if any
        QString errorCode() const
        {
            return body.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("code"))
                .toString();
        }
    };

    Reply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QString &token = {}, bool withProtocol = true)
    {
        QNetworkRequest request(QUrl(m_base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (withProtocol)
            request.setRawHeader(sync::kProtocolHeader, QByteArray::number(sync::kProtocolVersion));
        if (!token.isEmpty())
            request.setRawHeader(sync::kAuthorizationHeader,
                                 sync::kBearerPrefix + token.toLatin1());
        if (m_tls)
            request.setSslConfiguration(*m_tls);
        for (auto h = m_headers.cbegin(); h != m_headers.cend(); ++h) {
            if (!h.value().isEmpty())
                request.setRawHeader(h.key(), h.value());
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.raw = reply->readAll();
        out.retryAfter = reply->rawHeader(sync::kRetryAfterHeader);
        out.body = QJsonDocument::fromJson(out.raw).object();
        logApiBodies(method, reply->url(), out.status, body, out.raw);
        delete reply;
        return out;
    }

    Reply call(const QByteArray &method, const QString &path, const QJsonObject &body,
               const QString &token = {})
    {
        return call(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }

    static QJsonObject device(const QString &name, QString id = {})
    {
        if (id.isEmpty())
            id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        return {{QStringLiteral("id"), id},
                {QStringLiteral("name"), name},
                {QStringLiteral("platform"), QStringLiteral("linux")}};
    }

    // Signs up (or in) and returns the token reply.
    Reply account(const QString &email, const QJsonObject &device, bool signUp = true)
    {
        return call("POST",
                    signUp ? QStringLiteral("/api/v1/auth/register")
                           : QStringLiteral("/api/v1/auth/login"),
                    QJsonObject{{QStringLiteral("email"), email},
                                {QStringLiteral("password"), QStringLiteral("correct horse")},
                                {QStringLiteral("device"), device}});
    }

private:
    QString m_base;
    QNetworkAccessManager m_nam;
    std::optional<QSslConfiguration> m_tls;
    QHash<QByteArray, QByteArray> m_headers;
};

} // namespace hale::test
