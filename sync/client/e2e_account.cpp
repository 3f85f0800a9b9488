#include "sync/client/e2e_account.h"

namespace hale::sync::e2e {

namespace {

const QString kPassphrase = QStringLiteral("passphrase");
const QString kRecovery = QStringLiteral("recovery");

std::optional<QJsonObject> wrappedUnder(const SecretKey &dataKey, const QString &passphrase)
{
    const KdfParams kdf = KdfParams::fresh();
    const auto wrapping = deriveKey(passphrase, kdf);
    if (!wrapping)
        return std::nullopt;
    return wrap(dataKey, *wrapping, kdf).toJson();
}

} // namespace

std::optional<AccountKeys> newAccountKeys(const QString &passphrase)
{
    SecretKey dataKey = SecretKey::random();
    const auto byPassphrase = wrappedUnder(dataKey, passphrase);
    if (!byPassphrase)
        return std::nullopt;
    QJsonObject wrapped{{kPassphrase, *byPassphrase},
                        {kRecovery, wrap(dataKey, recoveryKeyOf(dataKey)).toJson()}};
    return AccountKeys{std::move(dataKey), std::move(wrapped)};
}

std::optional<SecretKey> unlock(const QJsonObject &wrapped, const QString &passphraseOrRecovery)
{
    if (const auto byPassphrase = WrappedKey::fromJson(wrapped.value(kPassphrase).toObject())) {
        const auto wrapping = deriveKey(passphraseOrRecovery, byPassphrase->kdf);
        if (auto dataKey = wrapping ? unwrap(*byPassphrase, *wrapping) : std::nullopt)
            return dataKey;
    }
    const auto recovery = fromRecoveryText(passphraseOrRecovery);
    const auto byRecovery = WrappedKey::fromJson(wrapped.value(kRecovery).toObject());
    if (!recovery || !byRecovery)
        return std::nullopt;
    return unwrap(*byRecovery, *recovery);
}

std::optional<QJsonObject> rewrapped(const QJsonObject &wrapped, const SecretKey &dataKey,
                                     const QString &newPassphrase)
{
    const auto byPassphrase = wrappedUnder(dataKey, newPassphrase);
    if (!byPassphrase)
        return std::nullopt;
    QJsonObject out = wrapped;
    out.insert(kPassphrase, *byPassphrase);
    return out;
}

QString recoveryTextOf(const SecretKey &dataKey)
{
    return recoveryText(recoveryKeyOf(dataKey));
}

} // namespace hale::sync::e2e
