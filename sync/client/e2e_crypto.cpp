#include "sync/client/e2e_crypto.h"

#include "sync/core/wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cstring>
#include <sodium.h>

namespace hale::sync::e2e {

namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "hale-e2e";
constexpr quint64 kValueKeyId = 1;
constexpr quint64 kElementKeyId = 2;
constexpr quint64 kNonceKeyId = 3;
constexpr quint64 kRecoveryKeyId = 4;
// Sealed values are padded to whole blocks of this many bytes.
constexpr qsizetype kPadBlock = 16;
// RFC 4648's base32 alphabet: no 0, 1 or 8 to mistake for O, I or B.
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const QString kSealedKey = QStringLiteral("e");

QByteArray base64url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> fromBase64url(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? std::optional<QByteArray>(*decoded) : std::nullopt;
}

SecretKey subkey(const SecretKey &dataKey, quint64 id)
{
    available();
    QByteArray out(SecretKey::kSize, Qt::Uninitialized);
    crypto_kdf_derive_from_key(
        reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()), id, kContext,
        reinterpret_cast<const unsigned char *>(dataKey.bytes().constData()));
    SecretKey key = *SecretKey::fromBytes(out);
    sodium_memzero(out.data(), size_t(out.size()));
    return key;
}

// Every part of a place, each ended by a zero byte (none can hold one: they
// are ids, names and stamps), after a version tag.
QByteArray associatedData(const Place &place)
{
    QByteArray ad("hale-e2e-v1");
    ad.append('\0');
    for (const QString *part : {&place.userId, &place.kind, &place.recordId, &place.field,
                                &place.element, &place.stamp, &place.base}) {
        ad.append(part->toUtf8());
        ad.append('\0');
    }
    return ad;
}

const unsigned char *bytesOf(const QByteArray &bytes)
{
    return reinterpret_cast<const unsigned char *>(bytes.constData());
}

} // namespace

bool available()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

SecretKey::SecretKey(QByteArray bytes) : m_bytes(std::move(bytes)) {}

SecretKey::SecretKey(const SecretKey &other) : m_bytes(other.m_bytes)
{
    m_bytes.detach(); // a copy of its own, wiped on its own
}

SecretKey &SecretKey::operator=(const SecretKey &other)
{
    if (this != &other) {
        wipe();
        m_bytes = other.m_bytes;
        m_bytes.detach();
    }
    return *this;
}

SecretKey &SecretKey::operator=(SecretKey &&other) noexcept
{
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
    }
    return *this;
}

SecretKey::~SecretKey()
{
    wipe();
}

void SecretKey::wipe()
{
    // Bytes still shared (a copy of bytes() a caller kept) are the last
    // holder's to wipe; writing here would only detach a copy.
    if (m_bytes.isEmpty() || !m_bytes.isDetached())
        return;
    sodium_memzero(m_bytes.data(), size_t(m_bytes.size()));
}

