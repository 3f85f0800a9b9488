#include "sync/server/crypto.h"

#include <QJsonDocument>
#include <sodium.h>

namespace hale::server::crypto {

bool initialise()
{
    return sodium_init() >= 0;
}

QString hashPassword(const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, utf8.constData(), quint64(utf8.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return {}; // out of memory
    return QString::fromLatin1(out);
}

bool verifyPassword(const QString &password, const QString &encodedHash)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray hash = encodedHash.toLatin1();
    return !hash.isEmpty() &&
           crypto_pwhash_str_verify(hash.constData(), utf8.constData(), quint64(utf8.size())) == 0;
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> fromBase64Url(const QByteArray &text)
{
    auto decoded = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors |
                  QByteArray::OmitTrailingEquals);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

QString randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    randombytes_buf(raw.data(), size_t(raw.size()));
    return QString::fromLatin1(base64Url(raw));
}

QString successorToken(const QByteArray &secret, const QString &token)
{
    const QByteArray in = "hale-refresh-successor\n" + token.toUtf8();
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES] = {};
    // A key of its own, derived from the signing secret.
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char *>(secret.constData()),
                       quint64(secret.size()), nullptr, 0);
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char *>(in.constData()),
                           quint64(in.size()), key);
    sodium_memzero(key, sizeof key);
    return QString::fromLatin1(
        base64Url(QByteArray(reinterpret_cast<const char *>(out), sizeof out)));
}

QString tokenDigest(const QString &token)
{
    const QByteArray in = token.toUtf8();
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char *>(in.constData()),
                       quint64(in.size()), nullptr, 0);
    return QString::fromLatin1(
        base64Url(QByteArray(reinterpret_cast<const char *>(out), sizeof out)));
}

namespace {
QByteArray hmac(const QByteArray &message, const QByteArray &secret)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(secret.constData()),
                                size_t(secret.size()));
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char *>(message.constData()),
                                  quint64(message.size()));
    crypto_auth_hmacsha256_final(&state, mac);
    return QByteArray(reinterpret_cast<const char *>(mac), sizeof mac);
}

} // namespace

QString keyFingerprint(const QByteArray &secret)
{
    return QString::fromLatin1(base64Url(hmac("hale signing key fingerprint v1", secret)));
}

namespace {

bool fail(QString *reason, const char *why)
{
    if (reason)
        *reason = QString::fromLatin1(why);
    return false;
}
} // namespace

QString signJwt(const QJsonObject &claims, const QByteArray &secret)
{
    const QByteArray header = base64Url(R"({"alg":"HS256","typ":"JWT"})");
    const QByteArray payload = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signingInput = header + '.' + payload;
    return QString::fromLatin1(signingInput + '.' + base64Url(hmac(signingInput, secret)));
}

std::optional<QJsonObject> verifyJwt(const QString &token, const QByteArray &secret,
                                     const JwtCheck &check, QString *reason)
{
    const QList<QByteArray> parts = token.toLatin1().split('.');
    if (token.size() > 4096 || parts.size() != 3) {
        fail(reason, "not a JWT");
        return std::nullopt;
    }
    const auto header = fromBase64Url(parts.at(0));
    const auto payload = fromBase64Url(parts.at(1));
    const auto signature = fromBase64Url(parts.at(2));
    if (!header || !payload || !signature) {
        fail(reason, "bad base64url");
        return std::nullopt;
    }
    // The algorithm is fixed: "none" or anything else is refused outright.
    const QJsonObject h = QJsonDocument::fromJson(*header).object();
    if (h.value(QStringLiteral("alg")).toString() != QLatin1String("HS256")) {
        fail(reason, "algorithm is not HS256");
        return std::nullopt;
    }
    const QByteArray expected = hmac(parts.at(0) + '.' + parts.at(1), secret);
    if (signature->size() != expected.size() ||
        sodium_memcmp(signature->constData(), expected.constData(), size_t(expected.size())) != 0) {
        fail(reason, "bad signature");
        return std::nullopt;
    }
    const QJsonObject claims = QJsonDocument::fromJson(*payload).object();
    if (claims.value(QStringLiteral("aud")).toString() != check.audience) {
        fail(reason, "wrong audience");
        return std::nullopt;
    }
    const qint64 exp = qint64(claims.value(QStringLiteral("exp")).toDouble(0));
    if (exp <= check.nowSeconds) {
        fail(reason, "expired");
        return std::nullopt;
    }
    return claims;
}

} // namespace hale::server::crypto
