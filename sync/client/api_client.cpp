#include "sync/client/api_client.h"

#include "sync/core/schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace hale::sync {

namespace {

constexpr int kTimeoutMs = 60'000;

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
    m_decoder.setMaxThreadCount(1);
    m_decoder.setObjectName(QStringLiteral("hale-sync-decoder"));
}

ApiClient::~ApiClient()
{
    // A decoding still running posts its answer to this object: wait for it
    // while this is still a whole QObject (its pending events then go with it).
    m_decoder.clear();
    m_decoder.waitForDone();
}

ApiError ApiClient::errorFrom(QNetworkReply *reply, const QByteArray &body)
{
    ApiError e;
    e.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool success = e.status >= 200 && e.status < 300;
    if (const auto error =
            success ? std::nullopt : decodeError(QJsonDocument::fromJson(body).object())) {
        e.code = error->code;
        e.message = error->message;
        e.record = error->record();
        e.field = error->field();
    }
    e.retryAfterSeconds = reply->rawHeader(kRetryAfterHeader).toInt();
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
    sendRaw(method, path, payload, authenticated,
            [handler = std::move(handler)](const QByteArray &body, const ApiError &error) {
                handler(QJsonDocument::fromJson(body).object(), error);
            });
}

void ApiClient::sendRaw(const QByteArray &method, const QString &path, const QByteArray &payload,
                        bool authenticated, RawHandler handler)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader(kProtocolHeader, QByteArray::number(kProtocolVersion));
    if (authenticated)
        request.setRawHeader(kAuthorizationHeader, kBearerPrefix + m_accessToken.toLatin1());
    request.setTransferTimeout(kTimeoutMs);
    m_bytesSent += payload.size();
    ++m_requests;
    ++m_inFlight;
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, payload);
    if (!payload.isEmpty()) {
        connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64 total) {
            if (sent == total && total > 0)
                emit uploaded();
        });
    }
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler = std::move(handler)] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        m_bytesReceived += body.size();
        handler(body, errorFrom(reply, body));
        if (--m_inFlight == 0)
            emit idle();
    });
}

