#include "sync/client/api_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace hale::sync {

namespace {

constexpr int kTimeoutMs = 60'000;

std::optional<AuthTokens> tokensFrom(const QJsonObject &o)
{
    AuthTokens t;
    t.userId = o.value(QStringLiteral("user_id")).toString();
    t.deviceId = o.value(QStringLiteral("device_id")).toString();
    t.accessToken = o.value(QStringLiteral("access_token")).toString();
    t.refreshToken = o.value(QStringLiteral("refresh_token")).toString();
    t.expiresInSeconds = qint64(o.value(QStringLiteral("expires_in")).toDouble());
    if (t.accessToken.isEmpty() || t.refreshToken.isEmpty())
        return std::nullopt;
    return t;
}

QJsonObject deviceJson(const DeviceDescription &d)
{
    return {{QStringLiteral("id"), d.id},
            {QStringLiteral("name"), d.name},
            {QStringLiteral("platform"), d.platform}};
}

// For requests whose answer carries nothing beyond success.
auto answered(ApiClient::Callback<bool> done)
{
    return [done = std::move(done)](const QJsonObject &, const ApiError &error) {
        done(error.ok() ? std::optional<bool>(true) : std::nullopt, error);
    };
}

ApiError notTheProtocol()
{
    ApiError e;
    e.kind = ApiError::Kind::Server;
    e.message = ApiClient::tr("The server's answer was not understood.");
    return e;
}

} // namespace

ApiClient::ApiClient(QNetworkAccessManager *network, QUrl baseUrl, QObject *parent)
    : QObject(parent), m_network(network), m_baseUrl(std::move(baseUrl))
{
}

ApiError ApiClient::errorFrom(QNetworkReply *reply, const QJsonObject &body)
{
    ApiError e;
    e.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject error = body.value(QStringLiteral("error")).toObject();
    e.code = error.value(QStringLiteral("code")).toString();
    e.message = error.value(QStringLiteral("message")).toString();
    const QJsonObject details = error.value(QStringLiteral("details")).toObject();
    e.record = details.value(QStringLiteral("record")).toString();
    e.field = details.value(QStringLiteral("field")).toString();
    e.retryAfterSeconds = reply->rawHeader("Retry-After").toInt();
    if (e.status == 0) {
        e.kind = ApiError::Kind::Network;
        e.message = reply->errorString();
        return e;
    }
    switch (e.status) {
    case 400:
    case 413:
        e.kind = ApiError::Kind::Invalid;
        break;
    case 401:
        e.kind = ApiError::Kind::Unauthorized;
        break;
    case 404:
        e.kind = ApiError::Kind::NotFound;
        break;
    case 409:
        e.kind = ApiError::Kind::Conflict;
        break;
    case 426:
        e.kind = ApiError::Kind::UpgradeRequired;
        break;
    case 429:
        e.kind = ApiError::Kind::RateLimited;
        break;
    default:
        e.kind = e.status >= 200 && e.status < 300 ? ApiError::Kind::None : ApiError::Kind::Server;
    }
    if (e.message.isEmpty() && !e.ok())
        e.message = tr("The server answered %1.").arg(e.status);
    return e;
}

void ApiClient::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                     bool authenticated, Handler handler)
{
    const QByteArray payload = body.isEmpty() && method != "POST"
                                   ? QByteArray()
                                   : QJsonDocument(body).toJson(QJsonDocument::Compact);
    sendRaw(method, path, payload, authenticated, std::move(handler));
}

void ApiClient::sendRaw(const QByteArray &method, const QString &path, const QByteArray &payload,
                        bool authenticated, Handler handler)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Hale-Protocol", QByteArray::number(kProtocolVersion));
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + m_accessToken.toLatin1());
    request.setTransferTimeout(kTimeoutMs);
    m_bytesSent += payload.size();
    ++m_requests;
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, payload);
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler = std::move(handler)] {
        reply->deleteLater();
        const QByteArray raw = reply->readAll();
        m_bytesReceived += raw.size();
        const QJsonObject json = QJsonDocument::fromJson(raw).object();
        handler(json, errorFrom(reply, json));
    });
}

