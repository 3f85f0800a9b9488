#pragma once

#include "sync/core/protocol.h"
#include "sync/server/rate_limiter.h"
#include "sync/server/router.h"
#include "sync/server/server_store.h"
#include "sync/server/transfer_tracker.h"

#include <functional>

namespace hale::server {

// The /api/v1 routes: accounts, devices and sync, over a ServerStore.
// Every answer is JSON; every failure is {"error": {code, message, details}}.
class Api
{
public:
    struct Settings
    {
        QByteArray signingSecret;
        qint64 accessTokenSeconds = 15 * 60;
        qint64 refreshTokenSeconds = 60 * 24 * 3600;
        qint64 maxClockSkewMs = 5 * 60 * 1000; // stamps further ahead are refused
        std::function<qint64()> nowMs;         // injectable for tests
        int requestsPerMinute = 100;           // per user
        // The requests that continue a transfer in progress (TransferTracker)
        // are counted apart, at this many times requestsPerMinute: enough
        // for 3,000 pages of 1,000 records a minute, still a bound.
        int transferRequestsFactor = 30;
        int signInsPerMinute = 10; // per account, and 3x that per address
        // Told (on a worker thread) after a sync committed changes: the
        // user, their new change sequence and the device that made them.
        std::function<void(const QString &userId, qint64 seq, const QString &deviceId)>
            changesCommitted;
        // Told after a device was signed out (deviceId) or an account
        // deleted (deviceId empty): its event streams must end.
        std::function<void(const QString &userId, const QString &deviceId)> sessionsEnded;
    };

    Api(ServerStore *store, Settings settings);
    void addRoutes(Router &router);

    static constexpr const char *kAudience = "hale-sync";
    // How long clients wait before trying again when the database is down.
    static constexpr int kUnavailableRetrySeconds = 3;

private:
    struct Caller
    {
        QString userId;
        QString deviceId;
        qint64 expiresAtMs = 0; // the access token's
    };
    std::optional<HttpResponse> checkProtocol(const HttpRequest &request) const;
    // The body of a sign-up or sign-in, after the protocol check and throttling.
    std::optional<sync::Credentials> readCredentials(const HttpRequest &request,
                                                     HttpResponse *refusal);
    // Checks the protocol version, the access token and the session; counts
    // the request against the user's rate limit unless `countLater` (the
    // route then calls admit() once it knows what the request is).
    std::optional<Caller> authenticate(const HttpRequest &request, HttpResponse *refusal,
                                       bool countLater = false);
    std::optional<HttpResponse> admit(const QString &userId, bool continuesTransfer);
    // A new random refresh token (in `token`) and what the store keeps of it.
    NewRefreshToken newRefreshToken(QString *token) const;
    HttpResponse tokenResponse(int status, const QString &userId, const QString &deviceId,
                               qint64 session, const QString &refreshToken) const;

    HttpResponse registerAccount(const HttpRequest &request);
    HttpResponse login(const HttpRequest &request);
    HttpResponse refresh(const HttpRequest &request);
    HttpResponse logout(const HttpRequest &request);
    HttpResponse listDevices(const HttpRequest &request);
    HttpResponse renameDevice(const HttpRequest &request, const QString &deviceId);
    HttpResponse revokeDevice(const HttpRequest &request, const QString &deviceId);
    HttpResponse sync(const HttpRequest &request);
    HttpResponse events(const HttpRequest &request);
    HttpResponse exportAccount(const HttpRequest &request);
    HttpResponse accountKeys(const HttpRequest &request);
    HttpResponse setAccountKeys(const HttpRequest &request);
    HttpResponse deleteAccount(const HttpRequest &request);
    HttpResponse deleteKind(const HttpRequest &request, const QString &kind);
    std::optional<HttpResponse> throttleSignIn(const HttpRequest &request, const QString &email);

    ServerStore *m_store;
    Settings m_settings;
    RateLimiter m_perUser;
    RateLimiter m_transfersPerUser;
    TransferTracker m_transfers;
    // Checked when a sign-in names no account, so that it costs what a
    // wrong password costs: the time tells nothing about who has an account.
    QString m_unknownAccountHash;
};

} // namespace hale::server
