"""Customer isolation: a customer sees only their own tickets, others' are
404 everywhere, notes never reach them (API.md Conventions: 404 for what
the caller may not see; DESIGN.md Deny by default; docs/api.md Tickets)."""
import pytest

from harness import expect_error, unique, wait_until


@pytest.fixture(scope="module")
def world(server, agent, customer, customer_user, customer2, customer2_user):
    w = {}
    w["own"] = customer.create_ticket(subject="My printer " +
                                      unique("ownword"))
    w["own_by_agent"] = agent.create_ticket(
        subject="Opened for you",
        requester={"email": customer_user["email"].upper(), "name": "X"})
    w["word"] = unique("otherword")
    w["other"] = agent.create_ticket(
        subject="Someone else's %s" % w["word"],
        requester_id=customer2_user["id"])
    w["note_word"] = unique("noteword")
    agent.post_message(w["own"]["number"], "we are on it")
    agent.post_message(w["own"]["number"], "internal %s" % w["note_word"],
                       kind="note")
    agent.post_message(w["other"]["number"], "reply to customer 2")
    return w


def test_customer_ticket_defaults(server, customer, customer_user, world):
    t = world["own"]
    assert t["channel"] == "portal"
    assert t["requester"]["id"] == customer_user["id"]
    assert t["status"] == "todo"
    assert t["priority"] == "normal"
    assert t["assignee"] is None


def test_ticket_opened_for_customer_by_email_is_theirs(server, customer,
                                                       customer_user, world):
    t = world["own_by_agent"]
    assert t["requester"]["id"] == customer_user["id"]
    assert customer.ticket(t["number"])["number"] == t["number"]


def test_list_shows_only_own_tickets(server, customer, customer_user,
                                     customer2, customer2_user, world):
    mine = customer.all_tickets(limit=500)
    assert {t["requester"]["id"] for t in mine} == {customer_user["id"]}
    numbers = [t["number"] for t in mine]
    assert world["own"]["number"] in numbers
    assert world["own_by_agent"]["number"] in numbers
    assert world["other"]["number"] not in numbers
    assert customer.list_tickets(limit=1)["total"] == len(mine)
    theirs = customer2.all_tickets(limit=500)
    assert {t["requester"]["id"] for t in theirs} == {customer2_user["id"]}


@pytest.mark.parametrize("method,suffix,body", [
    ("GET", "", None),
    ("PATCH", "", {"subject": "hijacked"}),
    ("PATCH", "", {"status": "closed"}),
    ("DELETE", "", None),
    ("GET", "/messages", None),
    ("POST", "/messages", {"body": "let me in"}),
    ("POST", "/messages", {"kind": "reply", "body": "let me in"}),
    ("GET", "/events", None)])
def test_others_ticket_is_404_everywhere(server, agent, customer, world,
                                         method, suffix, body):
    n = world["other"]["number"]
    before = (agent.ticket(n), agent.messages(n), agent.events(n))
    r = customer.request(method, "/tickets/%d%s" % (n, suffix), json=body)
    expect_error(r, 404, "not_found")
    after = (agent.ticket(n), agent.messages(n), agent.events(n))
    assert after[0]["subject"] == before[0]["subject"]
    assert after[0]["status"] == before[0]["status"]
    assert after[1] == before[1]
    assert after[2] == before[2]


def test_others_ticket_is_404_like_a_missing_one(server, customer, world):
    a = customer.get("/tickets/%d" % world["other"]["number"]).json()
    b = customer.get("/tickets/99999999").json()
    assert a["error"]["code"] == b["error"]["code"] == "not_found"


def test_search_never_finds_others_tickets(server, agent, customer, world):
    word = world["word"]
    n = world["other"]["number"]
    wait_until(lambda: n in [t["number"] for t in
                             agent.list_tickets(q=word)["items"]],
               what="agent finds the other ticket")
    page = customer.list_tickets(q=word)
    assert page["items"] == [] and page["total"] == 0
    page = customer.list_tickets(q="#%d" % n)
    assert page["items"] == [] and page["total"] == 0
    page = customer.list_tickets(q=str(n))
    assert n not in [t["number"] for t in page["items"]]


def test_filters_never_reach_others_tickets(server, customer, customer2_user,
                                            world):
    r = customer.get("/tickets", params={"requester": customer2_user["id"]})
    if r.status_code == 200:
        assert r.json()["items"] == [] and r.json()["total"] == 0
    else:
        assert r.status_code in (403, 422), r.text
    for params in ({"assignee": "none"}, {"status": "todo"},
                   {"sort": "-number", "limit": 500}):
        items = customer.list_tickets(**params)["items"]
        assert world["other"]["number"] not in [t["number"] for t in items]


def test_customer_never_sees_notes(server, agent, customer, world):
    n = world["own"]["number"]
    note_word = world["note_word"]
    agent_thread = agent.messages(n)
    assert "note" in [m["kind"] for m in agent_thread]
    r = customer.get("/tickets/%d/messages" % n)
    assert r.status_code == 200
    thread = r.json()["items"]
    assert [m["id"] for m in thread] == [m["id"] for m in agent_thread
                                         if m["kind"] != "note"]
    assert note_word not in r.text
    assert note_word not in customer.get("/tickets/%d" % n).text


