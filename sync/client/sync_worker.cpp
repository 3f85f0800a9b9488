#include "sync/client/sync_worker.h"

#include "models/local_store.h"
#include "sync/client/e2e_records.h"
#include "sync/client/token_store.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSet>
#include <QSysInfo>
#include <memory>
#include <optional>
#include <utility>

Q_LOGGING_CATEGORY(lcSync, "hale.sync", QtInfoMsg) // debug: where cycles spend their time

namespace hale::sync {

// A push batch read from the outbox, its changes written as the request will
// carry them.
struct SyncWorker::Batch
{
    QList<OutboxEntry> inFlight; // the entries whose changes it carries
    QList<OutboxEntry> gone;     // entries whose record is gone: nothing to send
    QByteArray changes;          // encodeChangesJson of inFlight's states
    bool full = false;           // as many entries as a batch holds: more may wait
};

// The state of the running cycle.
struct SyncWorker::Cycle
{
    int batch = 0;            // records per push; halved to isolate a refused one
    bool refreshed = false;   // the access token was renewed once already
    bool startedOver = false; // the server asked to send everything again
    // Where the cycle's time went (logged at its end, category hale.sync, debug).
    QElapsedTimer clock;
    qint64 requests = 0;
    qint64 prepareNs = 0; // reading the outbox
    qint64 waitNs = 0;    // encoding, the server, the network, decoding the answer
    qint64 applyNs = 0;   // storing what came back
    // Pull pages asked for ahead (prefetchNext) and not stored yet, and the
    // request that waits for the one before to be stored.
    int ahead = 0;
    std::optional<SyncRequest> nextPage;
    // The push batch after the one on the wire, read meanwhile past that
    // one's entries. Not used, nor read, once a batch has left entries in
    // the outbox (an edit moved one, or the server did not take it): the
    // outbox's head is then not where it was read from.
    std::optional<Batch> nextBatch;
    bool leftBehind = false;
    int readingAheadOf = 0; // the request (by number) whose next batch is due
    // An answered batch whose entries are not removed from the outbox yet:
    // the batch after it went first (acknowledgeAnswered).
    std::optional<std::pair<Sent, QStringList>> unacknowledged;
};

SyncWorker::SyncWorker(QString dataDir, QObject *parent)
    : SyncWorker(std::move(dataDir), Options{}, parent)
{
}

SyncWorker::SyncWorker(QString dataDir, Options options, QObject *parent)
    : QObject(parent), m_dataDir(std::move(dataDir)), m_options(std::move(options)),
      m_debounce(this), m_periodic(this), m_retry(this), m_backoff(m_options.backoff),
      m_eventsRetry(this), m_eventsBackoff(m_options.backoff), m_wakeWatch(this)
{
    qRegisterMetaType<SyncStatus>();
    qRegisterMetaType<QList<DeviceDescription>>();
    if (m_options.deviceName.isEmpty())
        m_options.deviceName = QSysInfo::machineHostName();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(m_options.debounceMs);
    m_retry.setSingleShot(true);
    m_periodic.setInterval(m_options.periodicMs);
    connect(&m_debounce, &QTimer::timeout, this, &SyncWorker::beginCycle);
    connect(&m_retry, &QTimer::timeout, this, &SyncWorker::beginCycle);
    connect(&m_periodic, &QTimer::timeout, this, &SyncWorker::beginCycle);
    m_eventsRetry.setSingleShot(true);
    connect(&m_eventsRetry, &QTimer::timeout, this, &SyncWorker::openEvents);
    m_wakeWatch.setInterval(5000);
    connect(&m_wakeWatch, &QTimer::timeout, this, &SyncWorker::checkForWake);
}

SyncWorker::~SyncWorker() = default;

qint64 SyncWorker::requestsSent() const
{
    return m_api ? m_api->requestsSent() + m_retiredRequests : m_retiredRequests;
}

qint64 SyncWorker::bytesSent() const
{
    return m_api ? m_api->bytesSent() : 0;
}

qint64 SyncWorker::bytesReceived() const
{
    return m_api ? m_api->bytesReceived() : 0;
}

bool SyncWorker::isEnabled() const
{
    return m_store && m_store->setting(settings::kEnabled) == QLatin1String("1");
}

QStringList syncedKinds(const LocalStore &store)
{
    // Every kind but those switched off. Before schema version 3 the kinds
    // switched on were kept: of the kinds of that time (schema version 1's,
    // as the list could not tell later ones apart), those not listed are off.
    const QString notSet = QStringLiteral("*");
    const QString storedOff = store.setting(settings::kKindsOff, notSet);
    QStringList off;
    if (storedOff != notSet) {
        off = storedOff.split(QLatin1Char(','), Qt::SkipEmptyParts);
    } else if (const QString on = store.setting(settings::kKinds, notSet); on != notSet) {
        const QStringList listed = on.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const char *kind : {"metric", "meal", "exercise", "medication", "dose", "journal"}) {
            if (!listed.contains(QLatin1String(kind)))
                off << QLatin1String(kind);
        }
    }
    QStringList synced;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        if (!off.contains(kind.name))
            synced << kind.name;
    }
    return synced;
}

QStringList SyncWorker::syncedKinds() const
{
    return sync::syncedKinds(*m_store);
}

int SyncWorker::pendingCount() const
{
    // An empty list means every kind to the store; here it means none.
    const QStringList kinds = syncedKinds();
    return kinds.isEmpty() ? 0 : m_store->pendingChangeCount(kinds);
}

