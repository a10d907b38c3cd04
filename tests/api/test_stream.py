"""Realtime: GET /api/v1/stream (API.md Realtime; docs/api.md Stream).

Streams are read by harness.SSEReader in a thread; tests wait for events
with deadlines. To avoid racing the subscription, most tests connect with
Last-Event-ID set to an event known to be older than what they then do."""
import pytest
import requests

import shapes
from harness import SSEReader, expect_error, unique, wait_until


def stream_url(server, query=""):
    return server.base_url + "/api/v1/stream" + query


def bearer_stream(server, token_api, last_event_id=None, query=""):
    headers = {"Authorization": "Bearer " + token_api.token}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    return SSEReader(stream_url(server, query), headers=headers).start()


def cookie_stream(server, api, last_event_id=None):
    headers = {}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    return SSEReader(stream_url(server), headers=headers,
                     cookies=api.session.cookies).start()


def newest_event_id(api):
    """The id of the newest event: make one and read it back."""
    t = api.create_ticket(subject="marker")
    return api.events(t["number"])[-1]["id"]


def of_ticket(number, type_=None):
    def match(ev):
        data = ev["json"] or {}
        return data.get("ticket") == number and (
            type_ is None or ev["event"] == type_)
    return match


def check_event(ev):
    """An event of the stream: id, event and JSON data that agree."""
    assert ev["id"] is not None and ev["id"].isdigit(), ev
    assert ev["event"], ev
    data = ev["json"]
    assert data is not None, "data is not JSON: %r" % ev["data"]
    shapes.check("stream_event", data)
    assert str(data["id"]) == ev["id"]
    assert data["type"] == ev["event"]
    return data


def refused(api, **kw):
    """GET /stream that must be refused; never waits on an open stream."""
    r = api.get("/stream", stream=True, check=False, timeout=10, **kw)
    try:
        if r.status_code == 200:
            return r
        shapes.check_response("GET", api.url("/stream"), r)
        return r
    finally:
        r.close()


def test_stream_needs_authentication(server):
    expect_error(refused(server.client()), 401, "unauthenticated")
    r = refused(server.client(), headers={"Authorization": "Bearer nonsense"})
    expect_error(r, 401, "unauthenticated")


def test_stream_is_an_event_stream(server, agent_bearer):
    with bearer_stream(server, agent_bearer) as s:
        assert s.connected.wait(10), "no response headers within 10 s"
        assert s.response is not None, s.error
        assert s.response.status_code == 200
        ctype = s.response.headers["Content-Type"].split(";")[0].strip()
        assert ctype == "text/event-stream"


def test_a_change_appears_as_an_event(server, agent, agent_bearer,
                                      agent_user):
    with bearer_stream(server, agent_bearer) as s:
        s.connected.wait(10)
        t = agent.create_ticket(subject="streamed")
        ev = s.wait_for(of_ticket(t["number"], "ticket.created"),
                        what="ticket.created")
        data = check_event(ev)
        assert data["actor"]["id"] == agent_user["id"]
        history = agent.events(t["number"])
        assert int(ev["id"]) == history[0]["id"]
        agent.patch("/tickets/%d" % t["number"], json={"priority": "major"})
        ev = s.wait_for(of_ticket(t["number"], "ticket.updated"),
                        what="ticket.updated")
        data = check_event(ev)
        assert data["changes"] == {"priority": ["normal", "major"]}
        agent.post_message(t["number"], "hello over the stream")
        ev = s.wait_for(of_ticket(t["number"], "message.created"),
                        what="message.created")
        check_event(ev)
        ids = [int(e["id"]) for e in s.received]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_an_event_larger_than_a_send_block_arrives_whole(server, agent,
                                                         agent_bearer):
    # The server hands a stream to libmicrohttpd 1 KiB at a time: an event
    # of many KiB (a long description in its changes) spans many blocks
    # and must come out as one event, its JSON intact.
    description = ("Ž" + "x" * 99 + "\n") * 120
    with bearer_stream(server, agent_bearer) as s:
        s.connected.wait(10)
        t = agent.create_ticket(subject="long", description=description)
        ev = s.wait_for(of_ticket(t["number"], "ticket.created"),
                        what="the long ticket.created")
        data = check_event(ev)
        assert len(ev["data"]) > 8 * 1024
        assert data["changes"]["description"] == [None, description]


