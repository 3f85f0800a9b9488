#!/usr/bin/env python3
"""Measures what compressing sync bodies would give, on pages a real
hale-server answers (docs/benchmarks.md, "Compression, measured before
building it").

Usage: measure-compression.py URL [records]
Signs up a throwaway account on the server at URL (loopback), pushes
`records` metrics and meals shaped like the app's, pulls them back in pages
of 1,000 and, for each page body, times zlib (the library a server or Qt
would use) at levels 1 and 6: compressed size, compression and
decompression speed. The link time at 10 Mbit/s is computed from those
sizes, not measured through a throttled link.
"""
import json
import sys
import time
import urllib.request
import uuid
import zlib

url = sys.argv[1].rstrip("/")
records = int(sys.argv[2]) if len(sys.argv) > 2 else 20000


def call(path, body, token=None):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Hale-Protocol", "1")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.read()


device = str(uuid.uuid4())
token = json.loads(call("/api/v1/auth/register", {
    "email": f"compress-{uuid.uuid4().hex[:8]}@example.org", "password": "compression test",
    "device": {"id": device, "name": "measure", "platform": "linux"}}))["access_token"]
base_ms = int(time.time() * 1000) - 86_400_000


def stamp(n):
    return f"{base_ms + n:013d}-{n % 1000000:06d}-{device}"


def record(n):
    day = time.strftime("%Y-%m-%dT07:30:00.000Z", time.gmtime(base_ms / 1000 - n * 3600))
    if n % 2:
        return {"kind": "metric", "id": str(uuid.uuid4()), "fields": {
            "recorded_at": {"v": day, "t": stamp(n)},
            "weight": {"v": round(70 + (n % 97) / 10, 1), "t": stamp(n)},
            "sleep_quality": {"v": 1 + n % 10, "t": stamp(n)},
            "notes": {"v": "Slept well, short walk before breakfast" if n % 3 else "", "t": stamp(n)}},
            "deleted": {"v": False, "t": stamp(n)}}
    return {"kind": "meal", "id": str(uuid.uuid4()), "fields": {
        "eaten_at": {"v": day, "t": stamp(n)},
        "description": {"v": ["Porridge with berries", "Chicken salad", "Lentil soup"][n % 3], "t": stamp(n)},
        "calories": {"v": 300 + n % 500, "t": stamp(n)},
        "meal_type": {"v": ["breakfast", "lunch", "dinner"][n % 3], "t": stamp(n)}},
        "deleted": {"v": False, "t": stamp(n)}}


cursor = 0
for first in range(0, records, 1000):
    reply = json.loads(call("/api/v1/sync", {"cursor": cursor, "page_size": 1, "changes": [
        record(n) for n in range(first, min(records, first + 1000))]}, token))
    cursor = reply["cursor"]

pages = []
cursor = 0
while True:
    body = call("/api/v1/sync", {"cursor": cursor, "page_size": 1000}, token)
    reply = json.loads(body)
    pages.append(body)
    cursor = reply["cursor"]
    if not reply["has_more"]:
        break

raw = sum(len(p) for p in pages)
print(f"{len(pages)} pages, {raw / 1e6:.1f} MB of JSON for {records} records "
      f"({raw / records:.0f} B per record)")
for level in (1, 6):
    start = time.perf_counter()
    packed = [zlib.compress(p, level) for p in pages]
    packing = time.perf_counter() - start
    start = time.perf_counter()
    for p in packed:
        zlib.decompress(p)
    unpacking = time.perf_counter() - start
    size = sum(len(p) for p in packed)
    per100k = 100_000 / records
    print(f"zlib level {level}: {size / 1e6:.2f} MB ({raw / size:.1f}x smaller); "
          f"compress {raw / packing / 1e6:.0f} MB/s, decompress {raw / unpacking / 1e6:.0f} MB/s; "
          f"for 100,000 records: {packing * per100k:.2f} s to compress, "
          f"{unpacking * per100k:.2f} s to decompress, {size * per100k * 8 / 10e6:.1f} s "
          f"at 10 Mbit/s instead of {raw * per100k * 8 / 10e6:.1f} s")