void SyncWorker::start(bool firstCycle)
{
    if (m_store)
        return;
    auto store = std::make_unique<LocalStore>();
    if (m_options.physicalClock)
        store->setPhysicalClock(m_options.physicalClock);
    const LocalStore::OpenResult opened = store->open(m_dataDir);
    if (!opened.ok()) {
        m_status.state = SyncState::Error;
        m_status.message = opened.message;
        publish();
        return;
    }
    m_store = std::move(store);
    connect(m_store.get(), &LocalStore::recordsChanged, this, &SyncWorker::recordsChanged);
    m_network = m_options.network ? m_options.network(this) : new QNetworkAccessManager(this);
    m_tokens = m_options.tokenStore ? m_options.tokenStore(this) : new TokenStore(this);
    if (m_options.liveUpdates) {
        m_events = new EventChannel(m_options.eventTiming, this);
        connect(m_events, &EventChannel::opened, this, [this] {
            m_eventsBackoff.reset();
            m_status.live = true;
            m_status.liveMessage.clear();
            publish();
        });
        connect(m_events, &EventChannel::changed, this, [this](qint64 seq) {
            m_notifiedSeq = seq;
            // A cycle under way checks again when it ends (endCycle).
            if (!m_cycle && seq > m_store->syncCursor())
                beginCycle();
        });
        connect(m_events, &EventChannel::ended, this, &SyncWorker::eventsEnded);
    }
    m_monotonic.start();
    m_lastWallMs = QDateTime::currentMSecsSinceEpoch();
    m_wakeWatch.start();
    m_status.account = m_store->setting(settings::kAccount);
    m_status.serverHost = QUrl(m_store->setting(settings::kServer)).host();
    m_status.pending = pendingCount();
    m_status.rejected = m_store->rejectedChangeCount();
    m_status.endToEnd = m_store->setting(settings::kEndToEnd) == QLatin1String("1");
    m_status.lastSynced =
        QDateTime::fromString(m_store->setting(settings::kLastSynced), Qt::ISODateWithMs);
    if (isEnabled()) {
        m_periodic.start();
        if (firstCycle)
            beginCycle();
        else
            publish();
        return;
    }
    m_status.state = SyncState::Off;
    publish();
}

bool SyncWorker::ensureApi()
{
    const QUrl server(m_store->setting(settings::kServer));
    if (!server.isValid() || server.host().isEmpty())
        return false;
    if (m_api && m_api->baseUrl() == server)
        return true;
    adoptApi(new ApiClient(m_network, server, this));
    m_hasAccess = false;
    return true;
}

void SyncWorker::adoptApi(ApiClient *api)
{
    // The previous client lives until its last reply has reached its
    // callback (or a cycle would never end), and no longer.
    if (ApiClient *retired = std::exchange(m_api, api); retired && retired != api) {
        closeEvents(); // of the server before
        m_retiredRequests += retired->requestsSent();
        if (retired->requestsInFlight() == 0)
            retired->deleteLater();
        else
            connect(retired, &ApiClient::idle, retired, &QObject::deleteLater);
    }
}

QDateTime SyncWorker::now() const
{
    return m_options.physicalClock
               ? QDateTime::fromMSecsSinceEpoch(m_options.physicalClock(), Qt::UTC)
               : QDateTime::currentDateTimeUtc();
}

void SyncWorker::setEnabled(bool enabled)
{
    if (!m_store)
        return;
    m_store->setSetting(settings::kEnabled, enabled ? QStringLiteral("1") : QStringLiteral("0"));
    if (enabled) {
        m_periodic.start();
        syncNow();
        return;
    }
    // No timer may start another request; a request already on the wire
    // finishes, and its cycle stops there.
    closeEvents();
    m_debounce.stop();
    m_periodic.stop();
    m_retry.stop();
    m_runAgain = false;
    if (!m_cycle) {
        m_status.state = SyncState::Off;
        m_status.message.clear();
        publish();
    }
}

void SyncWorker::syncNow()
{
    m_debounce.stop();
    m_retry.stop();
    beginCycle();
}

void SyncWorker::scheduleSoon()
{
    if (!m_store)
        return;
    m_status.pending = pendingCount();
    publish();
    // With the event stream open, other devices hear of a change at once,
    // so it goes at once (changes made together still go together).
    if (isEnabled())
        m_debounce.start(m_events && m_events->isOpen() ? m_options.liveDebounceMs
                                                        : m_options.debounceMs);
}

void SyncWorker::windowActivated()
{
    constexpr qint64 kRecentMs = 10'000;
    if (m_store && isEnabled() && !m_cycle &&
        (!m_sinceCycle.isValid() || m_sinceCycle.elapsed() > kRecentMs))
        beginCycle();
}

void SyncWorker::machineWoke()
{
    if (!m_store || !isEnabled())
        return;
    qCInfo(lcSync) << "the machine woke: syncing and opening the event stream again";
    closeEvents();
    m_eventsBackoff.reset();
    syncNow(); // opens the stream again when it succeeds
}

void SyncWorker::checkForWake()
{
    // The monotonic clock stands still while the machine sleeps (Linux,
    // macOS, Windows alike) and the wall clock does not: a gap between
    // them that opened since the last look is a sleep.
    constexpr qint64 kSleptMs = 15'000;
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    const qint64 monotonic = m_monotonic.restart();
    const qint64 slept = (wall - std::exchange(m_lastWallMs, wall)) - monotonic;
    if (slept > kSleptMs)
        machineWoke();
}

