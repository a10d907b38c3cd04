"""`total` of GET /api/v1/tickets stays exact through every kind of change
(issue 5; docs/architecture.md, Lists): the dashboard's views are answered
from counters kept by the store (ticket_counts), unread by subtraction, and
the status and priority sorts walk positions stored on the ticket rows.
Every total here is checked against the tickets the list actually returns,
in a database of this module's own."""
import pytest

from harness import unique

OPEN = "todo,waiting,in_progress"

VIEWS = [
    {},
    {"status": OPEN},
    {"status": "closed"},
    {"status": OPEN, "assignee": "none"},
    {"status": OPEN, "assignee": "me"},
    {"status": OPEN, "priority": "major"},
    {"priority": "minor,normal"},
    {"channel": "chat,phone"},
    {"group": "none"},
    {"unread": "true"},
    {"unread": "true", "status": OPEN},
    {"unread": "true", "assignee": "me"},
]


TAG = unique("totals")


def assert_totals_exact(api):
    for view in VIEWS + [{"tag": TAG}, {"tag": TAG, "status": OPEN}]:
        listed = api.all_tickets(limit=500, **view)
        total = api.list_tickets(limit=1, **view)["total"]
        assert total == len(listed), (view, total, len(listed))


@pytest.fixture(scope="module")
def group(admin):
    r = admin.post("/groups", json={"name": unique("Totals ")})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def made(agent, agent_user, group):
    """A mix over every counted column."""
    specs = [
        {"status": "todo", "priority": "major", "channel": "chat",
         "tags": [TAG]},
        {"status": "waiting", "priority": "minor", "channel": "phone",
         "assignee_id": agent_user["id"]},
        {"status": "in_progress", "priority": "normal",
         "group_id": group["id"], "assignee_id": agent_user["id"]},
        {"status": "closed", "priority": "major", "channel": "email",
         "tags": [TAG, "other"]},
        {"status": "todo", "priority": "normal", "group_id": group["id"]},
    ]
    return [agent.create_ticket(**spec) for spec in specs]


def test_totals_after_create(server, agent, agent2, made):
    assert_totals_exact(agent)
    assert_totals_exact(agent2)


def test_totals_after_every_counted_field_changes(server, agent, agent2,
                                                  agent_user, made, group):
    number = made[0]["number"]
    for change in ({"status": "closed"}, {"priority": "minor"},
                   {"channel": "web"}, {"assignee_id": agent_user["id"]},
                   {"group_id": group["id"]}, {"assignee_id": None},
                   {"group_id": None}, {"status": "todo"},
                   {"tags": ["elsewhere"]}, {"tags": [TAG, "elsewhere"]}):
        r = agent.patch("/tickets/%d" % number, json=change)
        assert r.status_code == 200, r.text
        assert_totals_exact(agent)
    assert_totals_exact(agent2)


def test_totals_after_delete(server, admin, agent, agent2):
    doomed = agent.create_ticket(status="todo", priority="major", tags=[TAG])
    agent2.ticket(doomed["number"])  # read by someone else too
    assert_totals_exact(agent)
    assert_totals_exact(agent2)
    r = admin.delete("/tickets/%d" % doomed["number"])
    assert r.status_code == 204, r.text
    assert_totals_exact(agent)
    assert_totals_exact(agent2)


def test_unread_total_follows_reads_and_changes(server, agent, agent2, made):
    before = agent2.list_tickets(unread="true", limit=1)["total"]
    agent2.ticket(made[1]["number"])  # opening marks it read
    assert agent2.list_tickets(unread="true", limit=1)["total"] == before - 1
    agent.patch("/tickets/%d" % made[1]["number"], json={"subject": "again"})
    assert agent2.list_tickets(unread="true", limit=1)["total"] == before
    assert_totals_exact(agent2)


def test_totals_after_the_group_is_deleted(server, admin, agent, made):
    doomed = admin.post("/groups", json={"name": unique("Gone ")}).json()
    agent.create_ticket(status="todo", group_id=doomed["id"])
    assert admin.delete("/groups/%d" % doomed["id"]).status_code == 204
    assert_totals_exact(agent)


