#include "sync/server/api.h"

#include "models/schema/schema.h"
#include "sync/server/crypto.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace hale::server {

namespace {

constexpr int kMinPasswordLength = 8;
constexpr int kMaxPasswordLength = 1024;

HttpResponse badRequest(const QString &message, const QJsonObject &details = {})
{
    return HttpResponse::error(400, QStringLiteral("validation"), message, details);
}

HttpResponse unauthorized(const QString &message)
{
    HttpResponse r = HttpResponse::error(401, QStringLiteral("unauthorized"), message);
    r.setHeader("WWW-Authenticate", "Bearer");
    return r;
}

HttpResponse serverError()
{
    return HttpResponse::error(500, QStringLiteral("internal"),
                               QStringLiteral("The server could not complete the request."));
}

std::optional<QJsonObject> bodyObject(const HttpRequest &request, HttpResponse *refusal)
{
    sync::WireError error;
    auto json = sync::parseObject(request.body, &error);
    if (!json)
        *refusal = badRequest(error.message);
    return json;
}

bool validEmail(const QString &email)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s]{1,64}@[^@\\s]{1,255}$"));
    return re.match(email).hasMatch();
}

// The device a sign-up or sign-in comes from: {"id": uuid, "name": ..., "platform": ...}.
std::optional<DeviceInfo> deviceFrom(const QJsonObject &body, HttpResponse *refusal)
{
    const QJsonObject d = body.value(QStringLiteral("device")).toObject();
    DeviceInfo device;
    device.id =
        QUuid::fromString(d.value(QStringLiteral("id")).toString()).toString(QUuid::WithoutBraces);
    device.name = d.value(QStringLiteral("name")).toString().trimmed();
    device.platform = d.value(QStringLiteral("platform")).toString().trimmed();
    if (QUuid::fromString(device.id).isNull() || device.name.isEmpty() ||
        device.name.size() > 100 || device.platform.isEmpty() || device.platform.size() > 40) {
        *refusal = badRequest(QStringLiteral("device needs an id (UUID), a name (1-100 characters) "
                                             "and a platform (1-40 characters)."),
                              {{QStringLiteral("field"), QStringLiteral("device")}});
        return std::nullopt;
    }
    return device;
}

QJsonObject deviceJson(const DeviceInfo &d, const QString &callerDevice)
{
    return {{QStringLiteral("id"), d.id},
            {QStringLiteral("name"), d.name},
            {QStringLiteral("platform"), d.platform},
            {QStringLiteral("last_seen"), d.lastSeen.toString(Qt::ISODateWithMs)},
            {QStringLiteral("revoked"), d.revoked},
            {QStringLiteral("current"), d.id == callerDevice}};
}

HttpResponse tooManyRequests(int retryAfter)
{
    HttpResponse r = HttpResponse::error(429, QStringLiteral("rate_limited"),
                                         QStringLiteral("Too many requests; try again shortly."),
                                         {{QStringLiteral("retry_after"), retryAfter}});
    r.setHeader("Retry-After", QByteArray::number(retryAfter));
    return r;
}

} // namespace

Api::Api(ServerStore *store, Settings settings)
    : m_store(store), m_settings(std::move(settings)), m_perUser(m_settings.requestsPerMinute),
      m_signInsPerAccount(m_settings.signInsPerMinute),
      m_signInsPerAddress(m_settings.signInsPerMinute * 3)
{
    if (!m_settings.nowMs)
        m_settings.nowMs = [] {
            return QDateTime::currentMSecsSinceEpoch();
        };
}