void SyncWorker::finishPending()
{
    if (!m_store || !isEnabled() || m_status.state == SyncState::SignInNeeded ||
        (!m_cycle && pendingCount() == 0)) {
        emit finishedPending();
        return;
    }
    m_finishing = true;
    m_debounce.stop();
    if (m_cycle)
        m_runAgain = true;
    else
        beginCycle();
}

void SyncWorker::openEvents()
{
    if (!m_events || !m_store || !isEnabled() || m_events->isOpen() || m_events->isOpening() ||
        m_eventsRetry.isActive())
        return;
    withAccess(
        [this] {
            if (isEnabled() && m_api && !m_events->isOpen() && !m_events->isOpening())
                m_events->open(m_api->baseUrl(), m_api->accessToken());
        },
        [this](const ApiError &error) {
            // No session: the next cycle says so, and opens the stream
            // again once there is one.
            if (error.kind != ApiError::Kind::Unauthorized)
                m_eventsRetry.start(int(m_eventsBackoff.nextDelayMs()));
        });
}

void SyncWorker::eventsEnded(int closeCode, const QString &reason)
{
    m_status.live = false;
    // An expired token is routine (every 15 minutes): reopened at once, and
    // no reason to worry anyone.
    m_status.liveMessage = closeCode == events::kUnauthorized ? QString() : reason;
    publish();
    if (!isEnabled())
        return;
    if (closeCode == events::kRevoked) {
        // The cycle hears it too, and asks to sign in again.
        beginCycle();
        return;
    }
    if (closeCode == events::kUnauthorized)
        m_hasAccess = false; // expired: the reopening fetches a new one
    // Jittered, growing waits: a restarted server is not met by every
    // device at once.
    const qint64 wait = m_eventsBackoff.nextDelayMs();
    qCInfo(lcSync) << "event stream ended (" << closeCode << reason << ") - reopening in" << wait
                   << "ms";
    m_eventsRetry.start(int(std::min<qint64>(wait, std::numeric_limits<int>::max())));
}

void SyncWorker::closeEvents()
{
    m_eventsRetry.stop();
    if (m_events)
        m_events->close();
    if (m_status.live) {
        m_status.live = false;
        publish();
    }
}

void SyncWorker::beginCycle()
{
    if (!m_store)
        return;
    if (!isEnabled()) {
        emit cycleFinished(false, tr("Sync is off."));
        return;
    }
    if (m_cycle) {
        m_runAgain = true;
        return;
    }
    m_cycle = std::make_unique<Cycle>();
    ++m_cycleSerial;
    m_cycle->clock.start();
    m_cycle->batch = m_options.pushBatch;
    m_status.state = SyncState::Syncing;
    m_status.message.clear();
    m_status.pushed = 0;
    m_status.pulled = 0;
    m_status.retryAfterSeconds = 0;
    m_status.pending = pendingCount();
    publish();
    withAccess([this] { withCipher([this] { exchange(); }); },
               [this](const ApiError &e) { handleFailure(e); });
}

void SyncWorker::withAccess(std::function<void()> next, std::function<void(const ApiError &)> fail)
{
    if (!ensureApi()) {
        return fail(ApiError::local(ApiError::Kind::Unauthorized, QStringLiteral("no_session"),
                                    tr("Sign in to sync.")));
    }
    if (m_hasAccess)
        return next();
    // One refresh at a time: the server takes a refresh token used twice for
    // a stolen one and signs the device out, so callers that need a token
    // while one is being fetched wait for it.
    m_waitingForAccess.append({std::move(next), std::move(fail)});
    if (m_waitingForAccess.size() > 1)
        return;
    const auto finish = [this](const ApiError &error) {
        const auto waiting = std::exchange(m_waitingForAccess, {});
        for (const auto &[next, fail] : waiting) {
            if (error.ok())
                next();
            else
                fail(error);
        }
    };
    const QString account = m_store->deviceId();
    m_tokens->read(account, [this, account, finish](const TokenStore::Result &stored) {
        if (!stored.ok())
            return finish(ApiError::local(ApiError::Kind::Server, kKeychainFailure, stored.error));
        if (!stored.token) {
            return finish(ApiError::local(ApiError::Kind::Unauthorized,
                                          QStringLiteral("no_session"), tr("Sign in to sync.")));
        }
        m_api->refresh(*stored.token, [this, account, finish](std::optional<AuthTokens> tokens,
                                                              const ApiError &error) {
            if (!tokens)
                return finish(error);
            // The refresh token rotates on every use: keep the new one.
            m_tokens->write(account, tokens->refreshToken,
                            [this, finish](const TokenStore::Result &written) {
                                if (!written.ok()) {
                                    return finish(ApiError::local(ApiError::Kind::Server,
                                                                  kKeychainFailure, written.error));
                                }
                                m_hasAccess = true;
                                finish({});
                            });
        });
    });
}

