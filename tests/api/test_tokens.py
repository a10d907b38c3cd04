"""API tokens (API.md Conventions: token; docs/api.md Tokens)."""
import pytest

from harness import Api, expect_error, unique


def test_create_token_shows_secret_once_and_it_works(server, agent,
                                                     agent_user):
    r = agent.post("/tokens", json={"name": "ci robot"})
    assert r.status_code == 201
    tok = r.json()
    assert tok["name"] == "ci robot"
    assert tok["user_id"] == agent_user["id"]
    assert len(tok["token"]) >= 20
    bearer = Api(server.base_url, token=tok["token"])
    me = bearer.get("/me")
    assert me.status_code == 200
    assert me.json()["id"] == agent_user["id"]
    listed = agent.get("/tokens").json()["items"]
    mine = [t for t in listed if t["id"] == tok["id"]]
    assert len(mine) == 1
    assert mine[0]["name"] == "ci robot"
    assert mine[0]["user_id"] == agent_user["id"]
    assert mine[0]["created_at"] == tok["created_at"]
    assert "token" not in mine[0]
    assert tok["token"] not in agent.get("/tokens").text


def test_two_tokens_are_different(server, agent):
    a = agent.post("/tokens", json={"name": "a"}).json()
    b = agent.post("/tokens", json={"name": "b"}).json()
    assert a["token"] != b["token"]
    assert a["id"] != b["id"]


def test_token_list_holds_only_the_callers_tokens(server, agent, agent2,
                                                  agent2_user):
    mine = agent.post("/tokens", json={"name": unique("mine")}).json()
    theirs = agent2.post("/tokens", json={"name": unique("theirs")}).json()
    ids = [t["id"] for t in agent.get("/tokens").json()["items"]]
    assert mine["id"] in ids
    assert theirs["id"] not in ids
    assert all(t["user_id"] == agent2_user["id"]
               for t in agent2.get("/tokens").json()["items"])


def test_admin_lists_and_creates_tokens_for_another_user(server, admin,
                                                         agent2,
                                                         agent2_user):
    theirs = agent2.post("/tokens", json={"name": unique("t")}).json()
    r = admin.get("/tokens", params={"user_id": agent2_user["id"]})
    assert r.status_code == 200
    assert theirs["id"] in [t["id"] for t in r.json()["items"]]
    r = admin.post("/tokens", json={"name": "for agent2",
                                    "user_id": agent2_user["id"]})
    assert r.status_code == 201
    assert r.json()["user_id"] == agent2_user["id"]
    bearer = Api(server.base_url, token=r.json()["token"])
    assert bearer.get("/me").json()["id"] == agent2_user["id"]


def test_non_admin_cannot_act_for_another_user(server, admin, agent,
                                               agent2_user):
    before = admin.get("/tokens", params={"user_id": agent2_user["id"]}) \
        .json()["items"]
    r = agent.post("/tokens", json={"name": "sneaky",
                                    "user_id": agent2_user["id"]})
    expect_error(r, 403, "forbidden")
    r = agent.get("/tokens", params={"user_id": agent2_user["id"]})
    expect_error(r, 403, "forbidden")
    after = admin.get("/tokens", params={"user_id": agent2_user["id"]}) \
        .json()["items"]
    assert after == before


def test_delete_token_stops_it_at_once(server, agent):
    tok = agent.post("/tokens", json={"name": unique("gone")}).json()
    bearer = Api(server.base_url, token=tok["token"])
    assert bearer.get("/tickets").status_code == 200
    r = agent.delete("/tokens/%d" % tok["id"])
    assert r.status_code == 204
    expect_error(bearer.get("/tickets"), 401, "unauthenticated")
    assert tok["id"] not in [t["id"] for t in
                             agent.get("/tokens").json()["items"]]
    expect_error(agent.delete("/tokens/%d" % tok["id"]), 404, "not_found")


def test_token_deletes_itself(server, agent):
    tok = agent.post("/tokens", json={"name": unique("self")}).json()
    bearer = Api(server.base_url, token=tok["token"])
    assert bearer.delete("/tokens/%d" % tok["id"]).status_code == 204
    expect_error(bearer.get("/me"), 401, "unauthenticated")


def test_cannot_delete_another_users_token(server, agent, agent2):
    theirs = agent2.post("/tokens", json={"name": unique("theirs")}).json()
    expect_error(agent.delete("/tokens/%d" % theirs["id"]), 404, "not_found")
    bearer = Api(server.base_url, token=theirs["token"])
    assert bearer.get("/me").status_code == 200


def test_admin_deletes_any_token(server, admin, agent2):
    theirs = agent2.post("/tokens", json={"name": unique("theirs")}).json()
    assert admin.delete("/tokens/%d" % theirs["id"]).status_code == 204
    bearer = Api(server.base_url, token=theirs["token"])
    expect_error(bearer.get("/me"), 401, "unauthenticated")


@pytest.mark.parametrize("path", ["/tokens/99999999", "/tokens/abc",
                                  "/tokens/0", "/tokens/-5"])
def test_delete_unknown_token_is_404(server, agent, path):
    expect_error(agent.delete(path), 404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"name": ""}, "name"), ({"name": 5}, "name"),
    ({"name": "x" * 201}, "name"), ({"name": "x", "scope": "all"}, "scope"),
    ({"name": "x", "user_id": "1"}, "user_id")])
def test_create_token_invalid_is_422(server, admin, body, field):
    before = len(admin.get("/tokens").json()["items"])
    expect_error(admin.post("/tokens", json=body), 422, "validation_failed",
                 field)
    assert len(admin.get("/tokens").json()["items"]) == before


def test_token_without_name_is_refused_or_named(server, agent):
    # docs/api.md shows {"name"} without saying whether it may be left out.
    r = agent.post("/tokens", json={})
    if r.status_code == 201:
        assert r.json()["name"]
    else:
        expect_error(r, 422, "validation_failed", "name")


def test_token_name_of_200_characters_is_accepted(server, agent):
    r = agent.post("/tokens", json={"name": "ж" * 200})
    assert r.status_code == 201
    assert r.json()["name"] == "ж" * 200


def test_admin_token_for_unknown_user_is_rejected(server, admin):
    r = admin.post("/tokens", json={"name": "x", "user_id": 99999999})
    assert r.status_code in (404, 422), r.text


def test_bearer_token_of_a_customer_sees_what_the_customer_sees(
        server, customer, customer_user, agent, customer2_user):
    r = customer.post("/tokens", json={"name": "my script"})
    assert r.status_code == 201
    bearer = Api(server.base_url, token=r.json()["token"])
    own = customer.create_ticket(subject="customer via cookie")
    other = agent.create_ticket(subject="someone else's",
                                requester_id=customer2_user["id"])
    assert bearer.ticket(own["number"])["requester"]["id"] == \
        customer_user["id"]
    expect_error(bearer.get("/tickets/%d" % other["number"]), 404,
                 "not_found")
    expect_error(bearer.get("/users"), 403, "forbidden")


def test_token_of_a_disabled_user_stops_working(server, admin):
    u, api = server.user_client(kind="agent")
    bearer = server.token_client(api)
    assert bearer.get("/me").status_code == 200
    assert admin.patch("/users/%d" % u["id"],
                       json={"disabled": True}).status_code == 200
    expect_error(bearer.get("/me"), 401, "unauthenticated")
