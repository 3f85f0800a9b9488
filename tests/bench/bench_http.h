#pragma once
// The HTTP side of the server load generators (bench_server, bench_load):
// a keep-alive client on one socket and the requests a device sends.
#include "bench_common.h"
#include "sync/core/wire.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <functional>

namespace hale::bench {

// A keep-alive HTTP/1.1 client on one socket, counting bytes both ways.
class Client : public QObject
{
public:
    using Done = std::function<void(int status, const QByteArray &body)>;

    Client(const QUrl &url, QObject *parent) : QObject(parent), m_url(url)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, &Client::readAvailable);
    }

    void post(const QString &path, const QByteArray &body, const QString &token, Done done)
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_socket.connectToHost(m_url.host(), quint16(m_url.port()));
            m_socket.waitForConnected(5000);
        }
        QByteArray request =
            "POST " + path.toLatin1() + " HTTP/1.1\r\nHost: " + m_url.host().toLatin1() +
            "\r\nHale-Protocol: 1\r\n" +
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
        if (!token.isEmpty())
            request += "Authorization: Bearer " + token.toLatin1() + "\r\n";
        request += "\r\n" + body;
        m_sent += request.size();
        m_done = std::move(done);
        m_buffer.clear();
        m_socket.write(request);
    }

    qint64 sent() const { return m_sent; }
    qint64 received() const { return m_received; }

private:
    void readAvailable()
    {
        const QByteArray chunk = m_socket.readAll();
        m_received += chunk.size();
        m_buffer += chunk;
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const qsizetype lengthAt = m_buffer.indexOf("Content-Length: ");
        const qint64 length =
            m_buffer.mid(lengthAt + 16, m_buffer.indexOf("\r\n", lengthAt) - lengthAt - 16)
                .toLongLong();
        if (m_buffer.size() < headEnd + 4 + length)
            return;
        const int status = m_buffer.mid(9, 3).toInt();
        const QByteArray body = m_buffer.mid(headEnd + 4, length);
        m_buffer.clear();
        if (m_done)
            std::exchange(m_done, {})(status, body);
    }

    QUrl m_url;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    Done m_done;
    qint64 m_sent = 0;
    qint64 m_received = 0;
};

// Runs `client->post` and waits for the answer (bounded).
inline std::pair<int, QByteArray> call(Client *client, const QString &path, const QByteArray &body,
                                       const QString &token = {})
{
    std::pair<int, QByteArray> out{0, {}};
    QEventLoop loop;
    client->post(path, body, token, [&](int status, const QByteArray &reply) {
        out = {status, reply};
        loop.quit();
    });
    QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
    loop.exec();
    return out;
}

inline std::pair<int, QByteArray> call(Client *client, const QString &path, const QJsonObject &body,
                                       const QString &token = {})
{
    return call(client, path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

// The body of a sign-up or sign-in for a new device of `email`.
inline QByteArray accountBody(const QString &email)
{
    const QJsonObject body{
        {QStringLiteral("email"), email},
        {QStringLiteral("password"), QStringLiteral("benchmark password")},
        {QStringLiteral("device"),
         QJsonObject{{QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                     {QStringLiteral("name"), QStringLiteral("bench")},
                     {QStringLiteral("platform"), QStringLiteral("linux")}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

inline QString accountPath(bool signUp)
{
    return signUp ? QStringLiteral("/api/v1/auth/register") : QStringLiteral("/api/v1/auth/login");
}

inline QString accessTokenOf(const QByteArray &reply)
{
    return QJsonDocument::fromJson(reply).object().value(QStringLiteral("access_token")).toString();
}

inline QString signIn(Client *client, const QString &email, bool signUp)
{
    return accessTokenOf(call(client, accountPath(signUp), accountBody(email)).second);
}

inline sync::RecordState meal(int n)
{
    sync::RecordState s;
    s.kind = QStringLiteral("meal");
    s.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const sync::HlcStamp stamp{QDateTime::currentMSecsSinceEpoch() - 60'000, quint32(n % 999999),
                               QStringLiteral("bench")};
    s.fields[QStringLiteral("description")] = {QStringLiteral("Meal %1").arg(n), stamp};
    s.fields[QStringLiteral("calories")] = {double(300 + n % 500), stamp};
    s.fields[QStringLiteral("meal_type")] = {QStringLiteral("lunch"), stamp};
    s.deleted = {false, stamp};
    return s;
}

inline QJsonObject syncBody(qint64 cursor, const QList<sync::RecordState> &changes,
                            int pageSize = 500, const QString &cursorKey = {})
{
    sync::SyncRequest r;
    r.cursor = cursor;
    r.cursorKey = cursorKey;
    r.changes = changes;
    r.pageSize = pageSize;
    return sync::encodeSyncRequest(r);
}

} // namespace hale::bench