void SyncWorker::exchange()
{
    if (!m_cycle)
        return;
    if (!isEnabled())
        return endCycle(SyncState::Off, {});
    const QStringList kinds = syncedKinds();
    if (kinds.isEmpty()) // nothing is chosen to sync: nothing to send or fetch
        return finishSynced();
    const qint64 preparingFromNs = m_cycle->clock.nsecsElapsed();
    SyncRequest request;
    request.cursor = m_store->syncCursor();
    request.cursorKey = m_store->syncCursorKey();
    // All kinds go as no list at all: the server's page query is then a
    // plain range scan of the user's change sequence.
    if (kinds.size() < SchemaRegistry::instance().kinds().size())
        request.kinds = kinds;
    request.pageSize = m_options.pageSize;
    const Batch batch = m_cycle->nextBatch && !m_cycle->leftBehind
                            ? *std::exchange(m_cycle->nextBatch, std::nullopt)
                            : readBatch(m_cycle->batch, kinds, 0);
    m_cycle->nextBatch.reset();
    m_cycle->leftBehind = false; // read from where the outbox starts, or past the batch before
    // The next batch is read past this one's entries, which stay queued
    // until their answer; the gone ones are not queued any more.
    qsizetype stillQueued = batch.inFlight.size();
    for (const OutboxEntry &entry : batch.gone)
        stillQueued += m_store->acknowledge(entry) ? 0 : 1;
    m_cycle->prepareNs += m_cycle->clock.nsecsElapsed() - preparingFromNs;
    send(request, batch.inFlight, batch.full, batch.changes);
    if (batch.full) {
        m_cycle->readingAheadOf = int(m_cycle->requests);
        readNextBatch(kinds, int(stillQueued));
    }
}

SyncWorker::Batch SyncWorker::readBatch(int size, const QStringList &kinds, int skip) const
{
    const QList<LocalStore::PendingState> queued = m_store->pendingStates(size, kinds, skip);
    const QString userId = m_store->setting(settings::kUserId);
    Batch batch;
    batch.full = queued.size() == size;
    QList<RecordState> changes;
    changes.reserve(queued.size());
    for (const LocalStore::PendingState &pending : queued) {
        if (!pending.state) { // the row is gone (a restored backup)
            batch.gone.append(pending.entry);
            continue;
        }
        changes.append(m_cipher ? e2e::sealRecord(*m_cipher, userId, *pending.state)
                                : *pending.state);
        batch.inFlight.append(pending.entry);
    }
    batch.changes = encodeChangesJson(changes);
    return batch;
}

// More may wait behind a full batch: the next one is read and written while
// the server stores this one. Only once this one's body is on its way:
// QNetworkAccessManager uploads it through this thread's event loop, piece
// by piece.
void SyncWorker::readNextBatch(const QStringList &kinds, int skip)
{
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(
        m_api, &ApiClient::uploaded, this,
        [this, once, kinds, skip, cycle = m_cycleSerial, generation = m_cursorGeneration,
         batch = m_cycle->batch, request = m_cycle->requests] {
            disconnect(*once);
            // Not once that batch's answer is stored: the outbox has moved.
            if (!m_cycle || cycle != m_cycleSerial || generation != m_cursorGeneration ||
                batch != m_cycle->batch || request != m_cycle->readingAheadOf)
                return;
            if (!acknowledgeAnswered() || m_cycle->leftBehind)
                return;
            const qint64 fromNs = m_cycle->clock.nsecsElapsed();
            m_cycle->nextBatch = readBatch(batch, kinds, skip);
            m_cycle->prepareNs += m_cycle->clock.nsecsElapsed() - fromNs;
        },
        Qt::QueuedConnection);
}

void SyncWorker::send(const SyncRequest &pull)
{
    send(pull, {}, false, QByteArrayLiteral("[]"));
}

void SyncWorker::send(const SyncRequest &request, const QList<OutboxEntry> &inFlight,
                      bool fullBatch, const QByteArray &changes)
{
    ++m_cycle->requests;
    const Sent sent{inFlight,           fullBatch,     m_cycle->clock.nsecsElapsed(),
                    m_cursorGeneration, m_cycleSerial, request.kinds,
                    request.pageSize};
    // Set when the answer's head is read, and when it is decoded (the rows
    // its states are stored as, worked out on the decoder's thread); read
    // when the whole answer is handled (later, on this thread).
    auto prefetched = std::make_shared<bool>(false);
    auto opened = std::make_shared<Opened>();
    m_api->sync(
        request, changes,
        [this, sent, prefetched, opened](const std::optional<SyncResponse> &response,
                                         const ApiError &error) {
            onReply(sent, response, error, *prefetched, *opened);
        },
        [this, sent, prefetched](const SyncResponse &head) {
            *prefetched = prefetchNext(sent, head);
        },
        [opened, cipher = m_cipher, userId = m_store->setting(settings::kUserId)](
            SyncResponse &answer) { openAnswer(answer, cipher.get(), userId, opened.get()); });
}

// On the decoder's thread: an encrypted account's values opened and
// checked (a record that fails is taken out of the answer and set aside),
// then the rows the states are stored as.
void SyncWorker::openAnswer(SyncResponse &answer, const e2e::ValueCipher *cipher,
                            const QString &userId, Opened *opened)
{
    for (auto *states : {&answer.merged, &answer.changes}) {
        if (!cipher) {
            // Sealed elsewhere, and this device has no key: the page waits
            // until the passphrase is entered.
            opened->keyNeeded = opened->keyNeeded ||
                                std::any_of(states->cbegin(), states->cend(), e2e::hasSealedValues);
            continue;
        }
        QList<RecordState> readable;
        readable.reserve(states->size());
        for (RecordState &state : *states) {
            QString why;
            if (e2e::openRecord(*cipher, userId, state, &why))
                readable.append(std::move(state));
            else
                opened->unreadable.append({state.kind, state.id, why, true});
        }
        *states = std::move(readable);
    }
    opened->rows.reserve(answer.merged.size() + answer.changes.size());
    for (const auto *states : {&answer.merged, &answer.changes}) {
        for (const RecordState &state : *states)
            opened->rows.append(LocalStore::rowOf(state));
    }
}

