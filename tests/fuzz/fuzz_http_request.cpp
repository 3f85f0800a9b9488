// Fuzz target: hale-server's HTTP/1.1 request path (HttpConnection over
// http-parser, with its limits), fed through a real loopback TCP connection
// in this process, as a client would send it.
//
// The input is the bytes a client sends, then closes its sending side. The
// server's connection answers every request it delivers with a small JSON
// body. Properties checked (abort on a violation):
//  - nothing crashes, and the connection ends by itself;
//  - every request delivered has a method and a path that starts with '/';
//  - what the server wrote back is a sequence of whole HTTP/1.1 responses:
//    a status line, headers, and exactly Content-Length bytes of body
//    ("100 Continue" interim answers, which have none, included).
//
// Corpus: tests/fuzz/corpus/http_request/. Replayed by the test
// fuzz_replay_http_request; fuzzed with tests/fuzz/run-fuzzers.sh.

#include "fuzz_common.h"
#include "sync/server/http_connection.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hale::server;

namespace {

struct Harness
{
    Harness()
    {
        limits.maxHeaderBytes = 4096;
        limits.maxBodyBytes = 16 * 1024;
        limits.headerTimeoutMs = 100;
        limits.bodyTimeoutMs = 100;
        limits.idleTimeoutMs = 100;
        limits.writeTimeoutMs = 200;
        if (!server.listen(QHostAddress::LocalHost, 0))
            std::abort();
    }
    HttpLimits limits;
    QTcpServer server;
};

Harness &harness()
{
    static int argc = 1;
    static char name[] = "fuzz_http_request";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    static Harness h;
    return h;
}

// Checks that `bytes` is a run of whole responses; returns how many.
int checkResponses(const QByteArray &bytes)
{
    qsizetype at = 0;
    int count = 0;
    while (at < bytes.size()) {
        const qsizetype end = bytes.indexOf("\r\n\r\n", at);
        HALE_FUZZ_CHECK(end > at, QStringLiteral("a response without the end of its head"));
        const QByteArray head = bytes.mid(at, end - at);
        HALE_FUZZ_CHECK(
            head.startsWith("HTTP/1.1 ") && head.size() >= 12,
            QStringLiteral("not a status line: %1").arg(QString::fromLatin1(head.left(40))));
        const int status = head.mid(9, 3).toInt();
        HALE_FUZZ_CHECK(status >= 100 && status < 600, QString::fromLatin1(head.left(40)));
        qsizetype length = 0;
        bool declared = false;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:")) {
                length = line.mid(15).trimmed().toLongLong();
                declared = true;
            }
        }
        HALE_FUZZ_CHECK(declared || status == 100,
                        QStringLiteral("a %1 response without Content-Length").arg(status));
        at = end + 4 + length;
        HALE_FUZZ_CHECK(at <= bytes.size(), QStringLiteral("a body shorter than declared"));
        ++count;
    }
    return count;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Harness &h = harness();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(h.server.serverPort());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0)
        std::abort();
    h.server.waitForNewConnection(1000);
    QTcpSocket *socket = h.server.nextPendingConnection();
    HALE_FUZZ_CHECK(socket, QStringLiteral("no connection"));
    auto *connection = new HttpConnection(socket, h.limits);
    QObject::connect(connection, &HttpConnection::requestReady, connection,
                     [connection](const HttpRequest &request) {
                         HALE_FUZZ_CHECK(!request.method.isEmpty() &&
                                             request.path.startsWith(QLatin1Char('/')),
                                         QStringLiteral("delivered a request without a method "
                                                        "or a path"));
                         // An upgrade to the event stream's path is taken over
                         // (as EventHub does) and ended; any other is refused.
                         if (request.upgrade && request.path == QLatin1String("/api/v1/events")) {
                             QTcpSocket *taken = connection->release();
                             taken->abort();
                             taken->deleteLater();
                             return;
                         }
                         connection->respond(HttpResponse::json(200, QJsonObject{}));
                     });
    bool closed = false;
    QObject::connect(connection, &HttpConnection::closed, [&closed] { closed = true; });

    // Send everything the socket takes now; take the answers until the server
    // has been quiet a moment; then close the sending side and read to the end.
    size_t sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(fd, data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += size_t(n);
    }
    QByteArray received;
    bool eof = false;
    const auto take = [&](int quietMs, int limitMs) {
        QElapsedTimer clock, quiet;
        clock.start();
        quiet.start();
        while (!eof && clock.elapsed() < limitMs && quiet.elapsed() < quietMs) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 1) <= 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) {
                received.append(buffer, n);
                quiet.restart();
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                eof = true;
            }
        }
    };
    take(5, 500);
    ::shutdown(fd, SHUT_WR);
    take(2000, 2000);
    ::close(fd);
    // The server ends the connection by itself: at the end of the input, a
    // refusal, or a timeout (100 ms here).
    HALE_FUZZ_CHECK(eof, QStringLiteral("the server kept the connection open"));
    for (int i = 0; i < 50 && !closed; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!closed)
        delete connection; // (not reached in practice: it deletes itself)
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const int responses = checkResponses(received);
    HALE_FUZZ_NOTE(QStringLiteral("%1 responses, %2 bytes").arg(responses).arg(received.size()));
    return 0;
}
