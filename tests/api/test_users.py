"""Users and /me (API.md Users; docs/api.md Users, Authentication)."""
import pytest

from harness import Api, expect_error, unique


def get_user(api, user_id):
    r = api.get("/users/%d" % user_id)
    assert r.status_code == 200, r.text
    return r.json()


def list_users(api, **params):
    r = api.get("/users", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def all_users(api, **params):
    items = []
    page = list_users(api, **params)
    items.extend(page["items"])
    while page["next_cursor"] is not None:
        page = list_users(api, cursor=page["next_cursor"], **params)
        items.extend(page["items"])
    return items


# ---- create ----

def test_create_agent_defaults(server, admin):
    email = unique("agent") + "@example.com"
    r = admin.post("/users", json={"name": "Ann Agent", "email": email,
                                   "password": "password-123"})
    assert r.status_code == 201
    u = r.json()
    assert u["kind"] == "agent"
    assert u["role"] == "agent"
    assert u["name"] == "Ann Agent"
    assert u["email"].lower() == email
    assert u["disabled"] is False
    assert isinstance(u["groups"], list) and isinstance(u["skills"], list)
    assert get_user(admin, u["id"]) == u
    # The password works and is never shown.
    api = server.login(email, "password-123")
    assert api.user["id"] == u["id"]


def test_create_customer_defaults(server, admin):
    r = admin.post("/users", json={"kind": "customer", "name": "Cleo",
                                   "email": unique("cust") + "@example.com",
                                   "password": "password-123"})
    assert r.status_code == 201
    u = r.json()
    assert u["kind"] == "customer"
    assert u["role"] == "customer"
    assert u["organization_id"] is None


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent",
                                  "collaborator"])
def test_create_agent_with_each_role(server, admin, role):
    u = server.create_user(kind="agent", role=role)
    assert u["role"] == role
    assert get_user(admin, u["id"])["role"] == role


@pytest.mark.parametrize("kind,role", [("customer", "admin"),
                                       ("customer", "agent"),
                                       ("agent", "customer"),
                                       ("agent", "boss")])
def test_create_with_role_not_of_its_kind_is_422(server, admin, kind, role):
    email = unique("bad") + "@example.com"
    r = admin.post("/users", json={"kind": kind, "role": role, "name": "X",
                                   "email": email,
                                   "password": "password-123"})
    expect_error(r, 422, "validation_failed", "role")
    assert list_users(admin, q=email)["total"] == 0


def test_create_with_unknown_kind_is_422(server, admin):
    r = admin.post("/users", json={"kind": "robot", "name": "X",
                                   "email": unique() + "@example.com",
                                   "password": "password-123"})
    expect_error(r, 422, "validation_failed", "kind")


@pytest.mark.parametrize("missing", ["name", "email"])
def test_create_without_required_field_is_422(server, admin, missing):
    body = {"name": "X", "email": unique() + "@example.com",
            "password": "password-123"}
    del body[missing]
    expect_error(admin.post("/users", json=body), 422, "validation_failed",
                 missing)


@pytest.mark.parametrize("email", ["no-at-sign", "", "@example.com",
                                   "user@"])
def test_create_with_invalid_email_is_422(server, admin, email):
    r = admin.post("/users", json={"name": "X", "email": email,
                                   "password": "password-123"})
    expect_error(r, 422, "validation_failed", "email")


def test_password_needs_8_characters(server, admin):
    r = admin.post("/users", json={"name": "X", "email": unique() + "@e.com",
                                   "password": "1234567"})
    expect_error(r, 422, "validation_failed", "password")
    email = unique() + "@example.com"
    r = admin.post("/users", json={"name": "X", "email": email,
                                   "password": "12345678"})
    assert r.status_code == 201
    # Characters, not bytes: 8 two-byte characters are enough, 7 are not.
    r = admin.post("/users", json={"name": "X", "email": unique() + "@e.com",
                                   "password": "жжжжжжж"})
    expect_error(r, 422, "validation_failed", "password")
    server.login(email, "12345678")


def test_duplicate_email_is_409_case_insensitively(server, admin):
    email = unique("Dup") + "@Example.com"
    server.create_user(kind="agent", email=email)
    name = unique("Duplicate")
    for dup in (email, email.lower(), email.upper()):
        r = admin.post("/users", json={"kind": "customer", "name": name,
                                       "email": dup,
                                       "password": "password-123"})
        expect_error(r, 409, "conflict")
    assert list_users(admin, q=name)["total"] == 0