// A page of a pull with more behind it: the next one is asked for as soon as
// the cursor is known, before this page's records are decoded and stored, so
// that the server reads it meanwhile. Answers are handled in order (one
// thread); if one fails, the cycle ends and the answers after it are
// dropped. At most one page is asked for ahead of the one being stored, so a
// slow disk never has the whole pull waiting in memory.
bool SyncWorker::prefetchNext(const Sent &sent, const SyncResponse &head)
{
    if (!m_cycle || sent.cycle != m_cycleSerial || sent.generation != m_cursorGeneration ||
        !head.hasMore || !sent.inFlight.isEmpty())
        return false;
    SyncRequest next;
    next.cursor = head.cursor;
    next.cursorKey = head.cursorKey;
    next.kinds = sent.kinds;
    next.pageSize = sent.pageSize;
    if (m_cycle->ahead++ > 0)
        m_cycle->nextPage = next; // sent once the page before is stored
    else
        send(next);
    return true;
}

void SyncWorker::onReply(const Sent &sent, const std::optional<SyncResponse> &response,
                         const ApiError &error, bool prefetched, const Opened &opened)
{
    if (!m_cycle || sent.cycle != m_cycleSerial || !acknowledgeAnswered())
        return;
    const qint64 answeredAtNs = m_cycle->clock.nsecsElapsed();
    m_cycle->waitNs += answeredAtNs - sent.atNs;
    if (sent.generation != m_cursorGeneration) {
        // The cursor was reset while this was in flight: its page and
        // cursor are from before. Its pushed records were requeued by
        // the reset and go again (merging makes that harmless). Pages asked
        // for ahead were of the old cursor too.
        m_cycle->ahead = 0;
        m_cycle->nextPage.reset();
        m_cycle->nextBatch.reset();
        QMetaObject::invokeMethod(this, &SyncWorker::exchange, Qt::QueuedConnection);
        return;
    }
    if (!response) {
        if (error.kind == ApiError::Kind::Unauthorized && !m_cycle->refreshed) {
            // The access token expired: renew it once, then carry on.
            m_cycle->refreshed = true;
            m_hasAccess = false;
            return withAccess([this] { exchange(); },
                              [this](const ApiError &e) { handleFailure(e); });
        }
        if (error.kind == ApiError::Kind::Conflict &&
            error.code == QLatin1String(errorcode::kCursorAhead) && !m_cycle->startedOver) {
            // The server was restored from an older copy: it lacks what
            // this device sent since, and numbers new changes below our
            // cursor. Send everything again and pull from the start.
            qCWarning(lcSync) << "the server is behind this device's cursor; starting over";
            m_cycle->startedOver = true;
            resetCursor();
            m_status.pending = pendingCount();
            QMetaObject::invokeMethod(this, &SyncWorker::exchange, Qt::QueuedConnection);
            return;
        }
        if (error.kind == ApiError::Kind::Conflict &&
            error.code == QLatin1String(errorcode::kEndToEndEncrypted))
            return needPassphrase(); // switched on elsewhere: nothing goes in clear
        // A record the server names, or a body too large: find the
        // change at fault. Any other 400 is about the request itself and
        // no reason to blame the records in it.
        if (error.kind == ApiError::Kind::Invalid && !sent.inFlight.isEmpty() &&
            (!error.record.isEmpty() || error.status == 413))
            return setAsideRefused(sent.inFlight, error);
        return handleFailure(error);
    }
    if (opened.keyNeeded)
        return needPassphrase();
    storeAnswer(sent, *response, prefetched, opened);
}

void SyncWorker::storeAnswer(const Sent &sent, const SyncResponse &page, bool prefetched,
                             const Opened &opened)
{
    const qint64 storingFromNs = m_cycle->clock.nsecsElapsed();
    QList<RecordState> incoming = page.merged;
    incoming += page.changes;
    const RemoteApplyResult applied =
        m_store->applyRemote(incoming, page.cursor, page.cursorKey, opened.rows, opened.unreadable);
    m_cycle->applyNs += m_cycle->clock.nsecsElapsed() - storingFromNs;
    if (!applied.ok())
        return endCycle(SyncState::Error, applied.message);
    if (prefetched) {
        --m_cycle->ahead;
        if (m_cycle->nextPage)
            send(*std::exchange(m_cycle->nextPage, std::nullopt));
    }
    if (!applied.conflicts.isEmpty())
        emit conflictsAdded(int(applied.conflicts.size()));
    m_status.pulled += page.changes.size();
    m_cycle->readingAheadOf = 0;
    if (sent.fullBatch && m_cycle->nextBatch && !m_cycle->leftBehind) {
        // The batch read ahead goes at once, and this one's entries leave
        // the outbox once that one's body is on the wire: removing them
        // first would hold up its upload, which goes through this thread.
        // If they leave some behind, the batch after that is read from the
        // outbox's start (the one sent meanwhile goes harmlessly).
        m_cycle->unacknowledged = {sent, page.applied};
        publish();
        return exchange();
    }
    const int removed = acknowledge(sent, page.applied);
    if (removed < 0)
        return;
    publish();
    // More to pull, or a full batch pushed (more may wait). A batch that
    // removed nothing is not sent again in this cycle: its records were
    // all written again meanwhile and go in the next cycle.
    if (page.hasMore || (sent.fullBatch && removed > 0)) {
        if (!prefetched)
            QMetaObject::invokeMethod(this, &SyncWorker::exchange, Qt::QueuedConnection);
        return;
    }
    finishSynced();
}