void Api::addRoutes(Router &router)
{
    using P = const QStringList &;
    router.add("POST", QStringLiteral("/api/v1/auth/register"),
               [this](const HttpRequest &r, P) { return registerAccount(r); });
    router.add("POST", QStringLiteral("/api/v1/auth/login"),
               [this](const HttpRequest &r, P) { return login(r); });
    router.add("POST", QStringLiteral("/api/v1/auth/refresh"),
               [this](const HttpRequest &r, P) { return refresh(r); });
    router.add("POST", QStringLiteral("/api/v1/auth/logout"),
               [this](const HttpRequest &r, P) { return logout(r); });
    router.add("GET", QStringLiteral("/api/v1/devices"),
               [this](const HttpRequest &r, P) { return listDevices(r); });
    router.add("PATCH", QStringLiteral("/api/v1/devices/{}"),
               [this](const HttpRequest &r, P p) { return renameDevice(r, p.first()); });
    router.add("DELETE", QStringLiteral("/api/v1/devices/{}"),
               [this](const HttpRequest &r, P p) { return revokeDevice(r, p.first()); });
    router.add("POST", QStringLiteral("/api/v1/sync"),
               [this](const HttpRequest &r, P) { return sync(r); });
    router.add("GET", QStringLiteral("/api/v1/account/export"),
               [this](const HttpRequest &r, P) { return exportAccount(r); });
    router.add("DELETE", QStringLiteral("/api/v1/account"),
               [this](const HttpRequest &r, P) { return deleteAccount(r); });
    router.add("DELETE", QStringLiteral("/api/v1/data/{}"),
               [this](const HttpRequest &r, P p) { return deleteKind(r, p.first()); });
}

std::optional<HttpResponse> Api::checkProtocol(const HttpRequest &request) const
{
    bool ok = false;
    const int version = request.header(kProtocolHeader).toInt(&ok);
    if (ok && version >= sync::kProtocolVersion)
        return std::nullopt;
    return HttpResponse::error(
        426, QStringLiteral("upgrade_required"),
        QStringLiteral("This version of Hale is too old to sync with this server. Please update "
                       "Hale."),
        {{QStringLiteral("min_protocol_version"), sync::kProtocolVersion}});
}

std::optional<Api::Caller> Api::authenticate(const HttpRequest &request, HttpResponse *refusal)
{
    if (auto tooOld = checkProtocol(request)) {
        *refusal = *tooOld;
        return std::nullopt;
    }
    const QByteArray header = request.header("authorization");
    if (!header.startsWith("Bearer ")) {
        *refusal = unauthorized(QStringLiteral("Sign in first."));
        return std::nullopt;
    }
    const auto claims =
        crypto::verifyJwt(QString::fromLatin1(header.mid(7)), m_settings.signingSecret,
                          {QLatin1String(kAudience), m_settings.nowMs() / 1000});
    if (!claims) {
        *refusal = unauthorized(QStringLiteral("The access token is not valid; refresh it."));
        return std::nullopt;
    }
    Caller caller{claims->value(QStringLiteral("sub")).toString(),
                  claims->value(QStringLiteral("dev")).toString()};
    int retryAfter = 0;
    if (!m_perUser.take(caller.userId, m_settings.nowMs(), &retryAfter)) {
        *refusal = tooManyRequests(retryAfter);
        return std::nullopt;
    }
    // A revoked device's token stops working at once, not when it expires.
    if (!m_store->deviceActive(caller.userId, caller.deviceId)) {
        *refusal = unauthorized(QStringLiteral("This device was signed out."));
        return std::nullopt;
    }
    return caller;
}

HttpResponse Api::issueTokens(int status, const QString &userId, const QString &deviceId)
{
    const qint64 nowSeconds = m_settings.nowMs() / 1000;
    const QString access =
        crypto::signJwt({{QStringLiteral("sub"), userId},
                         {QStringLiteral("dev"), deviceId},
                         {QStringLiteral("aud"), QLatin1String(kAudience)},
                         {QStringLiteral("iat"), nowSeconds},
                         {QStringLiteral("exp"), nowSeconds + m_settings.accessTokenSeconds}},
                        m_settings.signingSecret);
    const QString refreshToken = crypto::randomToken();
    if (!m_store->storeRefreshToken(crypto::tokenDigest(refreshToken), userId, deviceId,
                                    nowSeconds + m_settings.refreshTokenSeconds))
        return serverError();
    return HttpResponse::json(status,
                              {{QStringLiteral("user_id"), userId},
                               {QStringLiteral("device_id"), deviceId},
                               {QStringLiteral("access_token"), access},
                               {QStringLiteral("expires_in"), m_settings.accessTokenSeconds},
                               {QStringLiteral("refresh_token"), refreshToken}});
}

