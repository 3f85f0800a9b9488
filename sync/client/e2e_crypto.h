#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <optional>

// The device's side of end-to-end encryption, over libsodium: a random data
// key per account, wrapped with a key derived from the person's passphrase
// (Argon2id) and with a recovery key; and each value sealed with
// XChaCha20-Poly1305 under a key derived from the data key, bound to where it
// belongs (user, kind, record, field, element, stamp) so that a server cannot
// move it elsewhere unnoticed. Set elements are keyed by a keyed hash of
// their name, so two devices adding the same name meet on one element
// without the server learning the name.
namespace hale::sync::e2e {

// libsodium's start (sodium_init): false if the library cannot be used.
// Every function below calls it; safe from any thread.
bool available();

// 32 secret bytes, wiped from memory when the last copy goes.
class SecretKey
{
public:
    static constexpr int kSize = 32;

    static SecretKey random();
    // Null unless `bytes` has kSize bytes.
    static std::optional<SecretKey> fromBytes(const QByteArray &bytes);

    SecretKey(const SecretKey &other);
    SecretKey(SecretKey &&other) noexcept = default;
    SecretKey &operator=(const SecretKey &other);
    SecretKey &operator=(SecretKey &&other) noexcept;
    ~SecretKey();

    const QByteArray &bytes() const { return m_bytes; }
    bool operator==(const SecretKey &other) const;

private:
    explicit SecretKey(QByteArray bytes);
    void wipe();
    QByteArray m_bytes;
};

// How a passphrase becomes a key: Argon2id's cost and a random salt, kept
// with the wrapped key so that a later version may raise the cost.
struct KdfParams
{
    quint64 opsLimit = 0;
    quint64 memLimit = 0; // bytes
    QByteArray salt;      // 16 bytes

    // Moderate cost (libsodium's: 3 passes over 256 MiB, under a second on
    // a laptop); `forTests` is libsodium's minimum, for quick tests only.
    static KdfParams fresh(bool forTests = false);
};

std::optional<SecretKey> deriveKey(const QString &passphrase, const KdfParams &params);

// The data key sealed under a wrapping key (from the passphrase, or the
// recovery key). Its JSON form is what the server keeps for the account.
struct WrappedKey
{
    KdfParams kdf; // empty for a recovery key's wrapping
    QByteArray nonce;
    QByteArray sealed;

    QJsonObject toJson() const;
    static std::optional<WrappedKey> fromJson(const QJsonObject &json);
};

WrappedKey wrap(const SecretKey &dataKey, const SecretKey &wrappingKey, const KdfParams &kdf = {});
// Null if the wrapping key is not the one it was sealed with (a wrong
// passphrase or recovery key), or the wrapped key was altered.
std::optional<SecretKey> unwrap(const WrappedKey &wrapped, const SecretKey &wrappingKey);

// A recovery key as a person writes it down: 52 letters and digits in
// groups of four ("ABCD-EFGH-..."). Reading it ignores case, spaces and
// dashes, and takes 0, 1 and 8 for O, I and B.
QString recoveryText(const SecretKey &key);
std::optional<SecretKey> fromRecoveryText(const QString &text);
// The account's recovery key, derived from its data key (one way): whoever
// has unlocked the data key can be shown it again, and it cannot be changed
// without changing the data key.
SecretKey recoveryKeyOf(const SecretKey &dataKey);

// Where a value belongs; all of it is bound to the sealed value.
struct Place
{
    QString userId;
    QString kind;
    QString recordId;
    QString field;
    QString element; // a set element's key (elementKey); empty for a field
    QString stamp;   // the value's HLC stamp, as on the wire
    QString base;    // a field's base stamp (what its write replaced), if any
};

// Seals and opens the values of one account.
class ValueCipher
{
public:
    explicit ValueCipher(const SecretKey &dataKey);

    // {"e": "<base64url of nonce and ciphertext>"}: what the server stores
    // (sync::isSealedValue tells it). The same value in the same place seals
    // to the same bytes.
    QJsonValue seal(const Place &place, const QJsonValue &value) const;
    // The value, or null if `sealed` is not one, was altered, or belongs
    // elsewhere (another record, field, element or stamp).
    std::optional<QJsonValue> open(const Place &place, const QJsonValue &sealed) const;

    // The element key of a set member's name: the same on every device of
    // the account, and nothing the server can read the name from.
    QString elementKey(const QString &kind, const QString &field, const QString &name) const;

private:
    SecretKey m_valueKey;
    SecretKey m_elementKey;
    SecretKey m_nonceKey;
};

} // namespace hale::sync::e2e
