#pragma once

// Records the bodies a test exchanges with hale-server, one JSON line each,
// when HALE_API_BODY_LOG names a file (ctest sets it per test); the test
// test_api_bodies_match_spec then validates every line against
// docs/api/openapi.yaml.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

namespace hale::test {

inline QJsonValue bodyJson(const QByteArray &raw)
{
    const QJsonDocument doc = QJsonDocument::fromJson(raw);
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(QJsonValue::Null);
}

inline void logApiBodies(const QByteArray &method, const QUrl &url, int status,
                         const QByteArray &request, const QByteArray &response)
{
    static const QString path = qEnvironmentVariable("HALE_API_BODY_LOG");
    if (path.isEmpty() || status == 0)
        return;
    static bool truncated = false; // each run of a test writes its log anew
    QFile log(path);
    if (!log.open(truncated ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write the API body log %s", qPrintable(path));
    truncated = true;
    const QJsonObject line{{QStringLiteral("method"), QString::fromLatin1(method)},
                           {QStringLiteral("path"), url.path()},
                           {QStringLiteral("status"), status},
                           {QStringLiteral("request"), bodyJson(request)},
                           {QStringLiteral("response"), bodyJson(response)}};
    log.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
}

// A network access manager that logs what goes through it, for the tests
// that drive the app's own ApiClient.
class RecordingNetwork : public QNetworkAccessManager
{
public:
    using QNetworkAccessManager::QNetworkAccessManager;

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoing) override
    {
        const QByteArray body =
            outgoing ? outgoing->peek(outgoing->bytesAvailable()) : QByteArray();
        QByteArray method = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
        if (method.isEmpty())
            method = op == GetOperation ? "GET" : op == PostOperation ? "POST" : "OTHER";
        QNetworkReply *reply = QNetworkAccessManager::createRequest(op, request, outgoing);
        // Connected before the caller's own slot, so the answer is still unread.
        connect(reply, &QNetworkReply::finished, reply, [reply, method, body] {
            logApiBodies(method, reply->url(),
                         reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), body,
                         reply->peek(reply->bytesAvailable()));
        });
        return reply;
    }
};

} // namespace hale::test