int SyncWorker::acknowledge(const Sent &sent, const QStringList &applied)
{
    const QSet<QString> taken(applied.cbegin(), applied.cend());
    QList<OutboxEntry> done;
    for (const OutboxEntry &entry : sent.inFlight) {
        if (taken.contains(entry.kind + QLatin1Char('/') + entry.recordId))
            done.append(entry);
    }
    const int removed = m_store->acknowledgeAll(done);
    if (removed < 0) {
        endCycle(SyncState::Error, tr("The local database could not be written."));
        return -1;
    }
    m_cycle->leftBehind = removed != sent.inFlight.size();
    m_status.pushed += sent.inFlight.size();
    // Counted once per cycle (at its end); counting a large outbox after
    // every batch would cost more than the batch.
    m_status.pending = std::max(0, m_status.pending - removed);
    return removed;
}

bool SyncWorker::acknowledgeAnswered()
{
    if (!m_cycle->unacknowledged)
        return true;
    const auto [sent, applied] = *std::exchange(m_cycle->unacknowledged, std::nullopt);
    return acknowledge(sent, applied) >= 0;
}

bool SyncWorker::resetCursor(const QStringList &kinds)
{
    ++m_cursorGeneration;
    if (m_store->requeueAll(kinds))
        return true;
    qCWarning(lcSync) << "the records could not be queued again";
    return false;
}

void SyncWorker::finishSynced()
{
    qCDebug(lcSync).nospace() << "cycle: " << m_cycle->clock.elapsed() << " ms, "
                              << m_cycle->requests << " requests; preparing "
                              << m_cycle->prepareNs / 1'000'000 << " ms, waiting "
                              << m_cycle->waitNs / 1'000'000 << " ms, storing "
                              << m_cycle->applyNs / 1'000'000 << " ms";
    m_backoff.reset();
    m_status.lastSynced = now();
    m_store->setSetting(settings::kLastSynced, m_status.lastSynced.toString(Qt::ISODateWithMs));
    endCycle(SyncState::Synced, {});
    openEvents();
}

void SyncWorker::setAsideRefused(const QList<OutboxEntry> &inFlight, const ApiError &error)
{
    // The server names the record at fault: set it aside and send the rest.
    // Otherwise (a body too large, say) halve the batch until one record is
    // alone in it. Each step sets one record aside or halves the batch, so
    // this ends.
    const OutboxEntry *culprit = nullptr;
    for (const OutboxEntry &entry : inFlight) {
        if (entry.kind + QLatin1Char('/') + entry.recordId == error.record)
            culprit = &entry;
    }
    if (!culprit && inFlight.size() == 1)
        culprit = &inFlight.first();
    if (culprit) {
        const QString reason = error.field.isEmpty()
                                   ? error.message
                                   : tr("%1 (field %2)").arg(error.message, error.field);
        qCWarning(lcSync) << "the server refused" << culprit->kind << culprit->recordId << reason;
        if (!m_store->setAside(*culprit, reason))
            return endCycle(SyncState::Error, tr("The local database could not be written."));
        m_cycle->batch = m_options.pushBatch; // the rest go in full batches again
    } else {
        m_cycle->batch = std::max(1, int(inFlight.size() / 2));
    }
    QMetaObject::invokeMethod(this, &SyncWorker::exchange, Qt::QueuedConnection);
}

void SyncWorker::handleFailure(const ApiError &error)
{
    switch (error.kind) {
    case ApiError::Kind::Unauthorized:
        return dropSession(error.message);
    case ApiError::Kind::UpgradeRequired:
        // Retrying cannot help; the next start (of an updated app) will.
        return endCycle(SyncState::Error, error.message);
    default:
        break;
    }
    if (error.code == kKeychainFailure) {
        // Without the keychain there is nowhere safe for the session: sync
        // stays off rather than keep a token in a plain file.
        return endCycle(SyncState::Error,
                        error.message + QLatin1Char(' ') +
                            tr("Without it this device cannot keep its sign-in, so it does not "
                               "sync; it tries again later."));
    }
    m_status.retryAfterSeconds = error.retryAfterSeconds;
    const qint64 wait = m_backoff.nextDelayMs(qint64(error.retryAfterSeconds) * 1000);
    m_retry.start(int(std::min<qint64>(wait, std::numeric_limits<int>::max())));
    qCInfo(lcSync) << "sync failed:" << error.message << "- next try in" << wait << "ms";
    if (error.kind == ApiError::Kind::Network)
        return endCycle(SyncState::Offline, tr("The server cannot be reached."));
    // The session stands: the server said nothing about it. The retry timer
    // (at least Retry-After) syncs again by itself.
    if (error.kind == ApiError::Kind::Server && error.status >= 500)
        return endCycle(SyncState::Unavailable,
                        tr("The server is unavailable just now (%1); it is tried again by itself.")
                            .arg(error.message));
    endCycle(SyncState::Error, error.message);
}

