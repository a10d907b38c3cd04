#!/usr/bin/env python3
"""bench/sse.py — realtime fan-out: holds N Server-Sent Events streams open
against a running server, then makes changes and measures how long each
change takes to reach every stream. Loopback only.

usage: sse.py BASE_URL TOKEN SERVER_PID [CLIENTS] [ROUNDS]

Prints one line: "clients held delay_p50_ms delay_p99_ms delay_max_ms
rss_mb_idle rss_mb_held". Bounded: connecting and each round have deadlines,
so it always ends.
"""
import asyncio
import json
import sys
import time
import urllib.request
from urllib.parse import urlsplit

CONNECT_BATCH = 500
CONNECT_DEADLINE_S = 120
OPEN_DEADLINE_S = 10
ROUND_DEADLINE_S = 30


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


class Stream:
    def __init__(self):
        self.reader = None
        self.writer = None
        self.seen = {}  # ticket number -> monotonic time first seen

    async def open(self, host, port, token):
        self.reader, self.writer = await asyncio.open_connection(host, port)
        self.writer.write(("GET /api/v1/stream HTTP/1.1\r\nHost: %s:%d\r\n"
                           "Authorization: Bearer %s\r\n"
                           "Accept: text/event-stream\r\n\r\n"
                           % (host, port, token)).encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError("stream refused: %r" % head[:80])

    async def read_forever(self):
        # Chunked transfer: lines of hex sizes mixed with the SSE text; only
        # `data:` lines matter, and they hold whole JSON objects.
        try:
            while True:
                line = await self.reader.readline()
                if not line:
                    return
                if line.startswith(b"data: "):
                    try:
                        data = json.loads(line[6:])
                    except ValueError:
                        continue
                    n = data.get("ticket")
                    if data.get("type") == "ticket.created" and n not in self.seen:
                        self.seen[n] = time.monotonic()
        except (ConnectionError, asyncio.IncompleteReadError):
            return

    def close(self):
        if self.writer:
            self.writer.close()


def create_ticket(base, token):
    body = json.dumps({"subject": "fan-out probe"}).encode()
    req = urllib.request.Request(base + "/api/v1/tickets", data=body, method="POST",
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)["number"]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


async def main():
    base, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    n_clients = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    url = urlsplit(base)
    idle = rss_mb(pid)
    streams = []
    tasks = []
    deadline = time.monotonic() + CONNECT_DEADLINE_S
    while len(streams) < n_clients and time.monotonic() < deadline:
        batch = [Stream() for _ in range(min(CONNECT_BATCH, n_clients - len(streams)))]
        results = await asyncio.gather(
            *(asyncio.wait_for(s.open(url.hostname, url.port, token), OPEN_DEADLINE_S)
              for s in batch), return_exceptions=True)
        for s, r in zip(batch, results):
            if isinstance(r, Exception):
                s.close()
                continue
            streams.append(s)
            tasks.append(asyncio.ensure_future(s.read_forever()))
        if any(isinstance(r, Exception) for r in results):
            break
    held_rss = rss_mb(pid)
    delays = []
    loop = asyncio.get_running_loop()
    for _ in range(rounds):
        t0 = time.monotonic()
        try:
            number = await loop.run_in_executor(None, create_ticket, base, token)
        except OSError as e:
            print("the change could not be made with %d streams open: %s"
                  % (len(streams), e), file=sys.stderr)
            break
        end = time.monotonic() + ROUND_DEADLINE_S
        while time.monotonic() < end:
            if all(number in s.seen for s in streams):
                break
            await asyncio.sleep(0.01)
        delays.extend((s.seen.get(number, float("inf")) - t0) * 1000 for s in streams)
    missed = sum(1 for d in delays if d == float("inf"))
    for s in streams:
        s.close()
    for t in tasks:
        t.cancel()
    finite = [d for d in delays if d != float("inf")] or [float("nan")]
    print("%d %.0f %.0f %.0f %d %d %d" % (
        len(streams), percentile(finite, 0.5), percentile(finite, 0.99),
        max(finite), idle, held_rss, missed))


if __name__ == "__main__":
    asyncio.run(main())
