#include "sync/server/api.h"

#include "sync/core/protocol.h"
#include "sync/core/schema.h"
#include "sync/server/crypto.h"
#include "sync/server/event_grant.h"
#include "sync/server/http_server.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace hale::server {

namespace {

constexpr int kMinPasswordLength = 8;
constexpr int kMaxPasswordLength = 1024;
// A push of at least this many records is part of a transfer in progress.
constexpr int kTransferBatch = 100;

namespace code = sync::errorcode;

HttpResponse badRequest(const QString &message, const QJsonObject &details = {})
{
    return HttpResponse::error(400, QLatin1String(code::kValidation), message, details);
}

HttpResponse unauthorized(const QString &message)
{
    HttpResponse r = HttpResponse::error(401, QLatin1String(code::kUnauthorized), message);
    r.setHeader(sync::kWwwAuthenticateHeader, "Bearer");
    return r;
}

HttpResponse serverError()
{
    return HttpResponse::error(500, QLatin1String(code::kInternal),
                               QStringLiteral("The server could not complete the request."));
}

// The database did not answer: nothing about the caller is known, so nothing
// about their session is decided. Clients keep it and try again.
HttpResponse unavailable()
{
    HttpResponse r = HttpResponse::error(
        503, QLatin1String(code::kUnavailable),
        QStringLiteral("The server cannot reach its database just now; try again shortly."),
        {{QStringLiteral("retry_after"), Api::kUnavailableRetrySeconds}});
    r.setHeader(sync::kRetryAfterHeader, QByteArray::number(Api::kUnavailableRetrySeconds));
    return r;
}

// Every route's handler, with a database failure answered as 503.
RouteHandler guarded(RouteHandler fn)
{
    return [fn = std::move(fn)](const HttpRequest &request, const QStringList &params) {
        try {
            return fn(request, params);
        } catch (const DatabaseUnavailable &) {
            return unavailable();
        }
    };
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

// The device a sign-up or sign-in comes from, as the store keeps it.
DeviceInfo storedDevice(const sync::DeviceDescription &d)
{
    return {d.id, d.name, d.platform, {}, false};
}

sync::DeviceDescription deviceDescription(const DeviceInfo &d, const QString &callerDevice)
{
    return sync::DeviceDescription({d.id, d.name, d.platform,
                                    d.lastSeen.toString(Qt::ISODateWithMs), d.revoked,
                                    d.id == callerDevice});
}

HttpResponse tooManyRequests(int retryAfter)
{
    HttpResponse r = HttpResponse::error(429, QLatin1String(code::kRateLimited),
                                         QStringLiteral("Too many requests; try again shortly."),
                                         {{QStringLiteral("retry_after"), retryAfter}});
    r.setHeader(sync::kRetryAfterHeader, QByteArray::number(retryAfter));
    return r;
}

} // namespace

Api::Api(ServerStore *store, Settings settings)
    : m_store(store), m_settings(std::move(settings)), m_perUser(m_settings.requestsPerMinute),
      m_transfersPerUser(m_settings.requestsPerMinute * m_settings.transferRequestsFactor)
{
    if (!m_settings.nowMs)
        m_settings.nowMs = [] {
            return QDateTime::currentMSecsSinceEpoch();
        };
    if (m_store) // (none when only the routes are listed)
        m_unknownAccountHash = crypto::hashPassword(crypto::randomToken());
}

void Api::addRoutes(Router &router)
{
    using P = const QStringList &;
    namespace route = sync::route;
    const auto add = [&router](const char *method, const char *pattern, auto fn) {
        router.add(method, QLatin1String(pattern), guarded(std::move(fn)));
    };
    add("POST", route::kRegister, [this](const HttpRequest &r, P) { return registerAccount(r); });
    add("POST", route::kLogin, [this](const HttpRequest &r, P) { return login(r); });
    add("POST", route::kRefresh, [this](const HttpRequest &r, P) { return refresh(r); });
    add("POST", route::kLogout, [this](const HttpRequest &r, P) { return logout(r); });
    add("GET", route::kDevices, [this](const HttpRequest &r, P) { return listDevices(r); });
    add("PATCH", route::kDevice,
        [this](const HttpRequest &r, P p) { return renameDevice(r, p.first()); });
    add("DELETE", route::kDevice,
        [this](const HttpRequest &r, P p) { return revokeDevice(r, p.first()); });
    add("POST", route::kSync, [this](const HttpRequest &r, P) { return sync(r); });
    add("GET", route::kEvents, [this](const HttpRequest &r, P) { return events(r); });
    add("GET", route::kAccountExport, [this](const HttpRequest &r, P) { return exportAccount(r); });
    add("GET", route::kAccountKeys, [this](const HttpRequest &r, P) { return accountKeys(r); });
    add("PUT", route::kAccountKeys, [this](const HttpRequest &r, P) { return setAccountKeys(r); });
    add("DELETE", route::kAccount, [this](const HttpRequest &r, P) { return deleteAccount(r); });
    add("DELETE", route::kKindData,
        [this](const HttpRequest &r, P p) { return deleteKind(r, p.first()); });
    // Readiness, for load balancers: whether the database answers. (/healthz
    // is liveness: the process serves, whatever its database does.)
    router.add("GET", QLatin1String(sync::route::kReady), [this](const HttpRequest &, P) {
        if (m_store->ping())
            return HttpResponse::json(200, {{QStringLiteral("status"), QStringLiteral("ready")},
                                            {QStringLiteral("database"), QStringLiteral("ok")}});
        return unavailable();
    });
}

std::optional<HttpResponse> Api::checkProtocol(const HttpRequest &request) const
{
    bool ok = false;
    const int version = request.header(sync::kProtocolHeader).toInt(&ok);
    if (ok && version >= sync::kProtocolVersion)
        return std::nullopt;
    return HttpResponse::error(
        426, QLatin1String(code::kUpgradeRequired),
        QStringLiteral("This version of Hale is too old to sync with this server. Please update "
                       "Hale."),
        {{QStringLiteral("min_protocol_version"), sync::kProtocolVersion}});
}

std::optional<HttpResponse> Api::admit(const QString &userId, bool continuesTransfer)
{
    int retryAfter = 0;
    RateLimiter &limit = continuesTransfer ? m_transfersPerUser : m_perUser;
    if (!limit.take(userId, m_settings.nowMs(), &retryAfter))
        return tooManyRequests(retryAfter);
    return std::nullopt;
}

std::optional<Api::Caller> Api::authenticate(const HttpRequest &request, HttpResponse *refusal,
                                             bool countLater)
{
    if (auto tooOld = checkProtocol(request)) {
        *refusal = *tooOld;
        return std::nullopt;
    }
    const QByteArray header = request.header(sync::kAuthorizationHeader);
    if (!header.startsWith(sync::kBearerPrefix)) {
        *refusal = unauthorized(QStringLiteral("Sign in first."));
        return std::nullopt;
    }
    const auto claims = crypto::verifyJwt(
        QString::fromLatin1(header.mid(qsizetype(qstrlen(sync::kBearerPrefix)))),
        m_settings.signingSecret, {QLatin1String(kAudience), m_settings.nowMs() / 1000});
    if (!claims) {
        *refusal = unauthorized(QStringLiteral("The access token is not valid; refresh it."));
        return std::nullopt;
    }
    Caller caller{claims->value(QStringLiteral("sub")).toString(),
                  claims->value(QStringLiteral("dev")).toString(),
                  claims->value(QStringLiteral("exp")).toInteger() * 1000};
    // Tokens from before sessions were numbered carry none: session 0.
    const qint64 session = claims->value(QStringLiteral("ses")).toInteger();
    if (!countLater) {
        if (auto limited = admit(caller.userId, false)) {
            *refusal = *limited;
            return std::nullopt;
        }
    }
    // A revoked device's token stops working at once, not when it expires,
    // and stays dead when the device signs in again (a new session).
    if (!m_store->sessionActive(caller.userId, caller.deviceId, session)) {
        *refusal = unauthorized(QStringLiteral("This device was signed out."));
        return std::nullopt;
    }
    return caller;
}

NewRefreshToken Api::newRefreshToken(QString *token) const
{
    *token = crypto::randomToken();
    return {crypto::tokenDigest(*token),
            m_settings.nowMs() / 1000 + m_settings.refreshTokenSeconds};
}

HttpResponse Api::tokenResponse(int status, const QString &userId, const QString &deviceId,
                                qint64 session, const QString &refreshToken) const
{
    const qint64 nowSeconds = m_settings.nowMs() / 1000;
    const QString access =
        crypto::signJwt({{QStringLiteral("sub"), userId},
                         {QStringLiteral("dev"), deviceId},
                         {QStringLiteral("ses"), session},
                         {QStringLiteral("aud"), QLatin1String(kAudience)},
                         {QStringLiteral("iat"), nowSeconds},
                         {QStringLiteral("exp"), nowSeconds + m_settings.accessTokenSeconds}},
                        m_settings.signingSecret);
    return HttpResponse::json(status, sync::encodeTokens({userId, deviceId, access, refreshToken,
                                                          m_settings.accessTokenSeconds}));
}

std::optional<sync::Credentials> Api::readCredentials(const HttpRequest &request,
                                                      HttpResponse *refusal)
{
    if (auto tooOld = checkProtocol(request)) {
        *refusal = *tooOld;
        return std::nullopt;
    }
    const auto body = bodyObject(request, refusal);
    if (!body)
        return std::nullopt;
    sync::WireError error;
    auto credentials = sync::decodeCredentials(*body, &error);
    if (!credentials) {
        *refusal = badRequest(error.message, {{QStringLiteral("field"), error.field}});
        return std::nullopt;
    }
    if (auto throttled = throttleSignIn(request, credentials->email)) {
        *refusal = *throttled;
        return std::nullopt;
    }
    return credentials;
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
    QString refreshToken;
    const NewRefreshToken token = newRefreshToken(&refreshToken);
    QString userId;
    if (m_store->createAccount(credentials->email, hash, storedDevice(credentials->device), token,
                               &userId) == ServerStore::Created::EmailTaken)
        return HttpResponse::error(409, QLatin1String(code::kEmailTaken),
                                   QStringLiteral("An account with this email already exists."));
    // A new device's session is 0.
    return tokenResponse(201, userId, credentials->device.id, 0, refreshToken);
}

HttpResponse Api::login(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto credentials = readCredentials(request, &refusal);
    if (!credentials)
        return refusal;
    const auto account = m_store->accountByEmail(credentials->email);
    // The same answer, in the same time, for an unknown email and a wrong
    // password: an unknown email is checked against a hash that matches
    // no password.
    const bool passwordOk =
        credentials->password.size() <= kMaxPasswordLength &&
        crypto::verifyPassword(credentials->password,
                               account ? account->passwordHash : m_unknownAccountHash);
    if (!account || !passwordOk)
        return unauthorized(QStringLiteral("The email or the password is wrong."));
    QString refreshToken;
    const NewRefreshToken token = newRefreshToken(&refreshToken);
    const qint64 session = m_store->signIn(account->id, storedDevice(credentials->device), token);
    return tokenResponse(200, account->id, credentials->device.id, session, refreshToken);
}

HttpResponse Api::refresh(const HttpRequest &request)
{
    if (auto tooOld = checkProtocol(request))
        return *tooOld;
    HttpResponse refusal;
    const auto body = bodyObject(request, &refusal);
    if (!body)
        return refusal;
    const QString presented = sync::decodeRefreshRequest(*body);
    if (presented.isEmpty() || presented.size() > 200)
        return unauthorized(QStringLiteral("Sign in again."));
    const QString refreshToken = crypto::successorToken(m_settings.signingSecret, presented);
    const NewRefreshToken next{crypto::tokenDigest(refreshToken),
                               m_settings.nowMs() / 1000 + m_settings.refreshTokenSeconds};
    QString userId;
    QString deviceId;
    qint64 session = 0;
    switch (m_store->rotateRefreshToken(crypto::tokenDigest(presented), next,
                                        m_settings.nowMs() / 1000, &userId, &deviceId, &session)) {
    case ServerStore::Refresh::Ok:
        return tokenResponse(200, userId, deviceId, session, refreshToken);
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
    if (m_settings.sessionsEnded)
        m_settings.sessionsEnded(caller->userId, caller->deviceId);
    return HttpResponse::json(200, {{QStringLiteral("signed_out"), true}});
}

HttpResponse Api::listDevices(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    QList<sync::DeviceDescription> list;
    for (const DeviceInfo &d : m_store->devices(caller->userId))
        list.append(deviceDescription(d, caller->deviceId));
    return HttpResponse::json(200, sync::encodeDeviceList(list));
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
    const QString name = sync::decodeRename(*body);
    if (name.isEmpty() || name.size() > sync::kMaxDeviceNameLength)
        return badRequest(
            QStringLiteral("name must have 1-%1 characters.").arg(sync::kMaxDeviceNameLength),
            {{QStringLiteral("field"), QStringLiteral("name")}});
    // Another user's device is simply not found.
    if (!m_store->renameDevice(caller->userId, deviceId, name))
        return HttpResponse::error(404, QLatin1String(code::kNotFound),
                                   QStringLiteral("No such device."));
    return HttpResponse::json(200,
                              {{QStringLiteral("id"), deviceId}, {QStringLiteral("name"), name}});
}

HttpResponse Api::accountKeys(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    const std::optional<QByteArray> keys = m_store->accountKeys(caller->userId);
    if (!keys)
        return HttpResponse::error(404, QLatin1String(code::kNotFound),
                                   QStringLiteral("The account is not end-to-end encrypted."));
    return HttpResponse::json(200,
                              {{QStringLiteral("keys"), QJsonDocument::fromJson(*keys).object()}});
}

// Sets the wrapped keys: when encryption is switched on, and again with the
// same data key under a new passphrase.
HttpResponse Api::setAccountKeys(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    const auto body = bodyObject(request, &refusal);
    if (!body)
        return refusal;
    const QJsonValue keys = body->value(QStringLiteral("keys"));
    if (const QString problem = sync::checkAccountKeys(keys); !problem.isEmpty())
        return badRequest(problem, {{QStringLiteral("field"), QStringLiteral("keys")}});
    const QJsonValue cursor = body->value(QStringLiteral("cursor"));
    const double at = cursor.toDouble(-1);
    if (!cursor.isUndefined() && (at < 0 || at > 9.0e15 || at != double(qint64(at))))
        return badRequest(QStringLiteral("cursor must be a non-negative whole number."),
                          {{QStringLiteral("field"), QStringLiteral("cursor")}});
    const QJsonValue previous = body->value(QStringLiteral("previous"));
    if (!previous.isUndefined() && !previous.isObject())
        return badRequest(QStringLiteral("previous must be the keys this device read."),
                          {{QStringLiteral("field"), QStringLiteral("previous")}});
    ServerStore::KeysChange change;
    change.keys = QJsonDocument(keys.toObject()).toJson(QJsonDocument::Compact);
    if (previous.isObject())
        change.previous = QJsonDocument(previous.toObject()).toJson(QJsonDocument::Compact);
    change.cursor = cursor.isUndefined() ? 0 : qint64(at);
    const QJsonValue kinds = body->value(QStringLiteral("kinds"));
    const QJsonArray listed = kinds.toArray();
    for (const auto &kind : listed)
        change.kinds << kind.toString();
    if (kinds.isUndefined()) {
        for (const KindSpec &kind : SchemaRegistry::instance().kinds())
            change.kinds << kind.name;
    }
    switch (m_store->setAccountKeys(caller->userId, change)) {
    case ServerStore::KeysOutcome::NoAccount:
        return HttpResponse::error(404, QLatin1String(code::kNotFound),
                                   QStringLiteral("No such account."));
    case ServerStore::KeysOutcome::KeysChanged:
        return HttpResponse::error(
            409, QLatin1String(code::kKeysChanged),
            QStringLiteral("The account's keys changed meanwhile (on another device): read them "
                           "again."));
    case ServerStore::KeysOutcome::SyncFirst:
        return HttpResponse::error(
            409, QLatin1String(code::kSyncFirst),
            QStringLiteral("Another device has synced changes this one has not seen yet: sync, "
                           "then switch encryption on."));
    case ServerStore::KeysOutcome::UnknownKinds:
        return HttpResponse::error(
            409, QLatin1String(code::kSyncFirst),
            QStringLiteral("The account holds kinds of entries this version of Hale does not "
                           "know: update Hale on this device, then switch encryption on."));
    case ServerStore::KeysOutcome::Set:
        break;
    }
    return HttpResponse::json(200, {{QStringLiteral("keys"), keys}});
}

HttpResponse Api::revokeDevice(const HttpRequest &request, const QString &deviceId)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!m_store->revokeDevice(caller->userId, deviceId))
        return HttpResponse::error(404, QLatin1String(code::kNotFound),
                                   QStringLiteral("No such device."));
    if (m_settings.sessionsEnded)
        m_settings.sessionsEnded(caller->userId, deviceId);
    return HttpResponse::json(
        200, {{QStringLiteral("id"), deviceId}, {QStringLiteral("revoked"), true}});
}