@pytest.mark.parametrize("what,key,field", [
    ("statuses", "waiting", "status"), ("priorities", "minor", "priority")])
def test_sort_follows_a_reorder(server, admin, agent, made, what, key,
                                field):
    r = admin.patch("/%s/%s" % (what, key), json={"position": 1})
    assert r.status_code == 200, r.text
    positions = {x["key"]: x["position"]
                 for x in admin.get("/" + what).json()["items"]}
    for sort in (field, "-" + field):
        got = agent.all_tickets(sort=sort, limit=2)
        values = [positions[t[field]] for t in got]
        assert values == sorted(values, reverse=sort.startswith("-"))
        assert len(got) == agent.list_tickets(limit=1)["total"]
    assert_totals_exact(agent)


def test_a_new_status_in_front_sorts_first(server, admin, agent, made):
    key = unique("front").replace("-", "_").lower()[:32]
    r = admin.post("/statuses", json={"key": key, "name": "Front",
                                      "category": "open", "position": 1})
    assert r.status_code == 201, r.text
    agent.create_ticket(status=key)
    got = agent.list_tickets(sort="status", limit=1)["items"]
    assert got[0]["status"] == key
    assert agent.list_tickets(status=key, limit=1)["total"] == 1
    assert_totals_exact(agent)


@pytest.mark.parametrize("sort", ["-priority,created_at",
                                  "priority,-created_at"])
def test_queue_order_walks_its_index_page_by_page(server, admin, agent, made,
                                                  sort):
    # Most urgent first, longest waiting first (and the mirror): here every
    # view matches most of this module's tickets, so the page walks the
    # queue-order index (0006) rather than sorting the matches; same
    # priority and created_at fall back to number, in created_at's
    # direction. Pages of 1 and 2 must give one order, the expected one.
    for priority in ("major", "major", "minor"):
        agent.create_ticket(priority=priority)
    positions = {x["key"]: x["position"]
                 for x in admin.get("/priorities").json()["items"]}
    for view in ({}, {"status": OPEN}):
        every = agent.all_tickets(limit=500, **view)
        expected = sorted(every, key=lambda t: (-positions[t["priority"]],
                                                t["created_at"], t["number"]))
        if sort.startswith("priority"):
            expected.reverse()
        for limit in (1, 2, 500):
            got = agent.all_tickets(sort=sort, limit=limit, **view)
            assert numbers(got) == numbers(expected), (sort, view, limit)


@pytest.mark.parametrize("sort", ["-priority", "priority", "status",
                                  "-status"])
def test_a_sorted_search_walks_the_sort_index_page_by_page(server, agent,
                                                          made, sort):
    """A word in most of the tickets, sorted: the page walks the sort's
    index checking the word per row (rather than sorting every match);
    pages of 1 and 2 give one order, the expected one, and the total counts
    the matches, with and without a filter."""
    word = unique("walked")
    for priority in ("major", "minor", "normal", "major", "minor", "normal"):
        agent.create_ticket(subject="%s %s" % (word, priority),
                            priority=priority)
    agent.create_ticket(subject="no such word")
    for view in ({}, {"status": OPEN}):
        every = agent.all_tickets(q=word, limit=500, **view)
        assert len(every) == 6
        key = sort.lstrip("-")
        for limit in (1, 2):
            got = agent.all_tickets(q=word, sort=sort, limit=limit, **view)
            assert sorted(numbers(got)) == sorted(numbers(every))
            assert len(got) == len(every), (sort, view, limit)
            if key == "priority":
                rank = {"minor": 1, "normal": 2, "major": 3}
                values = [rank[t["priority"]] for t in got]
                assert values == sorted(values, reverse=sort[0] == "-")
            page = agent.list_tickets(q=word, sort=sort, limit=limit, **view)
            assert page["total"] == 6


def numbers(items):
    return [t["number"] for t in items]
