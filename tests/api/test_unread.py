"""`unread` and `unread=true` (API.md Tickets; docs/api.md Tickets: GET
marks the ticket read for the calling agent)."""
import pytest

from harness import expect_error, unique


def unread_in_list(api, tag, number):
    items = api.list_tickets(tag=tag)["items"]
    (t,) = [x for x in items if x["number"] == number]
    return t["unread"]


def unread_numbers(api, tag):
    return sorted(t["number"] for t in
                  api.all_tickets(tag=tag, unread="true"))


def test_new_ticket_is_unread_for_other_agents_until_opened(server, agent,
                                                           agent2):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag])
    assert unread_in_list(agent2, tag, t["number"]) is True
    assert unread_numbers(agent2, tag) == [t["number"]]
    agent2.ticket(t["number"])  # opening marks it read
    assert unread_in_list(agent2, tag, t["number"]) is False
    assert unread_numbers(agent2, tag) == []


def test_reading_is_per_agent(server, agent, agent2, admin):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag])
    agent2.ticket(t["number"])
    assert unread_in_list(agent2, tag, t["number"]) is False
    assert unread_in_list(admin, tag, t["number"]) is True


def test_something_new_makes_it_unread_again(server, agent, agent2):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag])
    agent2.ticket(t["number"])
    assert unread_in_list(agent2, tag, t["number"]) is False
    agent.post_message(t["number"], "news")
    assert unread_in_list(agent2, tag, t["number"]) is True
    agent2.ticket(t["number"])
    assert unread_in_list(agent2, tag, t["number"]) is False
    agent.patch("/tickets/%d" % t["number"], json={"priority": "major"})
    assert unread_in_list(agent2, tag, t["number"]) is True
    assert unread_numbers(agent2, tag) == [t["number"]]


def test_customer_message_makes_it_unread(server, agent, agent2, customer,
                                          customer_user):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag], requester_id=customer_user["id"])
    agent2.ticket(t["number"])
    customer.post_message(t["number"], "any news?", kind=None)
    assert unread_in_list(agent2, tag, t["number"]) is True


def test_listing_and_messages_do_not_mark_read(server, agent, agent2):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag])
    agent2.list_tickets(tag=tag)
    agent2.messages(t["number"])
    agent2.events(t["number"])
    assert unread_in_list(agent2, tag, t["number"]) is True


def test_unread_filter_picks_only_unread(server, agent, agent2):
    tag = unique("unr")
    made = [agent.create_ticket(tags=[tag]) for _ in range(3)]
    agent2.ticket(made[1]["number"])
    assert unread_numbers(agent2, tag) == sorted(
        [made[0]["number"], made[2]["number"]])
    page = agent2.list_tickets(tag=tag, unread="true")
    assert page["total"] == 2
    assert all(x["unread"] is True for x in page["items"])


def test_bearer_and_cookie_share_the_read_state(server, agent, agent2):
    tag = unique("unr")
    t = agent.create_ticket(tags=[tag])
    bearer2 = server.token_client(agent2)
    bearer2.ticket(t["number"])
    assert unread_in_list(agent2, tag, t["number"]) is False


@pytest.mark.parametrize("value", ["maybe", "1", "TRUE", "yes"])
def test_unread_filter_takes_true(server, agent, value):
    if value in ("1", "TRUE", "yes"):
        # Only `true` is documented; other spellings are either refused or
        # read as true, never ignored into a different filter.
        r = agent.get("/tickets", params={"unread": value})
        assert r.status_code in (200, 422), r.text
        if r.status_code == 422:
            expect_error(r, 422, "validation_failed", "unread")
        else:
            assert all(x["unread"] for x in r.json()["items"])
        return
    expect_error(agent.get("/tickets", params={"unread": value}), 422,
                 "validation_failed", "unread")
