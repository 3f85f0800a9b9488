#include "ui/sync_controller.h"

#include "models/local_store.h"

#include <QEventLoop>
#include <QGuiApplication>
#include <QNetworkInformation>
#include <QTimer>

namespace hale {

SyncController::SyncController(LocalStore *store, const QString &dataDir,
                               sync::SyncWorker::Options options, QObject *parent)
    : QObject(parent), m_store(store), m_worker(new sync::SyncWorker(dataDir, std::move(options)))
{
    m_thread.setObjectName(QStringLiteral("hale-sync"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::started, m_worker, [worker = m_worker] { worker->start(); });
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &sync::SyncWorker::statusChanged, this,
            [this](const sync::SyncStatus &status) {
                m_status = status;
                // The cycle is over: the screens show all it wrote now.
                if (status.state != sync::SyncState::Syncing)
                    m_remoteChanges.flush();
                emit statusChanged(status);
            });
    connect(m_worker, &sync::SyncWorker::devicesChanged, this,
            [this](const QList<sync::DeviceDescription> &devices) {
                m_devices = devices;
                emit devicesChanged(devices);
            });
    connect(m_worker, &sync::SyncWorker::accountActionFinished, this,
            &SyncController::accountActionFinished);
    connect(m_worker, &sync::SyncWorker::conflictsAdded, this, &SyncController::conflictsAdded);
    connect(m_worker, &sync::SyncWorker::recoveryKey, this, &SyncController::recoveryKey);
    connect(m_worker, &sync::SyncWorker::passphraseRequired, this,
            &SyncController::passphraseRequired);
    // Records the worker merged in: the screens reload through their own
    // store's signal, which must not count as a local change to push.
    connect(m_worker, &sync::SyncWorker::recordsChanged, &m_remoteChanges, &ChangeThrottle::add);
    connect(&m_remoteChanges, &ChangeThrottle::changed, this, [this](const QString &kind) {
        m_forwardingRemote = true;
        m_store->announceChange(kind);
        m_forwardingRemote = false;
    });
    connect(m_store, &LocalStore::recordsChanged, this, &SyncController::localChange);

    // A hint only (PLATFORM: some backends report online with no route);
    // failed requests and the retry timer remain the truth.
    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
                [this](QNetworkInformation::Reachability reachability) {
                    if (reachability == QNetworkInformation::Reachability::Online &&
                        m_status.state == sync::SyncState::Offline)
                        syncNow();
                });
    }
    // Coming back to the window is when a person expects it to be current.
    connect(qGuiApp, &QGuiApplication::applicationStateChanged, this,
            [this](Qt::ApplicationState state) {
                if (state == Qt::ApplicationActive)
                    call(&sync::SyncWorker::windowActivated);
            });
    m_thread.start();
}

bool SyncController::finishPending(int deadlineMs)
{
    QEventLoop loop;
    bool finished = false;
    connect(m_worker, &sync::SyncWorker::finishedPending, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(deadlineMs, &loop, &QEventLoop::quit);
    call(&sync::SyncWorker::finishPending);
    loop.exec();
    return finished;
}

SyncController::~SyncController()
{
    m_thread.quit();
    m_thread.wait();
}

template <typename... Args>
void SyncController::call(void (sync::SyncWorker::*slot)(Args...), auto &&...args)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, slot, args...] { (worker->*slot)(args...); },
        Qt::QueuedConnection);
}

void SyncController::localChange()
{
    if (!m_forwardingRemote)
        call(&sync::SyncWorker::scheduleSoon);
}

QString SyncController::deviceId() const
{
    return m_store->deviceId();
}

QString SyncController::serverUrl() const
{
    return m_store->setting(sync::settings::kServer);
}

QStringList SyncController::syncedKinds() const
{
    return sync::syncedKinds(*m_store);
}

void SyncController::setEnabled(bool enabled)
{
    call(&sync::SyncWorker::setEnabled, enabled);
}

void SyncController::syncNow()
{
    call(&sync::SyncWorker::syncNow);
}

void SyncController::signUp(const QString &serverUrl, const QString &email, const QString &password,
                            const QString &passphrase)
{
    call(&sync::SyncWorker::signUp, serverUrl, email, password, passphrase);
}

void SyncController::signIn(const QString &serverUrl, const QString &email, const QString &password,
                            const QString &passphrase)
{
    call(&sync::SyncWorker::signIn, serverUrl, email, password, passphrase);
}

void SyncController::unlock(const QString &passphraseOrRecovery)
{
    call(&sync::SyncWorker::unlock, passphraseOrRecovery);
}

void SyncController::switchOnEndToEnd(const QString &passphrase)
{
    call(&sync::SyncWorker::switchOnEndToEnd, passphrase);
}

void SyncController::changePassphrase(const QString &current, const QString &next)
{
    call(&sync::SyncWorker::changePassphrase, current, next);
}

void SyncController::showRecoveryKey(const QString &passphrase)
{
    call(&sync::SyncWorker::showRecoveryKey, passphrase);
}

void SyncController::signOut()
{
    call(&sync::SyncWorker::signOut);
}

void SyncController::deleteAccount()
{
    call(&sync::SyncWorker::deleteAccount);
}

void SyncController::setKinds(const QStringList &kinds)
{
    call(&sync::SyncWorker::setKinds, kinds);
}

void SyncController::eraseFromServer(const QStringList &kinds)
{
    call(&sync::SyncWorker::eraseFromServer, kinds);
}

void SyncController::refreshDevices()
{
    call(&sync::SyncWorker::refreshDevices);
}

void SyncController::renameDevice(const QString &deviceId, const QString &name)
{
    call(&sync::SyncWorker::renameDevice, deviceId, name);
}

void SyncController::revokeDevice(const QString &deviceId)
{
    call(&sync::SyncWorker::revokeDevice, deviceId);
}

} // namespace hale
