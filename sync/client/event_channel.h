#pragma once

#include <QObject>
#include <QTimer>
#include <QUrl>

class QWebSocket;

namespace hale::sync {

// The device's end of the server's event stream (GET /api/v1/events, a
// WebSocket): while open, it says when the account's data has changes up to
// a sequence number, so the device pulls within moments instead of at its
// next poll. It checks the stream is alive (a ping that gets no pong in time
// ends it) and reports every end; reopening, with a fresh token and a
// backoff, is the SyncWorker's call.
class EventChannel : public QObject
{
    Q_OBJECT

public:
    struct Timing
    {
        int pingIntervalMs = 30'000; // a ping when the stream has been quiet this long
        int pongTimeoutMs = 10'000;  // no pong in this time: the stream is dead
        int openTimeoutMs = 15'000;  // the connection and handshake
    };

    explicit EventChannel(QObject *parent = nullptr);
    EventChannel(Timing timing, QObject *parent);
    ~EventChannel() override;

    // Opens the stream of the server at `baseUrl` (http: ws, https: wss),
    // ending any open one.
    void open(const QUrl &baseUrl, const QString &accessToken);
    // Ends the stream without reporting it.
    void close();
    bool isOpen() const { return m_open; }
    bool isOpening() const { return m_socket != nullptr && !m_open; }

signals:
    void opened();
    // The account's data has changes up to `seq`.
    void changed(qint64 seq);
    // The stream ended, or could not be opened: the server's close code
    // (sync::events, or 1000-1015), or 0 when there was none (network
    // failure, refused handshake, no pong).
    void ended(int closeCode, const QString &reason);

private:
    void finish(int closeCode, const QString &reason);
    void received(const QString &message);

    Timing m_timing;
    QWebSocket *m_socket = nullptr;
    bool m_open = false;
    QTimer m_ping;     // quiet for this long: ping
    QTimer m_deadline; // the open, or a pong, is overdue
};

} // namespace hale::sync
