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
    int tlsHandshakeTimeoutMs = 10'000;    // to finish the TLS handshake -> closed
    // Answers a client has not read: past maxPendingOutputBytes the server
    // stops reading its requests; answers not taken within writeTimeoutMs
    // end the connection.
    qint64 maxPendingOutputBytes = 1024 * 1024;
    int writeTimeoutMs = 30'000;
    int maxConnections = 512;          // open connections; more get 503
    int maxConnectionsPerAddress = 64; // from one IPv4 address or IPv6 /64; more get 503
};

// What the open event streams may cost. A stream is a WebSocket that sits
// idle almost all of its life, so they are counted apart from HTTP
// connections (HttpLimits) and no HTTP timeout applies to them.
struct EventLimits
{
    int maxStreams = 20'000;    // on this instance (each holds a socket: see docs/server.md)
    int maxStreamsPerUser = 32; // one person's devices (a reconnecting device holds two briefly)
    // From one address (an IPv6 /64; behind a trusted proxy, the client's).
    int maxStreamsPerAddress = 256;
    int pingIntervalMs = 30'000; // a stream that misses two pings in a row is dropped
    // Frames a client has not read: past this the stream is dropped (a
    // client that never reads holds no more of the server's memory).
    qint64 maxPendingOutputBytes = 64 * 1024;
};

} // namespace hale::server
