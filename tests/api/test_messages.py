"""The thread: GET/POST /api/v1/tickets/{number}/messages (API.md Tickets;
docs/api.md Tickets: message object)."""
import pytest

from harness import expect_error, unique


def test_agent_reply(server, agent, agent_user):
    t = agent.create_ticket()
    r = agent.post("/tickets/%d/messages" % t["number"],
                   json={"kind": "reply", "body": "Have you tried turning "
                                                  "it off and on again?"})
    assert r.status_code == 201
    m = r.json()
    assert m["kind"] == "reply"
    assert m["ticket"] == t["number"]
    assert m["author"]["id"] == agent_user["id"]
    assert m["author"]["name"] == agent_user["name"]
    assert m["body"] == "Have you tried turning it off and on again?"
    assert m["attachments"] == []
    assert m["created_at"] >= t["created_at"]
    thread = agent.messages(t["number"])
    assert thread[-1] == m


def test_agent_note(server, agent):
    t = agent.create_ticket()
    m = agent.post_message(t["number"], "internal: customer is VIP",
                           kind="note")
    assert m["kind"] == "note"
    assert agent.messages(t["number"])[-1]["id"] == m["id"]


def test_thread_is_oldest_first_with_notes_for_agents(server, agent,
                                                      agent2, customer,
                                                      customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    posted = [
        agent.post_message(t["number"], "first reply"),
        agent2.post_message(t["number"], "a note", kind="note"),
        customer.post_message(t["number"], "customer answer", kind=None),
        agent.post_message(t["number"], "second reply"),
    ]
    thread = agent.messages(t["number"])
    ids = [m["id"] for m in thread]
    assert ids == sorted(ids)
    assert ids[-4:] == [m["id"] for m in posted]
    assert [m["kind"] for m in thread[-4:]] == ["reply", "note", "inbound",
                                               "reply"]
    assert [m["body"] for m in thread[-4:]] == [
        "first reply", "a note", "customer answer", "second reply"]
    created = [m["created_at"] for m in thread]
    assert created == sorted(created)
    page = agent.get("/tickets/%d/messages" % t["number"]).json()
    assert page["total"] == len(thread)


def test_customer_posts_are_inbound(server, agent, customer, customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    m1 = customer.post_message(t["number"], "no kind given", kind=None)
    m2 = customer.post_message(t["number"], "kind reply", kind="reply")
    assert m1["kind"] == "inbound"
    assert m2["kind"] == "inbound"
    assert m1["author"]["id"] == customer_user["id"]


def test_customer_note_is_403_and_not_stored(server, agent, customer,
                                             customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    before = agent.messages(t["number"])
    r = customer.post("/tickets/%d/messages" % t["number"],
                      json={"kind": "note", "body": "sneaky note"})
    expect_error(r, 403, "forbidden")
    assert agent.messages(t["number"]) == before


def test_customers_never_see_notes(server, agent, customer, customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    secret = unique("secretnote")
    reply = agent.post_message(t["number"], "public reply")
    agent.post_message(t["number"], "agents only: " + secret, kind="note")
    r = customer.get("/tickets/%d/messages" % t["number"])
    assert r.status_code == 200
    kinds = [m["kind"] for m in r.json()["items"]]
    assert "note" not in kinds
    assert secret not in r.text
    assert reply["id"] in [m["id"] for m in r.json()["items"]]
    assert r.json()["total"] == len(r.json()["items"])


def test_unicode_body_round_trips(server, agent):
    t = agent.create_ticket()
    body = ("Привет 👋 Žluťoučký kůň — «quotes» \"double\" 'single' "
            "<b>not html</b> & ampersand\n\ttab, new line\r\nCRLF "
            "עברית العربية 中文 e\u0301 \u200b")
    m = agent.post_message(t["number"], body)
    assert m["body"] == body
    assert agent.messages(t["number"])[-1]["body"] == body


def test_body_at_limit_is_accepted_and_over_is_422(server, agent):
    t = agent.create_ticket()
    at_limit = "ж" * 100000
    m = agent.post_message(t["number"], at_limit)
    assert m["body"] == at_limit
    before = agent.messages(t["number"])
    r = agent.post("/tickets/%d/messages" % t["number"],
                   json={"kind": "reply", "body": "ж" * 100001})
    expect_error(r, 422, "validation_failed", "body")
    assert agent.messages(t["number"]) == before


@pytest.mark.parametrize("body,field", [
    ({"kind": "reply"}, "body"), ({"kind": "reply", "body": 5}, "body"),
    ({"kind": "reply", "body": None}, "body"),
    ({"kind": "inbound", "body": "x"}, "kind"),
    ({"kind": "shout", "body": "x"}, "kind"),
    ({"kind": 1, "body": "x"}, "kind"),
    ({"kind": "reply", "body": "x", "attachments": "1"}, "attachments"),
    ({"kind": "reply", "body": "x", "attachments": [99999999]},
     "attachments"),
    ({"kind": "reply", "body": "x", "attachments": ["a"]}, "attachments"),
    ({"kind": "reply", "body": "x", "author_id": 1}, "author_id"),
    ({"kind": "reply", "body": "x", "created_at": "2020-01-01T00:00:00Z"},
     "created_at")])
def test_invalid_message_is_422_and_not_stored(server, agent, body, field):
    t = agent.create_ticket()
    before = agent.messages(t["number"])
    r = agent.post("/tickets/%d/messages" % t["number"], json=body)
    expect_error(r, 422, "validation_failed", field)
    assert agent.messages(t["number"]) == before


def test_messages_of_unknown_ticket_are_404(server, agent):
    expect_error(agent.get("/tickets/99999999/messages"), 404, "not_found")
    r = agent.post("/tickets/99999999/messages",
                   json={"kind": "reply", "body": "x"})
    expect_error(r, 404, "not_found")
    expect_error(agent.get("/tickets/abc/messages"), 404, "not_found")


def test_reply_sets_first_response_at_once(server, agent, customer,
                                           customer_user):
    t = customer.create_ticket(subject="help me")
    assert t["first_response_at"] is None
    customer.post_message(t["number"], "anyone?", kind=None)
    assert agent.ticket(t["number"])["first_response_at"] is None
    agent.post_message(t["number"], "a note is no response", kind="note")
    assert agent.ticket(t["number"])["first_response_at"] is None
    m = agent.post_message(t["number"], "here I am")
    first = agent.ticket(t["number"])["first_response_at"]
    assert first is not None
    assert first >= t["created_at"]
    assert first <= m["created_at"]
    agent.post_message(t["number"], "and again")
    assert agent.ticket(t["number"])["first_response_at"] == first


def test_message_bumps_updated_at(server, agent):
    t = agent.create_ticket()
    m = agent.post_message(t["number"], "bump")
    after = agent.ticket(t["number"])
    assert after["updated_at"] >= t["updated_at"]
    assert after["updated_at"] >= m["created_at"]


def test_collaborator_not_invited_cannot_post(server, agent):
    t = agent.create_ticket()
    collab = server.user_client(kind="agent", role="collaborator")[1]
    r = collab.post("/tickets/%d/messages" % t["number"],
                    json={"kind": "note", "body": "hello"})
    expect_error(r, 404, "not_found")


# ---- pages (API.md Conventions: every list takes limit and cursor) ----

def test_thread_pages_with_limit_and_cursor(server, agent):
    t = agent.create_ticket()
    posted = [agent.post_message(t["number"], "page %d" % i,
                                 kind="note" if i % 2 else "reply")
              for i in range(5)]
    path = "/tickets/%d/messages" % t["number"]
    pages = []
    r = agent.get(path, params={"limit": 2})
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 5
        pages.append([m["id"] for m in page["items"]])
        if page["next_cursor"] is None:
            break
        r = agent.get(path, params={"limit": 2,
                                    "cursor": page["next_cursor"]})
    assert pages == [[posted[0]["id"], posted[1]["id"]],
                     [posted[2]["id"], posted[3]["id"]],
                     [posted[4]["id"]]]


def test_thread_default_limit_is_50_and_max_500(server, agent):
    t = agent.create_ticket()
    for i in range(51):
        agent.post_message(t["number"], "message %d" % i)
    path = "/tickets/%d/messages" % t["number"]
    first = agent.get(path).json()
    assert len(first["items"]) == 50
    assert first["total"] == 51
    assert first["next_cursor"] is not None
    rest = agent.get(path, params={"cursor": first["next_cursor"]}).json()
    assert [m["body"] for m in rest["items"]] == ["message 50"]
    assert rest["next_cursor"] is None
    whole = agent.get(path, params={"limit": 500}).json()
    assert len(whole["items"]) == 51 and whole["next_cursor"] is None


@pytest.mark.parametrize("params,field", [
    ({"limit": 0}, "limit"), ({"limit": -1}, "limit"),
    ({"limit": 501}, "limit"), ({"limit": "x"}, "limit"),
    ({"cursor": "garbage"}, "cursor"), ({"cursor": ""}, "cursor"),
    ({"cursor": "A" * 1500}, "cursor"), ({"sort": "id"}, "sort"),
])
def test_bad_thread_page_parameters_are_422(server, agent, params, field):
    t = agent.create_ticket()
    r = agent.get("/tickets/%d/messages" % t["number"], params=params)
    expect_error(r, 422, "validation_failed", field)


def test_cursor_of_another_list_is_422(server, agent):
    t = agent.create_ticket()
    agent.create_ticket()
    cursor = agent.list_tickets(limit=1)["next_cursor"]
    assert cursor is not None
    r = agent.get("/tickets/%d/messages" % t["number"],
                  params={"cursor": cursor})
    expect_error(r, 422, "validation_failed", "cursor")


def test_customer_pages_count_no_notes(server, agent, customer,
                                       customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    replies = []
    for i in range(3):
        replies.append(agent.post_message(t["number"], "reply %d" % i))
        agent.post_message(t["number"], "note %d" % i, kind="note")
    path = "/tickets/%d/messages" % t["number"]
    first = customer.get(path, params={"limit": 2}).json()
    assert first["total"] == 3
    assert [m["id"] for m in first["items"]] == [replies[0]["id"],
                                                 replies[1]["id"]]
    rest = customer.get(path, params={"limit": 2,
                                      "cursor": first["next_cursor"]}).json()
    assert [m["id"] for m in rest["items"]] == [replies[2]["id"]]
    assert rest["next_cursor"] is None


def message_event(api, number, message_id):
    for e in api.events(number):
        if e["type"] == "message.created" and e["message_id"] == message_id:
            return e
    raise AssertionError("no message.created event for message %d"
                         % message_id)


def test_mentions_name_the_agents_in_the_event(server, admin, agent):
    """@handle is the part of an agent's email before '@', or the first name
    of the one agent who has it; the ids are in the message.created event
    (and so on the stream), in the order written, each once."""
    local = unique("mira")
    mira = server.create_user(kind="agent", name="Mira Quest",
                             email="%s@example.com" % local)
    first = unique("Zed")
    zed = server.create_user(kind="agent", name="%s Nord" % first)
    t = agent.create_ticket()
    m = agent.post_message(
        t["number"], "@%s and @%s, see mail@example.com, cc @%s."
        % (local.upper(), first.lower(), local), kind="note")
    assert message_event(agent, t["number"], m["id"])["mentions"] == [
        mira["id"], zed["id"]]
    m = agent.post_message(t["number"], "no one here: a@b, @ , @nobody_x")
    assert message_event(agent, t["number"], m["id"])["mentions"] == []


def test_a_shared_first_name_mentions_no_one(server, admin, agent):
    first = unique("Kim")
    server.create_user(kind="agent", name="%s One" % first)
    server.create_user(kind="agent", name="%s Two" % first)
    t = agent.create_ticket()
    m = agent.post_message(t["number"], "@%s?" % first, kind="note")
    assert message_event(agent, t["number"], m["id"])["mentions"] == []


def test_customers_mention_no_one(server, admin, agent, customer,
                                  customer_user):
    local = unique("ops")
    server.create_user(kind="agent", name="Ops Desk",
                      email="%s@example.com" % local)
    t = agent.create_ticket(requester_id=customer_user["id"])
    m = customer.post_message(t["number"], "hello @%s" % local)
    assert m["kind"] == "inbound"
    assert message_event(agent, t["number"], m["id"])["mentions"] == []
