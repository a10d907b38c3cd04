"""smtpsink.py — a real SMTP server on 127.0.0.1 for the outbound mail tests
(aiosmtpd, from Debian's python3-aiosmtpd): it keeps every message it
accepts, and can be told to answer 4xx (try later), 5xx (never) or to be
slow, so tests see how Docket's outbox worker copes.

    with SmtpSink() as sink:
        server = start_server({"DOCKET_SMTP": sink.url})
        ...
        msg = sink.wait_for(lambda m: m["To"] == "a@example.com")
"""
import asyncio
import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

import harness


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address,
                          mail_options):
        answer = self.sink.mail_answer
        if answer != "250 OK":
            return answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address in self.sink.refused_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        with sink.lock:
            sink.n_data += 1
            answer = sink.answer
            delay = sink.delay_s
        if delay:
            await asyncio.sleep(delay)
        if answer != "250 OK":
            return answer
        msg = email.message_from_bytes(envelope.content,
                                       policy=email.policy.default)
        with sink.lock:
            sink.messages.append({
                "from": envelope.mail_from,
                "rcpts": list(envelope.rcpt_tos),
                "raw": envelope.content,
                "msg": msg,
            })
        return "250 OK"


class SmtpSink:
    def __init__(self):
        self.port = harness.free_port()
        self.lock = threading.Lock()
        self.messages = []
        self.answer = "250 OK"
        self.delay_s = 0.0
        self.n_data = 0
        self.refused_recipients = set()
        self.mail_answer = "250 OK"  # the answer to MAIL FROM
        self.controller = Controller(_Handler(self), hostname="127.0.0.1",
                                     port=self.port)

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def set_answer(self, answer, delay_s=0.0):
        """'250 OK' accepts; '451 …' is a try-later, '554 …' a refusal."""
        with self.lock:
            self.answer = answer
            self.delay_s = delay_s

    def received(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, predicate, timeout=20.0, what="a message"):
        def found():
            for m in self.received():
                if predicate(m["msg"]):
                    return m
            return None
        return harness.wait_until(found, timeout=timeout, what=what)

    def wait_count(self, n, timeout=30.0):
        return harness.wait_until(lambda: len(self.received()) >= n and
                                  self.received(), timeout=timeout,
                                  what="%d messages" % n)

    def quiet_for(self, seconds):
        """The messages after nothing new arrived for `seconds` (to show
        nothing more comes: a bound, never an assertion on time)."""
        last = len(self.received())
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.received()) != last:
                last = len(self.received())
                deadline = time.monotonic() + seconds
        return self.received()