SecretKey SecretKey::random()
{
    available();
    QByteArray bytes(kSize, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return SecretKey(bytes);
}

std::optional<SecretKey> SecretKey::fromBytes(const QByteArray &bytes)
{
    if (bytes.size() != kSize)
        return std::nullopt;
    QByteArray own(bytes);
    own.detach();
    return SecretKey(own);
}

bool SecretKey::operator==(const SecretKey &other) const
{
    // A moved-from key is empty: equal only to another empty one.
    if (m_bytes.size() != kSize || other.m_bytes.size() != kSize)
        return m_bytes.size() == other.m_bytes.size();
    return sodium_memcmp(m_bytes.constData(), other.m_bytes.constData(), kSize) == 0;
}

KdfParams KdfParams::fresh(bool forTests)
{
    available();
    KdfParams params;
    params.opsLimit = forTests ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_MODERATE;
    params.memLimit = forTests ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_MODERATE;
    params.salt = QByteArray(crypto_pwhash_SALTBYTES, Qt::Uninitialized);
    randombytes_buf(params.salt.data(), size_t(params.salt.size()));
    return params;
}

std::optional<SecretKey> deriveKey(const QString &passphrase, const KdfParams &params)
{
    if (!available() || params.salt.size() != crypto_pwhash_SALTBYTES ||
        params.opsLimit < crypto_pwhash_OPSLIMIT_MIN ||
        params.opsLimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        params.memLimit < crypto_pwhash_MEMLIMIT_MIN ||
        params.memLimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
        return std::nullopt;
    QByteArray utf8 = passphrase.toUtf8();
    QByteArray out(SecretKey::kSize, Qt::Uninitialized);
    const int failed =
        crypto_pwhash(reinterpret_cast<unsigned char *>(out.data()), quint64(out.size()),
                      utf8.constData(), quint64(utf8.size()), bytesOf(params.salt), params.opsLimit,
                      size_t(params.memLimit), crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    if (failed != 0)
        return std::nullopt; // out of memory
    std::optional<SecretKey> key = SecretKey::fromBytes(out);
    sodium_memzero(out.data(), size_t(out.size()));
    return key;
}

QJsonObject WrappedKey::toJson() const
{
    QJsonObject json{{QStringLiteral("v"), 1},
                     {QStringLiteral("nonce"), QString::fromLatin1(base64url(nonce))},
                     {QStringLiteral("sealed"), QString::fromLatin1(base64url(sealed))}};
    if (!kdf.salt.isEmpty()) {
        json.insert(
            QStringLiteral("kdf"),
            QJsonObject{{QStringLiteral("alg"), QStringLiteral("argon2id13")},
                        {QStringLiteral("ops"), double(kdf.opsLimit)},
                        {QStringLiteral("mem"), double(kdf.memLimit)},
                        {QStringLiteral("salt"), QString::fromLatin1(base64url(kdf.salt))}});
    }
    return json;
}

std::optional<WrappedKey> WrappedKey::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("v")).toInt() != 1)
        return std::nullopt;
    WrappedKey wrapped;
    const auto nonce = fromBase64url(json.value(QStringLiteral("nonce")).toString());
    const auto sealed = fromBase64url(json.value(QStringLiteral("sealed")).toString());
    if (!nonce || !sealed || nonce->size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        sealed->size() != SecretKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return std::nullopt;
    wrapped.nonce = *nonce;
    wrapped.sealed = *sealed;
    if (json.contains(QStringLiteral("kdf"))) {
        const QJsonObject kdf = json.value(QStringLiteral("kdf")).toObject();
        const auto salt = fromBase64url(kdf.value(QStringLiteral("salt")).toString());
        if (kdf.value(QStringLiteral("alg")).toString() != QLatin1String("argon2id13") || !salt)
            return std::nullopt;
        wrapped.kdf.opsLimit = quint64(kdf.value(QStringLiteral("ops")).toDouble());
        wrapped.kdf.memLimit = quint64(kdf.value(QStringLiteral("mem")).toDouble());
        wrapped.kdf.salt = *salt;
    }
    return wrapped;
}

WrappedKey wrap(const SecretKey &dataKey, const SecretKey &wrappingKey, const KdfParams &kdf)
{
    available();
    WrappedKey wrapped;
    wrapped.kdf = kdf;
    wrapped.nonce = QByteArray(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, Qt::Uninitialized);
    randombytes_buf(wrapped.nonce.data(), size_t(wrapped.nonce.size()));
    wrapped.sealed =
        QByteArray(SecretKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    const QByteArray ad("hale-e2e-v1 data key");
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char *>(wrapped.sealed.data()), &length, bytesOf(dataKey.bytes()),
        quint64(dataKey.bytes().size()), bytesOf(ad), quint64(ad.size()), nullptr,
        bytesOf(wrapped.nonce), bytesOf(wrappingKey.bytes()));
    return wrapped;
}

std::optional<SecretKey> unwrap(const WrappedKey &wrapped, const SecretKey &wrappingKey)
{
    if (!available() || wrapped.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        wrapped.sealed.size() != SecretKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return std::nullopt;
    QByteArray out(SecretKey::kSize, Qt::Uninitialized);
    const QByteArray ad("hale-e2e-v1 data key");
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char *>(out.data()), &length, nullptr,
            bytesOf(wrapped.sealed), quint64(wrapped.sealed.size()), bytesOf(ad),
            quint64(ad.size()), bytesOf(wrapped.nonce), bytesOf(wrappingKey.bytes())) != 0)
        return std::nullopt;
    std::optional<SecretKey> key = SecretKey::fromBytes(out);
    sodium_memzero(out.data(), size_t(out.size()));
    return key;
}

QString recoveryText(const SecretKey &key)
{
    QString text;
    quint32 buffer = 0;
    int bits = 0;
    int written = 0;
    const auto put = [&](int index) {
        if (written > 0 && written % 4 == 0)
            text += QLatin1Char('-');
        text += QLatin1Char(kBase32[index]);
        ++written;
    };
    for (const char byte : key.bytes()) {
        buffer = (buffer << 8) | quint8(byte);
        bits += 8;
        while (bits >= 5) {
            put(int((buffer >> (bits - 5)) & 31));
            bits -= 5;
        }
    }
    if (bits > 0)
        put(int((buffer << (5 - bits)) & 31));
    return text;
}