HttpResponse Api::sync(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal, true);
    if (!caller)
        return refusal;
    // An end-to-end encrypted account's values are all sealed, unreadable
    // here; any other account's are all in clear, and checked.
    const bool encrypted = m_store->isEndToEnd(caller->userId);
    sync::WireError error;
    const auto syncRequest = sync::decodeSyncRequest(
        request.body, sync::UnknownFields::Refuse, &error,
        encrypted ? sync::SealedValues::Require : sync::SealedValues::Refuse);
    // Counted, refused or not, once its cursor tells whether it continues a
    // transfer (a refused request never does).
    const QString device = caller->userId + QLatin1Char('/') + caller->deviceId;
    const qint64 cursor = syncRequest ? syncRequest->cursor : -1;
    if (auto limited =
            admit(caller->userId, m_transfers.continues(device, cursor, m_settings.nowMs())))
        return *limited;
    const auto needsKey = [] {
        return HttpResponse::error(
            409, QLatin1String(code::kEndToEndEncrypted),
            QStringLiteral("This account is end-to-end encrypted: enter its passphrase on this "
                           "device to sync."));
    };
    if (!syncRequest && error.sealingRequired)
        return needsKey();
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
    sync::SyncResponse response;
    QList<QByteArray> changes;
    qint64 changedTo = 0;
    switch (
        m_store->sync(caller->userId, *syncRequest, encrypted, &response, &changes, &changedTo)) {
    case ServerStore::SyncOutcome::NoAccount:
        return unauthorized(QStringLiteral("This account no longer exists."));
    case ServerStore::SyncOutcome::CursorAhead:
        return HttpResponse::error(
            409, QLatin1String(code::kCursorAhead),
            QStringLiteral("The server has fewer changes than this device has seen (it was "
                           "restored from a backup): send everything again and pull from 0."),
            {{QStringLiteral("cursor"), syncRequest->cursor}});
    case ServerStore::SyncOutcome::EncryptionChanged:
        return needsKey();
    case ServerStore::SyncOutcome::Ok:
        break;
    }
    // More pages behind this one, or a large batch pushed (more may follow).
    if (response.hasMore || syncRequest->changes.size() >= kTransferBatch)
        m_transfers.expect(device, response.cursor, m_settings.nowMs());
    if (changedTo != 0 && m_settings.changesCommitted)
        m_settings.changesCommitted(caller->userId, changedTo, caller->deviceId);
    return HttpResponse::json(200, sync::encodeSyncResponseJson(response, changes));
}

