#pragma once

#include "sync/client/api_client.h"
#include "sync/client/backoff.h"
#include "sync/client/e2e_crypto.h"
#include "sync/client/event_channel.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace hale {
class LocalStore;
struct OutboxEntry;
struct RejectedChange;
} // namespace hale

namespace hale::sync {

class TokenStore;

// What the sync indicator shows.
enum class SyncState {
    Off,          // sync is not switched on
    Synced,       // the last cycle finished; nothing failed since
    Syncing,      // a cycle is running (see progress)
    Offline,      // the server cannot be reached; changes wait in the outbox
    Unavailable,  // the server answers but cannot serve (5xx: its database is down, ...)
    Error,        // the server or the store refused; see message
    SignInNeeded, // no session: never signed in, signed out, or revoked
};

struct SyncStatus
{
    SyncState state = SyncState::Off;
    QString message;      // why, for Offline, Error and SignInNeeded
    int pending = 0;      // queued changes of the synced kinds
    int rejected = 0;     // changes set aside as invalid
    QDateTime lastSynced; // the end of the last successful cycle (UTC)
    qint64 pushed = 0;    // records sent and pulled in the running cycle
    qint64 pulled = 0;
    QString account;      // the email signed in, if any
    QString serverHost;   // the sync server's host name, if one is set
    qint64 bytesSent = 0; // request and response bodies since start
    qint64 bytesReceived = 0;
    int retryAfterSeconds = 0; // the wait the server asked for (429, 503) at the last failure
    // The server's event stream is open: other devices' changes arrive
    // within moments. Otherwise this device checks every few minutes;
    // liveMessage says why the stream is not open, if it was tried.
    bool live = false;
    QString liveMessage;
    // The account is end-to-end encrypted (values are sealed on this
    // device; the server cannot read them).
    bool endToEnd = false;
    // It is, and this device lacks its key: nothing syncs until the
    // passphrase (or the recovery key) is entered (SyncWorker::unlock).
    bool passphraseNeeded = false;
};

// The keys of the device settings the worker keeps in the local database.
namespace settings {
inline const QString kEnabled = QStringLiteral("sync.enabled");
inline const QString kServer = QStringLiteral("sync.server");
inline const QString kAccount = QStringLiteral("sync.account");
inline const QString kUserId = QStringLiteral("sync.user_id");
// The kinds switched on, as versions before schema 3 kept them (read only).
inline const QString kKinds = QStringLiteral("sync.kinds");
// The kinds switched off, so that a kind a later version adds syncs.
inline const QString kKindsOff = QStringLiteral("sync.kinds_off");
inline const QString kLastSynced = QStringLiteral("sync.last_synced");
// "1" while the account is end-to-end encrypted (its key is in the keychain).
inline const QString kEndToEnd = QStringLiteral("sync.end_to_end");
} // namespace settings

// The kinds this device syncs: every kind but those switched off.
QStringList syncedKinds(const LocalStore &store);

// Syncs one data folder with hale-server. Meant to be moved to a QThread: it
// opens its own LocalStore connection and QNetworkAccessManager in start()
// and talks to the screens only through queued signals and slots, so the UI
// thread never waits on the network or on a merge.
//
// A cycle pushes the outbox in batches and pulls pages until the server has
// nothing more; pulled changes and the new cursor land in one transaction,
// and a pushed change leaves the outbox only if its record was not written
// again while it was in flight. A cycle cut anywhere is finished by the
// next one: every step is idempotent on both sides.
class SyncWorker : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int pushBatch = 5000;           // records per request (see architecture.md)
        int pageSize = 1000;            // records per pulled page
        int debounceMs = 2000;          // after a local change
        int liveDebounceMs = 50;        // after a local change, while the event stream is open
        int periodicMs = 5 * 60 * 1000; // while idle
        // Keep the server's event stream open while sync is on (off: poll only).
        bool liveUpdates = true;
        EventChannel::Timing eventTiming;
        Backoff::Policy backoff;
        QString deviceName; // defaults to the host name
        // Test seams. The wall clock of the worker and its store (see
        // LocalStore); the transport (a QNetworkAccessManager whose
        // createRequest a test overrides to answer without a server); the
        // keychain. Each is made on the worker's thread, in start(), as the
        // worker's child.
        HybridLogicalClock::PhysicalClock physicalClock;
        std::function<QNetworkAccessManager *(QObject *parent)> network;
        std::function<TokenStore *(QObject *parent)> tokenStore;
    };

    explicit SyncWorker(QString dataDir, QObject *parent = nullptr);
    SyncWorker(QString dataDir, Options options, QObject *parent = nullptr);
    ~SyncWorker() override;

    // Counters for tests and benchmarks; read them on the worker's thread.
    qint64 requestsSent() const;
    qint64 bytesSent() const;
    qint64 bytesReceived() const;
    SyncStatus status() const { return m_status; }
    bool isEnabled() const;
    // Whether start() opened the data folder (if not, status() says why).
    bool isReady() const { return m_store != nullptr; }
    // When the worker tries again by itself after a failure, in ms from now;
    // -1 if no retry is scheduled.
    qint64 retryInMs() const { return m_retry.isActive() ? m_retry.remainingTime() : -1; }