def test_only_admins_create_users(server, admin, agent, customer):
    supervisor = server.user_client(kind="agent", role="supervisor")[1]
    for api in (agent, supervisor, customer):
        email = unique("nope") + "@example.com"
        r = api.post("/users", json={"name": "Nope", "email": email,
                                     "password": "password-123"})
        expect_error(r, 403, "forbidden")
        assert list_users(admin, q=email)["total"] == 0


# ---- read ----

def test_agents_read_users_customers_only_themselves(server, admin, agent,
                                                     customer, customer_user,
                                                     agent_user):
    assert get_user(agent, customer_user["id"])["id"] == customer_user["id"]
    assert get_user(customer, customer_user["id"])["email"] == \
        customer_user["email"]
    r = customer.get("/users/%d" % agent_user["id"])
    assert r.status_code in (403, 404), r.text
    expect_error(customer.get("/users"), 403, "forbidden")


@pytest.mark.parametrize("path", ["/users/99999999", "/users/0",
                                  "/users/abc", "/users/-1",
                                  "/users/99999999999999999999"])
def test_unknown_user_is_404(server, admin, path):
    expect_error(admin.get(path), 404, "not_found")


# ---- list ----

@pytest.fixture(scope="module")
def population(server):
    """Users sharing a unique prefix, for filters, sorts and pages."""
    prefix = unique("pop")
    made = []
    specs = [("agent", "agent", "Carol"), ("agent", "supervisor", "Alice"),
             ("customer", None, "Bob"), ("customer", None, "Dave"),
             ("agent", "admin", "Eve"), ("customer", None, "Frank")]
    for i, (kind, role, name) in enumerate(specs):
        made.append(server.create_user(
            kind=kind, role=role, name="%s %s" % (prefix, name),
            email="%s-%d-%s@example.com" % (prefix, i, name.lower())))
    return prefix, made


def test_list_kind_filter(server, admin, population):
    prefix, made = population
    agents = all_users(admin, q=prefix, kind="agent")
    customers = all_users(admin, q=prefix, kind="customer")
    assert sorted(u["id"] for u in agents) == sorted(
        u["id"] for u in made if u["kind"] == "agent")
    assert sorted(u["id"] for u in customers) == sorted(
        u["id"] for u in made if u["kind"] == "customer")
    everyone = list_users(admin, kind="agent", limit=500)
    assert all(u["kind"] == "agent" for u in everyone["items"])
    assert any(u["role"] == "admin" for u in everyone["items"])


def test_list_role_filter(server, admin, population):
    prefix, made = population
    got = all_users(admin, q=prefix, role="supervisor")
    assert [u["id"] for u in got] == [made[1]["id"]]


def test_list_q_matches_name_or_email_prefix(server, admin, population):
    prefix, made = population
    assert list_users(admin, q=prefix)["total"] == len(made)
    by_email = all_users(admin, q="%s-2-" % prefix)
    assert [u["id"] for u in by_email] == [made[2]["id"]]
    by_name = all_users(admin, q="%s Eve" % prefix)
    assert [u["id"] for u in by_name] == [made[4]["id"]]
    assert list_users(admin, q=unique("nomatch"))["total"] == 0


def test_list_disabled_filter(server, admin, population):
    prefix, made = population
    other = unique("gone")
    u = server.create_user(kind="customer", name=other + " Gone",
                           email=other + "-gone@example.com")
    assert admin.patch("/users/%d" % u["id"],
                       json={"disabled": True}).status_code == 200
    assert [x["id"] for x in all_users(admin, q=other, disabled="true")] \
        == [u["id"]]
    assert all_users(admin, q=other, disabled="false") == []
    assert all_users(admin, q=prefix, disabled="true") == []
    enabled = all_users(admin, q=prefix, disabled="false")
    assert sorted(x["id"] for x in enabled) == sorted(x["id"] for x in made)
    assert admin.patch("/users/%d" % u["id"],
                       json={"disabled": False}).status_code == 200
    assert list_users(admin, q=other, disabled="true")["total"] == 0
    assert list_users(admin, q=other, disabled="false")["total"] == 1


@pytest.mark.parametrize("sort,key,reverse", [
    ("id", "id", False), ("-id", "id", True),
    ("name", "name", False), ("-name", "name", True),
    ("email", "email", False), ("-email", "email", True),
    ("created_at", "created_at", False), ("-created_at", "created_at", True)])
