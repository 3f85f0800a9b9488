#include "sync/core/protocol.h"

#include <QJsonArray>
#include <QUuid>
#include <cmath>

namespace hale::sync {

namespace {

QString text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool isUuid(const QString &id)
{
    return !QUuid::fromString(id).isNull();
}

} // namespace

QString routePath(const char *route, const QString &segment)
{
    QString path = QLatin1String(route);
    path.replace(QLatin1String("{}"), segment);
    return path;
}

QJsonObject encodeCredentials(const Credentials &c)
{
    return {
        {QStringLiteral("email"), c.email},
        {QStringLiteral("password"), c.password},
        {QStringLiteral("device"), QJsonObject{{QStringLiteral("id"), c.device.id},
                                               {QStringLiteral("name"), c.device.name},
                                               {QStringLiteral("platform"), c.device.platform}}}};
}

std::optional<Credentials> decodeCredentials(const QJsonObject &body, WireError *error)
{
    const QJsonObject d = body.value(QStringLiteral("device")).toObject();
    Credentials c;
    c.email = text(body, "email").trimmed().toLower();
    c.password = text(body, "password");
    c.device.id = QUuid::fromString(text(d, "id")).toString(QUuid::WithoutBraces);
    c.device.name = text(d, "name").trimmed();
    c.device.platform = text(d, "platform").trimmed();
    if (!isUuid(c.device.id) || c.device.name.isEmpty() ||
        c.device.name.size() > kMaxDeviceNameLength || c.device.platform.isEmpty() ||
        c.device.platform.size() > kMaxPlatformLength) {
        error->message = QStringLiteral("device needs an id (UUID), a name (1-%1 characters) and "
                                        "a platform (1-%2 characters).")
                             .arg(kMaxDeviceNameLength)
                             .arg(kMaxPlatformLength);
        error->field = QStringLiteral("device");
        return std::nullopt;
    }
    return c;
}

QJsonObject encodeTokens(const AuthTokens &t)
{
    return {{QStringLiteral("user_id"), t.userId},
            {QStringLiteral("device_id"), t.deviceId},
            {QStringLiteral("access_token"), t.accessToken},
            {QStringLiteral("expires_in"), t.expiresInSeconds},
            {QStringLiteral("refresh_token"), t.refreshToken}};
}

std::optional<AuthTokens> decodeTokens(const QJsonObject &body)
{
    AuthTokens t;
    t.userId = text(body, "user_id");
    t.deviceId = text(body, "device_id");
    t.accessToken = text(body, "access_token");
    t.refreshToken = text(body, "refresh_token");
    t.expiresInSeconds = qint64(body.value(QStringLiteral("expires_in")).toDouble());
    if (t.accessToken.isEmpty() || t.refreshToken.isEmpty())
        return std::nullopt;
    return t;
}

QJsonObject encodeRefreshRequest(const QString &refreshToken)
{
    return {{QStringLiteral("refresh_token"), refreshToken}};
}

QString decodeRefreshRequest(const QJsonObject &body)
{
    return text(body, "refresh_token");
}

QJsonObject encodeDevice(const DeviceDescription &d)
{
    return {{QStringLiteral("id"), d.id},
            {QStringLiteral("name"), d.name},
            {QStringLiteral("platform"), d.platform},
            {QStringLiteral("last_seen"), d.lastSeen},
            {QStringLiteral("revoked"), d.revoked},
            {QStringLiteral("current"), d.current}};
}

QJsonObject encodeDeviceList(const QList<DeviceDescription> &devices)
{
    QJsonArray list;
    for (const DeviceDescription &d : devices)
        list.append(encodeDevice(d));
    return {{QStringLiteral("devices"), list}};
}

std::optional<QList<DeviceDescription>> decodeDeviceList(const QJsonObject &body)
{
    const QJsonValue devices = body.value(QStringLiteral("devices"));
    if (!devices.isArray())
        return std::nullopt;
    QList<DeviceDescription> list;
    for (const QJsonValue v : devices.toArray()) {
        const QJsonObject d = v.toObject();
        if (!isUuid(text(d, "id")))
            return std::nullopt;
        list.append({text(d, "id"), text(d, "name"), text(d, "platform"), text(d, "last_seen"),
                     d.value(QStringLiteral("revoked")).toBool(),
                     d.value(QStringLiteral("current")).toBool()});
    }
    return list;
}

QJsonObject encodeRename(const QString &name)
{
    return {{QStringLiteral("name"), name}};
}

QString decodeRename(const QJsonObject &body)
{
    return text(body, "name").trimmed();
}

namespace {
// Base64url without padding of exactly `bytes` bytes.
bool isBase64urlOf(const QJsonValue &value, int bytes)
{
    const QString text = value.toString();
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    return value.isString() && !text.contains(QLatin1Char('=')) && decoded &&
           (*decoded).size() == bytes;
}

QString checkWrappedKey(const QJsonValue &json, bool withCost)
{
    // XChaCha20-Poly1305: a 24-byte nonce; a 32-byte key and its 16-byte tag.
    const QJsonObject key = json.toObject();
    if (!json.isObject() || key.value(QStringLiteral("v")).toInt() != 1 ||
        !isBase64urlOf(key.value(QStringLiteral("nonce")), 24) ||
        !isBase64urlOf(key.value(QStringLiteral("sealed")), 48))
        return QStringLiteral("must be a wrapped key: v 1, a 24-byte nonce and 48 sealed bytes "
                              "(base64url)");
    if (!withCost)
        return key.contains(QStringLiteral("kdf"))
                   ? QStringLiteral("is wrapped by a key, not a passphrase: no kdf")
                   : QString();
    // Argon2id within libsodium's bounds: 1 to 4 passes, 8 KiB to 1 GiB.
    const QJsonObject kdf = key.value(QStringLiteral("kdf")).toObject();
    const double ops = kdf.value(QStringLiteral("ops")).toDouble();
    const double mem = kdf.value(QStringLiteral("mem")).toDouble();
    if (kdf.value(QStringLiteral("alg")).toString() != QLatin1String("argon2id13") || ops < 1 ||
        ops > 4 || ops != std::floor(ops) || mem < 8192 || mem > 1073741824.0 ||
        mem != std::floor(mem) || !isBase64urlOf(kdf.value(QStringLiteral("salt")), 16))
        return QStringLiteral("must give its cost: argon2id13, 1-4 passes, 8 KiB-1 GiB, a "
                              "16-byte salt");
    return {};
}
} // namespace

QString checkAccountKeys(const QJsonValue &json)
{
    const QJsonObject keys = json.toObject();
    if (!json.isObject() || keys.size() != 2)
        return QStringLiteral("keys must hold exactly \"passphrase\" and \"recovery\"");
    if (const QString problem = checkWrappedKey(keys.value(QStringLiteral("passphrase")), true);
        !problem.isEmpty())
        return QStringLiteral("keys.passphrase ") + problem;
    if (const QString problem = checkWrappedKey(keys.value(QStringLiteral("recovery")), false);
        !problem.isEmpty())
        return QStringLiteral("keys.recovery ") + problem;
    return {};
}

QJsonObject encodeErased(const QString &kind, int erased)
{
    return {{QStringLiteral("kind"), kind}, {QStringLiteral("erased"), erased}};
}

std::optional<int> decodeErased(const QJsonObject &body)
{
    const QJsonValue erased = body.value(QStringLiteral("erased"));
    if (!erased.isDouble())
        return std::nullopt;
    return erased.toInt();
}

QJsonObject encodeError(const ErrorBody &e)
{
    QJsonObject error{{QStringLiteral("code"), e.code}, {QStringLiteral("message"), e.message}};
    if (!e.details.isEmpty())
        error.insert(QStringLiteral("details"), e.details);
    return {{QStringLiteral("error"), error}};
}

std::optional<ErrorBody> decodeError(const QJsonObject &body)
{
    const QJsonValue value = body.value(QStringLiteral("error"));
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject error = value.toObject();
    return ErrorBody{text(error, "code"), text(error, "message"),
                     error.value(QStringLiteral("details")).toObject()};
}

} // namespace hale::sync