public slots:
    // Opens the store and, if sync is on and `firstCycle`, starts a cycle.
    void start(bool firstCycle = true);
    void setEnabled(bool enabled);
    void syncNow();
    // A local write happened: sync in a moment (debounced).
    void scheduleSoon();
    // The window was activated: sync unless a cycle ended moments ago.
    void windowActivated();
    // The machine woke from sleep: the event stream is likely dead, and
    // other devices may have changed things meanwhile.
    void machineWoke();
    // The app is quitting: push what waits, then say finishedPending()
    // (at once if nothing waits or sync is off). The caller bounds the wait.
    void finishPending();
    // Pass an empty password never: the account calls refuse it. A
    // passphrase makes the new account end-to-end encrypted (the recovery
    // key is given once, by recoveryKey()); signing in to an encrypted
    // account needs its passphrase or recovery key, and without the right
    // one nothing is kept.
    void signUp(const QString &serverUrl, const QString &email, const QString &password,
                const QString &passphrase = {});
    void signIn(const QString &serverUrl, const QString &email, const QString &password,
                const QString &passphrase = {});
    // End-to-end encryption of the signed-in account (actions "unlock",
    // "encrypt", "passphrase", "recovery-key"): the key of an account
    // encrypted elsewhere, from its passphrase or recovery key; switching it
    // on (the server's clear copy is replaced by a sealed one through sync);
    // a new passphrase (the data key stays); the recovery key shown again.
    void unlock(const QString &passphraseOrRecovery);
    void switchOnEndToEnd(const QString &passphrase);
    void changePassphrase(const QString &current, const QString &next);
    void showRecoveryKey(const QString &passphrase);
    void signOut();
    void deleteAccount();
    // Which kinds leave the device; the others stay local only.
    void setKinds(const QStringList &kinds);
    // Erases these kinds from the server (not from this device).
    void eraseFromServer(const QStringList &kinds);
    void refreshDevices();
    void renameDevice(const QString &deviceId, const QString &name);
    void revokeDevice(const QString &deviceId);

signals:
    void statusChanged(const hale::sync::SyncStatus &status);
    // One cycle ended (for the command line and tests); ok = everything synced.
    void cycleFinished(bool ok, const QString &message);
    // An account action (sign up/in/out, delete, erase, rename, revoke) ended.
    void accountActionFinished(const QString &action, bool ok, const QString &message);
    void devicesChanged(const QList<hale::sync::DeviceDescription> &devices);
    // Pulled changes were written to these kinds: screens reload them.
    void recordsChanged(const QString &kind);
    void conflictsAdded(int count);
    // The account's recovery key, to write down: after signing up or
    // switching encryption on, and when asked for (showRecoveryKey).
    void recoveryKey(const QString &text);
    // Signing in was refused for want of a passphrase: the account is end-
    // to-end encrypted (the sign-in may be tried again with one).
    void passphraseRequired();
    void finishedPending();

