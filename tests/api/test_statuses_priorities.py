"""Statuses and priorities (API.md Tickets: status, priority; docs/api.md
Statuses and priorities). This module changes them, so it has its own
server like every module."""
import pytest

from harness import expect_error, unique

DEFAULT_STATUSES = [("todo", "open"), ("waiting", "pending"),
                    ("in_progress", "active"), ("closed", "closed")]
DEFAULT_PRIORITIES = ["minor", "normal", "major"]


def items(api, what):
    r = api.get("/" + what)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def by_key(api, what):
    return {x["key"]: x for x in items(api, what)}


def assert_in_position_order(rows):
    positions = [x["position"] for x in rows]
    assert positions == sorted(positions), positions
    assert len(set(positions)) == len(positions), positions


def test_default_statuses_in_position_order(server, admin):
    rows = items(admin, "statuses")
    assert [(x["key"], x["category"]) for x in rows[:4]] == DEFAULT_STATUSES
    assert_in_position_order(rows)
    assert all(x["retired"] is False for x in rows[:4])
    assert [x["name"] for x in rows[:4]] == ["To do", "Waiting",
                                              "In progress", "Closed"]


def test_default_priorities_in_position_order(server, admin):
    rows = items(admin, "priorities")
    assert [x["key"] for x in rows[:3]] == DEFAULT_PRIORITIES
    assert [x["name"] for x in rows[:3]] == ["Minor", "Normal", "Major"]
    assert_in_position_order(rows)


@pytest.mark.parametrize("who", ["agent", "customer", "bearer"])
def test_everyone_signed_in_may_list(server, agent, customer, agent_bearer,
                                     who):
    api = {"agent": agent, "customer": customer, "bearer": agent_bearer}[who]
    assert [x["key"] for x in items(api, "statuses")][:1] == ["todo"]
    assert [x["key"] for x in items(api, "priorities")][:1] == ["minor"]


def test_create_status_and_use_it(server, admin, agent):
    key = unique("st").lower()
    r = admin.post("/statuses", json={"key": key, "name": "On hold",
                                      "category": "pending"})
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["key"] == key
    assert s["name"] == "On hold"
    assert s["category"] == "pending"
    assert s["retired"] is False
    assert by_key(admin, "statuses")[key] == s
    t = agent.create_ticket(status=key)
    assert t["status"] == key
    tag = unique("tag")
    agent.patch("/tickets/%d" % t["number"], json={"tags": [tag]})
    got = agent.list_tickets(tag=tag, status=key)["items"]
    assert [x["number"] for x in got] == [t["number"]]


def test_create_priority_and_use_it(server, admin, agent):
    key = unique("pr").lower()
    r = admin.post("/priorities", json={"key": key, "name": "Critical"})
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["key"] == key
    assert "category" not in p
    t = agent.create_ticket(priority=key)
    assert t["priority"] == key


def test_create_at_position_shifts_the_others(server, admin):
    before = items(admin, "priorities")
    key = unique("first").lower()
    r = admin.post("/priorities", json={"key": key, "name": "Lowest",
                                        "position": 1})
    assert r.status_code == 201
    after = items(admin, "priorities")
    assert after[0]["key"] == key
    assert [x["key"] for x in after[1:]] == [x["key"] for x in before]
    assert_in_position_order(after)


@pytest.mark.parametrize("what", ["statuses", "priorities"])
def test_taken_key_is_409(server, admin, what):
    taken = "todo" if what == "statuses" else "normal"
    body = {"key": taken, "name": "Again"}
    if what == "statuses":
        body["category"] = "open"
    before = items(admin, what)
    expect_error(admin.post("/" + what, json=body), 409, "conflict")
    assert items(admin, what) == before


@pytest.mark.parametrize("key", ["Bad", "with-dash", "with space", "", "é",
                                 "x" * 33, "UPPER"])
@pytest.mark.parametrize("what", ["statuses", "priorities"])
def test_invalid_key_is_422(server, admin, what, key):
    body = {"key": key, "name": "X"}
    if what == "statuses":
        body["category"] = "open"
    before = items(admin, what)
    expect_error(admin.post("/" + what, json=body), 422, "validation_failed",
                 "key")
    assert items(admin, what) == before


