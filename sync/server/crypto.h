#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace hale::server::crypto {

// libsodium must be initialised once before any of these; false if it cannot be.
bool initialise();

// Argon2id (libsodium crypto_pwhash_str, interactive limits): the encoded
// hash carries its salt and parameters.
QString hashPassword(const QString &password);
bool verifyPassword(const QString &password, const QString &encodedHash);

// Random bytes from libsodium, base64url without padding.
QString randomToken(int bytes = 32);
// The refresh token that follows `token`: HMAC-SHA-256 under `secret`,
// base64url. Derived, not drawn, so that the same token presented twice (a
// retried or duplicated request whose answer was lost) gets the same answer.
QString successorToken(const QByteArray &secret, const QString &token);
// How opaque tokens are stored: a keyed hash, never the token itself.
QString tokenDigest(const QString &token);
// A public name of a secret key (HMAC of a fixed label under it): equal for
// equal keys, and reveals nothing of the key.
QString keyFingerprint(const QByteArray &secret);

QByteArray base64Url(const QByteArray &data);
std::optional<QByteArray> fromBase64Url(const QByteArray &text);

// JSON Web Tokens, HS256 only: the header's algorithm is never trusted.
QString signJwt(const QJsonObject &claims, const QByteArray &secret);
struct JwtCheck
{
    QString audience;
    qint64 nowSeconds = 0;
};
// The claims if the signature, "alg", "aud" and "exp" are right; otherwise
// nothing and a reason for the log.
std::optional<QJsonObject> verifyJwt(const QString &token, const QByteArray &secret,
                                     const JwtCheck &check, QString *reason = nullptr);

} // namespace hale::server::crypto
