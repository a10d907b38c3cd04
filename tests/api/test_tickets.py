"""Tickets: create, read, update, delete (API.md Tickets; docs/api.md
Tickets)."""
import pytest

from harness import expect_error, unique

READ_ONLY = ("number", "created_at", "updated_at", "first_response_at",
             "resolved_at", "closed_at", "unread", "queue_position")


def same_but(before, after, *changed):
    """Every field but `changed`, updated_at and unread is equal."""
    skip = set(changed) | {"updated_at", "unread"}
    diff = {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
            if k not in skip and before.get(k) != after.get(k)}
    assert not diff, "unexpected changes: %s" % diff


# ---- create ----

def test_create_minimal_ticket_has_defaults(server, agent, agent_user):
    r = agent.post("/tickets", json={"subject": "Printer on fire"})
    assert r.status_code == 201
    t = r.json()
    assert t["subject"] == "Printer on fire"
    assert t["description"] == ""
    assert t["status"] == "todo"
    assert t["priority"] == "normal"
    assert t["channel"] == "api"
    assert t["assignee"] is None
    assert t["group"] is None
    assert t["deadline"] is None
    assert t["tags"] == []
    assert t["followers"] == [] or all(
        f["id"] == agent_user["id"] for f in t["followers"])
    assert t["collaborators"] == []
    assert t["conversations"] == []
    assert t["requester"]["id"] == agent_user["id"]
    assert t["requester"]["name"] == agent_user["name"]
    assert t["closed_at"] is None
    assert t["resolved_at"] is None
    assert t["first_response_at"] is None
    assert t["queue_position"] is None
    assert t["created_at"] == t["updated_at"] or \
        t["created_at"] < t["updated_at"]


def test_get_returns_what_create_returned(server, agent):
    t = agent.create_ticket(subject="Same", description="Body text")
    got = agent.ticket(t["number"])
    same_but(t, got)


def test_numbers_are_sequential(server, agent):
    a = agent.create_ticket()
    b = agent.create_ticket()
    c = agent.create_ticket()
    assert b["number"] == a["number"] + 1
    assert c["number"] == b["number"] + 1


def test_first_ticket_is_number_1_and_numbers_are_never_reused(
        start_server):
    srv = start_server()
    admin = srv.admin()
    t1 = admin.create_ticket()
    t2 = admin.create_ticket()
    assert (t1["number"], t2["number"]) == (1, 2)
    assert admin.delete("/tickets/2").status_code == 204
    t3 = admin.create_ticket()
    assert t3["number"] == 3


def test_create_with_every_field(server, agent, agent_user, agent2_user):
    r = agent.post("/tickets", json={
        "subject": "Full ticket",
        "description": "Everything set",
        "status": "waiting",
        "priority": "major",
        "assignee_id": agent2_user["id"],
        "group_id": None,
        "deadline": "2030-05-06T12:00:00+02:00",
        "channel": "email",
        "tags": ["vip", "billing"],
        "follower_ids": [agent2_user["id"]],
    })
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["description"] == "Everything set"
    assert t["status"] == "waiting"
    assert t["priority"] == "major"
    assert t["assignee"]["id"] == agent2_user["id"]
    assert t["assignee"]["name"] == agent2_user["name"]
    assert t["group"] is None
    assert t["deadline"] == "2030-05-06T10:00:00Z"
    assert t["channel"] == "email"
    assert sorted(t["tags"]) == ["billing", "vip"]
    assert agent2_user["id"] in [f["id"] for f in t["followers"]]
    same_but(t, agent.ticket(t["number"]))


@pytest.mark.parametrize("channel", ["email", "web", "portal", "chat",
                                     "messenger", "phone", "api"])
def test_every_channel_is_accepted(server, agent, channel):
    assert agent.create_ticket(channel=channel)["channel"] == channel


@pytest.mark.parametrize("given,stored", [
    ("2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z"),
    ("2030-01-02T03:04:05.123Z", "2030-01-02T03:04:05Z"),
    ("2030-01-02T03:04:05+05:30", "2030-01-01T21:34:05Z"),
    ("2030-01-01T23:00:00-02:00", "2030-01-02T01:00:00Z"),
    ("2030-01-02t03:04:05z", "2030-01-02T03:04:05Z"),
])
def test_deadline_is_stored_in_utc(server, agent, given, stored):
    assert agent.create_ticket(deadline=given)["deadline"] == stored