@pytest.mark.parametrize("what", ["statuses", "priorities"])
def test_key_of_32_characters_is_accepted(server, admin, what):
    key = (unique("k").lower() + "_" * 32)[:32]
    body = {"key": key, "name": "Long key"}
    if what == "statuses":
        body["category"] = "active"
    r = admin.post("/" + what, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["key"] == key


@pytest.mark.parametrize("body,field", [
    ({"key": "okkey1", "name": "X", "category": "weird"}, "category"),
    ({"key": "okkey2", "category": "open"}, "name"),
    ({"name": "X", "category": "open"}, "key"),
    ({"key": "okkey3", "name": "X", "category": "open", "position": "1"},
     "position"),
    ({"key": "okkey4", "name": "X", "category": "open", "position": 0},
     "position"),
    ({"key": "okkey5", "name": "X", "category": "open", "colour": "red"},
     "colour")])
def test_invalid_status_is_422(server, admin, body, field):
    before = items(admin, "statuses")
    expect_error(admin.post("/statuses", json=body), 422, "validation_failed",
                 field)
    assert items(admin, "statuses") == before


def test_priority_has_no_category(server, admin):
    r = admin.post("/priorities", json={"key": unique("p").lower(),
                                        "name": "X", "category": "open"})
    expect_error(r, 422, "validation_failed", "category")


@pytest.mark.parametrize("what", ["statuses", "priorities"])
def test_only_admins_change_them(server, admin, agent, customer, what):
    sup = server.user_client(kind="agent", role="supervisor")[1]
    before = items(admin, what)
    first = before[0]["key"]
    for api in (agent, sup, customer):
        body = {"key": unique("no").lower(), "name": "No"}
        if what == "statuses":
            body["category"] = "open"
        expect_error(api.post("/" + what, json=body), 403, "forbidden")
        expect_error(api.patch("/%s/%s" % (what, first),
                               json={"name": "Renamed"}), 403, "forbidden")
        expect_error(api.delete("/%s/%s" % (what, first)), 403, "forbidden")
    assert items(admin, what) == before


def test_patch_status_name_and_category(server, admin):
    key = unique("st").lower()
    admin.post("/statuses", json={"key": key, "name": "Temp",
                                  "category": "open"})
    r = admin.patch("/statuses/" + key, json={"name": "Renamed",
                                              "category": "active"})
    assert r.status_code == 200
    assert r.json()["name"] == "Renamed"
    assert r.json()["category"] == "active"
    assert by_key(admin, "statuses")[key] == r.json()


def test_patch_position_reorders_the_others(server, admin, agent):
    tag = unique("pos")
    t_todo = agent.create_ticket(tags=[tag], status="todo")
    t_closed = agent.create_ticket(tags=[tag], status="closed")
    got = agent.list_tickets(tag=tag, sort="status")["items"]
    assert [x["number"] for x in got] == [t_todo["number"],
                                          t_closed["number"]]
    original = by_key(admin, "statuses")["closed"]["position"]
    r = admin.patch("/statuses/closed", json={"position": 1})
    assert r.status_code == 200
    rows = items(admin, "statuses")
    assert rows[0]["key"] == "closed"
    assert rows[0]["position"] == 1
    assert_in_position_order(rows)
    assert [x["key"] for x in rows[1:4]] == ["todo", "waiting", "in_progress"]
    got = agent.list_tickets(tag=tag, sort="status")["items"]
    assert [x["number"] for x in got] == [t_closed["number"],
                                          t_todo["number"]]
    # Put it back for the rest of the module.
    assert admin.patch("/statuses/closed",
                       json={"position": original}).status_code == 200
    assert [x["key"] for x in items(admin, "statuses")[:4]] == \
        [k for k, _ in DEFAULT_STATUSES]


def test_sort_by_priority_follows_position_changes(server, admin, agent):
    tag = unique("ppos")
    t_minor = agent.create_ticket(tags=[tag], priority="minor")
    t_major = agent.create_ticket(tags=[tag], priority="major")
    got = agent.list_tickets(tag=tag, sort="-priority")["items"]
    assert [x["number"] for x in got] == [t_major["number"],
                                          t_minor["number"]]
    original = by_key(admin, "priorities")["minor"]["position"]
    top = max(x["position"] for x in items(admin, "priorities"))
    assert admin.patch("/priorities/minor",
                       json={"position": top}).status_code == 200
    got = agent.list_tickets(tag=tag, sort="-priority")["items"]
    assert [x["number"] for x in got] == [t_minor["number"],
                                          t_major["number"]]
    assert admin.patch("/priorities/minor",
                       json={"position": original}).status_code == 200


@pytest.mark.parametrize("what", ["statuses", "priorities"])
def test_patch_unknown_key_is_404(server, admin, what):
    expect_error(admin.patch("/%s/no_such_key" % what, json={"name": "X"}),
                 404, "not_found")
    expect_error(admin.delete("/%s/no_such_key" % what), 404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"name": ""}, "name"), ({"category": "weird"}, "category"),
    ({"retired": "yes"}, "retired"), ({"position": -3}, "position"),
    ({"key": "renamed"}, "key"), ({"colour": "red"}, "colour")])