void ApiClient::authenticate(const QString &path, const QString &email, const QString &password,
                             const DeviceDescription &device, Callback<AuthTokens> done)
{
    send("POST", path, encodeCredentials({email, password, device}), false,
         [this, done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto tokens = decodeTokens(body);
             if (tokens)
                 m_accessToken = tokens->accessToken;
             done(tokens, tokens ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::signUp(const QString &email, const QString &password,
                       const DeviceDescription &device, Callback<AuthTokens> done)
{
    authenticate(routePath(route::kRegister), email, password, device, std::move(done));
}

void ApiClient::signIn(const QString &email, const QString &password,
                       const DeviceDescription &device, Callback<AuthTokens> done)
{
    authenticate(routePath(route::kLogin), email, password, device, std::move(done));
}

void ApiClient::refresh(const QString &refreshToken, Callback<AuthTokens> done)
{
    send("POST", routePath(route::kRefresh), encodeRefreshRequest(refreshToken), false,
         [this, done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto tokens = decodeTokens(body);
             if (tokens)
                 m_accessToken = tokens->accessToken;
             done(tokens, tokens ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::signOut(Callback<bool> done)
{
    send("POST", routePath(route::kLogout), {}, true, answered(std::move(done)));
}

void ApiClient::sync(const SyncRequest &request, Callback<SyncResponse> done,
                     std::function<void(const SyncResponse &head)> onHead)
{
    sync(request, encodeChangesJson(request.changes), std::move(done), std::move(onHead));
}

void ApiClient::sync(const SyncRequest &request, const QByteArray &encodedChanges,
                     Callback<SyncResponse> done,
                     std::function<void(const SyncResponse &head)> onHead,
                     std::function<void(SyncResponse &answer)> onDecoded)
{
    sendRaw(
        "POST", routePath(route::kSync), encodeSyncRequestJson(request, encodedChanges), true,
        [this, done = std::move(done), onHead = std::move(onHead),
         onDecoded = std::move(onDecoded)](const QByteArray &body, const ApiError &error) {
            // The whole answer, fields this version does not know kept
            // (never dropped). `headRead` sees its cursor and has_more as
            // soon as they are read, before its records are.
            const auto decode = [body, error, onDecoded](ApiError *result, const auto &headRead) {
                *result = error;
                WireError wire;
                auto response = error.ok() ? decodeSyncResponse(body, UnknownFields::Keep, &wire,
                                                                headRead, SealedValues::Accept)
                                           : std::nullopt;
                if (error.ok() && !response)
                    *result = notTheProtocol();
                if (response && onDecoded)
                    onDecoded(*response);
                return response;
            };
            // A page of records (several milliseconds for a thousand) is
            // parsed and decoded on the decoder's thread while this one
            // stores the page before; its head comes back first, so that
            // the next page can be asked for. Answers reach `done` in the
            // order they came.
            constexpr qsizetype kDecodeHereBelow = 64 * 1024;
            if (m_decoding == 0 && (!error.ok() || body.size() < kDecodeHereBelow)) {
                ApiError result;
                const auto response = decode(&result, [&onHead](const SyncResponse &head) {
                    if (onHead)
                        onHead(head);
                });
                return done(response, result);
            }
            ++m_decoding;
            ++m_inFlight;
            m_decoder.start([this, decode, done, onHead] {
                ApiError result;
                auto response = decode(&result, [this, &onHead](const SyncResponse &head) {
                    if (onHead) {
                        QMetaObject::invokeMethod(
                            this, [onHead, head] { onHead(head); }, Qt::QueuedConnection);
                    }
                });
                QMetaObject::invokeMethod(
                    this,
                    [this, response = std::move(response), result, done]() mutable {
                        --m_decoding;
                        done(response, result);
                        // Its thousand records are freed on the decoder's
                        // thread, not this one.
                        m_decoder.start([freed = std::move(response)] {});
                        if (--m_inFlight == 0)
                            emit idle();
                    },
                    Qt::QueuedConnection);
            });
        });
}

void ApiClient::devices(Callback<QList<DeviceDescription>> done)
{
    send("GET", routePath(route::kDevices), {}, true,
         [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto list = decodeDeviceList(body);
             done(list, list ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::renameDevice(const QString &deviceId, const QString &name, Callback<bool> done)
{
    send("PATCH", routePath(route::kDevice, deviceId), encodeRename(name), true,
         answered(std::move(done)));
}

void ApiClient::revokeDevice(const QString &deviceId, Callback<bool> done)
{
    send("DELETE", routePath(route::kDevice, deviceId), {}, true, answered(std::move(done)));
}

void ApiClient::deleteKind(const QString &kind, Callback<int> done)
{
    send("DELETE", routePath(route::kKindData, kind), {}, true,
         [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (!error.ok())
                 return done(std::nullopt, error);
             const auto erased = decodeErased(body);
             done(erased, erased ? ApiError{} : notTheProtocol());
         });
}

void ApiClient::deleteAccount(Callback<bool> done)
{
    send("DELETE", routePath(route::kAccount), {}, true, answered(std::move(done)));
}

void ApiClient::accountKeys(Callback<QJsonObject> done)
{
    send("GET", routePath(route::kAccountKeys), {}, true,
         [done = std::move(done)](const QJsonObject &body, const ApiError &error) {
             if (error.kind == ApiError::Kind::NotFound)
                 return done(QJsonObject(), {}); // an account in clear
             if (!error.ok())
                 return done(std::nullopt, error);
             const QJsonValue keys = body.value(QStringLiteral("keys"));
             if (!checkAccountKeys(keys).isEmpty())
                 return done(std::nullopt, notTheProtocol());
             done(keys.toObject(), {});
         });
}

void ApiClient::setAccountKeys(const QJsonObject &keys, const QJsonObject &previous, qint64 cursor,
                               Callback<bool> done)
{
    // The kinds this version knows: switching on erases only an account
    // whose records are all of them.
    QJsonArray kinds;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds())
        kinds.append(kind.name);
    QJsonObject body{{QStringLiteral("keys"), keys},
                     {QStringLiteral("cursor"), cursor},
                     {QStringLiteral("kinds"), kinds}};
    if (!previous.isEmpty())
        body.insert(QStringLiteral("previous"), previous);
    send("PUT", routePath(route::kAccountKeys), body, true, answered(std::move(done)));
}

} // namespace hale::sync
