"""Sign-in, sessions, CSRF, bearer tokens at the door, rate limits
(API.md Conventions; docs/api.md Authentication)."""
import json

import pytest

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, Api, expect_error,
                     raw_request, unique)


def cookie_header(r, name="docket_session"):
    """The Set-Cookie header line for `name` ('' when absent)."""
    for line in r.raw.headers.getlist("Set-Cookie"):
        if line.strip().startswith(name + "="):
            return line
    return ""


def test_health_needs_no_authentication(server):
    r = server.client().get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_login_returns_user_csrf_token_and_session_cookie(server):
    api = Api(server.base_url)
    r = api.post("/auth/login", json={"email": ADMIN_EMAIL,
                                      "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["email"].lower() == ADMIN_EMAIL
    assert body["kind"] == "agent"
    assert body["role"] == "admin"
    assert body["disabled"] is False
    assert len(body["csrf_token"]) >= 16
    line = cookie_header(r)
    assert line, "no docket_session cookie: %s" % r.headers
    attrs = [a.strip().lower() for a in line.split(";")]
    assert "httponly" in attrs
    assert "samesite=lax" in attrs
    assert "path=/" in attrs
    assert len(line.split(";")[0].split("=", 1)[1]) >= 16


def test_each_login_gets_its_own_session_and_csrf_token(server):
    a = server.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    b = server.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert a.session.cookies["docket_session"] != \
        b.session.cookies["docket_session"]
    assert a.csrf_token != b.csrf_token


def test_login_email_is_case_insensitive(server):
    api = Api(server.base_url)
    body = api.login(ADMIN_EMAIL.upper(), ADMIN_PASSWORD)
    assert body["role"] == "admin"


def test_wrong_password_and_unknown_email_answer_the_same(server):
    api = Api(server.base_url)
    r1 = api.post("/auth/login", json={"email": ADMIN_EMAIL,
                                       "password": "wrong-password"})
    e1 = expect_error(r1, 401, "unauthenticated")
    r2 = api.post("/auth/login", json={"email": unique("nobody") +
                                       "@example.com",
                                       "password": "wrong-password"})
    e2 = expect_error(r2, 401, "unauthenticated")
    assert e1["message"] == e2["message"]
    assert not cookie_header(r1) or "docket_session=;" in cookie_header(r1)
    assert "docket_session" not in api.session.cookies


def test_login_with_wrong_type_is_422(server):
    r = server.client().post("/auth/login", json={"email": ADMIN_EMAIL,
                                                  "password": 12345678})
    expect_error(r, 422, "validation_failed", "password")


def test_login_of_disabled_user_is_401(server, admin):
    user = server.create_user(kind="agent")
    r = admin.patch("/users/%d" % user["id"], json={"disabled": True})
    assert r.status_code == 200
    r = server.client().post("/auth/login", json={
        "email": user["email"], "password": user["_password"]})
    expect_error(r, 401, "unauthenticated")


@pytest.mark.parametrize("path", ["/me", "/tickets", "/tickets/1",
                                  "/tickets/1/messages", "/tickets/1/events",
                                  "/users", "/users/1", "/tokens",
                                  "/statuses", "/priorities",
                                  "/attachments/1", "/stream"])
def test_reads_without_authentication_are_401(server, path):
    expect_error(server.client().get(path), 401, "unauthenticated", None)


@pytest.mark.parametrize("method,path", [
    ("POST", "/tickets"), ("PATCH", "/tickets/1"), ("DELETE", "/tickets/1"),
    ("POST", "/tickets/1/messages"), ("POST", "/users"),
    ("PATCH", "/users/1"), ("DELETE", "/users/1"), ("POST", "/tokens"),
    ("DELETE", "/tokens/1"), ("PATCH", "/me"), ("POST", "/statuses"),
    ("POST", "/priorities")])
def test_writes_without_authentication_are_401(server, method, path):
    r = server.client().request(method, path, json={"subject": "x"})
    expect_error(r, 401, "unauthenticated", None)


def test_401_carries_www_authenticate_and_other_answers_do_not(server, admin):
    for r in (server.client().get("/me"),
              server.client().post("/auth/login", json={
                  "email": ADMIN_EMAIL, "password": "wrong-password"})):
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="docket"'
    assert "WWW-Authenticate" not in admin.get("/me").headers
    assert "WWW-Authenticate" not in admin.get("/tickets/999999").headers


def test_attachment_upload_without_authentication_is_401(server):
    r = server.client().post("/attachments?name=a.txt", data=b"hello",
                             headers={"Content-Type": "text/plain"})
    expect_error(r, 401, "unauthenticated")


def test_forged_session_cookie_is_401(server):
    api = Api(server.base_url)
    api.session.cookies.set("docket_session", "forged" + "0" * 40)
    expect_error(api.get("/me"), 401, "unauthenticated")


def test_me_by_cookie_carries_the_login_csrf_token(server, admin):
    r = admin.get("/me")
    assert r.status_code == 200
    body = r.json()
    assert body["csrf_token"] == admin.csrf_token
    assert body["id"] == admin.user["id"]
    assert body["email"] == admin.user["email"]


def test_me_by_bearer_token_has_no_csrf_token(server, admin):
    bearer = server.token_client(admin)
    r = bearer.get("/me")
    assert r.status_code == 200
    assert "csrf_token" not in r.json()
    assert r.json()["id"] == admin.user["id"]


def test_cookie_reads_need_no_csrf_token(server, admin):
    assert admin.get("/tickets", csrf=False).status_code == 200


def _ticket_total(api):
    return api.list_tickets(limit=1)["total"]


@pytest.mark.parametrize("csrf", [False, "forged-token", ""])
def test_cookie_create_without_valid_csrf_is_403_and_creates_nothing(
        server, admin, csrf):
    before = _ticket_total(admin)
    r = admin.post("/tickets", json={"subject": unique("csrf ")}, csrf=csrf)
    expect_error(r, 403, "forbidden")
    assert _ticket_total(admin) == before


def test_csrf_token_of_another_session_is_403(server, admin):
    other = server.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    t = admin.create_ticket(subject="before")
    r = admin.patch("/tickets/%d" % t["number"], json={"subject": "after"},
                    csrf=other.csrf_token)
    expect_error(r, 403, "forbidden")
    assert admin.ticket(t["number"])["subject"] == "before"


def test_cookie_patch_and_delete_without_csrf_change_nothing(server, admin):
    t = admin.create_ticket(subject="keep me")
    r = admin.patch("/tickets/%d" % t["number"],
                    json={"subject": "changed", "priority": "major"},
                    csrf=False)
    expect_error(r, 403, "forbidden")
    r = admin.delete("/tickets/%d" % t["number"], csrf=False)
    expect_error(r, 403, "forbidden")
    after = admin.ticket(t["number"])
    assert after["subject"] == "keep me"
    assert after["priority"] == "normal"
    assert [e["type"] for e in admin.events(t["number"])] == ["ticket.created"]


def test_cookie_patch_me_without_csrf_changes_nothing(server):
    user, api = server.user_client(kind="agent", name="Unchanged Name")
    expect_error(api.patch("/me", json={"name": "Changed"}, csrf=False),
                 403, "forbidden")
    assert api.get("/me").json()["name"] == "Unchanged Name"


def test_bearer_token_needs_no_csrf(server, admin):
    bearer = server.token_client(admin)
    r = bearer.post("/tickets", json={"subject": "by bearer"})
    assert r.status_code == 201
    assert r.json()["requester"]["id"] == admin.user["id"]


@pytest.mark.parametrize("value", ["Bearer nonsense", "Bearer ", "Bearer",
                                   "Basic YWRtaW46YWRtaW4=", "bearer"])
def test_bad_authorization_header_is_401(server, value):
    api = Api(server.base_url)
    api.session.headers["Authorization"] = value
    expect_error(api.get("/me"), 401, "unauthenticated")


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_bearer_scheme_is_case_insensitive(server, admin, scheme):
    """RFC 7235 §2.1: the authentication scheme is case-insensitive."""
    token = server.token_client(admin).token
    api = Api(server.base_url)
    api.session.headers["Authorization"] = scheme + " " + token
    r = api.get("/me")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == admin.user["id"]


def test_logout_needs_csrf_then_ends_the_session(server):
    user, api = server.user_client(kind="agent")
    cookie = api.session.cookies["docket_session"]
    expect_error(api.post("/auth/logout", csrf=False), 403, "forbidden")
    assert api.get("/me").status_code == 200
    r = api.post("/auth/logout")
    assert r.status_code == 204
    line = cookie_header(r)
    assert line, "logout must clear the cookie"
    low = line.lower()
    assert ("max-age=0" in low or "1970" in low
            or line.startswith("docket_session=;")), line
    # The old cookie value no longer works server-side.
    replay = Api(server.base_url)
    replay.session.cookies.set("docket_session", cookie)
    expect_error(replay.get("/me"), 401, "unauthenticated")


def test_logout_ends_only_its_own_session(server):
    user, first = server.user_client(kind="agent")
    second = server.login(user["email"], user["_password"])
    assert first.post("/auth/logout").status_code == 204
    assert second.get("/me").status_code == 200


def test_login_body_at_anonymous_limit_is_accepted_and_over_is_413(server):
    limit = 64 * 1024
    body = json.dumps({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    at_limit = body[:-1] + " " * (limit - len(body)) + "}"
    assert len(at_limit.encode()) == limit
    status, headers, raw = raw_request(
        server.port, "POST", "/api/v1/auth/login",
        {"Content-Type": "application/json"}, at_limit.encode())
    assert status == 200, raw[:300]
    over = at_limit[:-1] + " }"
    status, headers, raw = raw_request(
        server.port, "POST", "/api/v1/auth/login",
        {"Content-Type": "application/json"}, over.encode())
    assert status == 413, raw[:300]
    assert json.loads(raw)["error"]["code"] == "too_large"


def test_login_rate_limit_per_account(start_server):
    srv = start_server()
    user = srv.create_user(kind="agent")
    api = Api(srv.base_url)
    bad = {"email": user["email"], "password": "not-the-password"}
    for _ in range(5):
        expect_error(api.post("/auth/login", json=bad), 401)
    sixth = api.post("/auth/login", json=bad)
    assert sixth.status_code in (401, 429)
    r = api.post("/auth/login", json=bad)
    expect_error(r, 429, "rate_limited")
    retry_after = r.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit() and \
        int(retry_after) > 0, retry_after
    # Locked out: even the right password waits.
    r = api.post("/auth/login", json={"email": user["email"],
                                      "password": user["_password"]})
    expect_error(r, 429, "rate_limited")
    # Another account from the same address is not locked (5 < 20).
    other = srv.create_user(kind="agent")
    srv.login(other["email"], other["_password"])


def test_login_rate_limit_per_address(start_server):
    srv = start_server()
    api = Api(srv.base_url)
    n = 0
    for i in range(5):
        email = unique("ghost") + "@example.com"
        for _ in range(4):
            r = api.post("/auth/login", json={"email": email,
                                              "password": "wrong-password"})
            expect_error(r, 401, "unauthenticated")
            n += 1
    assert n == 20
    r = api.post("/auth/login", json={"email": unique("ghost") +
                                      "@example.com",
                                      "password": "wrong-password"})
    expect_error(r, 429, "rate_limited")
    assert r.headers.get("Retry-After", "").isdigit()


def test_disabled_users_session_and_token_stop_working(server, admin):
    user, api = server.user_client(kind="agent")
    bearer = server.token_client(api)
    assert bearer.get("/me").status_code == 200
    assert admin.delete("/users/%d" % user["id"]).status_code == 204
    expect_error(api.get("/me"), 401, "unauthenticated")
    expect_error(bearer.get("/me"), 401, "unauthenticated")


def test_unknown_api_path_is_404_json(server, admin):
    expect_error(admin.get("/no-such-thing"), 404, "not_found")
    expect_error(server.client().get("/api/v2/tickets"), 404, "not_found")


@pytest.mark.parametrize("method,path", [
    ("PUT", "/tickets"), ("DELETE", "/tickets"), ("PUT", "/tickets/1"),
    ("POST", "/tickets/1"), ("DELETE", "/me"), ("PUT", "/users/1"),
    ("POST", "/health"), ("GET", "/auth/login"), ("GET", "/auth/logout"),
    ("PATCH", "/tickets/1/messages"), ("DELETE", "/tickets/1/events")])
def test_wrong_method_on_existing_path_is_405(server, admin, method, path):
    admin.create_ticket()  # make sure ticket 1 exists
    r = admin.request(method, path, json={})
    expect_error(r, 405, "method_not_allowed")
