#pragma once

#include "sync/client/sync_worker.h"
#include "ui/change_throttle.h"

#include <QObject>
#include <QThread>

namespace hale {

class LocalStore;

// The screens' handle on sync: runs a SyncWorker on a thread of its own and
// forwards calls to it as queued invocations, so that nothing the worker does
// (network, merging thousands of pulled records) can block the UI thread.
// Keeps the latest status and device list for widgets created later.
class SyncController : public QObject
{
    Q_OBJECT

public:
    // `store` is the screens' connection: its writes schedule a sync, and
    // records the worker pulls in are announced through it.
    SyncController(LocalStore *store, const QString &dataDir,
                   sync::SyncWorker::Options options = {}, QObject *parent = nullptr);
    ~SyncController() override;

    sync::SyncStatus status() const { return m_status; }
    QList<sync::DeviceDescription> devices() const { return m_devices; }
    QString deviceId() const;
    // Settings the worker keeps in the database, read on the UI thread.
    QString serverUrl() const;
    QStringList syncedKinds() const;
    // The app is quitting: gives the worker up to `deadlineMs` to push the
    // changes that wait (a change made just before quitting reaches the
    // server if it can), and returns whether it finished in time.
    bool finishPending(int deadlineMs);

public slots:
    void setEnabled(bool enabled);
    void syncNow();
    void signUp(const QString &serverUrl, const QString &email, const QString &password,
                const QString &passphrase = {});
    void signIn(const QString &serverUrl, const QString &email, const QString &password,
                const QString &passphrase = {});
    // End-to-end encryption (see SyncWorker).
    void unlock(const QString &passphraseOrRecovery);
    void switchOnEndToEnd(const QString &passphrase);
    void changePassphrase(const QString &current, const QString &next);
    void showRecoveryKey(const QString &passphrase);
    void signOut();
    void deleteAccount();
    void setKinds(const QStringList &kinds);
    void eraseFromServer(const QStringList &kinds);
    void refreshDevices();
    void renameDevice(const QString &deviceId, const QString &name);
    void revokeDevice(const QString &deviceId);

signals:
    void statusChanged(const hale::sync::SyncStatus &status);
    void devicesChanged(const QList<hale::sync::DeviceDescription> &devices);
    void accountActionFinished(const QString &action, bool ok, const QString &message);
    void conflictsAdded(int count);
    void recoveryKey(const QString &text);
    void passphraseRequired();

private:
    template <typename... Args> void call(void (sync::SyncWorker::*slot)(Args...), auto &&...args);
    void localChange();

    LocalStore *m_store;
    QThread m_thread;
    sync::SyncWorker *m_worker;
    sync::SyncStatus m_status;
    QList<sync::DeviceDescription> m_devices;
    bool m_forwardingRemote = false;
    // Kinds the worker wrote, on their way to the screens.
    ChangeThrottle m_remoteChanges{250};
};

} // namespace hale