def test_list_sorts_both_ways(server, admin, population, sort, key, reverse):
    prefix, made = population
    got = list_users(admin, q=prefix, sort=sort, limit=500)["items"]
    assert len(got) == len(made)
    values = [u[key] for u in got]
    assert values == sorted(values, reverse=reverse), values
    if key == "id":
        assert len(set(values)) == len(values)


def test_list_pages_with_cursor(server, admin, population):
    prefix, made = population
    page = list_users(admin, q=prefix, sort="id", limit=4)
    assert page["total"] == len(made)
    assert len(page["items"]) == 4
    assert page["next_cursor"] is not None
    page2 = list_users(admin, q=prefix, sort="id", limit=4,
                       cursor=page["next_cursor"])
    assert page2["total"] == len(made)
    assert page2["next_cursor"] is None
    ids = [u["id"] for u in page["items"] + page2["items"]]
    assert ids == sorted(u["id"] for u in made)


@pytest.mark.parametrize("params,field", [
    ({"sort": "password"}, "sort"), ({"sort": "-nope"}, "sort"),
    ({"kind": "robot"}, "kind"), ({"role": "boss"}, "role"),
    ({"disabled": "maybe"}, "disabled"), ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"cursor": "forged"}, "cursor"), ({"colour": "red"}, "colour")])
def test_list_bad_parameters_are_422(server, admin, params, field):
    expect_error(admin.get("/users", params=params), 422,
                 "validation_failed", field)


# ---- change ----

def test_admin_patches_user_fields(server, admin):
    u = server.create_user(kind="agent", name="Before")
    new_email = unique("moved") + "@example.com"
    r = admin.patch("/users/%d" % u["id"], json={
        "name": "After", "role": "supervisor", "email": new_email,
        "password": "new-password-1"})
    assert r.status_code == 200
    got = r.json()
    assert got["name"] == "After"
    assert got["role"] == "supervisor"
    assert got["email"].lower() == new_email
    assert got["id"] == u["id"]
    assert got["created_at"] == u["created_at"]
    assert get_user(admin, u["id"]) == got
    server.login(new_email, "new-password-1")
    r = server.client().post("/auth/login", json={
        "email": new_email, "password": u["_password"]})
    expect_error(r, 401)


def test_patch_changes_only_given_fields(server, admin):
    u = server.create_user(kind="agent", name="Stay")
    r = admin.patch("/users/%d" % u["id"], json={"role": "collaborator"})
    assert r.status_code == 200
    got = r.json()
    for k in ("name", "email", "kind", "disabled", "created_at"):
        assert got[k] == u[k], k
    assert got["role"] == "collaborator"


def test_patch_disabled_blocks_sign_in_and_enabling_restores_it(server,
                                                               admin):
    u = server.create_user(kind="customer")
    assert admin.patch("/users/%d" % u["id"],
                       json={"disabled": True}).json()["disabled"] is True
    r = server.client().post("/auth/login", json={
        "email": u["email"], "password": u["_password"]})
    expect_error(r, 401, "unauthenticated")
    assert admin.patch("/users/%d" % u["id"],
                       json={"disabled": False}).json()["disabled"] is False
    server.login(u["email"], u["_password"])


@pytest.mark.parametrize("body,field", [
    ({"name": ""}, "name"), ({"name": 5}, "name"),
    ({"disabled": "yes"}, "disabled"), ({"role": "boss"}, "role"),
    ({"password": "short"}, "password"), ({"email": "nope"}, "email"),
    ({"kind": "robot"}, "kind"), ({"favourite": 1}, "favourite"),
    ({"id": 7}, "id"), ({"created_at": "2020-01-01T00:00:00Z"},
                        "created_at")])
def test_patch_invalid_is_422_and_changes_nothing(server, admin, body, field):
    u = server.create_user(kind="agent")
    r = admin.patch("/users/%d" % u["id"], json=body)
    expect_error(r, 422, "validation_failed", field)
    after = get_user(admin, u["id"])
    assert after == {k: v for k, v in u.items() if k != "_password"}


def test_patch_to_taken_email_is_409(server, admin):
    a = server.create_user(kind="agent")
    b = server.create_user(kind="agent")
    r = admin.patch("/users/%d" % b["id"], json={"email": a["email"].upper()})
    expect_error(r, 409, "conflict")
    assert get_user(admin, b["id"])["email"] == b["email"]


def test_only_admins_patch_users(server, admin, agent, customer):
    u = server.create_user(kind="agent", name="Untouched")
    expect_error(agent.patch("/users/%d" % u["id"], json={"name": "T"}),
                 403, "forbidden")
    r = customer.patch("/users/%d" % u["id"], json={"name": "T"})
    assert r.status_code in (403, 404), r.text
    assert get_user(admin, u["id"])["name"] == "Untouched"