std::optional<Api::Credentials> Api::readCredentials(const HttpRequest &request,
                                                     HttpResponse *refusal)
{
    if (auto tooOld = checkProtocol(request)) {
        *refusal = *tooOld;
        return std::nullopt;
    }
    const auto body = bodyObject(request, refusal);
    if (!body)
        return std::nullopt;
    const auto device = deviceFrom(*body, refusal);
    if (!device)
        return std::nullopt;
    Credentials c{body->value(QStringLiteral("email")).toString().trimmed().toLower(),
                  body->value(QStringLiteral("password")).toString(), *device};
    if (auto throttled = throttleSignIn(request, c.email)) {
        *refusal = *throttled;
        return std::nullopt;
    }
    return c;
}

HttpResponse Api::registerAccount(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto credentials = readCredentials(request, &refusal);
    if (!credentials)
        return refusal;
    if (!validEmail(credentials->email))
        return badRequest(QStringLiteral("email is not an email address."),
                          {{QStringLiteral("field"), QStringLiteral("email")}});
    if (credentials->password.size() < kMinPasswordLength ||
        credentials->password.size() > kMaxPasswordLength)
        return badRequest(
            QStringLiteral("password must have at least %1 characters.").arg(kMinPasswordLength),
            {{QStringLiteral("field"), QStringLiteral("password")}});
    const QString hash = crypto::hashPassword(credentials->password);
    if (hash.isEmpty())
        return serverError();
    QString userId;
    switch (m_store->createUser(credentials->email, hash, &userId)) {
    case ServerStore::Created::EmailTaken:
        return HttpResponse::error(409, QStringLiteral("email_taken"),
                                   QStringLiteral("An account with this email already exists."));
    case ServerStore::Created::Failed:
        return serverError();
    case ServerStore::Created::Ok:
        break;
    }
    if (!m_store->upsertDevice(userId, credentials->device))
        return serverError();
    return issueTokens(201, userId, credentials->device.id);
}

HttpResponse Api::login(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto credentials = readCredentials(request, &refusal);
    if (!credentials)
        return refusal;
    const auto account = m_store->accountByEmail(credentials->email);
    // The same answer for an unknown email and a wrong password.
    if (!account || credentials->password.size() > kMaxPasswordLength ||
        !crypto::verifyPassword(credentials->password, account->passwordHash))
        return unauthorized(QStringLiteral("The email or the password is wrong."));
    if (!m_store->upsertDevice(account->id, credentials->device))
        return serverError();
    return issueTokens(200, account->id, credentials->device.id);
}

HttpResponse Api::refresh(const HttpRequest &request)
{
    if (auto tooOld = checkProtocol(request))
        return *tooOld;
    HttpResponse refusal;
    const auto body = bodyObject(request, &refusal);
    if (!body)
        return refusal;
    const QString token = body->value(QStringLiteral("refresh_token")).toString();
    if (token.isEmpty() || token.size() > 200)
        return unauthorized(QStringLiteral("Sign in again."));
    QString userId;
    QString deviceId;
    switch (m_store->consumeRefreshToken(crypto::tokenDigest(token), m_settings.nowMs() / 1000,
                                         &userId, &deviceId)) {
    case ServerStore::Refresh::Ok:
        if (!m_store->deviceActive(userId, deviceId))
            return unauthorized(QStringLiteral("This device was signed out."));
        return issueTokens(200, userId, deviceId);
    case ServerStore::Refresh::Reused:
        return unauthorized(QStringLiteral("This sign-in was used twice, so it was ended for "
                                           "safety. Sign in again."));
    case ServerStore::Refresh::Expired:
    case ServerStore::Refresh::Unknown:
        break;
    }
    // A revoked device's tokens are deleted, so revoked and expired look
    // the same here.
    return unauthorized(QStringLiteral("This device was signed out (from another device, or "
                                       "its sign-in ran out). Sign in again."));
}

HttpResponse Api::logout(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!m_store->revokeDevice(caller->userId, caller->deviceId))
        return serverError();
    return HttpResponse::json(200, {{QStringLiteral("signed_out"), true}});
}

HttpResponse Api::listDevices(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    QJsonArray list;
    for (const DeviceInfo &d : m_store->devices(caller->userId))
        list.append(deviceJson(d, caller->deviceId));
    return HttpResponse::json(200, {{QStringLiteral("devices"), list}});
}

