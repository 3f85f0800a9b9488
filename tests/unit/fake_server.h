#pragma once

// A stand-in for hale-server inside a QNetworkAccessManager (the SyncWorker's
// transport seam): each request goes to a handler that the test writes, and
// its answer comes back asynchronously through a QNetworkReply, as the real
// one would, without a socket. A stand-in keychain goes with it.

#include "sync/client/token_store.h"
#include "sync/core/protocol.h"

#include <QBuffer>
#include <QHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>
#include <functional>

namespace hale::test {

struct FakeRequest
{
    QByteArray method;
    QString path;
    QJsonObject body;
    QByteArray authorization;
};

struct FakeAnswer
{
    int status = 200; // 0: the connection fails without an answer
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool hold = false; // kept unanswered until FakeServer::releaseHeld()

    static FakeAnswer json(int status, const QJsonObject &body)
    {
        return {status, QJsonDocument(body).toJson(QJsonDocument::Compact), {}, false};
    }
    static FakeAnswer error(int status, const char *code, const QString &message)
    {
        return json(status, sync::encodeError({QLatin1String(code), message, {}}));
    }
};

class FakeReply : public QNetworkReply
{
public:
    FakeReply(QNetworkAccessManager::Operation op, const QNetworkRequest &request, QObject *parent)
        : QNetworkReply(parent)
    {
        setRequest(request);
        setOperation(op);
        setUrl(request.url());
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    void answer(const FakeAnswer &a)
    {
        m_body = a.body;
        if (a.status == 0) {
            setError(QNetworkReply::ConnectionRefusedError, QStringLiteral("Connection refused"));
            emit errorOccurred(QNetworkReply::ConnectionRefusedError);
        } else {
            setAttribute(QNetworkRequest::HttpStatusCodeAttribute, a.status);
            for (const auto &[name, value] : a.headers)
                setRawHeader(name, value);
            emit metaDataChanged();
            emit readyRead();
        }
        setFinished(true);
        emit finished();
    }

    void abort() override {}
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override
    {
        return m_body.size() - m_read + QIODevice::bytesAvailable();
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min<qint64>(maxSize, m_body.size() - m_read);
        memcpy(data, m_body.constData() + m_read, size_t(n));
        m_read += n;
        return n;
    }

private:
    QByteArray m_body;
    qint64 m_read = 0;
};

class FakeServer : public QNetworkAccessManager
{
public:
    using Handler = std::function<FakeAnswer(const FakeRequest &request)>;

    explicit FakeServer(QObject *parent = nullptr) : QNetworkAccessManager(parent) {}

    Handler handler;
    QList<FakeRequest> requests; // every request, in order
    QStringList uploaded;        // paths of the request bodies reported sent, in order

    QList<FakeRequest> requestsTo(const char *route) const
    {
        QList<FakeRequest> out;
        for (const FakeRequest &r : requests) {
            if (r.path == QLatin1String(route))
                out.append(r);
        }
        return out;
    }
    int heldCount() const { return int(m_held.size()); }
    // Answers the held requests now, each with `answer` (or its own).
    void releaseHeld(std::optional<FakeAnswer> answer = std::nullopt)
    {
        for (auto &[reply, own] : std::exchange(m_held, {})) {
            if (reply)
                reply->answer(answer ? *answer : own);
        }
    }

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoing) override
    {
        FakeRequest r;
        r.method = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
        r.path = request.url().path();
        const QByteArray body = outgoing ? outgoing->readAll() : QByteArray();
        r.body = QJsonDocument::fromJson(body).object();
        r.authorization = request.rawHeader(sync::kAuthorizationHeader);
        requests.append(r);
        auto *reply = new FakeReply(op, request, this);
        // The body is sent before any answer comes, as on a real connection.
        if (!body.isEmpty()) {
            QTimer::singleShot(0, reply, [this, reply, path = r.path, size = qint64(body.size())] {
                uploaded << path;
                emit reply->uploadProgress(size, size);
            });
        }
        FakeAnswer a = handler ? handler(r) : FakeAnswer::error(404, "not_found", {});
        if (a.hold) {
            a.hold = false;
            m_held.append({reply, a});
        } else {
            QTimer::singleShot(0, reply, [reply, a] { reply->answer(a); });
        }
        return reply;
    }

private:
    QList<std::pair<QPointer<FakeReply>, FakeAnswer>> m_held;
};

// A keychain in memory that can be told to fail.
class FakeKeychain : public sync::TokenStore
{
public:
    using TokenStore::TokenStore;

    QHash<QString, QString> tokens;
    QString failReads;  // non-empty: every read fails with this error
    QString failWrites; // non-empty: every write fails with this error

    void read(const QString &account, Callback done) override
    {
        Result r;
        if (!failReads.isEmpty())
            r.error = failReads;
        else if (tokens.contains(account))
            r.token = tokens.value(account);
        later(std::move(done), r);
    }
    void write(const QString &account, const QString &token, Callback done) override
    {
        Result r;
        if (!failWrites.isEmpty())
            r.error = failWrites;
        else
            tokens.insert(account, token);
        later(std::move(done), r);
    }
    void remove(const QString &account, Callback done) override
    {
        tokens.remove(account);
        later(std::move(done), {});
    }

private:
    void later(Callback done, const Result &r)
    {
        QTimer::singleShot(0, this, [done = std::move(done), r] { done(r); });
    }
};

} // namespace hale::test
