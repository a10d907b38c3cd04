"""The activity history: GET /api/v1/tickets/{number}/events (API.md
Tickets; docs/api.md Tickets: events)."""
import pytest

from harness import expect_error


def refers_to(value, user_id):
    """An [old, new] member naming a user: the id itself or {"id", …}."""
    if isinstance(value, dict):
        return value.get("id") == user_id
    return value == user_id


def new_events(api, number, before):
    seen = {e["id"] for e in before}
    return [e for e in api.events(number) if e["id"] not in seen]


def test_creation_is_the_first_event(server, agent, agent_user):
    t = agent.create_ticket(subject="History")
    events = agent.events(t["number"])
    assert len(events) == 1
    e = events[0]
    assert e["type"] == "ticket.created"
    assert e["actor"]["id"] == agent_user["id"]
    assert e["actor"]["name"] == agent_user["name"]
    assert e["at"] >= t["created_at"]
    r = agent.get("/tickets/%d/events" % t["number"])
    assert r.json()["total"] == 1


def test_status_change_records_old_and_new(server, agent, agent_user):
    t = agent.create_ticket()
    before = agent.events(t["number"])
    agent.patch("/tickets/%d" % t["number"], json={"status": "waiting"})
    new = new_events(agent, t["number"], before)
    assert len(new) == 1
    e = new[0]
    assert e["type"] == "ticket.updated"
    assert e["changes"] == {"status": ["todo", "waiting"]}
    assert e["actor"]["id"] == agent_user["id"]
    assert e["id"] > before[-1]["id"]


def test_several_fields_in_one_patch_make_one_event(server, agent):
    t = agent.create_ticket(subject="Before", priority="normal")
    before = agent.events(t["number"])
    agent.patch("/tickets/%d" % t["number"],
                json={"subject": "After", "priority": "major"})
    new = new_events(agent, t["number"], before)
    assert len(new) == 1
    assert new[0]["changes"] == {"subject": ["Before", "After"],
                                 "priority": ["normal", "major"]}


def test_unchanged_fields_are_not_in_changes(server, agent):
    t = agent.create_ticket(subject="Same", priority="major")
    before = agent.events(t["number"])
    agent.patch("/tickets/%d" % t["number"],
                json={"subject": "Same", "priority": "minor"})
    new = new_events(agent, t["number"], before)
    assert len(new) == 1
    assert new[0]["changes"] == {"priority": ["major", "minor"]}


def test_assignee_change_names_old_and_new(server, agent, agent_user,
                                           agent2_user):
    t = agent.create_ticket(assignee_id=agent_user["id"])
    before = agent.events(t["number"])
    agent.patch("/tickets/%d" % t["number"],
                json={"assignee_id": agent2_user["id"]})
    agent.patch("/tickets/%d" % t["number"], json={"assignee_id": None})
    new = new_events(agent, t["number"], before)
    assert len(new) == 2
    (k1, (old1, new1)), = new[0]["changes"].items()
    (k2, (old2, new2)), = new[1]["changes"].items()
    assert k1.startswith("assignee") and k2 == k1
    assert refers_to(old1, agent_user["id"])
    assert refers_to(new1, agent2_user["id"])
    assert refers_to(old2, agent2_user["id"])
    assert new2 is None


def test_clearing_deadline_and_changing_tags(server, agent):
    t = agent.create_ticket(deadline="2030-01-01T00:00:00Z", tags=["a", "b"])
    before = agent.events(t["number"])
    agent.patch("/tickets/%d" % t["number"], json={"deadline": None})
    agent.patch("/tickets/%d" % t["number"], json={"tags": ["c"]})
    new = new_events(agent, t["number"], before)
    assert [e["changes"] for e in new[:1]] == [
        {"deadline": ["2030-01-01T00:00:00Z", None]}]
    old_tags, new_tags = new[1]["changes"]["tags"]
    assert sorted(old_tags) == ["a", "b"]
    assert new_tags == ["c"]


def test_messages_make_message_created_events(server, agent, agent2_user):
    t = agent.create_ticket()
    before = agent.events(t["number"])
    agent.post_message(t["number"], "reply")
    agent.post_message(t["number"], "note", kind="note")
    new = new_events(agent, t["number"], before)
    assert [e["type"] for e in new] == ["message.created", "message.created"]


def test_events_are_in_order(server, agent):
    t = agent.create_ticket()
    for p in ("minor", "major", "normal"):
        agent.patch("/tickets/%d" % t["number"], json={"priority": p})
    events = agent.events(t["number"])
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    ats = [e["at"] for e in events]
    assert ats == sorted(ats)
    assert [e["changes"].get("priority") for e in events[1:]] == [
        ["normal", "minor"], ["minor", "major"], ["major", "normal"]]


def test_rejected_patch_adds_no_event(server, agent):
    t = agent.create_ticket()
    before = agent.events(t["number"])
    r = agent.patch("/tickets/%d" % t["number"], json={"status": "nope"})
    expect_error(r, 422, "validation_failed", "status")
    assert agent.events(t["number"]) == before


def test_actor_of_bearer_change_is_the_tokens_user(server, agent_bearer,
                                                   agent, agent_user):
    t = agent.create_ticket()
    agent_bearer.patch("/tickets/%d" % t["number"], json={"priority": "major"})
    e = agent.events(t["number"])[-1]
    assert e["actor"]["id"] == agent_user["id"]


@pytest.mark.parametrize("path", ["/tickets/99999999/events",
                                  "/tickets/abc/events",
                                  "/tickets/0/events"])
def test_events_of_unknown_ticket_are_404(server, agent, path):
    expect_error(agent.get(path), 404, "not_found")


# ---- pages (API.md Conventions: every list takes limit and cursor) ----

def test_history_pages_with_limit_and_cursor(server, agent):
    t = agent.create_ticket()
    for priority in ("major", "minor", "normal", "major"):
        r = agent.patch("/tickets/%d" % t["number"],
                        json={"priority": priority})
        assert r.status_code == 200
    path = "/tickets/%d/events" % t["number"]
    whole = agent.get(path, params={"limit": 500}).json()
    assert whole["total"] == 5 and whole["next_cursor"] is None
    ids = []
    page = agent.get(path, params={"limit": 2}).json()
    while True:
        assert page["total"] == 5
        assert len(page["items"]) <= 2
        ids.extend(e["id"] for e in page["items"])
        if page["next_cursor"] is None:
            break
        page = agent.get(path, params={"limit": 2,
                                       "cursor": page["next_cursor"]}).json()
    assert ids == [e["id"] for e in whole["items"]]
    assert ids == sorted(ids)


@pytest.mark.parametrize("params,field", [
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
    ({"cursor": "garbage"}, "cursor"),
])
def test_bad_history_page_parameters_are_422(server, agent, params, field):
    t = agent.create_ticket()
    r = agent.get("/tickets/%d/events" % t["number"], params=params)
    expect_error(r, 422, "validation_failed", field)


def test_customer_history_pages_count_no_notes(server, agent, customer,
                                               customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    agent.post_message(t["number"], "note", kind="note")
    agent.post_message(t["number"], "reply")
    agent.post_message(t["number"], "note", kind="note")
    path = "/tickets/%d/events" % t["number"]
    page = customer.get(path, params={"limit": 1}).json()
    assert page["total"] == 2  # ticket.created and the reply
    seen = [e["type"] for e in page["items"]]
    rest = customer.get(path, params={"cursor": page["next_cursor"]}).json()
    seen += [e["type"] for e in rest["items"]]
    assert seen == ["ticket.created", "message.created"]
    assert rest["next_cursor"] is None