HttpResponse Api::renameDevice(const HttpRequest &request, const QString &deviceId)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    const auto body = bodyObject(request, &refusal);
    if (!body)
        return refusal;
    const QString name = body->value(QStringLiteral("name")).toString().trimmed();
    if (name.isEmpty() || name.size() > 100)
        return badRequest(QStringLiteral("name must have 1-100 characters."),
                          {{QStringLiteral("field"), QStringLiteral("name")}});
    // Another user's device is simply not found.
    if (!m_store->renameDevice(caller->userId, deviceId, name))
        return HttpResponse::error(404, QStringLiteral("not_found"),
                                   QStringLiteral("No such device."));
    return HttpResponse::json(200,
                              {{QStringLiteral("id"), deviceId}, {QStringLiteral("name"), name}});
}

HttpResponse Api::revokeDevice(const HttpRequest &request, const QString &deviceId)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!m_store->revokeDevice(caller->userId, deviceId))
        return HttpResponse::error(404, QStringLiteral("not_found"),
                                   QStringLiteral("No such device."));
    return HttpResponse::json(
        200, {{QStringLiteral("id"), deviceId}, {QStringLiteral("revoked"), true}});
}

HttpResponse Api::sync(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    sync::WireError error;
    const auto json = sync::parseObject(request.body, &error);
    const auto syncRequest =
        json ? sync::decodeSyncRequest(*json, sync::UnknownFields::Refuse, &error) : std::nullopt;
    if (!syncRequest)
        return badRequest(error.message, {{QStringLiteral("record"), error.record},
                                          {QStringLiteral("field"), error.field}});
    // One bad clock must not win every conflict forever.
    const qint64 limit = m_settings.nowMs() + m_settings.maxClockSkewMs;
    for (const sync::RecordState &change : syncRequest->changes) {
        if (change.latestStamp().millis > limit)
            return badRequest(QStringLiteral("A change is stamped too far in the future; check "
                                             "this device's clock."),
                              {{QStringLiteral("record"), sync::recordKey(change)}});
    }
    QString failure;
    QList<QByteArray> changes;
    const auto response = m_store->sync(caller->userId, *syncRequest, &changes, &failure);
    if (!response)
        return serverError();
    return HttpResponse::json(200, sync::encodeSyncResponseJson(*response, changes));
}

} // namespace hale::server

namespace hale::server {

// Password guessing is slowed per account and per address; Argon2id makes
// each guess expensive as well.
std::optional<HttpResponse> Api::throttleSignIn(const HttpRequest &request, const QString &email)
{
    int retryAfter = 0;
    const qint64 now = m_settings.nowMs();
    if (!m_signInsPerAddress.take(request.peer.toString(), now, &retryAfter) ||
        !m_signInsPerAccount.take(email, now, &retryAfter))
        return tooManyRequests(retryAfter);
    return std::nullopt;
}

HttpResponse Api::exportAccount(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    QJsonArray devices;
    for (const DeviceInfo &d : m_store->devices(caller->userId))
        devices.append(deviceJson(d, caller->deviceId));
    QJsonArray records;
    for (const sync::RecordState &state : m_store->allRecords(caller->userId))
        records.append(sync::encodeRecord(state));
    return HttpResponse::json(200, {{QStringLiteral("user_id"), caller->userId},
                                    {QStringLiteral("exported_at"),
                                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                    {QStringLiteral("devices"), devices},
                                    {QStringLiteral("records"), records}});
}

HttpResponse Api::deleteAccount(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!m_store->deleteUser(caller->userId))
        return serverError();
    return HttpResponse::json(200, {{QStringLiteral("deleted"), true}});
}

HttpResponse Api::deleteKind(const HttpRequest &request, const QString &kind)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!SchemaRegistry::instance().kind(kind))
        return HttpResponse::error(404, QStringLiteral("not_found"),
                                   QStringLiteral("No such kind of record."));
    const int erased = m_store->deleteKind(caller->userId, kind);
    if (erased < 0)
        return serverError();
    return HttpResponse::json(200,
                              {{QStringLiteral("kind"), kind}, {QStringLiteral("erased"), erased}});
}

} // namespace hale::server
