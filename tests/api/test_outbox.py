"""The outbox worker and email out (issue 4: background work on every node
without doing anything twice; DESIGN.md principle 2: outbound email leaves
through a durable outbox with retry and backoff). A reply is emailed through
a real SMTP server on loopback (smtpsink.py); its message carries
`delivery` (docs/api.md, Messages). Runs on both backends."""
import signal

import pytest

import harness
from harness import expect_error, unique
from smtpsink import SmtpSink

FROM = "help@docket.test"


def fast_env(sink, **extra):
    """Retries and polls in milliseconds, so tests wait little."""
    env = {"DOCKET_MAIL_FROM": FROM, "DOCKET_OUTBOX_RETRY_MS": "100",
           "DOCKET_OUTBOX_POLL_MS": "50", "DOCKET_OUTBOX_ATTEMPTS": "4"}
    if sink:
        env["DOCKET_SMTP"] = sink.url
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as s:
        yield s


@pytest.fixture(scope="module")
def mailer(sink, tmp_path_factory):
    s = harness.Server(tmp_path_factory.mktemp("docket-outbox"),
                       fast_env(sink))
    s.start()
    yield s
    problems = s.stop()
    assert not problems, s.report(problems)


@pytest.fixture(autouse=True)
def sink_accepts(sink):
    sink.set_answer("250 OK")
    yield
    sink.set_answer("250 OK")
    sink.mail_answer = "250 OK"
    sink.refused_recipients.clear()


def new_ticket(api, **fields):
    email = unique("cust") + "@example.org"
    body = {"subject": unique("Printer on fire "),
            "requester": {"email": email, "name": "Cust Omer"}}
    body.update(fields)
    return api.create_ticket(**body)


def delivery_of(api, number, message_id):
    for m in api.messages(number):
        if m["id"] == message_id:
            return m["delivery"]
    raise AssertionError("message %d not in the thread" % message_id)


def wait_delivery(api, number, message_id, state, timeout=20.0):
    return harness.wait_until(
        lambda: (lambda d: d if d and d["state"] == state else None)(
            delivery_of(api, number, message_id)),
        timeout=timeout, what="delivery %s of message %d" % (state, message_id))


def sent_to(sink, address):
    return sink.wait_for(lambda m: m["To"] == address,
                         what="a message to " + address)


def test_reply_is_emailed_to_the_requester_threaded_under_its_ticket(
        mailer, sink):
    agent = mailer.admin()
    t = new_ticket(agent)
    upload = agent.post("/attachments", params={"name": "log.txt"},
                        data=b"line 1\nline 2\n",
                        headers={"Content-Type": "text/plain"}).json()
    m = agent.post_message(t["number"], "We are on it.\nÜber-fix soon.\n.\n"
                           "end", attachments=[upload["id"]])
    got = sent_to(sink, t["requester"]["email"])
    msg = got["msg"]
    assert got["from"] == FROM
    assert got["rcpts"] == [t["requester"]["email"]]
    assert msg["From"].addresses[0].addr_spec == FROM
    assert msg["From"].addresses[0].display_name == "Administrator"
    assert msg["Subject"] == "[#%d] %s" % (t["number"], t["subject"])
    assert msg["Message-ID"] == "<docket.%d.%d@docket.test>" % (t["number"],
                                                               m["id"])
    assert msg["In-Reply-To"] == "<docket.%d@docket.test>" % t["number"]
    assert msg["References"] == msg["In-Reply-To"]
    assert msg["X-Docket-Ticket"] == str(t["number"])
    assert msg["Date"] is not None
    text = msg.get_body(("plain",)).get_content()
    # Line ends are CRLF on the wire; a line of a lone dot survives.
    assert text.replace("\r\n", "\n") == ("We are on it.\nÜber-fix soon.\n.\n"
                                          "end")
    files = list(msg.iter_attachments())
    assert [f.get_filename() for f in files] == ["log.txt"]
    assert files[0].get_content_type() == "text/plain"
    assert files[0].get_payload(decode=True) == b"line 1\nline 2\n"
    d = wait_delivery(agent, t["number"], m["id"], "sent")
    assert d["attempts"] == 1 and d["error"] is None
    assert d["finished_at"] and d["next_attempt_at"] is None


