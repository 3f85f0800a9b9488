#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace hale::sync {

// Keeps a device's refresh token in the operating system's keychain (Secret
// Service on Linux, Keychain on macOS, Credential Manager on Windows) through
// QtKeychain, never in a settings or plain file. Each call answers once,
// asynchronously, on the thread the store lives in (which needs an event
// loop). Stores on several threads are fine: the keychain work itself all
// runs on one thread of the process.
class TokenStore : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        std::optional<QString> token; // read: the token, or nothing if none is stored
        QString error;                // the keychain could not be reached or refused
        bool ok() const { return error.isEmpty(); }
    };
    using Callback = std::function<void(const Result &result)>;

    explicit TokenStore(QObject *parent = nullptr);

    // `account` names the entry; one per device (data folder), so that
    // several installations on one machine keep their own sessions. Another
    // secret of the device is "<device id>/<secret>" (the end-to-end data
    // key: "<device id>/data-key", kept as "data-key/<device id>").
    // Virtual so that tests can stand in a keychain that fails.
    virtual void read(const QString &account, Callback done);
    virtual void write(const QString &account, const QString &token, Callback done);
    // Removing an entry that does not exist succeeds.
    virtual void remove(const QString &account, Callback done);

    static QString serviceName();
};

} // namespace hale::sync
