#!/usr/bin/env python3
"""A slow link on loopback: forwards TCP connections from 127.0.0.1:LISTEN to
127.0.0.1:TARGET, delaying every byte by half the round trip and sending no
faster than the given rate, in each direction on its own (a full-duplex link
with a bandwidth and a propagation delay). Stops by itself after --seconds.

    tests/bench/throttle-proxy.py --listen 0 --target PORT [--rtt-ms 20] [--mbit 10]

Prints "listening on PORT" once it accepts connections.
"""
import argparse
import asyncio
import time


async def pipe(reader, writer, delay, seconds_per_byte):
    # The reader stamps each chunk with the moment its last byte reaches the
    # far end (after the chunks before it, at the link's rate, plus the
    # propagation delay); the writer hands it over then. Chunks in flight
    # overlap their delays, as on a real link; the queue bounds the bytes
    # the link holds.
    queue = asyncio.Queue(maxsize=64)

    async def read():
        next_free = 0.0
        try:
            while True:
                chunk = await reader.read(16384)
                if not chunk:
                    break
                next_free = max(next_free, time.monotonic()) + len(chunk) * seconds_per_byte
                await queue.put((next_free + delay, chunk))
        except ConnectionError:
            pass
        await queue.put((0.0, b""))

    async def write():
        try:
            while True:
                due, chunk = await queue.get()
                if not chunk:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    await asyncio.gather(read(), write())


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, default=0)
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=20.0)
    parser.add_argument("--mbit", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args()
    delay = args.rtt_ms / 2000.0
    seconds_per_byte = 8.0 / (args.mbit * 1_000_000)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", args.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay, seconds_per_byte),
            pipe(server_reader, client_writer, delay, seconds_per_byte),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", args.listen)
    print("listening on", server.sockets[0].getsockname()[1], flush=True)
    try:
        await asyncio.wait_for(server.serve_forever(), timeout=args.seconds)
    except asyncio.TimeoutError:
        pass


if __name__ == "__main__":
    asyncio.run(main())