private:
    struct Cycle;
    // ApiError::code of a failure of the keychain.
    inline static const QString kKeychainFailure = QStringLiteral("keychain");
    // Reports an account action's outcome: the error, or success with a message.
    using Report = std::function<void(const ApiError &error, const QString &message)>;
    void authenticate(bool signUp, const QString &serverUrl, const QString &email,
                      const QString &password, const QString &passphrase);
    // End-to-end encryption (sync_worker_e2e.cpp). The keys of a session
    // just opened through `client`: made for a new account, or unlocked for
    // an encrypted one; `next` gets the data key (null: the account is in
    // clear) or why not.
    void keysOfNewSession(ApiClient *client, bool signUp, const QString &passphrase,
                          const std::function<void(const std::optional<e2e::SecretKey> &dataKey,
                                                   const QString &error)> &next);
    // Keeps the data key in the keychain and seals with it from now on.
    void adoptDataKey(const e2e::SecretKey &dataKey,
                      const std::function<void(const QString &error)> &done);
    void forgetDataKey();
    QString dataKeyEntry() const;
    // Runs `next` once the cipher is ready if the account is encrypted (from
    // the keychain); the cycle ends asking for the passphrase otherwise.
    void withCipher(const std::function<void()> &next);
    void needPassphrase();
    // The wrapped keys, unlocked with `passphrase`: `next` gets them and the
    // data key, or the action ends with why not.
    void unlockedKeys(
        const Report &report, const QString &passphrase,
        const std::function<void(const QJsonObject &wrapped, const e2e::SecretKey &dataKey)> &next);
    void adoptSession(const AuthTokens &tokens, const QString &email);
    void accountAction(const QString &action, std::function<void(const Report &)> call,
                       bool renewed = false);
    void adoptApi(ApiClient *api);
    QDateTime now() const;
    void finishSynced();
    int pendingCount() const;
    void beginCycle();
    // Runs `next` with a valid access token, refreshing it from the keychain's
    // refresh token first if needed; `fail` gets why it could not.
    void withAccess(std::function<void()> next, std::function<void(const ApiError &)> fail);
    void exchange();
    struct Batch;
    Batch readBatch(int size, const QStringList &kinds, int skip) const;
    // A sync request on the wire, and what its answer is checked against.
    struct Sent
    {
        QList<OutboxEntry> inFlight; // the outbox entries it pushes
        bool fullBatch = false;
        qint64 atNs = 0;        // on the cycle's clock
        quint64 generation = 0; // m_cursorGeneration when sent
        quint64 cycle = 0;      // m_cycleSerial when sent
        QStringList kinds;      // as requested (for the next page)
        int pageSize = 0;
    };
    void send(const SyncRequest &request, const QList<OutboxEntry> &inFlight, bool fullBatch,
              const QByteArray &changes);
    void send(const SyncRequest &pull); // pushes nothing
    bool prefetchNext(const Sent &sent, const SyncResponse &head);
    void readNextBatch(const QStringList &kinds, int skip);
    // What the decoder's thread made of an answer besides decoding it.
    struct Opened
    {
        // LocalStore::rowOf of the page's merged states, then of its
        // changes (or empty: worked out while storing).
        QList<QVariantList> rows;
        // Records whose sealed values did not open or check: set aside.
        QList<RejectedChange> unreadable;
        bool keyNeeded = false; // sealed values, and no key to open them
    };
    static void openAnswer(SyncResponse &answer, const e2e::ValueCipher *cipher,
                           const QString &userId, Opened *opened);
    void onReply(const Sent &sent, const std::optional<SyncResponse> &response,
                 const ApiError &error, bool prefetched, const Opened &opened);
    void storeAnswer(const Sent &sent, const SyncResponse &page, bool prefetched,
                     const Opened &opened);
    // Removes the entries the server took from the outbox: how many, or -1
    // (the cycle has ended) if the local database could not be written.
    int acknowledge(const Sent &sent, const QStringList &applied);
    // Runs the acknowledgement storeAnswer left for later, if any; false if
    // it ended the cycle.
    bool acknowledgeAnswered();
    void setAsideRefused(const QList<OutboxEntry> &inFlight, const ApiError &error);
    void handleFailure(const ApiError &error);
    void endCycle(SyncState state, const QString &message);
    void dropSession(const QString &message);
    void publish();
    QStringList syncedKinds() const;
    // Queues every record of `kinds` (empty: all) and pulls from the start.
    // False if the records could not be queued (the database failed).
    bool resetCursor(const QStringList &kinds = {});
    bool ensureApi();
    // The event stream: opened after a successful cycle, reopened after a
    // backoff when it ends, closed when sync stops.
    void openEvents();
    void eventsEnded(int closeCode, const QString &reason);
    void closeEvents();
    void checkForWake();

    QString m_dataDir;
    Options m_options;
    std::unique_ptr<LocalStore> m_store;
    // Seals pushed values and opens pulled ones while the account is end-to-
    // end encrypted; shared with the decoder's thread, which opens a page's
    // values there.
    std::shared_ptr<const e2e::ValueCipher> m_cipher;
    QNetworkAccessManager *m_network = nullptr;
    ApiClient *m_api = nullptr;
    TokenStore *m_tokens = nullptr;
    QTimer m_debounce;
    QTimer m_periodic;
    QTimer m_retry;
    Backoff m_backoff;
    EventChannel *m_events = nullptr;
    QTimer m_eventsRetry;
    Backoff m_eventsBackoff;
    qint64 m_notifiedSeq = 0;   // announced by the event stream during a cycle
    bool m_finishing = false;   // finishPending() waits for the cycle to end
    QElapsedTimer m_sinceCycle; // since the last cycle ended
    QTimer m_wakeWatch;         // compares the wall clock with the monotonic one
    QElapsedTimer m_monotonic;
    qint64 m_lastWallMs = 0;
    SyncStatus m_status;
    std::unique_ptr<Cycle> m_cycle;
    bool m_runAgain = false;
    bool m_hasAccess = false;
    // Callers waiting for the access token being fetched (see withAccess).
    QList<std::pair<std::function<void()>, std::function<void(const ApiError &)>>>
        m_waitingForAccess;
    qint64 m_retiredRequests = 0; // requests of clients replaced by a new server URL
    // Bumped by every cursor reset: a reply to a request sent before one
    // carries a cursor of before, and is dropped rather than applied.
    quint64 m_cursorGeneration = 0;
    // Numbers the cycles: a reply to a request of an ended cycle is dropped.
    quint64 m_cycleSerial = 0;
};

} // namespace hale::sync

Q_DECLARE_METATYPE(hale::sync::SyncStatus)