HttpResponse Api::events(const HttpRequest &request)
{
    if (!request.upgrade ||
        request.header("upgrade").compare("websocket", Qt::CaseInsensitive) != 0) {
        return badRequest(QStringLiteral("This address takes a WebSocket connection."));
    }
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller) {
        if (refusal.status != 401)
            return refusal;
        EventGrant refused;
        refused.closeCode = sync::events::kUnauthorized;
        refused.closeReason = QStringLiteral("The access token is not valid; refresh it.");
        return HttpResponse::switchingProtocols(refused.toJson());
    }
    EventGrant grant;
    grant.userId = caller->userId;
    grant.deviceId = caller->deviceId;
    grant.address = HttpServer::addressKey(request.peer);
    grant.seq = m_store->changeSeq(caller->userId);
    grant.expiresAtMs = caller->expiresAtMs;
    return HttpResponse::switchingProtocols(grant.toJson());
}

} // namespace hale::server

namespace hale::server {

// Password guessing is slowed per account and per address; Argon2id makes
// each guess expensive as well.
std::optional<HttpResponse> Api::throttleSignIn(const HttpRequest &request, const QString &email)
{
    int retryAfter = 0;
    const qint64 now = m_settings.nowMs();
    // In the database: every instance on it counts against the same buckets.
    if (!m_store->takeSignIn(QStringLiteral("address:") + request.peer.toString(),
                             m_settings.signInsPerMinute * 3, now, &retryAfter) ||
        !m_store->takeSignIn(QStringLiteral("account:") + email, m_settings.signInsPerMinute, now,
                             &retryAfter))
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
        devices.append(sync::encodeDevice(deviceDescription(d, caller->deviceId)));
    QJsonArray records;
    for (const sync::RecordState &state : m_store->allRecords(caller->userId))
        records.append(sync::encodeRecord(state));
    QJsonObject out{{QStringLiteral("user_id"), caller->userId},
                    {QStringLiteral("exported_at"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                    {QStringLiteral("devices"), devices},
                    {QStringLiteral("records"), records}};
    // An encrypted account's export is sealed as its records are: with the
    // wrapped keys, its owner can still open it; nobody else can.
    if (const std::optional<QByteArray> keys = m_store->accountKeys(caller->userId))
        out.insert(QStringLiteral("keys"), QJsonDocument::fromJson(*keys).object());
    return HttpResponse::json(200, out);
}

HttpResponse Api::deleteAccount(const HttpRequest &request)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!m_store->deleteUser(caller->userId))
        return serverError();
    if (m_settings.sessionsEnded)
        m_settings.sessionsEnded(caller->userId, {});
    return HttpResponse::json(200, {{QStringLiteral("deleted"), true}});
}

HttpResponse Api::deleteKind(const HttpRequest &request, const QString &kind)
{
    HttpResponse refusal;
    const auto caller = authenticate(request, &refusal);
    if (!caller)
        return refusal;
    if (!SchemaRegistry::instance().kind(kind))
        return HttpResponse::error(404, QLatin1String(code::kNotFound),
                                   QStringLiteral("No such kind of record."));
    const int erased = m_store->deleteKind(caller->userId, kind);
    return HttpResponse::json(200, sync::encodeErased(kind, erased));
}

} // namespace hale::server
