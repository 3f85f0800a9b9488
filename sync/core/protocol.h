#pragma once

// The bodies and headers of hale-server's /api/v1 other than the sync
// exchange itself (wire.h): accounts, devices, tokens and errors. One
// definition that the server writes and reads and the app reads and writes,
// so the two cannot drift; docs/api/openapi.yaml documents the same shapes
// and the tests check both against it.

#include "sync/core/wire.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace hale::sync {

// Header names. HTTP compares them without regard to case.
inline constexpr char kProtocolHeader[] = "Hale-Protocol";
inline constexpr char kAuthorizationHeader[] = "Authorization";
inline constexpr char kBearerPrefix[] = "Bearer ";
inline constexpr char kRetryAfterHeader[] = "Retry-After";
inline constexpr char kWwwAuthenticateHeader[] = "WWW-Authenticate";

// The routes, below the server's base URL; "{}" stands for one path segment
// (routePath fills it in).
namespace route {
inline constexpr char kHealth[] = "/healthz";
inline constexpr char kReady[] = "/readyz";
inline constexpr char kMetrics[] = "/metrics";
inline constexpr char kInfo[] = "/api/v1/info";
inline constexpr char kRegister[] = "/api/v1/auth/register";
inline constexpr char kLogin[] = "/api/v1/auth/login";
inline constexpr char kRefresh[] = "/api/v1/auth/refresh";
inline constexpr char kLogout[] = "/api/v1/auth/logout";
inline constexpr char kDevices[] = "/api/v1/devices";
inline constexpr char kDevice[] = "/api/v1/devices/{}";
inline constexpr char kSync[] = "/api/v1/sync";
inline constexpr char kAccount[] = "/api/v1/account";
inline constexpr char kAccountExport[] = "/api/v1/account/export";
inline constexpr char kAccountKeys[] = "/api/v1/account/keys";
inline constexpr char kKindData[] = "/api/v1/data/{}";
inline constexpr char kEvents[] = "/api/v1/events"; // a WebSocket
} // namespace route
// A route with its "{}" filled in. The segment is a UUID or a kind name,
// which need no escaping; QUrl encodes the path as a whole.
QString routePath(const char *route, const QString &segment = {});

// The machine-readable codes of error bodies ({"error": {"code": ...}}).
namespace errorcode {
inline constexpr char kValidation[] = "validation";
inline constexpr char kUnauthorized[] = "unauthorized";
inline constexpr char kNotFound[] = "not_found";
inline constexpr char kEmailTaken[] = "email_taken";
inline constexpr char kCursorAhead[] = "cursor_ahead";
// A value in clear for an end-to-end encrypted account: this device needs
// the account's passphrase.
inline constexpr char kEndToEndEncrypted[] = "end_to_end_encrypted";
// Encryption switched on from a cursor other devices have written past, or
// by a device that does not know every kind the account holds.
inline constexpr char kSyncFirst[] = "sync_first";
// The account's keys are not the ones the device read (another device
// switched encryption on, or changed the passphrase, meanwhile).
inline constexpr char kKeysChanged[] = "keys_changed";
inline constexpr char kUpgradeRequired[] = "upgrade_required";
inline constexpr char kRateLimited[] = "rate_limited";
inline constexpr char kUnavailable[] = "unavailable";
inline constexpr char kInternal[] = "internal";
// Refusals of the HTTP layer, before a route sees the request.
inline constexpr char kRequestTimeout[] = "request_timeout";
inline constexpr char kBodyTooLarge[] = "body_too_large";
inline constexpr char kHeadersTooLarge[] = "headers_too_large";
inline constexpr char kMalformedHttp[] = "malformed_http";
inline constexpr char kBusy[] = "busy";
inline constexpr char kMethodNotAllowed[] = "method_not_allowed";
} // namespace errorcode

// The event stream (GET /api/v1/events, a WebSocket). The server sends text
// frames {"type": "changed", "seq": N}: the user's data has changes up to
// sequence N (the first at once, then one per change another device made);
// a device whose cursor is behind N pulls. The device sends nothing but
// control frames; any message of its own ends the stream.
namespace events {
inline constexpr char kChanged[] = "changed";
// Close codes (4000-4999 are the application's).
inline constexpr int kUnauthorized = 4001; // refresh the access token, then reconnect
inline constexpr int kRevoked = 4003;      // this device was signed out
inline constexpr int kTooMany = 4029;      // too many streams now; reconnect later
} // namespace events

// A device as a sign-up or sign-in names it, and as the device list shows it.
struct DeviceDescription
{
    QString id; // a UUID
    QString name;
    QString platform;
    QString lastSeen;     // ISO 8601 with milliseconds, UTC (lists only)
    bool revoked = false; // (lists only)
    bool current = false; // the device asking (lists only)
};
inline constexpr int kMaxDeviceNameLength = 100;
inline constexpr int kMaxPlatformLength = 40;

// POST /auth/register and /auth/login: {"email", "password", "device": {...}}.
struct Credentials
{
    QString email;
    QString password;
    DeviceDescription device; // id, name and platform
};
QJsonObject encodeCredentials(const Credentials &credentials);
// Refuses a body whose device lacks a UUID id, a name or a platform (or has
// them too long); the email is trimmed and lower-cased. Email and password
// rules beyond that are the server's.
std::optional<Credentials> decodeCredentials(const QJsonObject &body, WireError *error);

// 200/201 of register, login and refresh.
struct AuthTokens
{
    QString userId;
    QString deviceId;
    QString accessToken;
    QString refreshToken;
    qint64 expiresInSeconds = 0;
};
QJsonObject encodeTokens(const AuthTokens &tokens);
// Empty unless both tokens are there.
std::optional<AuthTokens> decodeTokens(const QJsonObject &body);

// POST /auth/refresh: {"refresh_token"}.
QJsonObject encodeRefreshRequest(const QString &refreshToken);
QString decodeRefreshRequest(const QJsonObject &body);

// GET /devices: {"devices": [...]}; one device of it.
QJsonObject encodeDevice(const DeviceDescription &device);
QJsonObject encodeDeviceList(const QList<DeviceDescription> &devices);
std::optional<QList<DeviceDescription>> decodeDeviceList(const QJsonObject &body);

// PATCH /devices/{id}: {"name"}.
QJsonObject encodeRename(const QString &name);
QString decodeRename(const QJsonObject &body);

// An end-to-end encrypted account's keys as the server keeps them: the data
// key wrapped under the passphrase's key ("passphrase", with its Argon2id
// cost and salt) and under the recovery key ("recovery"). The server cannot
// open them; it checks their shape: base64url of the right lengths, and a
// cost within libsodium's bounds. Empty if they are well formed, else why not.
QString checkAccountKeys(const QJsonValue &keys);

// DELETE /data/{kind}: {"kind", "erased"}.
QJsonObject encodeErased(const QString &kind, int erased);
std::optional<int> decodeErased(const QJsonObject &body);

// Every refusal: {"error": {"code", "message", "details"?}}. details holds
// "record" (kind/id) and "field" for validation errors and "retry_after"
// (seconds) for 429 and 503.
struct ErrorBody
{
    QString code;
    QString message;
    QJsonObject details;

    QString record() const { return details.value(QStringLiteral("record")).toString(); }
    QString field() const { return details.value(QStringLiteral("field")).toString(); }
};
QJsonObject encodeError(const ErrorBody &error);
// Empty if the body has no "error" object (code and message may be empty:
// a proxy's or an older server's answer still shows what it says).
std::optional<ErrorBody> decodeError(const QJsonObject &body);

} // namespace hale::sync
