#pragma once

#include "sync/client/e2e_crypto.h"

#include <QJsonObject>

// An end-to-end encrypted account's keys as the server keeps them: the data
// key wrapped under the passphrase and under the recovery key
// ({"passphrase": WrappedKey, "recovery": WrappedKey}, see
// sync::checkAccountKeys). Deriving a key from a passphrase takes Argon2id's
// moderate cost (about a second and 256 MiB): call these off the UI thread.
namespace hale::sync::e2e {

struct AccountKeys
{
    SecretKey dataKey;
    QJsonObject wrapped;
};

// A new random data key, wrapped under `passphrase` and its recovery key.
// Null (as for rewrapped) if Argon2id lacks the memory it needs.
std::optional<AccountKeys> newAccountKeys(const QString &passphrase);

// The data key, from the passphrase or, failing that, the recovery key as
// written down; null if it is neither (or the keys were altered).
std::optional<SecretKey> unlock(const QJsonObject &wrapped, const QString &passphraseOrRecovery);

// The same data key wrapped under a new passphrase; the recovery key's
// wrapping stays as it was.
std::optional<QJsonObject> rewrapped(const QJsonObject &wrapped, const SecretKey &dataKey,
                                     const QString &newPassphrase);

// The recovery key of the account, as a person writes it down.
QString recoveryTextOf(const SecretKey &dataKey);

} // namespace hale::sync::e2e