def test_agent_cannot_make_themselves_admin(server, admin):
    u, api = server.user_client(kind="agent")
    r = api.patch("/users/%d" % u["id"], json={"role": "admin"})
    expect_error(r, 403, "forbidden")
    r = api.patch("/me", json={"role": "admin"})
    assert r.status_code in (403, 422), r.text
    assert get_user(admin, u["id"])["role"] == "agent"


def test_supervisor_sets_routing_fields_but_not_roles(server, admin):
    sup = server.user_client(kind="agent", role="supervisor")[1]
    u = server.create_user(kind="agent")
    r = sup.patch("/users/%d" % u["id"], json={
        "availability": "online", "capacity": 3, "skills": ["billing"]})
    assert r.status_code == 200, r.text
    got = get_user(admin, u["id"])
    assert got["availability"] == "online"
    assert got["capacity"] == 3
    assert got["skills"] == ["billing"]
    expect_error(sup.patch("/users/%d" % u["id"], json={"role": "admin"}),
                 403, "forbidden")
    assert get_user(admin, u["id"])["role"] == "agent"


def test_patch_unknown_user_is_404(server, admin):
    expect_error(admin.patch("/users/99999999", json={"name": "X"}), 404,
                 "not_found")


# ---- delete (disable) ----

def test_delete_disables_user_and_ends_sessions_and_tokens(server, admin):
    u, api = server.user_client(kind="agent", name="Leaving Agent")
    bearer = server.token_client(api)
    t = api.create_ticket(subject="made by a leaver")
    assert admin.delete("/users/%d" % u["id"]).status_code == 204
    got = get_user(admin, u["id"])
    assert got["disabled"] is True
    assert got["name"] == "Leaving Agent"
    expect_error(api.get("/me"), 401, "unauthenticated")
    expect_error(bearer.get("/tickets"), 401, "unauthenticated")
    r = server.client().post("/auth/login", json={
        "email": u["email"], "password": u["_password"]})
    expect_error(r, 401, "unauthenticated")
    # History keeps their name.
    ticket = admin.ticket(t["number"])
    assert ticket["requester"]["name"] == "Leaving Agent"
    created = admin.events(t["number"])[0]
    assert created["type"] == "ticket.created"
    assert created["actor"]["id"] == u["id"]
    assert created["actor"]["name"] == "Leaving Agent"


def test_only_admins_delete_users(server, admin, agent):
    u = server.create_user(kind="customer")
    expect_error(agent.delete("/users/%d" % u["id"]), 403, "forbidden")
    assert get_user(admin, u["id"])["disabled"] is False


def test_delete_unknown_user_is_404(server, admin):
    expect_error(admin.delete("/users/99999999"), 404, "not_found")


# ---- /me ----

def test_me_is_the_caller(server, agent, agent_user, customer, customer_user):
    me = agent.get("/me").json()
    assert me["id"] == agent_user["id"]
    assert me["kind"] == "agent"
    me = customer.get("/me").json()
    assert me["id"] == customer_user["id"]
    assert me["kind"] == "customer"


def test_patch_me_routing_fields(server):
    u, api = server.user_client(kind="agent")
    r = api.patch("/me", json={"availability": "away", "capacity": 5,
                               "skills": ["billing", "русский"]})
    assert r.status_code == 200
    me = r.json()
    assert me["availability"] == "away"
    assert me["capacity"] == 5
    assert sorted(me["skills"]) == ["billing", "русский"]
    r = api.patch("/me", json={"capacity": None})
    assert r.status_code == 200
    assert r.json()["capacity"] is None
    assert r.json()["availability"] == "away"
    assert api.get("/me").json()["capacity"] is None


@pytest.mark.parametrize("body,field", [
    ({"availability": "asleep"}, "availability"),
    ({"capacity": -1}, "capacity"), ({"capacity": "5"}, "capacity"),
    ({"capacity": 1.5}, "capacity"), ({"skills": "billing"}, "skills"),
    ({"skills": [1]}, "skills"), ({"name": ""}, "name"),
    ({"email_signature": "x"}, "email_signature")])
def test_patch_me_invalid_is_422(server, body, field):
    u, api = server.user_client(kind="agent")
    before = api.get("/me").json()
    expect_error(api.patch("/me", json=body), 422, "validation_failed", field)
    assert api.get("/me").json() == before