def test_customer_events_leave_out_notes(server, agent, customer, world):
    n = world["own"]["number"]
    agent_events = agent.events(n)
    r = customer.get("/tickets/%d/events" % n)
    assert r.status_code == 200
    cust_events = r.json()["items"]
    assert world["note_word"] not in r.text
    n_agent = sum(e["type"] == "message.created" for e in agent_events)
    n_cust = sum(e["type"] == "message.created" for e in cust_events)
    assert n_agent == 2
    assert n_cust == 1
    assert {e["id"] for e in cust_events} < {e["id"] for e in agent_events}


def test_customer_search_ignores_note_text(server, agent, customer, world):
    word = world["note_word"]
    n = world["own"]["number"]
    wait_until(lambda: n in [t["number"] for t in
                             agent.list_tickets(q=word)["items"]],
               what="agent finds the note word")
    assert customer.list_tickets(q=word)["total"] == 0


@pytest.mark.parametrize("field,value", [
    ("priority", "major"), ("status", "waiting"), ("assignee_id", None),
    ("tags", ["vip"]), ("channel", "email"), ("deadline",
                                              "2030-01-01T00:00:00Z"),
    ("follower_ids", []), ("requester", {"email": "x@example.com",
                                         "name": "X"})])
def test_customer_create_with_agent_fields_is_403(server, customer, field,
                                                  value):
    before = customer.list_tickets(limit=1)["total"]
    r = customer.post("/tickets", json={"subject": "x", field: value})
    expect_error(r, 403, "forbidden")
    assert customer.list_tickets(limit=1)["total"] == before


def test_customer_create_for_someone_else_is_403(server, customer,
                                                 customer2_user):
    before = customer.list_tickets(limit=1)["total"]
    r = customer.post("/tickets", json={"subject": "x",
                                        "requester_id": customer2_user["id"]})
    expect_error(r, 403, "forbidden")
    assert customer.list_tickets(limit=1)["total"] == before


@pytest.mark.parametrize("body", [{"priority": "major"},
                                  {"assignee_id": None}, {"tags": ["x"]},
                                  {"deadline": None}, {"channel": "web"}])
def test_customer_patch_of_agent_fields_is_403(server, agent, customer,
                                               world, body):
    n = world["own"]["number"]
    before = agent.ticket(n)
    expect_error(customer.patch("/tickets/%d" % n, json=body), 403,
                 "forbidden")
    after = agent.ticket(n)
    for k in ("priority", "assignee", "tags", "deadline", "channel",
              "status"):
        assert after[k] == before[k], k


def test_customer_edits_subject_and_description_of_own_ticket(server, agent,
                                                               customer):
    t = customer.create_ticket(subject="typo in subjcet", description="x")
    n = t["number"]
    r = customer.patch("/tickets/%d" % n, json={
        "subject": "typo in subject", "description": "the whole story"})
    assert r.status_code == 200, r.text
    assert r.json()["subject"] == "typo in subject"
    assert r.json()["description"] == "the whole story"
    seen = agent.ticket(n)
    assert (seen["subject"], seen["description"]) == (
        "typo in subject", "the whole story")
    changes = customer.events(n)[-1]["changes"]
    assert changes["subject"] == ["typo in subjcet", "typo in subject"]
    r = customer.patch("/tickets/%d" % n, json={"description": None})
    assert r.status_code == 200 and r.json()["description"] == ""
    expect_error(customer.patch("/tickets/%d" % n, json={"subject": ""}),
                 422, field="subject")
    expect_error(customer.patch("/tickets/%d" % n, json={
        "subject": "and the priority", "priority": "major"}), 403,
        field="priority")
    assert agent.ticket(n)["subject"] == "typo in subject"


def test_customer_cannot_edit_others_ticket(server, customer, world):
    n = world["other"]["number"]
    expect_error(customer.patch("/tickets/%d" % n, json={"subject": "mine"}),
                 404)


def test_customer_closes_and_reopens_own_ticket(server, agent, customer):
    t = customer.create_ticket(subject="will close")
    r = customer.patch("/tickets/%d" % t["number"], json={"status": "closed"})
    assert r.status_code == 200
    assert r.json()["status"] == "closed"
    assert agent.ticket(t["number"])["status"] == "closed"
    r = customer.patch("/tickets/%d" % t["number"], json={"status": "todo"})
    assert r.status_code == 200
    assert r.json()["status"] == "todo"


def test_customer_may_not_delete_own_ticket(server, agent, customer, world):
    n = world["own"]["number"]
    expect_error(customer.delete("/tickets/%d" % n), 403, "forbidden")
    assert agent.ticket(n)["number"] == n


def test_customer_replies_on_own_ticket(server, agent, customer, world):
    n = world["own"]["number"]
    m = customer.post_message(n, "thanks!", kind=None)
    assert m["kind"] == "inbound"
    assert m["id"] in [x["id"] for x in agent.messages(n)]


def test_customer_sees_no_user_directory(server, customer, customer2_user):
    expect_error(customer.get("/users"), 403, "forbidden")
    r = customer.get("/users/%d" % customer2_user["id"])
    assert r.status_code in (403, 404), r.text
    assert customer2_user["email"] not in r.text


def test_customer_bearer_token_is_isolated_too(server, customer, world):
    bearer = server.token_client(customer)
    expect_error(bearer.get("/tickets/%d" % world["other"]["number"]), 404,
                 "not_found")
    numbers = [t["number"] for t in bearer.all_tickets(limit=500)]
    assert world["other"]["number"] not in numbers
    assert world["own"]["number"] in numbers