def test_bearer_client_creates_with_channel_api(server, agent_bearer,
                                                agent_user):
    t = agent_bearer.create_ticket()
    assert t["channel"] == "api"
    assert t["requester"]["id"] == agent_user["id"]


def test_requester_by_id(server, agent, customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    assert t["requester"]["id"] == customer_user["id"]
    assert t["requester"]["name"] == customer_user["name"]


def test_requester_by_email_is_found_or_created(server, agent, admin):
    email = unique("walkin") + "@example.com"
    t1 = agent.create_ticket(requester={"email": email, "name": "Walk In"})
    rid = t1["requester"]["id"]
    assert t1["requester"]["name"] == "Walk In"
    u = admin.get("/users/%d" % rid).json()
    assert u["kind"] == "customer"
    assert u["role"] == "customer"
    assert u["email"].lower() == email
    t2 = agent.create_ticket(requester={"email": email.upper(),
                                        "name": "Other Name"})
    assert t2["requester"]["id"] == rid
    existing = admin.get("/users", params={"q": email}).json()
    assert existing["total"] == 1


@pytest.mark.parametrize("body,field", [
    ({"requester_id": 99999999}, "requester_id"),
    ({"assignee_id": 99999999}, "assignee_id"),
    ({"group_id": 99999999}, "group_id"),
    ({"follower_ids": [99999999]}, "follower_ids"),
    ({"status": "nope"}, "status"),
    ({"priority": "urgentest"}, "priority"),
    ({"channel": "pigeon"}, "channel"),
    ({"deadline": "tomorrow"}, "deadline"),
    ({"deadline": "2030-13-01T00:00:00Z"}, "deadline"),
    ({"deadline": "2030-02-30T00:00:00Z"}, "deadline"),
    ({"deadline": "2030-01-01"}, "deadline"),
    ({"deadline": "2030-01-01T25:00:00Z"}, "deadline"),
    ({"deadline": 1893456000}, "deadline"),
    ({"requester": {"name": "No Email"}}, "requester"),
    ({"requester": {"email": "not-an-email", "name": "X"}}, "requester"),
    ({"tags": "vip"}, "tags"),
    ({"tags": [1, 2]}, "tags"),
    ({"tags": [""]}, "tags"),
    ({"number": 5}, "number"),
    ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
    ({"unread": True}, "unread"),
    ({"colour": "red"}, "colour"),
])
def test_create_invalid_is_422_and_creates_nothing(server, agent, body,
                                                   field):
    before = agent.list_tickets(limit=1)["total"]
    payload = {"subject": "Invalid " + field}
    payload.update(body)
    r = agent.post("/tickets", json=payload)
    err = expect_error(r, 422, "validation_failed")
    assert err.get("field", "").split(".")[0] == field, err
    assert agent.list_tickets(limit=1)["total"] == before


def test_assignee_must_be_an_agent(server, agent, customer_user):
    r = agent.post("/tickets", json={"subject": "x",
                                     "assignee_id": customer_user["id"]})
    expect_error(r, 422, "validation_failed", "assignee_id")


@pytest.mark.parametrize("body", [{}, {"subject": ""}, {"subject": None},
                                  {"description": "no subject"}])
def test_subject_is_required(server, agent, body):
    expect_error(agent.post("/tickets", json=body), 422, "validation_failed",
                 "subject")


# ---- read ----

@pytest.mark.parametrize("path", ["/tickets/99999999", "/tickets/0",
                                  "/tickets/-1", "/tickets/abc",
                                  "/tickets/1.5", "/tickets/1e3",
                                  "/tickets/99999999999999999999",
                                  "/tickets/%20", "/tickets/0x10"])
def test_unknown_ticket_is_404(server, agent, path):
    expect_error(agent.get(path), 404, "not_found")


# ---- update ----

def test_patch_changes_only_given_fields(server, agent):
    t = agent.create_ticket(subject="Old subject", description="Keep",
                            tags=["a"], priority="minor")
    r = agent.patch("/tickets/%d" % t["number"],
                    json={"subject": "New subject"})
    assert r.status_code == 200
    u = r.json()
    assert u["subject"] == "New subject"
    same_but(t, u, "subject")
    assert u["updated_at"] >= t["updated_at"]
    same_but(u, agent.ticket(t["number"]))


def test_patch_every_writable_field(server, agent, agent_user, agent2_user,
                                    customer_user):
    t = agent.create_ticket()
    r = agent.patch("/tickets/%d" % t["number"], json={
        "subject": "Changed", "description": "New description",
        "status": "in_progress", "priority": "major",
        "assignee_id": agent_user["id"], "requester_id": customer_user["id"],
        "deadline": "2031-01-01T00:00:00Z", "channel": "phone",
        "tags": ["x", "y"], "follower_ids": [agent2_user["id"]]})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["subject"] == "Changed"
    assert u["description"] == "New description"
    assert u["status"] == "in_progress"
    assert u["priority"] == "major"
    assert u["assignee"]["id"] == agent_user["id"]
    assert u["requester"]["id"] == customer_user["id"]
    assert u["deadline"] == "2031-01-01T00:00:00Z"
    assert u["channel"] == "phone"
    assert sorted(u["tags"]) == ["x", "y"]
    assert [f["id"] for f in u["followers"]] == [agent2_user["id"]]
    same_but(u, agent.ticket(t["number"]))


def test_null_clears_nullable_fields(server, agent, agent_user):
    t = agent.create_ticket(assignee_id=agent_user["id"],
                            deadline="2030-01-01T00:00:00Z")
    r = agent.patch("/tickets/%d" % t["number"], json={
        "assignee_id": None, "deadline": None, "group_id": None})
    assert r.status_code == 200
    u = r.json()
    assert u["assignee"] is None
    assert u["deadline"] is None
    assert u["group"] is None
    same_but(t, u, "assignee", "deadline")


def test_null_description_clears_it(server, agent):
    """API.md Conventions: null clears a field; a description may be
    empty, so null leaves it empty."""
    t = agent.create_ticket(description="some words")
    r = agent.patch("/tickets/%d" % t["number"], json={"description": None})
    assert r.status_code == 200, r.text
    assert r.json()["description"] == ""
    assert agent.ticket(t["number"])["description"] == ""


def test_tags_are_replaced_not_merged(server, agent):
    t = agent.create_ticket(tags=["one", "two"])
    u = agent.patch("/tickets/%d" % t["number"],
                    json={"tags": ["three"]}).json()
    assert u["tags"] == ["three"]
    u = agent.patch("/tickets/%d" % t["number"], json={"tags": []}).json()
    assert u["tags"] == []


def test_closing_sets_closed_at_and_reopening_works(server, agent):
    t = agent.create_ticket()
    u = agent.patch("/tickets/%d" % t["number"],
                    json={"status": "closed"}).json()
    assert u["status"] == "closed"
    assert u["closed_at"] is not None
    assert u["closed_at"] >= t["created_at"]
    r = agent.patch("/tickets/%d" % t["number"], json={"status": "todo"})
    assert r.status_code == 200
    assert r.json()["status"] == "todo"


@pytest.mark.parametrize("body,field", [
    ({"subject": None}, "subject"), ({"subject": ""}, "subject"),
    ({"subject": 7}, "subject"), ({"status": None}, "status"),
    ({"status": "nope"}, "status"), ({"priority": None}, "priority"),
    ({"priority": "MAJOR"}, "priority"), ({"channel": "pigeon"}, "channel"),
    ({"assignee_id": "5"}, "assignee_id"),
    ({"assignee_id": 99999999}, "assignee_id"),
    ({"assignee_id": 1.5}, "assignee_id"),
    ({"requester_id": None}, "requester_id"),
    ({"deadline": "soon"}, "deadline"), ({"tags": [None]}, "tags"),
    ({"number": 1}, "number"), ({"closed_at": None}, "closed_at"),
    ({"assignee": {"id": 1}}, "assignee"), ({"bogus": True}, "bogus")])
def test_patch_invalid_is_422_and_changes_nothing(server, agent, body,
                                                  field):
    t = agent.create_ticket(subject="Untouched", priority="minor",
                            tags=["keep"])
    r = agent.patch("/tickets/%d" % t["number"], json=body)
    expect_error(r, 422, "validation_failed", field)
    after = agent.ticket(t["number"])
    same_but(t, after)
    assert after["updated_at"] == t["updated_at"]
    assert [e["type"] for e in agent.events(t["number"])] == \
        ["ticket.created"]


def test_patch_with_valid_and_invalid_fields_changes_nothing(server, agent):
    t = agent.create_ticket(subject="Atomic")
    r = agent.patch("/tickets/%d" % t["number"],
                    json={"subject": "Half", "priority": "nope"})
    expect_error(r, 422, "validation_failed", "priority")
    assert agent.ticket(t["number"])["subject"] == "Atomic"


def test_patch_unknown_ticket_is_404(server, agent):
    expect_error(agent.patch("/tickets/99999999", json={"subject": "x"}),
                 404, "not_found")


# ---- delete ----

def test_admin_deletes_ticket(server, admin, agent):
    t = agent.create_ticket()
    agent.post_message(t["number"], "a reply")
    r = admin.delete("/tickets/%d" % t["number"])
    assert r.status_code == 204
    assert r.content == b""
    for method, path, body in [
            ("GET", "", None), ("PATCH", "", {"subject": "x"}),
            ("DELETE", "", None), ("GET", "/messages", None),
            ("POST", "/messages", {"kind": "reply", "body": "x"}),
            ("GET", "/events", None)]:
        r = admin.request(method, "/tickets/%d%s" % (t["number"], path),
                          json=body)
        expect_error(r, 404, "not_found")
    numbers = [x["number"] for x in admin.all_tickets(limit=500)]
    assert t["number"] not in numbers


def test_agent_role_may_not_delete(server, agent):
    t = agent.create_ticket()
    expect_error(agent.delete("/tickets/%d" % t["number"]), 403, "forbidden")
    assert agent.ticket(t["number"])["subject"] == t["subject"]


def test_supervisor_may_delete(server, agent):
    sup = server.user_client(kind="agent", role="supervisor")[1]
    t = agent.create_ticket()
    assert sup.delete("/tickets/%d" % t["number"]).status_code == 204
    expect_error(agent.get("/tickets/%d" % t["number"]), 404, "not_found")


def test_delete_unknown_ticket_is_404(server, admin):
    expect_error(admin.delete("/tickets/99999999"), 404, "not_found")


# ---- groups (API.md Groups: a ticket joins a group with group_id) ----

@pytest.fixture(scope="module")
def group(server, admin, agent_user):
    r = admin.post("/groups", json={"name": unique("Billing "),
                                    "members": [agent_user["id"]],
                                    "assignment": "manual"})
    assert r.status_code == 201, r.text
    return r.json()


def test_ticket_joins_and_leaves_a_group(server, agent, group):
    t = agent.create_ticket(group_id=group["id"])
    assert t["group"]["id"] == group["id"]
    assert t["group"]["name"] == group["name"]
    u = agent.patch("/tickets/%d" % t["number"], json={"group_id": None})
    assert u.status_code == 200
    assert u.json()["group"] is None
    u = agent.patch("/tickets/%d" % t["number"],
                    json={"group_id": group["id"]})
    assert u.json()["group"]["id"] == group["id"]
    same_but(u.json(), agent.ticket(t["number"]))


def test_filter_by_group(server, agent, group):
    tag = unique("grp")
    inside = agent.create_ticket(tags=[tag], group_id=group["id"])
    outside = agent.create_ticket(tags=[tag])
    got = agent.all_tickets(tag=tag, group=str(group["id"]))
    assert [x["number"] for x in got] == [inside["number"]]
    got = agent.all_tickets(tag=tag, group="none")
    assert [x["number"] for x in got] == [outside["number"]]


def test_agent_carries_group_ids(server, admin, agent_user, group):
    u = admin.get("/users/%d" % agent_user["id"]).json()
    assert group["id"] in u["groups"]