def test_patch_me_name(server, customer):
    r = customer.patch("/me", json={"name": "Renamed Customer"})
    assert r.status_code == 200
    assert r.json()["name"] == "Renamed Customer"
    assert customer.get("/me").json()["name"] == "Renamed Customer"


def test_customer_cannot_set_agent_fields_on_me(server):
    u, api = server.user_client(kind="customer")
    r = api.patch("/me", json={"availability": "online"})
    assert r.status_code in (403, 422), r.text
    assert "availability" not in api.get("/me").json() or \
        api.get("/me").json().get("availability") != "online"


def test_patch_me_password_needs_current_password(server):
    u, api = server.user_client(kind="agent")
    r = api.patch("/me", json={"password": "brand-new-pass"})
    expect_error(r, 422, "validation_failed", "current_password")
    r = api.patch("/me", json={"password": "brand-new-pass",
                               "current_password": "not-it-at-all"})
    assert r.status_code in (403, 422), r.text
    server.login(u["email"], u["_password"])  # unchanged
    r = api.patch("/me", json={"password": "short",
                               "current_password": u["_password"]})
    expect_error(r, 422, "validation_failed", "password")
    r = api.patch("/me", json={"password": "brand-new-pass",
                               "current_password": u["_password"]})
    assert r.status_code == 200
    server.login(u["email"], "brand-new-pass")
    r = server.client().post("/auth/login", json={
        "email": u["email"], "password": u["_password"]})
    expect_error(r, 401, "unauthenticated")


# ---- roles at the door ----

def test_collaborator_sees_no_ticket_uninvited(server, admin):
    t = admin.create_ticket(subject="not for collaborators")
    u, collab = server.user_client(kind="agent", role="collaborator")
    page = collab.list_tickets()
    assert page["total"] == 0 and page["items"] == []
    expect_error(collab.get("/tickets/%d" % t["number"]), 404, "not_found")
    expect_error(collab.get("/tickets/%d/messages" % t["number"]), 404,
                 "not_found")
    r = collab.post("/tickets/%d/messages" % t["number"],
                    json={"kind": "note", "body": "hi"})
    expect_error(r, 404, "not_found")


def test_user_object_never_shows_password(server, admin, population):
    prefix, made = population
    for u in list_users(admin, q=prefix)["items"]:
        assert "password" not in u and "password_hash" not in u
    assert "password" not in Api(server.base_url).login(
        made[0]["email"], made[0]["_password"])


def test_last_enabled_admin_cannot_be_disabled_demoted_or_deleted(
        start_server):
    """Someone must always be able to manage users: 409 for any change that
    would leave no enabled admin (own server: it changes the admins)."""
    server = start_server()
    admin = server.admin()
    me = admin.user["id"]
    for body, field in [({"disabled": True}, "disabled"),
                        ({"role": "supervisor"}, "role"),
                        ({"kind": "customer"}, "kind")]:
        err = expect_error(admin.patch("/users/%d" % me, json=body), 409,
                           field=field)
        assert "last enabled admin" in err["message"]
    expect_error(admin.delete("/users/%d" % me), 409)
    got = admin.get("/users/%d" % me).json()
    assert (got["role"], got["kind"], got["disabled"]) == (
        "admin", "agent", False)
    # With a second admin the first may go; then the second is the last.
    other, other_api = server.user_client(kind="agent", role="admin")
    # But not by their own hand, by either path (PATCH /me refuses
    # `disabled` for everyone: 403).
    for r in (admin.patch("/users/%d" % me, json={"disabled": True}),
              admin.delete("/users/%d" % me)):
        err = expect_error(r, 409, field="disabled")
        assert "yourself" in err["message"]
    r = other_api.patch("/users/%d" % me, json={"disabled": True})
    assert r.status_code == 200, r.text
    err = expect_error(other_api.patch("/users/%d" % other["id"],
                                       json={"role": "agent"}), 409,
                       field="role")
    assert other["email"] in err["message"]
    # A disabled admin does not count; re-enabled, it does again.
    r = other_api.patch("/users/%d" % me, json={"disabled": False})
    assert r.status_code == 200, r.text
    r = other_api.patch("/users/%d" % other["id"], json={"role": "agent"})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "agent"


def test_list_q_matches_names_in_any_case(server, admin):
    tag = unique("Cased")
    u = server.create_user(kind="agent", name="%s Person" % tag,
                           email=unique("other") + "@example.com")
    for q in (tag, tag.lower(), tag.upper()):
        got = list_users(admin, q=q)
        assert [x["id"] for x in got["items"]] == [u["id"]], q