def test_a_new_stream_first_sets_its_resume_point(server, agent,
                                                  agent_bearer):
    """Without Last-Event-ID the stream opens with a record holding only an
    id, the newest event: a client that reconnects before any event arrives
    resumes from there (the SSE spec sets the last event id even when no
    event is dispatched) and misses nothing committed in between."""
    newest = newest_event_id(agent)
    r = requests.get(stream_url(server), stream=True, timeout=10,
                     headers={"Authorization": "Bearer " + agent_bearer.token})
    block = []
    try:
        for line in r.iter_lines(chunk_size=1, decode_unicode=True):
            if line.startswith("id:"):
                block = [line]
            elif block and line == "":
                break
            elif block:
                block.append(line)
    finally:
        r.close()
    assert block == ["id: %d" % newest]
    t = agent.create_ticket(subject="after the resume point")
    with bearer_stream(server, agent_bearer, last_event_id=newest) as s:
        s.wait_for(of_ticket(t["number"], "ticket.created"),
                   what="the change after the resume point")


def test_stream_ids_match_the_history(server, agent, agent_bearer):
    start = newest_event_id(agent)
    t = agent.create_ticket()
    agent.patch("/tickets/%d" % t["number"], json={"status": "waiting"})
    agent.post_message(t["number"], "note", kind="note")
    history = agent.events(t["number"])
    with bearer_stream(server, agent_bearer, last_event_id=start) as s:
        s.wait_for(lambda ev: ev["id"] == str(history[-1]["id"]),
                   what="the last event of the ticket")
        mine = [e for e in s.received if of_ticket(t["number"])(e)]
        assert [int(e["id"]) for e in mine] == [e["id"] for e in history]
        assert [e["event"] for e in mine] == [e["type"] for e in history]
        for ev, h in zip(mine, history):
            data = check_event(ev)
            assert data["changes"] == h["changes"]
            assert data["at"] == h["at"]


@pytest.mark.parametrize("how", ["header", "query"])
def test_reconnect_gets_only_later_events(server, agent, agent_bearer, how):
    t = agent.create_ticket()
    agent.patch("/tickets/%d" % t["number"], json={"priority": "minor"})
    agent.patch("/tickets/%d" % t["number"], json={"priority": "major"})
    history = agent.events(t["number"])
    resume_after = history[1]["id"]   # the first patch
    if how == "header":
        s = bearer_stream(server, agent_bearer, last_event_id=resume_after)
    else:
        s = bearer_stream(server, agent_bearer,
                          query="?last_event_id=%d" % resume_after)
    with s:
        ev = s.wait_for(of_ticket(t["number"]), what="the missed event")
        assert int(ev["id"]) == history[2]["id"]
        assert check_event(ev)["changes"] == {"priority": ["minor", "major"]}
        agent.patch("/tickets/%d" % t["number"], json={"subject": "later"})
        ev = s.wait_for(of_ticket(t["number"]), what="a later event")
        assert check_event(ev)["changes"]["subject"][1] == "later"
        assert all(int(e["id"]) > resume_after for e in s.received)


def test_two_streams_get_the_same_events(server, agent, agent_bearer,
                                         admin):
    start = newest_event_id(agent)
    admin_bearer = server.token_client(admin)
    with bearer_stream(server, agent_bearer, last_event_id=start) as a, \
            bearer_stream(server, admin_bearer, last_event_id=start) as b:
        t = agent.create_ticket()
        ea = a.wait_for(of_ticket(t["number"]))
        eb = b.wait_for(of_ticket(t["number"]))
        assert ea["id"] == eb["id"]
        assert ea["json"] == eb["json"]