std::optional<SecretKey> fromRecoveryText(const QString &text)
{
    QByteArray bytes;
    quint32 buffer = 0;
    int bits = 0;
    for (QChar c : text.toUpper()) {
        if (c.isSpace() || c == QLatin1Char('-'))
            continue;
        if (c == QLatin1Char('0'))
            c = QLatin1Char('O');
        else if (c == QLatin1Char('1'))
            c = QLatin1Char('I');
        else if (c == QLatin1Char('8'))
            c = QLatin1Char('B');
        const char *found = c.unicode() < 128 ? std::strchr(kBase32, char(c.unicode())) : nullptr;
        if (!found || c.unicode() == 0)
            return std::nullopt;
        buffer = (buffer << 5) | quint32(found - kBase32);
        bits += 5;
        if (bits >= 8) {
            bytes.append(char((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return SecretKey::fromBytes(bytes);
}

SecretKey recoveryKeyOf(const SecretKey &dataKey)
{
    return subkey(dataKey, kRecoveryKeyId);
}

ValueCipher::ValueCipher(const SecretKey &dataKey)
    : m_valueKey(subkey(dataKey, kValueKeyId)), m_elementKey(subkey(dataKey, kElementKeyId)),
      m_nonceKey(subkey(dataKey, kNonceKeyId))
{
}

QJsonValue ValueCipher::seal(const Place &place, const QJsonValue &value) const
{
    // The value inside an array: JSON text of any value, null included,
    // padded to a whole number of blocks (ISO/IEC 7816-4, sodium_pad) so that
    // the length does not tell short values apart: "taken" from "skipped",
    // true from false, 9 from 10.
    QByteArray plain = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    const qsizetype unpadded = plain.size();
    plain.resize((unpadded / kPadBlock + 1) * kPadBlock);
    size_t padded = 0;
    sodium_pad(&padded, reinterpret_cast<unsigned char *>(plain.data()), size_t(unpadded),
               size_t(kPadBlock), size_t(plain.size()));
    plain.resize(qsizetype(padded));
    const QByteArray ad = associatedData(place);
    QByteArray out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                       crypto_aead_xchacha20poly1305_ietf_ABYTES,
                   Qt::Uninitialized);
    // The nonce is a keyed hash of the place and the value (as in SIV), so
    // the same cell sealed again (a push retried) is the same bytes, which
    // the server's merge sees as the same write. Two different seals never
    // share a nonce, and equal bytes reveal only that a cell was sent twice:
    // its place holds its stamp.
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    crypto_generichash_state hash;
    crypto_generichash_init(&hash, bytesOf(m_nonceKey.bytes()), size_t(m_nonceKey.bytes().size()),
                            crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    crypto_generichash_update(&hash, bytesOf(ad), quint64(ad.size()));
    crypto_generichash_update(&hash, bytesOf(plain), quint64(plain.size()));
    crypto_generichash_final(&hash, nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                               &length, bytesOf(plain), quint64(plain.size()),
                                               bytesOf(ad), quint64(ad.size()), nullptr, nonce,
                                               bytesOf(m_valueKey.bytes()));
    return QJsonObject{{kSealedKey, QString::fromLatin1(base64url(out))}};
}

std::optional<QJsonValue> ValueCipher::open(const Place &place, const QJsonValue &sealed) const
{
    if (!isSealedValue(sealed))
        return std::nullopt;
    const auto bytes = fromBase64url(sealed.toObject().value(kSealedKey).toString());
    constexpr qsizetype overhead =
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (!bytes || bytes->size() < overhead)
        return std::nullopt;
    const QByteArray ad = associatedData(place);
    QByteArray plain(bytes->size() - overhead, Qt::Uninitialized);
    unsigned long long length = 0;
    const auto *nonce = bytesOf(*bytes);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char *>(plain.data()), &length, nullptr,
            nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            quint64(bytes->size()) - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, bytesOf(ad),
            quint64(ad.size()), nonce, bytesOf(m_valueKey.bytes())) != 0)
        return std::nullopt;
    size_t unpadded = 0;
    if (sodium_unpad(&unpadded, reinterpret_cast<const unsigned char *>(plain.constData()),
                     size_t(plain.size()), size_t(kPadBlock)) != 0)
        return std::nullopt;
    plain.truncate(qsizetype(unpadded));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(plain, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray() ||
        document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

QString ValueCipher::elementKey(const QString &kind, const QString &field,
                                const QString &name) const
{
    QByteArray message = kind.toUtf8();
    message.append('\0');
    message.append(field.toUtf8());
    message.append('\0');
    message.append(name.toUtf8());
    QByteArray hash(16, Qt::Uninitialized); // 128 bits: no two names of a set meet
    crypto_generichash(reinterpret_cast<unsigned char *>(hash.data()), size_t(hash.size()),
                       bytesOf(message), quint64(message.size()), bytesOf(m_elementKey.bytes()),
                       size_t(m_elementKey.bytes().size()));
    return QString::fromLatin1(base64url(hash));
}

} // namespace hale::sync::e2e
