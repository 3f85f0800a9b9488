#pragma once

#include <QtGlobal>

namespace hale::server {

// What one client may cost the server. Qt HttpServer 6.4 enforces none of
// these, so hale-server's own HTTP layer does, at the socket.
struct HttpLimits
{
    qint64 maxHeaderBytes = 64 * 1024;     // request line + headers -> 431
    qint64 maxBodyBytes = 8 * 1024 * 1024; // -> 413, refused before it is read
    int headerTimeoutMs = 10'000;          // to send the whole head -> 408
    int bodyTimeoutMs = 30'000;            // to send the whole body -> 408
    int idleTimeoutMs = 60'000;            // a keep-alive connection with nothing to do
    int maxConnections = 512;              // open connections; more get 503
};

} // namespace hale::server
