// The sync worker's side of end-to-end encryption: the account's keys at
// sign-up and sign-in, the data key in the keychain, and the actions of an
// encrypted account. Sealing and opening happen where records are pushed
// and pulled (sync_worker.cpp), with the cipher kept here.
#include "models/local_store.h"
#include "sync/client/e2e_account.h"
#include "sync/client/sync_worker.h"
#include "sync/client/token_store.h"

namespace hale::sync {

namespace {

ApiError refusal(const QString &message)
{
    return ApiError::local(ApiError::Kind::Invalid, {}, message);
}

QString wrongPassphrase()
{
    return SyncWorker::tr("That is not this account's passphrase or recovery key.");
}

} // namespace

QString SyncWorker::dataKeyEntry() const
{
    return m_store->deviceId() + QStringLiteral("/data-key");
}

void SyncWorker::keysOfNewSession(
    ApiClient *client, bool signUp, const QString &passphrase,
    const std::function<void(const std::optional<e2e::SecretKey> &dataKey, const QString &error)>
        &next)
{
    // A session refused here is ended on the server too, as best it can be.
    const auto refuse = [client, next](const QString &why) {
        client->signOut([](std::optional<bool>, const ApiError &) {});
        next(std::nullopt, why);
    };
    if (signUp) {
        if (passphrase.isEmpty())
            return next(std::nullopt, {});
        const auto keys = e2e::newAccountKeys(passphrase);
        if (!keys)
            return refuse(tr("The passphrase could not be made into a key: not enough memory."));
        client->setAccountKeys(
            keys->wrapped, {}, 0,
            [this, client, keys, next](std::optional<bool>, const ApiError &error) {
                if (!error.ok()) {
                    // An account meant to be encrypted is not left in clear.
                    const QString why = tr("The account could not be made end-to-end "
                                           "encrypted, and was not kept: %1")
                                            .arg(error.message);
                    client->deleteAccount([next, why](std::optional<bool>, const ApiError &) {
                        next(std::nullopt, why);
                    });
                    return;
                }
                emit recoveryKey(e2e::recoveryTextOf(keys->dataKey));
                next(keys->dataKey, {});
            });
        return;
    }
    client->accountKeys([this, refuse, passphrase, next](std::optional<QJsonObject> wrapped,
                                                         const ApiError &error) {
        if (!wrapped)
            return refuse(error.message);
        // In clear, says the server. With a passphrase given, the person
        // knows better: sending their entries in clear on the server's word
        // would be a downgrade.
        if (wrapped->isEmpty() && !passphrase.isEmpty())
            return refuse(tr("The server says this account is not end-to-end encrypted, but a "
                             "passphrase was given: nothing was sent."));
        if (wrapped->isEmpty())
            return next(std::nullopt, {});
        if (passphrase.isEmpty()) {
            emit passphraseRequired();
            return refuse(tr("This account is end-to-end encrypted: enter its passphrase "
                             "(or its recovery key) to sign in."));
        }
        const auto dataKey = e2e::unlock(*wrapped, passphrase);
        if (!dataKey)
            return refuse(wrongPassphrase());
        next(dataKey, {});
    });
}

void SyncWorker::adoptDataKey(const e2e::SecretKey &dataKey,
                              const std::function<void(const QString &error)> &done)
{
    // Into the keychain first: a device whose keychain refuses the key is
    // left as it was.
    m_tokens->write(dataKeyEntry(), QString::fromLatin1(dataKey.bytes().toBase64()),
                    [this, dataKey, done](const TokenStore::Result &written) {
                        if (!written.ok())
                            return done(written.error);
                        m_cipher = std::make_shared<const e2e::ValueCipher>(dataKey);
                        m_store->setSetting(settings::kEndToEnd, QStringLiteral("1"));
                        m_status.endToEnd = true;
                        m_status.passphraseNeeded = false;
                        publish();
                        done({});
                    });
}

void SyncWorker::forgetDataKey()
{
    m_cipher.reset();
    m_store->setSetting(settings::kEndToEnd, {});
    m_status.endToEnd = false;
    m_status.passphraseNeeded = false;
    m_tokens->remove(dataKeyEntry(), [](const TokenStore::Result &removed) {
        if (!removed.ok())
            qWarning("hale.sync: the account's key could not be removed from the keychain: %s",
                     qPrintable(removed.error));
    });
}

void SyncWorker::withCipher(const std::function<void()> &next)
{
    if (m_cipher || m_store->setting(settings::kEndToEnd) != QLatin1String("1"))
        return next();
    m_tokens->read(dataKeyEntry(), [this, next](const TokenStore::Result &stored) {
        if (!m_cycle)
            return;
        if (!stored.ok())
            return handleFailure(
                ApiError::local(ApiError::Kind::Server, kKeychainFailure, stored.error));
        const auto dataKey =
            stored.token
                ? e2e::SecretKey::fromBytes(QByteArray::fromBase64(stored.token->toLatin1()))
                : std::nullopt;
        if (!dataKey)
            return needPassphrase();
        m_cipher = std::make_shared<const e2e::ValueCipher>(*dataKey);
        next();
    });
}

void SyncWorker::needPassphrase()
{
    closeEvents();
    m_store->setSetting(settings::kEndToEnd, QStringLiteral("1"));
    m_status.endToEnd = true;
    m_status.passphraseNeeded = true;
    endCycle(SyncState::Error,
             tr("This account is end-to-end encrypted: enter its passphrase on this device to "
                "sync."));
}

void SyncWorker::unlockedKeys(
    const Report &report, const QString &passphrase,
    const std::function<void(const QJsonObject &wrapped, const e2e::SecretKey &dataKey)> &next)
{
    m_api->accountKeys(
        [report, passphrase, next](std::optional<QJsonObject> wrapped, const ApiError &error) {
            if (!wrapped)
                return report(error, {});
            if (wrapped->isEmpty())
                return report(refusal(tr("This account is not end-to-end encrypted.")), {});
            const auto dataKey = e2e::unlock(*wrapped, passphrase);
            if (!dataKey)
                return report(refusal(wrongPassphrase()), {});
            next(*wrapped, *dataKey);
        });
}

void SyncWorker::unlock(const QString &passphraseOrRecovery)
{
    accountAction(QStringLiteral("unlock"), [this, passphraseOrRecovery](const Report &report) {
        unlockedKeys(report, passphraseOrRecovery,
                     [this, report](const QJsonObject &, const e2e::SecretKey &dataKey) {
                         adoptDataKey(dataKey, [this, report](const QString &error) {
                             report(error.isEmpty() ? ApiError{}
                                                    : ApiError::local(ApiError::Kind::Server,
                                                                      kKeychainFailure, error),
                                    {});
                             syncNow();
                         });
                     });
    });
}

void SyncWorker::switchOnEndToEnd(const QString &passphrase)
{
    // The server's copy is replaced by this device's: every kind must sync
    // from here, or the kinds switched off would leave the server.
    if (m_store && syncedKinds().size() < SchemaRegistry::instance().kinds().size()) {
        return emit accountActionFinished(
            QStringLiteral("encrypt"), false,
            tr("Switch sync on for every kind first: encryption replaces the server's copy with "
               "this device's."));
    }
    accountAction(QStringLiteral("encrypt"), [this, passphrase](const Report &report) {
        m_api->accountKeys(
            [this, report, passphrase](std::optional<QJsonObject> wrapped, const ApiError &error) {
                if (!wrapped)
                    return report(error, {});
                if (!wrapped->isEmpty())
                    return report(refusal(tr("This account is end-to-end encrypted already.")), {});
                const auto keys = e2e::newAccountKeys(passphrase);
                if (!keys)
                    return report(refusal(tr("The passphrase could not be made into a key: not "
                                             "enough memory.")),
                                  {});
                // From the last change this device has pulled: the server
                // refuses if another device has written since (sync first).
                // Everything is queued to go up again (sealed) before the
                // server erases its copy, so nothing waits on a later step.
                const qint64 cursor = m_store->syncCursor();
                if (!resetCursor())
                    return report(refusal(tr("The local database could not be written.")), {});
                m_api->setAccountKeys(
                    keys->wrapped, {}, cursor,
                    [this, report, keys](std::optional<bool>, const ApiError &error) {
                        if (!error.ok())
                            return report(error, {});
                        emit recoveryKey(e2e::recoveryTextOf(keys->dataKey));
                        adoptDataKey(keys->dataKey, [this, report](const QString &keychain) {
                            report(keychain.isEmpty() ? ApiError{}
                                                      : ApiError::local(ApiError::Kind::Server,
                                                                        kKeychainFailure, keychain),
                                   {});
                            syncNow();
                        });
                    });
            });
    });
}

void SyncWorker::changePassphrase(const QString &current, const QString &next)
{
    accountAction(QStringLiteral("passphrase"), [this, current, next](const Report &report) {
        unlockedKeys(
            report, current,
            [this, report, next](const QJsonObject &wrapped, const e2e::SecretKey &dataKey) {
                const auto keys = e2e::rewrapped(wrapped, dataKey, next);
                if (!keys)
                    return report(refusal(tr("The passphrase could not be made into a "
                                             "key: not enough memory.")),
                                  {});
                m_api->setAccountKeys(*keys, wrapped, m_store->syncCursor(),
                                      [report](std::optional<bool>, const ApiError &e) {
                                          report(e, tr("The passphrase was changed."));
                                      });
            });
    });
}

void SyncWorker::showRecoveryKey(const QString &passphrase)
{
    accountAction(QStringLiteral("recovery-key"), [this, passphrase](const Report &report) {
        unlockedKeys(report, passphrase,
                     [this, report](const QJsonObject &, const e2e::SecretKey &dataKey) {
                         emit recoveryKey(e2e::recoveryTextOf(dataKey));
                         report({}, {});
                     });
    });
}

} // namespace hale::sync
