#!/usr/bin/env python3
"""bench/outbox.py — outbox emails sent per second to a local SMTP sink
(issue 5). Starts the given binary on a fresh SQLite database without a
relay, queues N public replies through the API, restarts it with --smtp
pointing at an in-process SMTP sink (aiosmtpd, loopback) and times how long
the outbox worker takes to hand all N to the sink.

usage: outbox.py BINARY [N]

Prints one line: "sent seconds per_second peak_rss_mb". Bounded: every wait
has a deadline, so it always ends.
"""
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from aiosmtpd.controller import Controller

from sse import rss_mb  # bench/ is this script's directory

DEADLINE_S = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def start(binary, db, port, extra):
    env = dict(os.environ, DOCKET_ADMIN_EMAIL="bench@example.com",
               DOCKET_ADMIN_PASSWORD="bench-password")
    proc = subprocess.Popen([binary, "serve", "--db", db, "--listen",
                             "127.0.0.1:%d" % port] + extra,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/api/v1/health" % port,
                                   timeout=1)
            return proc
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise SystemExit("server did not start")


def post(base, token, path, body):
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def queue_replies(binary, db, n):
    port = free_port()
    proc = start(binary, db, port, [])
    try:
        token = subprocess.run([binary, "token", "create", "--db", db,
                                "--email", "bench@example.com"],
                               capture_output=True, text=True,
                               check=True).stdout.strip()
        base = "http://127.0.0.1:%d/api/v1" % port
        tickets = [post(base, token, "/tickets", {
            "subject": "Outbox bench %d" % i,
            "requester": {"email": "customer%d@example.org" % i}})["number"]
            for i in range(20)]
        body = "Thanks for writing. " * 40  # ~800 bytes, a typical reply

        def reply(i):
            post(base, token, "/tickets/%d/messages" % tickets[i % 20],
                 {"kind": "reply", "body": body})

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(reply, range(n)))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def drain(binary, db, n):
    handler = Sink()
    sink_port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=sink_port)
    controller.start()
    port = free_port()
    t0 = time.monotonic()
    proc = start(binary, db, port, ["--smtp", "smtp://127.0.0.1:%d" % sink_port,
                                    "--mail-from", "help@example.com"])
    peak = 0
    try:
        deadline = t0 + DEADLINE_S
        while handler.count < n and time.monotonic() < deadline:
            peak = max(peak, rss_mb(proc.pid))
            time.sleep(0.01)
        elapsed = time.monotonic() - t0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        controller.stop()
    return handler.count, elapsed, peak


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    with tempfile.TemporaryDirectory(prefix="docket-outbox-") as work:
        db = os.path.join(work, "bench.db")
        queue_replies(binary, db, n)
        sent, elapsed, peak = drain(binary, db, n)
    print("%d %.2f %.0f %d" % (sent, elapsed, sent / elapsed, peak))


if __name__ == "__main__":
    main()