def test_patch_status_invalid_is_422(server, admin, body, field):
    key = unique("st").lower()
    admin.post("/statuses", json={"key": key, "name": "Stable",
                                  "category": "open"})
    before = items(admin, "statuses")
    expect_error(admin.patch("/statuses/" + key, json=body), 422,
                 "validation_failed", field)
    assert items(admin, "statuses") == before


def test_delete_retires_status(server, admin, agent):
    key = unique("old").lower()
    admin.post("/statuses", json={"key": key, "name": "Old",
                                  "category": "active"})
    t = agent.create_ticket(status=key)
    r = admin.delete("/statuses/" + key)
    assert r.status_code == 204
    row = by_key(admin, "statuses")[key]
    assert row["retired"] is True
    # It stays on the ticket that has it ...
    assert agent.ticket(t["number"])["status"] == key
    # ... and can no longer be set.
    other = agent.create_ticket()
    r = agent.patch("/tickets/%d" % other["number"], json={"status": key})
    expect_error(r, 422, "validation_failed", "status")
    assert agent.ticket(other["number"])["status"] == "todo"
    r = agent.post("/tickets", json={"subject": "x", "status": key})
    expect_error(r, 422, "validation_failed", "status")
    # The ticket keeping it can still change other fields.
    r = agent.patch("/tickets/%d" % t["number"], json={"priority": "major"})
    assert r.status_code == 200
    assert r.json()["status"] == key
    # Filtering by a retired status still finds its tickets.
    assert t["number"] in [x["number"] for x in
                           agent.all_tickets(status=key)]


def test_delete_retires_priority(server, admin, agent):
    key = unique("oldp").lower()
    admin.post("/priorities", json={"key": key, "name": "Old"})
    t = agent.create_ticket(priority=key)
    assert admin.delete("/priorities/" + key).status_code == 204
    assert by_key(admin, "priorities")[key]["retired"] is True
    assert agent.ticket(t["number"])["priority"] == key
    r = agent.post("/tickets", json={"subject": "x", "priority": key})
    expect_error(r, 422, "validation_failed", "priority")


def test_unretire_by_patch(server, admin, agent):
    key = unique("back").lower()
    admin.post("/statuses", json={"key": key, "name": "Back",
                                  "category": "open"})
    assert admin.delete("/statuses/" + key).status_code == 204
    r = admin.patch("/statuses/" + key, json={"retired": False})
    assert r.status_code == 200
    assert r.json()["retired"] is False
    assert agent.create_ticket(status=key)["status"] == key


def test_defaults_fall_back_while_the_preferred_is_retired(server, admin,
                                                           agent):
    # A new ticket without status/priority gets todo/normal while they are
    # in use, else the first value in use (of category open for statuses).
    admin.post("/statuses", json={"key": unique("fresh").lower(),
                                  "name": "Fresh", "category": "open"})
    assert admin.delete("/statuses/todo").status_code == 204
    assert admin.delete("/priorities/normal").status_code == 204
    try:
        first_open = [x["key"] for x in items(admin, "statuses")
                      if x["category"] == "open" and not x["retired"]][0]
        first_priority = [x["key"] for x in items(admin, "priorities")
                          if not x["retired"]][0]
        t = agent.create_ticket()
        assert t["status"] == first_open != "todo"
        assert t["priority"] == first_priority != "normal"
    finally:
        for what, key in (("statuses", "todo"), ("priorities", "normal")):
            r = admin.patch("/%s/%s" % (what, key), json={"retired": False})
            assert r.status_code == 200
    t = agent.create_ticket()
    assert (t["status"], t["priority"]) == ("todo", "normal")