def test_unicode_subject_and_names_are_encoded(mailer, sink):
    admin = mailer.admin()
    _, agent = mailer.user_client(name="Zoë Šťastná")
    t = new_ticket(admin, subject="Nefunguje tiskárna — " + unique())
    agent.post_message(t["number"], "Ahoj, díváme se na to.")
    msg = sent_to(sink, t["requester"]["email"])["msg"]
    assert msg["Subject"] == "[#%d] %s" % (t["number"], t["subject"])
    assert msg["From"].addresses[0].display_name == "Zoë Šťastná"
    assert msg.get_body(("plain",)).get_content().strip() == \
        "Ahoj, díváme se na to."
    assert all(b < 0x80 for b in sink.wait_for(
        lambda m: m["To"] == t["requester"]["email"])["raw"]), \
        "the message on the wire is 7-bit"


def test_a_name_with_line_breaks_adds_no_header(mailer, sink):
    admin = mailer.admin()
    r = admin.post("/users", json={
        "kind": "agent", "name": "Eve\r\nBcc: victim@example.net",
        "email": unique("eve") + "@example.com",
        "password": harness.DEFAULT_PASSWORD})
    if r.status_code != 201:
        expect_error(r, 422, field="name")
        pytest.skip("names with line breaks are refused at the API")
    eve = mailer.login(r.json()["email"])
    t = new_ticket(admin)
    eve.post_message(t["number"], "hello")
    got = sent_to(sink, t["requester"]["email"])
    assert got["msg"]["Bcc"] is None
    assert got["rcpts"] == [t["requester"]["email"]]


def test_notes_and_customer_messages_send_no_email(mailer, sink):
    admin = mailer.admin()
    customer, client = mailer.user_client(kind="customer")
    t = admin.create_ticket(subject=unique("quiet "),
                            requester_id=customer["id"])
    note = admin.post_message(t["number"], "internal " + unique(), kind="note")
    assert note["delivery"] is None
    inbound = client.post_message(t["number"], "from the customer")
    assert inbound["kind"] == "inbound" and inbound["delivery"] is None
    reply = admin.post_message(t["number"], "public " + unique())
    sent_to(sink, customer["email"])
    bodies = [m["msg"].get_body(("plain",)).get_content().strip()
              for m in sink.quiet_for(0.3)
              if m["msg"]["To"] == customer["email"]]
    assert bodies == [reply["body"]]


def test_followers_get_blind_copies_and_the_author_none(mailer, sink):
    admin = mailer.admin()
    follower = mailer.create_user(kind="agent")
    t = new_ticket(admin)
    admin.patch("/tickets/%d" % t["number"],
                json={"follower_ids": [follower["id"], 1]})
    admin.post_message(t["number"], "with copies")
    got = sent_to(sink, t["requester"]["email"])
    # The requester's copy is its own SMTP transaction (its answer decides
    # the delivery); the followers get the same message in a second one.
    assert got["rcpts"] == [t["requester"]["email"]]
    copy = harness.wait_until(
        lambda: [x for x in sink.received()
                 if x["msg"]["Message-ID"] == got["msg"]["Message-ID"] and
                 x is not got], what="the followers' copy")[0]
    assert copy["rcpts"] == [follower["email"]]
    assert follower["email"] not in got["raw"].decode("ascii")
    assert follower["email"] not in copy["raw"].decode("ascii")


def test_a_refused_follower_does_not_hold_back_the_requester(mailer, sink):
    admin = mailer.admin()
    follower = mailer.create_user(kind="agent")
    sink.refused_recipients.add(follower["email"])
    try:
        t = new_ticket(admin, follower_ids=[follower["id"]])
        m = admin.post_message(t["number"], "still goes out")
        got = sent_to(sink, t["requester"]["email"])
        assert got["rcpts"] == [t["requester"]["email"]]
        wait_delivery(admin, t["number"], m["id"], "sent")
    finally:
        sink.refused_recipients.discard(follower["email"])