def test_deleted_ticket_event(server, agent, admin, agent_bearer):
    start = newest_event_id(agent)
    t = agent.create_ticket()
    assert admin.delete("/tickets/%d" % t["number"]).status_code == 204
    with bearer_stream(server, agent_bearer, last_event_id=start) as s:
        ev = s.wait_for(of_ticket(t["number"], "ticket.deleted"),
                        what="ticket.deleted")
        data = check_event(ev)
        assert data["actor"]["id"] == admin.user["id"]


def test_agents_receive_notes(server, agent, agent2, agent_bearer):
    start = newest_event_id(agent)
    t = agent.create_ticket()
    agent2.post_message(t["number"], "agents only", kind="note")
    with bearer_stream(server, agent_bearer, last_event_id=start) as s:
        s.wait_for(of_ticket(t["number"], "message.created"),
                   what="the note's event")


def test_customer_receives_only_own_tickets_and_no_notes(
        server, agent, customer, customer_user, customer2_user):
    start = newest_event_id(agent)
    secret = unique("secretnote")
    with cookie_stream(server, customer, last_event_id=start) as s:
        mine = agent.create_ticket(requester_id=customer_user["id"],
                                   subject="for customer 1")
        theirs = agent.create_ticket(requester_id=customer2_user["id"],
                                     subject="for customer 2 " + secret)
        agent.post_message(mine["number"], "internal " + secret,
                           kind="note")
        agent.post_message(mine["number"], "public reply")
        agent.post_message(theirs["number"], "reply to 2 " + secret)
        agent.patch("/tickets/%d" % theirs["number"],
                    json={"priority": "major"})
        agent.patch("/tickets/%d" % mine["number"],
                    json={"priority": "minor"})
        history = agent.events(mine["number"])
        sentinel = history[-1]["id"]
        s.wait_for(lambda ev: ev["id"] == str(sentinel),
                   what="the customer's own last event")
        messages = [e for e in history if e["type"] == "message.created"]
        assert len(messages) == 2
        note_event = messages[0]["id"]
        expected = [e["id"] for e in history if e["id"] != note_event]
        got = [int(e["id"]) for e in s.received]
        assert got == expected, (got, expected)
        for ev in s.received:
            data = check_event(ev)
            assert data["ticket"] == mine["number"]
            assert secret not in ev["data"]


def test_customer_stream_by_bearer_is_isolated_too(server, agent, customer,
                                                   customer_user,
                                                   customer2_user):
    start = newest_event_id(agent)
    token_api = server.token_client(customer)
    with bearer_stream(server, token_api, last_event_id=start) as s:
        theirs = agent.create_ticket(requester_id=customer2_user["id"])
        mine = agent.create_ticket(requester_id=customer_user["id"])
        ev = s.wait_for(of_ticket(mine["number"]), what="own ticket")
        assert [e for e in s.received
                if of_ticket(theirs["number"])(e)] == []
        assert int(ev["id"]) == agent.events(mine["number"])[0]["id"]


def test_stream_of_disabled_user_is_refused(server, admin):
    user, api = server.user_client(kind="agent")
    bearer = server.token_client(api)
    assert admin.delete("/users/%d" % user["id"]).status_code == 204
    expect_error(refused(bearer), 401, "unauthenticated")


def test_server_stops_cleanly_with_open_streams(start_server):
    srv = start_server()
    admin = srv.admin()
    bearer = srv.token_client(admin)
    streams = [bearer_stream(srv, bearer) for _ in range(3)]
    for s in streams:
        assert s.connected.wait(10)
    t = admin.create_ticket()
    for s in streams:
        s.wait_for(of_ticket(t["number"]))
    problems = srv.stop()
    for s in streams:
        s.close()
    assert problems == [], srv.report(problems)


