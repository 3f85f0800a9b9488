#include "sync/core/protocol.h"

#include <QJsonArray>
#include <QUuid>

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