def test_a_refused_requester_fails_the_reply_though_a_follower_took_it(
        mailer, sink):
    admin = mailer.admin()
    follower = mailer.create_user(kind="agent")
    t = new_ticket(admin, follower_ids=[follower["id"]])
    sink.refused_recipients.add(t["requester"]["email"])
    m = admin.post_message(t["number"], "to a dead mailbox")
    d = wait_delivery(admin, t["number"], m["id"], "failed")
    assert d["attempts"] == 1 and "550" in d["error"]
    assert not [x for x in sink.received()
                if follower["email"] in x["rcpts"]]


def test_a_relay_refusing_the_session_is_retried_not_final(mailer, sink):
    """530 to MAIL FROM (say, a login missing) is about the relay, not the
    reply: retried until the relay is fixed."""
    admin = mailer.admin()
    t = new_ticket(admin)
    sink.mail_answer = "530 5.7.0 Authentication required"
    m = admin.post_message(t["number"], "after the relay is fixed")
    d = harness.wait_until(
        lambda: (lambda d: d if d["attempts"] >= 2 else None)(
            delivery_of(admin, t["number"], m["id"])),
        what="a second attempt")
    assert d["state"] == "queued" and "530" in d["error"]
    sink.mail_answer = "250 OK"
    wait_delivery(admin, t["number"], m["id"], "sent")


def test_try_later_answers_are_retried_until_the_relay_takes_it(mailer, sink):
    admin = mailer.admin()
    t = new_ticket(admin)
    sink.set_answer("451 4.3.0 try again later")
    m = admin.post_message(t["number"], "retry me")
    d = harness.wait_until(
        lambda: (lambda d: d if d["attempts"] >= 2 else None)(
            delivery_of(admin, t["number"], m["id"])),
        what="a second attempt")
    assert d["state"] == "queued"
    assert "451" in d["error"]
    assert d["next_attempt_at"] and d["finished_at"] is None
    sink.set_answer("250 OK")
    d = wait_delivery(admin, t["number"], m["id"], "sent")
    assert d["error"] is None
    copies = [x for x in sink.quiet_for(0.5)
              if x["msg"]["To"] == t["requester"]["email"]]
    assert len(copies) == 1


def test_a_refusal_for_good_is_not_retried_and_shows_in_history(mailer,
                                                                 sink):
    admin = mailer.admin()
    t = new_ticket(admin)
    sink.set_answer("554 5.7.1 message refused")
    before = sink.n_data
    with harness.SSEReader(mailer.base_url + "/api/v1/stream",
                           cookies=admin.session.cookies).start() as stream:
        m = admin.post_message(t["number"], "refused")
        d = wait_delivery(admin, t["number"], m["id"], "failed")
        ev = stream.wait_for(
            lambda e: e["event"] == "message.delivery_failed" and
            (e["json"] or {}).get("ticket") == t["number"],
            what="message.delivery_failed on the stream")
    assert d["attempts"] == 1 and "554" in d["error"]
    assert d["finished_at"] and d["next_attempt_at"] is None
    assert sink.n_data == before + 1
    events = [e for e in admin.events(t["number"])
              if e["type"] == "message.delivery_failed"]
    assert len(events) == 1
    assert events[0]["actor"] is None
    assert ev["json"]["type"] == "message.delivery_failed"


def test_attempts_run_out_and_the_reply_is_given_up(mailer, sink):
    admin = mailer.admin()
    t = new_ticket(admin)
    sink.set_answer("421 4.7.0 closing")
    m = admin.post_message(t["number"], "never makes it")
    d = wait_delivery(admin, t["number"], m["id"], "failed")
    assert d["attempts"] == 4  # DOCKET_OUTBOX_ATTEMPTS
    assert "421" in d["error"]
    assert [e["type"] for e in admin.events(t["number"])].count(
        "message.delivery_failed") == 1