def test_configuration_changes_are_events_for_agents_only(server, admin,
                                                          agent, customer):
    """Users, statuses and priorities are changed through the same write path
    as tickets: each change is an event on the stream, never shown to
    customers, and never carrying a password."""
    since = newest_event_id(admin)
    agent_stream = cookie_stream(server, agent, last_event_id=since)
    customer_stream = cookie_stream(server, customer, last_event_id=since)
    try:
        email = unique("audit") + "@example.com"
        user = admin.post("/users", json={
            "name": "Audited", "email": email,
            "password": "secret-password-1"}).json()
        admin.patch("/users/%d" % user["id"],
                    json={"name": "Audited Two", "password": "another-pw-2"})
        key = unique("st").lower()
        admin.post("/statuses", json={"key": key, "name": "Parked",
                                      "category": "pending"})
        admin.patch("/statuses/" + key, json={"name": "Parked long"})
        created = agent_stream.wait_for(
            lambda ev: ev["event"] == "user.created"
            and (ev["json"] or {}).get("user") == user["id"])
        data = check_event(created)
        assert data["ticket"] is None
        assert data["changes"]["email"] == [None, email]
        updated = agent_stream.wait_for(
            lambda ev: ev["event"] == "user.updated"
            and (ev["json"] or {}).get("user") == user["id"])
        data = check_event(updated)
        assert data["changes"]["name"] == ["Audited", "Audited Two"]
        assert data["password_changed"] is True
        assert "secret-password-1" not in updated["data"]
        assert "another-pw-2" not in updated["data"]
        renamed = agent_stream.wait_for(
            lambda ev: ev["event"] == "status.updated"
            and (ev["json"] or {}).get("key") == key)
        assert check_event(renamed)["changes"]["name"] == ["Parked",
                                                           "Parked long"]
        # The customer's stream carries none of it: a ticket of theirs,
        # made afterwards, is the first thing they see.
        mine = customer.create_ticket(subject="after the audit")
        first = customer_stream.wait_for(lambda ev: ev["event"] != "")
        assert check_event(first)["ticket"] == mine["number"]
    finally:
        agent_stream.close()
        customer_stream.close()


def server_has_read(server_port, client_port):
    """Whether the server's end of the loopback connection from client_port
    has nothing left unread (/proc/net/tcp: rx_queue of that socket)."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            cols = line.split()
            local, remote = cols[1], cols[2]
            if (int(local.split(":")[1], 16) == server_port
                    and int(remote.split(":")[1], 16) == client_port):
                return int(cols[4].split(":")[1], 16) == 0
    return False


def test_a_request_in_flight_at_sigterm_finishes(start_server):
    """SIGTERM lets a request already begun finish with its answer (half of
    its body had arrived), while the streams end and the process exits 0.
    The server does not abort on the way (libmicrohttpd's quiesce raced its
    own workers and aborted the process; the stop no longer uses it)."""
    import signal
    import socket

    srv = start_server()
    admin = srv.admin()
    bearer = srv.token_client(admin)
    stream = bearer_stream(srv, bearer)
    assert stream.connected.wait(10)
    body = b'{"subject": "sent across a shutdown"}'
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    try:
        sock.sendall(("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n"
                      "Authorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n"
                      % (bearer.token, len(body))).encode() + body[:10])
        # The request is in flight once the server has read what was sent
        # (its socket's receive queue is empty).
        client_port = sock.getsockname()[1]
        wait_until(lambda: server_has_read(srv.port, client_port),
                   what="the server to read the request's start")
        srv.proc.send_signal(signal.SIGTERM)
        assert stream.finished.wait(10), "the stream did not end"
        sock.sendall(body[10:])
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    finally:
        sock.close()
    stream.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    problems = srv.stop()
    assert problems == [], srv.report(problems)
