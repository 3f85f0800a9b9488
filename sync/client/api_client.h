#pragma once

#include "sync/core/protocol.h"

#include <QJsonObject>
#include <QObject>
#include <QThreadPool>
#include <QUrl>
#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace hale::sync {

// What went wrong with a request, in terms the sync worker acts on.
struct ApiError
{
    enum class Kind {
        None,
        Network,         // no answer: offline, server down, connection cut mid-request
        Unauthorized,    // 401: refresh the access token, or sign in again
        UpgradeRequired, // 426: this app is too old for the server
        RateLimited,     // 429: wait retryAfterSeconds
        Invalid,         // 400: the request (a record) was refused; see record/field
        NotFound,        // 404
        Conflict,        // 409
        Server,          // 5xx or an answer that is not the protocol
    };
    Kind kind = Kind::None;
    int status = 0;
    QString code;
    QString message;
    QString record;
    QString field;
    int retryAfterSeconds = 0;

    bool ok() const { return kind == Kind::None; }
    // A failure that does not come from the server (the keychain, a wrong
    // passphrase): one path then decides what the person sees.
    static ApiError local(Kind kind, const QString &code, const QString &message)
    {
        ApiError e;
        e.kind = kind;
        e.code = code;
        e.message = message;
        return e;
    }
};

// The app's client of hale-server's /api/v1: one method per endpoint, each
// answering once through its callback on the thread the client lives in.
// Owns no tokens: the caller sets the access token it holds (and keeps the
// refresh token in the keychain).
class ApiClient : public QObject
{
    Q_OBJECT

public:
    template <typename T>
    using Callback = std::function<void(std::optional<T> result, const ApiError &error)>;

    ApiClient(QNetworkAccessManager *network, QUrl baseUrl, QObject *parent = nullptr);
    ~ApiClient() override;

    void setAccessToken(const QString &token) { m_accessToken = token; }
    QString accessToken() const { return m_accessToken; }
    QUrl baseUrl() const { return m_baseUrl; }
    // Bytes sent and received so far (request line and headers excluded).
    qint64 bytesSent() const { return m_bytesSent; }
    qint64 bytesReceived() const { return m_bytesReceived; }
    qint64 requestsSent() const { return m_requests; }
    // Requests whose answer has not reached its callback yet.
    int requestsInFlight() const { return m_inFlight; }

    void signUp(const QString &email, const QString &password, const DeviceDescription &device,
                Callback<AuthTokens> done);
    void signIn(const QString &email, const QString &password, const DeviceDescription &device,
                Callback<AuthTokens> done);
    void refresh(const QString &refreshToken, Callback<AuthTokens> done);
    void signOut(Callback<bool> done);
    // `onHead` sees the answer's cursor and has_more (if they are valid)
    // before its records are decoded, on this client's thread; `onDecoded`
    // sees the whole answer right after it is decoded, on the thread that
    // decoded it (work on it there is off this client's thread), and may
    // change it; `done` then runs on this client's thread, answers in the
    // order they came. Sealed values are taken as they come
    // (SealedValues::Accept): the caller opens and checks them.
    void sync(const SyncRequest &request, Callback<SyncResponse> done,
              std::function<void(const SyncResponse &head)> onHead = {});
    // The same with the request's changes written already (encodeChangesJson;
    // `request.changes` is not read).
    void sync(const SyncRequest &request, const QByteArray &encodedChanges,
              Callback<SyncResponse> done,
              std::function<void(const SyncResponse &head)> onHead = {},
              std::function<void(SyncResponse &answer)> onDecoded = {});
    void devices(Callback<QList<DeviceDescription>> done);
    void renameDevice(const QString &deviceId, const QString &name, Callback<bool> done);
    void revokeDevice(const QString &deviceId, Callback<bool> done);
    void deleteKind(const QString &kind, Callback<int> done);
    void deleteAccount(Callback<bool> done);
    // The account's wrapped keys (protocol.h, checkAccountKeys); an empty
    // object for an account in clear.
    void accountKeys(Callback<QJsonObject> done);
    // Keeps them in place of `previous` (the keys read; empty to switch
    // encryption on, from `cursor`, the last change this device has pulled).
    void setAccountKeys(const QJsonObject &keys, const QJsonObject &previous, qint64 cursor,
                        Callback<bool> done);

signals:
    // The last request in flight was answered (its callback has run).
    void idle();
    // A request's whole body has been handed to the network (its upload
    // goes through this client's thread in pieces, so work on this thread
    // that should overlap the server's waits for this).
    void uploaded();

private:
    using Handler = std::function<void(const QJsonObject &body, const ApiError &error)>;
    // The answer's body as it came (a sync page is read straight from its text).
    using RawHandler = std::function<void(const QByteArray &body, const ApiError &error)>;
    void send(const QByteArray &method, const QString &path, const QJsonObject &body,
              bool authenticated, Handler handler);
    void sendRaw(const QByteArray &method, const QString &path, const QByteArray &payload,
                 bool authenticated, RawHandler handler);
    void authenticate(const QString &path, const QString &email, const QString &password,
                      const DeviceDescription &device, Callback<AuthTokens> done);
    static ApiError errorFrom(QNetworkReply *reply, const QByteArray &body);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QString m_accessToken;
    qint64 m_bytesSent = 0;
    qint64 m_bytesReceived = 0;
    qint64 m_requests = 0;
    int m_inFlight = 0;
    // Decodes sync answers, one at a time (so in order), while the caller's
    // thread stores the page before.
    QThreadPool m_decoder;
    int m_decoding = 0; // answers given to m_decoder and not yet delivered
};

} // namespace hale::sync
