#pragma once

#include "sync/server/http_limits.h"
#include "sync/server/http_message.h"

#include <QObject>
#include <http_parser.h>

class QTcpSocket;
class QTimer;

namespace hale::server {

// One client connection: parses HTTP/1.1 requests with http-parser, enforces
// HttpLimits while the bytes arrive (a body over the limit is refused from
// its Content-Length, not read), and answers requests one at a time in order.
// It reads nothing while a request is being handled or while its unread
// answers pass a bound, so a client that pipelines without reading is held
// back by TCP, not buffered; answers it never takes end the connection.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Answers the request last delivered by requestReady().
    void respond(const HttpResponse &response);
    QTcpSocket *socket() const { return m_socket; }
    // Gives the socket of an upgrade request (HttpRequest::upgrade: its head
    // still unread in it) to a new owner; this connection then ends.
    QTcpSocket *release();

signals:
    void requestReady(const hale::server::HttpRequest &request);
    void closed();

private:
    enum class Phase { Idle, Head, Body, Handling };

    static const http_parser_settings &settings();
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t length);
    static int onHeaderField(http_parser *p, const char *at, size_t length);
    static int onHeaderValue(http_parser *p, const char *at, size_t length);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t length);
    static int onMessageComplete(http_parser *p);

    void readAvailable();
    void stopPeeking();
    bool readingPaused() const;
    void sent(const QByteArray &bytes);
    void drained();
    void feed(const QByteArray &data);
    bool countHeaderBytes(size_t length);
    void finishHeader();
    void refuse(int status, const QString &code, const QString &message);
    void setPhase(Phase phase);
    void timedOut();

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    QTimer *m_timer;
    QTimer *m_writeDeadline;
    bool m_handshaking = false; // a TLS connection before its handshake finished
    http_parser m_parser;
    Phase m_phase = Phase::Idle;
    HttpRequest m_request;
    QByteArray m_url;
    QByteArray m_field;
    QByteArray m_value;
    bool m_lastWasValue = false;
    qint64 m_headerBytes = 0;
    int m_refusal = 0; // status to answer when a callback stopped the parser
    bool m_keepAlive = true;
    QByteArray m_pending; // read past the end of a request, for the next one
    // A request's head is looked at (peeked) before it is taken from the
    // socket, so that an upgrade request can be left there whole for the
    // WebSocket handshake; m_peeked bytes of it have been parsed.
    bool m_peeking = true;
    qint64 m_peeked = 0;
};

} // namespace hale::server