void SyncWorker::dropSession(const QString &message)
{
    m_hasAccess = false;
    closeEvents();
    const QString why = message.isEmpty() ? tr("Sign in to sync.") : message;
    if (!m_store->setting(settings::kUserId).isEmpty()) {
        // The session is over (signed out or revoked elsewhere): forget the
        // token, and the account's key (a revoked device may be a stolen
        // one); every local record stays.
        m_tokens->remove(m_store->deviceId(), [](const TokenStore::Result &) {});
        forgetDataKey();
    }
    endCycle(SyncState::SignInNeeded, why);
}

void SyncWorker::endCycle(SyncState state, const QString &message)
{
    // A batch answered whose entries are still queued leaves the outbox now
    // (unless that fails, which ends the cycle by itself).
    if (m_cycle && !acknowledgeAnswered())
        return;
    m_cycle.reset();
    m_sinceCycle.start();
    if (!isEnabled())
        state = SyncState::Off;
    // The event stream announced more than this cycle pulled (it came in
    // while the cycle ran): pull again, once per announcement (a server
    // restored from a backup may never reach the number again).
    if (state == SyncState::Synced && std::exchange(m_notifiedSeq, 0) > m_store->syncCursor())
        m_runAgain = true;
    m_status.state = state;
    m_status.message = state == SyncState::Off ? QString() : message;
    m_status.pending = pendingCount();
    m_status.rejected = m_store->rejectedChangeCount();
    publish();
    emit cycleFinished(state == SyncState::Synced, message);
    if (m_runAgain && state == SyncState::Synced) {
        m_runAgain = false;
        QMetaObject::invokeMethod(this, &SyncWorker::beginCycle, Qt::QueuedConnection);
        return;
    }
    if (std::exchange(m_finishing, false))
        emit finishedPending();
}

void SyncWorker::publish()
{
    m_status.bytesSent = bytesSent();
    m_status.bytesReceived = bytesReceived();
    if (m_api)
        m_status.serverHost = m_api->baseUrl().host();
    emit statusChanged(m_status);
}

// --- Account and devices ---------------------------------------------------

void SyncWorker::signUp(const QString &serverUrl, const QString &email, const QString &password,
                        const QString &passphrase)
{
    authenticate(true, serverUrl, email, password, passphrase);
}

void SyncWorker::signIn(const QString &serverUrl, const QString &email, const QString &password,
                        const QString &passphrase)
{
    authenticate(false, serverUrl, email, password, passphrase);
}

void SyncWorker::authenticate(bool signUp, const QString &serverUrl, const QString &email,
                              const QString &password, const QString &passphrase)
{
    const QString action = signUp ? QStringLiteral("signup") : QStringLiteral("signin");
    if (!m_store)
        return emit accountActionFinished(action, false, m_status.message);
    const QUrl server(serverUrl.trimmed());
    if (!server.isValid() || server.host().isEmpty() ||
        (server.scheme() != QLatin1String("http") && server.scheme() != QLatin1String("https"))) {
        return emit accountActionFinished(
            action, false,
            tr("\"%1\" is not a server address (like https://sync.example.org).").arg(serverUrl));
    }
    // Through a client of its own: the server address, account and session
    // change only if signing in succeeds.
    auto *client = new ApiClient(m_network, server, this);
    DeviceDescription device;
    device.id = m_store->deviceId();
    device.name = m_options.deviceName;
    device.platform = QSysInfo::prettyProductName();
    auto done = [this, client, action, email, signUp,
                 passphrase](const std::optional<AuthTokens> &tokens, const ApiError &error) {
        if (!tokens) {
            client->deleteLater();
            return emit accountActionFinished(action, false, error.message);
        }
        const auto failed = [this, client, action](const QString &why) {
            m_status.state = SyncState::Error;
            m_status.message = why;
            publish();
            client->deleteLater();
            emit accountActionFinished(action, false, why);
        };
        // The account's keys first: without the right passphrase, nothing
        // of the session is kept.
        keysOfNewSession(
            client, signUp, passphrase, [=, this](const auto &dataKey, const QString &refused) {
                if (!refused.isEmpty()) {
                    client->deleteLater();
                    return emit accountActionFinished(action, false, refused);
                }
                // The key (if any), then the session: each kept only if
                // the keychain took what came before it.
                const auto keepSession = [=, this] {
                    m_tokens->write(m_store->deviceId(), tokens->refreshToken,
                                    [=, this](const TokenStore::Result &written) {
                                        if (!written.ok()) {
                                            forgetDataKey();
                                            return failed(written.error);
                                        }
                                        m_store->setSetting(settings::kServer,
                                                            client->baseUrl().toString());
                                        adoptApi(client);
                                        adoptSession(*tokens, email);
                                        emit accountActionFinished(action, true, {});
                                    });
                };
                if (!dataKey) {
                    forgetDataKey();
                    return keepSession();
                }
                adoptDataKey(*dataKey, [=](const QString &error) {
                    if (!error.isEmpty())
                        return failed(error);
                    keepSession();
                });
            });
    };
    if (signUp)
        client->signUp(email, password, device, std::move(done));
    else
        client->signIn(email, password, device, std::move(done));
}