def test_customers_do_not_see_delivery(mailer, sink):
    admin = mailer.admin()
    customer = mailer.create_user(kind="customer")
    client = mailer.login(customer["email"])
    t = admin.create_ticket(subject=unique("mine "),
                            requester_id=customer["id"])
    m = admin.post_message(t["number"], "for the customer")
    wait_delivery(admin, t["number"], m["id"], "sent")
    seen = [x for x in client.messages(t["number"]) if x["id"] == m["id"]]
    assert seen and seen[0]["delivery"] is None


def test_without_a_relay_replies_wait_and_go_once_one_is_set(start_server,
                                                             tmp_path):
    first = start_server(fast_env(None))
    admin = first.admin()
    t = new_ticket(admin)
    m = admin.post_message(t["number"], "queued until mail is set up")
    d = delivery_of(admin, t["number"], m["id"])
    assert d["state"] == "queued" and d["attempts"] == 0
    assert first.stop() == []
    with SmtpSink() as sink:
        again = harness.Server(first.workdir, fast_env(sink),
                               pg_url=first.pg_url)
        again.start()
        try:
            got = sent_to(sink, t["requester"]["email"])
            assert got["msg"].get_body(("plain",)).get_content().strip() == \
                m["body"]
            wait_delivery(again.admin(), t["number"], m["id"], "sent")
        finally:
            assert again.stop() == []


def test_a_killed_server_loses_no_reply(start_server):
    """kill -9 while a reply is on its way: the next start sends it (at
    least once: the relay may have taken the copy in flight, which then has
    the same Message-ID)."""
    with SmtpSink() as sink:
        sink.set_answer("250 OK", delay_s=1.0)
        env = fast_env(sink, DOCKET_OUTBOX_LEASE_MS="2000")
        first = start_server(env)
        admin = first.admin()
        t = new_ticket(admin)
        m = admin.post_message(t["number"], "survive a crash")
        harness.wait_until(lambda: sink.n_data >= 1, what="a delivery begun")
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(20)
        first.stopped = True
        sink.set_answer("250 OK")
        again = harness.Server(first.workdir, env, pg_url=first.pg_url)
        again.start()
        try:
            wait_delivery(again.admin(), t["number"], m["id"], "sent")
            ids = {x["msg"]["Message-ID"] for x in sink.received()}
            assert ids == {"<docket.%d.%d@docket.test>" % (t["number"],
                                                           m["id"])}
        finally:
            assert again.stop() == []


def test_a_stop_during_a_send_waits_for_the_relay_and_sends_once(
        start_server):
    """SIGTERM while the relay holds the message: the server waits for its
    answer and records the send; the next start sends nothing again."""
    with SmtpSink() as sink:
        sink.set_answer("250 OK", delay_s=1.5)
        env = fast_env(sink)
        first = start_server(env)
        admin = first.admin()
        t = new_ticket(admin)
        m = admin.post_message(t["number"], "in flight at the stop")
        harness.wait_until(lambda: sink.n_data >= 1, what="the DATA phase")
        assert first.stop() == []
        assert len(sink.received()) == 1
        sink.set_answer("250 OK")
        again = harness.Server(first.workdir, env, pg_url=first.pg_url)
        again.start()
        try:
            d = delivery_of(again.admin(), t["number"], m["id"])
            assert d["state"] == "sent", d
            assert len(sink.quiet_for(0.5)) == 1
        finally:
            assert again.stop() == []


def test_bad_relay_settings_are_refused_at_start(tmp_path):
    for env, field in (({"DOCKET_SMTP": "http://127.0.0.1:25"}, "smtp"),
                       ({"DOCKET_MAIL_FROM": "not an address"}, "mail_from"),
                       ({"DOCKET_MAIL_FROM": "sup\u00e9r@example.com"},
                        "mail_from"),
                       ({"DOCKET_OUTBOX_RETRY_MS": "0"}, "outbox_retry_ms"),
                       ({"DOCKET_OUTBOX_LEASE_MS": "x"}, "outbox_lease_ms")):
        s = harness.Server(tmp_path / unique("bad"), env)
        with pytest.raises(RuntimeError):
            s.start()
        assert "'%s'" % field in s.log_text(), s.log_text()
        s.stopped = True