void ApiClient::authenticate(const QString &path, const QString &email, const QString &password,
                             const DeviceDescription &device, Callback<AuthTokens> done)
{
    send("POST", path,
         {{QStringLiteral("email"), email},
          {QStringLiteral("password"), password},
          {QStringLiteral("device"), deviceJson(device)}},
         false, [this, done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto tokens = tokensFrom(body);
             if (tokens)
                 m_accessToken = tokens->accessToken;
             done(tokens, tokens ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::signUp(const QString &email, const QString &password,
                       const DeviceDescription &device, Callback<AuthTokens> done)
{
    authenticate(QStringLiteral("/api/v1/auth/register"), email, password, device, std::move(done));
}

void ApiClient::signIn(const QString &email, const QString &password,
                       const DeviceDescription &device, Callback<AuthTokens> done)
{
    authenticate(QStringLiteral("/api/v1/auth/login"), email, password, device, std::move(done));
}

void ApiClient::refresh(const QString &refreshToken, Callback<AuthTokens> done)
{
    send("POST", QStringLiteral("/api/v1/auth/refresh"),
         {{QStringLiteral("refresh_token"), refreshToken}}, false,
         [this, done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto tokens = tokensFrom(body);
             if (tokens)
                 m_accessToken = tokens->accessToken;
             done(tokens, tokens ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::signOut(Callback<bool> done)
{
    send("POST", QStringLiteral("/api/v1/auth/logout"), {}, true, answered(std::move(done)));
}

void ApiClient::sync(const SyncRequest &request, Callback<SyncResponse> done)
{
    sendRaw("POST", QStringLiteral("/api/v1/sync"), encodeSyncRequestJson(request), true,
            [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
                if (!error.ok())
                    return done(std::nullopt, error);
                WireError wire;
                // Fields this version does not know are kept, never dropped.
                const auto response = decodeSyncResponse(body, UnknownFields::Keep, &wire);
                done(response, response ? ApiError{} : notTheProtocol());
            });
}

void ApiClient::devices(Callback<QList<DeviceDescription>> done)
{
    send("GET", QStringLiteral("/api/v1/devices"), {}, true,
         [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             QList<DeviceDescription> list;
             for (const QJsonValue &v : body.value(QStringLiteral("devices")).toArray()) {
                 const QJsonObject d = v.toObject();
                 list.append({d.value(QStringLiteral("id")).toString(),
                              d.value(QStringLiteral("name")).toString(),
                              d.value(QStringLiteral("platform")).toString(),
                              d.value(QStringLiteral("last_seen")).toString(),
                              d.value(QStringLiteral("revoked")).toBool(),
                              d.value(QStringLiteral("current")).toBool()});
             }
             done(list, {});
         });
}

void ApiClient::renameDevice(const QString &deviceId, const QString &name, Callback<bool> done)
{
    send("PATCH", QStringLiteral("/api/v1/devices/") + deviceId, {{QStringLiteral("name"), name}},
         true, answered(std::move(done)));
}

void ApiClient::revokeDevice(const QString &deviceId, Callback<bool> done)
{
    send("DELETE", QStringLiteral("/api/v1/devices/") + deviceId, {}, true,
         answered(std::move(done)));
}

void ApiClient::deleteKind(const QString &kind, Callback<int> done)
{
    send("DELETE", QStringLiteral("/api/v1/data/") + kind, {}, true,
         [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             done(body.value(QStringLiteral("erased")).toInt(), {});
         });
}

void ApiClient::deleteAccount(Callback<bool> done)
{
    send("DELETE", QStringLiteral("/api/v1/account"), {}, true, answered(std::move(done)));
}

} // namespace hale::sync