void SyncWorker::adoptSession(const AuthTokens &tokens, const QString &email)
{
    m_hasAccess = true;
    if (m_store->setting(settings::kUserId) != tokens.userId) {
        // Another account than before (or the first): both sides must end up
        // with everything, so every local record is queued and the cursor
        // starts again from the beginning.
        resetCursor();
        m_store->setSetting(settings::kUserId, tokens.userId);
    }
    m_store->setSetting(settings::kAccount, email);
    m_status.account = email;
    setEnabled(true);
}

void SyncWorker::signOut()
{
    if (!m_store)
        return emit accountActionFinished(QStringLiteral("signout"), false, m_status.message);
    auto finish = [this] {
        m_hasAccess = false;
        m_store->setSetting(settings::kAccount, {});
        m_status.account.clear();
        forgetDataKey();
        setEnabled(false);
        m_tokens->remove(m_store->deviceId(), [this](const TokenStore::Result &removed) {
            emit accountActionFinished(QStringLiteral("signout"), removed.ok(), removed.error);
        });
    };
    // Ends the session on the server too when it can (with a fresh access
    // token if needed); signing out works offline and without a session.
    withAccess(
        [this, finish] {
            m_api->signOut([finish](std::optional<bool>, const ApiError &) { finish(); });
        },
        [finish](const ApiError &) { finish(); });
}

void SyncWorker::accountAction(const QString &action, std::function<void(const Report &)> call,
                               bool renewed)
{
    Report report = [this, action, call, renewed](const ApiError &error, const QString &message) {
        // An access token that expired since it was fetched: renew it once.
        if (error.kind == ApiError::Kind::Unauthorized && error.status == 401 && !renewed) {
            m_hasAccess = false;
            return accountAction(action, call, true);
        }
        emit accountActionFinished(action, error.ok(), error.ok() ? message : error.message);
    };
    if (!m_store)
        return report(ApiError::local(ApiError::Kind::Server, {}, m_status.message), {});
    withAccess([call = std::move(call), report] { call(report); },
               [report](const ApiError &error) { report(error, {}); });
}

void SyncWorker::deleteAccount()
{
    accountAction(QStringLiteral("delete-account"), [this](const Report &report) {
        m_api->deleteAccount([this, report](std::optional<bool>, const ApiError &error) {
            if (error.ok()) {
                // Nothing of this account is left on the server; every
                // local record stays on the device.
                m_store->setSetting(settings::kUserId, {});
                m_store->setSetting(settings::kAccount, {});
                m_status.account.clear();
                m_hasAccess = false;
                forgetDataKey();
                setEnabled(false);
                m_tokens->remove(m_store->deviceId(), [](const TokenStore::Result &) {});
            }
            report(error, {});
        });
    });
}

void SyncWorker::setKinds(const QStringList &kinds)
{
    if (!m_store)
        return;
    const QStringList before = syncedKinds();
    QStringList added;
    for (const QString &kind : kinds) {
        if (!before.contains(kind))
            added << kind;
    }
    QStringList off;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        if (!kinds.contains(kind.name))
            off << kind.name;
    }
    m_store->setSetting(settings::kKindsOff, off.join(QLatin1Char(',')));
    // A kind synced again: what it missed meanwhile comes with a full pull,
    // and its local records go up again (merging makes both harmless).
    if (!added.isEmpty())
        resetCursor(added);
    scheduleSoon();
}

void SyncWorker::eraseFromServer(const QStringList &kinds)
{
    // One kind after another, reported once: the total, or the first failure.
    // The step holds itself only weakly (a strong self-reference would never
    // be freed); the request in flight holds it strongly.
    auto eraseNext = std::make_shared<std::function<void(const Report &, qsizetype, int)>>();
    *eraseNext = [this, kinds, weak = std::weak_ptr(eraseNext)](const Report &report,
                                                                qsizetype index, int total) {
        if (index == kinds.size())
            return report({}, tr("%n records erased from the server.", "", total));
        m_api->deleteKind(kinds.at(index), [report, index, total, self = weak.lock()](
                                               std::optional<int> erased, const ApiError &error) {
            if (!erased)
                return report(error, {});
            (*self)(report, index + 1, total + *erased);
        });
    };
    accountAction(QStringLiteral("erase"),
                  [eraseNext](const Report &report) { (*eraseNext)(report, 0, 0); });
}

void SyncWorker::refreshDevices()
{
    accountAction(QStringLiteral("devices"), [this](const Report &report) {
        m_api->devices(
            [this, report](std::optional<QList<DeviceDescription>> devices, const ApiError &error) {
                if (devices)
                    emit devicesChanged(*devices);
                report(error, {});
            });
    });
}

void SyncWorker::renameDevice(const QString &deviceId, const QString &name)
{
    accountAction(QStringLiteral("rename-device"), [this, deviceId, name](const Report &report) {
        m_api->renameDevice(deviceId, name,
                            [this, report](std::optional<bool>, const ApiError &error) {
                                report(error, {});
                                if (error.ok())
                                    refreshDevices();
                            });
    });
}

void SyncWorker::revokeDevice(const QString &deviceId)
{
    accountAction(QStringLiteral("revoke-device"), [this, deviceId](const Report &report) {
        m_api->revokeDevice(deviceId, [this, report](std::optional<bool>, const ApiError &error) {
            report(error, {});
            if (error.ok())
                refreshDevices();
        });
    });
}

} // namespace hale::sync
