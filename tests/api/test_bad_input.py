"""Bad input never hurts: malformed and hostile bodies, limits at max and
max + 1, content types, CSRF, odd ids and query strings (API.md
Conventions; docs/api.md Conventions; STYLE.md: every input has a limit,
tested at max and max + 1, never a 500 for bad input).

The client (harness.Api) fails any test that receives a 500."""
import json

import pytest
import requests

from harness import expect_error, raw_request, unique

MIB = 1024 * 1024


def post_raw(api, path, data, ctype="application/json", **kw):
    return api.post(path, data=data, headers={"Content-Type": ctype}, **kw)


def total(api):
    return api.list_tickets(limit=1)["total"]


# ---- malformed JSON → 400 ----

MALFORMED = {
    "empty": b"",
    "whitespace": b"   ",
    "truncated": b'{"subject": "x"',
    "trailing garbage": b'{"subject": "x"} x',
    "two objects": b'{"subject": "x"}{"subject": "y"}',
    "single quotes": b"{'subject': 'x'}",
    "unquoted key": b'{subject: "x"}',
    "trailing comma": b'{"subject": "x",}',
    "comment": b'{"subject": "x" /* hi */}',
    "raw newline in string": b'{"subject": "a\nb"}',
    "bad escape": b'{"subject": "\\q"}',
    "lone surrogate": b'{"subject": "\\ud800"}',
    "NaN": b'{"subject": "x", "assignee_id": NaN}',
    "invalid utf-8": b'{"subject": "\xff\xfe"}',
    "overlong utf-8": b'{"subject": "\xc0\xaf"}',
    "utf-8 surrogate": b'{"subject": "\xed\xa0\x80"}',
    "truncated utf-8": b'{"subject": "\xe2\x82"}',
    "latin-1": "{\"subject\": \"caf\xe9\"}".encode("latin-1"),
    "utf-16": '{"subject": "x"}'.encode("utf-16"),
    "null": b"null",
    "array": b'[{"subject": "x"}]',
    "string": b'"subject"',
    "number": b"42",
    "duplicate keys": b'{"subject": "x", "subject": "y"}',
    "nul byte": b'{"subject": "x"}\x00',
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_body_is_400_and_creates_nothing(server, agent, name):
    before = total(agent)
    r = post_raw(agent, "/tickets", MALFORMED[name])
    err = expect_error(r, 400, "malformed")
    if name != "duplicate keys":
        # No one field is at fault in broken syntax: `field` is null.
        assert err["field"] is None, err
    assert total(agent) == before


@pytest.mark.parametrize("path,method", [("/tickets/1", "PATCH"),
                                         ("/tickets/1/messages", "POST"),
                                         ("/users", "POST"),
                                         ("/me", "PATCH"),
                                         ("/tokens", "POST"),
                                         ("/statuses", "POST"),
                                         ("/auth/login", "POST")])
def test_malformed_body_is_400_on_every_json_endpoint(server, admin, path,
                                                      method):
    admin.create_ticket()
    r = admin.request(method, path, data=b'{"name": "x"',
                      headers={"Content-Type": "application/json"})
    expect_error(r, 400, "malformed")


def nested(depth):
    """A body whose nesting (counting the top-level object) is depth."""
    inner = "1"
    for _ in range(depth - 1):
        inner = "[" + inner + "]"
    return ('{"subject": %s}' % inner).encode()


def test_nesting_at_32_is_parsed_and_33_is_malformed(server, agent):
    r = post_raw(agent, "/tickets", nested(32))
    expect_error(r, 422, "validation_failed", "subject")
    r = post_raw(agent, "/tickets", nested(33))
    expect_error(r, 400, "malformed")


def test_very_deep_nesting_is_400(server, agent):
    body = b'{"subject": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    expect_error(post_raw(agent, "/tickets", body), 400, "malformed")


def test_nul_inside_string_is_refused_or_kept(server, agent):
    r = post_raw(agent, "/tickets", b'{"subject": "a\\u0000b"}')
    assert r.status_code in (400, 422, 201), r.text
    if r.status_code == 201:
        assert agent.ticket(r.json()["number"])["subject"] == "a\u0000b"


# ---- wrong types, unknown fields → 422 ----

@pytest.mark.parametrize("body,field", [
    ({"subject": 5}, "subject"), ({"subject": True}, "subject"),
    ({"subject": ["x"]}, "subject"), ({"subject": {"x": 1}}, "subject"),
    ({"subject": "x", "description": 5}, "description"),
    ({"subject": "x", "priority": 2}, "priority"),
    ({"subject": "x", "status": ["todo"]}, "status"),
    ({"subject": "x", "assignee_id": "1"}, "assignee_id"),
    ({"subject": "x", "assignee_id": True}, "assignee_id"),
    ({"subject": "x", "assignee_id": 1.0000001}, "assignee_id"),
    ({"subject": "x", "assignee_id": -1}, "assignee_id"),
    ({"subject": "x", "assignee_id": 1e300}, "assignee_id"),
    ({"subject": "x", "tags": {"a": 1}}, "tags"),
    ({"subject": "x", "tags": [["nested"]]}, "tags"),
    ({"subject": "x", "follower_ids": "1"}, "follower_ids"),
    ({"subject": "x", "follower_ids": [True]}, "follower_ids"),
    ({"subject": "x", "deadline": True}, "deadline"),
    ({"subject": "x", "requester": "someone@example.com"}, "requester"),
    ({"subject": "x", "attachments": {}}, "attachments"),
    ({"subject": "x", "Subject": "y"}, "Subject"),
    ({"subject": "x", "__proto__": {}}, "__proto__"),
])
def test_wrong_type_or_unknown_field_is_422(server, agent, body, field):
    before = total(agent)
    r = agent.post("/tickets", json=body)
    err = expect_error(r, 422, "validation_failed")
    if field:
        assert err.get("field", "").split(".")[0] == field, err
    assert total(agent) == before


@pytest.mark.parametrize("raw,field", [
    (b'{"subject": "x", "assignee_id": 123456789012345678901234567890}',
     "assignee_id"),
    (b'{"subject": "x", "assignee_id": -123456789012345678901234567890}',
     "assignee_id"),
    (b'{"subject": "x", "assignee_id": 9223372036854775808}', "assignee_id"),
    (b'{"subject": "x", "follower_ids": [1, 99999999999999999999]}',
     "follower_ids"),
    (b'{"subject": "x", "assignee_id": 1e400}', None),
])
def test_huge_number_is_422(server, agent, raw, field):
    """Well-formed JSON with a number too large for any field is a bad value
    (422), not a malformed body (400)."""
    before = total(agent)
    r = post_raw(agent, "/tickets", raw)
    expect_error(r, 422, "validation_failed", field)
    assert total(agent) == before


def test_huge_number_in_a_non_object_is_still_400(server, agent):
    r = post_raw(agent, "/tickets", b"[99999999999999999999]")
    expect_error(r, 400, "malformed", None)


@pytest.mark.parametrize("method,path,kw,status", [
    ("GET", "/tickets/999999", {}, 404),
    ("GET", "/no-such-thing", {}, 404),
    ("PUT", "/tickets", {}, 405),
    ("POST", "/tickets", {"data": b"{", "headers": {
        "Content-Type": "application/json"}}, 400),
    ("POST", "/tickets", {"data": b"{}", "headers": {
        "Content-Type": "text/plain"}}, 415),
    ("POST", "/tickets", {"json": {}}, 422),
])
def test_error_body_always_has_code_message_and_field(server, agent, method,
                                                      path, kw, status):
    """API.md Conventions: {"error": {"code", "message", "field"}}; `field`
    is null when no one field is at fault."""
    r = agent.request(method, path, **kw)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"}
    assert set(r.json()["error"]) == {"code", "message", "field"}, r.text


def test_unauthenticated_error_has_field_null(server):
    r = requests.get(server.base_url + "/api/v1/tickets", timeout=30)
    assert r.status_code == 401
    assert r.json()["error"]["field"] is None, r.text


# ---- lengths at max and max + 1 ----

@pytest.mark.parametrize("char", ["a", "ж", "😀"])
def test_subject_300_characters_ok_301_rejected(server, agent, char):
    t = agent.create_ticket(subject=char * 300)
    assert agent.ticket(t["number"])["subject"] == char * 300
    before = total(agent)
    r = agent.post("/tickets", json={"subject": char * 301})
    expect_error(r, 422, "validation_failed", "subject")
    assert total(agent) == before


def test_subject_limit_on_patch(server, agent):
    t = agent.create_ticket(subject="short")
    r = agent.patch("/tickets/%d" % t["number"], json={"subject": "s" * 301})
    expect_error(r, 422, "validation_failed", "subject")
    assert agent.ticket(t["number"])["subject"] == "short"
    r = agent.patch("/tickets/%d" % t["number"], json={"subject": "s" * 300})
    assert r.status_code == 200


def test_description_100000_ok_100001_rejected(server, agent):
    t = agent.create_ticket(description="д" * 100000)
    assert agent.ticket(t["number"])["description"] == "д" * 100000
    r = agent.post("/tickets", json={"subject": "x",
                                     "description": "д" * 100001})
    expect_error(r, 422, "validation_failed", "description")
    r = agent.patch("/tickets/%d" % t["number"],
                    json={"description": "d" * 100001})
    expect_error(r, 422, "validation_failed", "description")


def test_tag_length_and_count_limits(server, agent):
    t = agent.create_ticket(tags=["t" * 50])
    assert t["tags"] == ["t" * 50]
    r = agent.post("/tickets", json={"subject": "x", "tags": ["t" * 51]})
    expect_error(r, 422, "validation_failed", "tags")
    fifty = ["tag%02d" % i for i in range(50)]
    t = agent.create_ticket(tags=fifty)
    assert sorted(t["tags"]) == fifty
    r = agent.post("/tickets", json={"subject": "x",
                                     "tags": fifty + ["one-more"]})
    expect_error(r, 422, "validation_failed", "tags")
    r = agent.patch("/tickets/%d" % t["number"],
                    json={"tags": fifty + ["one-more"]})
    expect_error(r, 422, "validation_failed", "tags")
    assert sorted(agent.ticket(t["number"])["tags"]) == fifty


def test_user_name_200_ok_201_rejected(server, admin):
    u = server.create_user(kind="customer", name="н" * 200)
    assert u["name"] == "н" * 200
    r = admin.post("/users", json={"kind": "customer", "name": "н" * 201,
                                   "email": unique() + "@example.com",
                                   "password": "password-123"})
    expect_error(r, 422, "validation_failed", "name")


def test_requester_name_limit(server, agent):
    r = agent.post("/tickets", json={"subject": "x", "requester": {
        "email": unique() + "@example.com", "name": "n" * 201}})
    err = expect_error(r, 422, "validation_failed")
    assert err.get("field", "").startswith("requester"), err


def test_email_254_bytes_ok_255_rejected(server, admin):
    def email_of(n_bytes):
        domain = "@example.com"
        local = unique("e")
        # local part at most 64; pad the domain with labels instead.
        labels = []
        length = len(local) + len(domain)
        while length < n_bytes:
            room = min(63, n_bytes - length - 1)
            if room <= 0:
                local += "x"
                length += 1
                continue
            labels.append("d" * room)
            length += room + 1
        return local + "@" + ".".join(labels + ["example.com"])
    ok = email_of(254)
    assert len(ok.encode()) == 254
    u = server.create_user(kind="customer", email=ok)
    assert u["email"].lower() == ok
    bad = email_of(255)
    assert len(bad.encode()) == 255
    r = admin.post("/users", json={"kind": "customer", "name": "X",
                                   "email": bad, "password": "password-123"})
    expect_error(r, 422, "validation_failed", "email")


def test_overlong_search_is_refused_not_crashed(server, agent):
    r = agent.get("/tickets", params={"q": "word " * 120})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        expect_error(r, 422, "validation_failed", "q")


# ---- sizes and content types ----

def padded_ticket(n_bytes):
    body = json.dumps({"subject": "padded", "description": "x"})
    body = body[:-1] + " " * (n_bytes - len(body)) + "}"
    assert len(body) == n_bytes
    return body.encode()


def auth_headers(api, ctype="application/json"):
    return {"Content-Type": ctype, "X-CSRF-Token": api.csrf_token,
            "Cookie": "docket_session=" +
                      api.session.cookies["docket_session"]}


def test_body_of_1_mib_is_accepted(server, agent):
    status, _, body = raw_request(server.port, "POST", "/api/v1/tickets",
                                  auth_headers(agent), padded_ticket(MIB))
    assert status == 201, body[:300]


def test_body_over_1_mib_is_413_and_creates_nothing(server, agent):
    before = total(agent)
    status, headers, body = raw_request(server.port, "POST",
                                        "/api/v1/tickets",
                                        auth_headers(agent),
                                        padded_ticket(MIB + 1))
    assert status == 413, body[:300]
    assert json.loads(body)["error"]["code"] == "too_large"
    assert total(agent) == before


def test_huge_body_is_413_early(server, agent):
    status, _, body = raw_request(server.port, "POST", "/api/v1/tickets",
                                  auth_headers(agent),
                                  padded_ticket(8 * MIB))
    assert status == 413, body[:300]


def test_chunked_body_over_1_mib_is_413(server, agent):
    before = total(agent)
    status, _, body = raw_request(server.port, "POST", "/api/v1/tickets",
                                  auth_headers(agent),
                                  padded_ticket(MIB + 100), chunked=True)
    assert status == 413, body[:300]
    assert total(agent) == before


def test_chunked_small_body_is_accepted(server, agent):
    status, _, body = raw_request(server.port, "POST", "/api/v1/tickets",
                                  auth_headers(agent),
                                  b'{"subject": "chunked"}', chunked=True)
    assert status == 201, body[:300]


def test_conflicting_content_lengths_are_refused(server, agent):
    # raw_request adds the true Content-Length after this false one.
    before = total(agent)
    h = dict(auth_headers(agent), **{"Content-Length": "abc"})
    status, _, _ = raw_request(server.port, "POST", "/api/v1/tickets", h,
                               b'{"subject": "x"}')
    assert 400 <= status < 500
    assert total(agent) == before


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-"
                                   "urlencoded", "multipart/form-data; "
                                   "boundary=x", "application/jsonx",
                                   "json", "application/xml"])
def test_wrong_content_type_is_415(server, agent, ctype):
    before = total(agent)
    r = post_raw(agent, "/tickets", b'{"subject": "typed"}', ctype=ctype)
    expect_error(r, 415, "unsupported_media_type", None)
    assert total(agent) == before


def test_missing_content_type_is_415(server, agent):
    before = total(agent)
    r = agent.post("/tickets", data=b'{"subject": "untyped"}')
    assert "Content-Type" not in r.request.headers
    expect_error(r, 415, "unsupported_media_type")
    assert total(agent) == before


@pytest.mark.parametrize("ctype", ["application/json; charset=utf-8",
                                   "application/json;charset=UTF-8",
                                   "Application/JSON"])
def test_json_content_type_with_parameters_is_accepted(server, agent, ctype):
    r = post_raw(agent, "/tickets", b'{"subject": "typed ok"}', ctype=ctype)
    assert r.status_code == 201, r.text


def test_wrong_content_type_on_patch_is_415(server, agent):
    t = agent.create_ticket(subject="same")
    r = agent.patch("/tickets/%d" % t["number"], data=b'{"subject": "x"}',
                    headers={"Content-Type": "text/plain"})
    expect_error(r, 415, "unsupported_media_type")
    assert agent.ticket(t["number"])["subject"] == "same"


# ---- hostile text is stored verbatim ----

HOSTILE = [
    "Robert'); DROP TABLE tickets;--",
    "1 OR 1=1",
    "' OR ''='",
    "\"; DELETE FROM users; --",
    "%s %n %x %p",
    "<script>alert('x')</script>",
    "{{7*7}} ${7*7} #{7*7}",
    "subject: NEAR(a b) AND OR NOT *",
    "\\x00\\n\\r",
    "ticket \u202e reversed",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_verbatim(server, agent, text):
    t = agent.create_ticket(subject=text, description=text, tags=["sqlish"])
    got = agent.ticket(t["number"])
    assert got["subject"] == text
    assert got["description"] == text
    m = agent.post_message(t["number"], text)
    assert agent.messages(t["number"])[-1]["body"] == text
    assert m["body"] == text


@pytest.mark.parametrize("q", [
    '"', '""', "'", "*", "ab*", "-", "- -x", "NOT", "AND", "OR x", "x OR",
    "NEAR(", "subject:x", "^x", "(", ")", "x AND (", "{", "}", ":", "#",
    "##1", "#-1", "#99999999999999999999", "%", "_", "\\", "🙂", "\t",
    "' OR 1=1 --", "x\" OR \"1", "ü*\"", "a b c d e f g h i j k l m n o"])
def test_search_syntax_characters_are_plain_text(server, agent, q):
    r = agent.get("/tickets", params={"q": q})
    assert r.status_code == 200, r.text


# Spaces of Unicode's and other separators inside what looks like one word
# (PostgreSQL's query parser split them and refused the query: a 500).
@pytest.mark.parametrize("q", [
    "a\u3000b", "a\u2003b", "a\u00a0b", "a\u2028b", "a\u1680b", "a\u205fb",
    "\u3000", "a\u200bb", "a\u2014b", "«a»", "a\u3000b\u3000c d"])
def test_search_with_unicode_separators_is_plain_text(server, agent, customer,
                                                      q):
    t = agent.create_ticket(subject="x %s y" % q)
    for api in (agent, customer):
        r = api.get("/tickets", params={"q": q})
        assert r.status_code == 200, r.text
    assert t["number"] in [x["number"] for x in agent.all_tickets(q=q)] or \
        not any(c.isalnum() for c in q)


def test_sql_looking_search_finds_the_ticket(server, agent):
    word = unique("bobby")
    t = agent.create_ticket(subject="%s'); DROP TABLE tickets;--" % word)
    found = [x["number"] for x in agent.all_tickets(q=word + "');")]
    assert t["number"] in found
    assert agent.list_tickets(limit=1)["total"] >= 1


# ---- CSRF: refused and nothing changed ----

@pytest.mark.parametrize("csrf", [False, "forged", "0" * 64])
def test_csrf_refusals_change_nothing(server, admin, agent_user, csrf):
    t = admin.create_ticket(subject="guarded")
    n = t["number"]
    before = (admin.ticket(n), admin.messages(n), admin.events(n),
              total(admin))
    attempts = [
        ("PATCH", "/tickets/%d" % n, {"subject": "pwned"}),
        ("POST", "/tickets/%d/messages" % n, {"kind": "reply",
                                               "body": "pwned"}),
        ("DELETE", "/tickets/%d" % n, None),
        ("POST", "/tickets", {"subject": "pwned"}),
        ("PATCH", "/users/%d" % agent_user["id"], {"role": "admin"}),
        ("POST", "/users", {"name": "pwned", "email": unique() + "@x.com",
                            "password": "password-123"}),
        ("POST", "/tokens", {"name": "pwned"}),
        ("POST", "/statuses", {"key": "pwned", "name": "pwned",
                               "category": "open"}),
    ]
    for method, path, body in attempts:
        r = admin.request(method, path, json=body, csrf=csrf)
        expect_error(r, 403, "forbidden")
    after = (admin.ticket(n), admin.messages(n), admin.events(n),
             total(admin))
    assert after[1:] == before[1:]
    assert after[0]["subject"] == "guarded"
    assert admin.get("/users/%d" % agent_user["id"]).json()["role"] == \
        "agent"
    assert "pwned" not in [s["key"] for s in
                           admin.get("/statuses").json()["items"]]
    assert "pwned" not in [x["name"] for x in
                           admin.get("/tokens").json()["items"]]


# ---- ids and query strings ----

@pytest.mark.parametrize("path", [
    "/tickets/abc", "/tickets/99999999999999999999", "/tickets/-1",
    "/tickets/0", "/tickets/01x", "/tickets/1x",
    "/tickets/%00", "/tickets/1%00", "/tickets/%E2%82%AC",
    "/tickets/9223372036854775807", "/tickets/9223372036854775808",
    "/tickets/abc/messages", "/tickets/99999999999999999999/events",
    "/users/abc", "/users/9223372036854775808", "/attachments/-1"])
def test_bad_ids_in_paths_are_404(server, agent, path):
    expect_error(agent.get(path), 404, "not_found")


@pytest.mark.parametrize("path", ["/tickets/abc", "/tickets/-1",
                                  "/tickets/99999999999999999999"])
def test_bad_ids_on_writes_are_404(server, agent, path):
    expect_error(agent.patch(path, json={"subject": "x"}), 404, "not_found")
    expect_error(agent.post(path + "/messages",
                            json={"kind": "reply", "body": "x"}),
                 404, "not_found")


@pytest.mark.parametrize("query", [
    "q=%FF", "q=%", "q=%G0", "status=%FF", "sort=%FF", "cursor=%FF%FE",
    "limit=%00", "q=a&q=b", "=x", "&&&", "q", "tag=" + "t" * 1000])
def test_odd_query_strings_are_client_errors(server, agent, query):
    r = agent.get("/api/v1/tickets?" + query)
    assert r.status_code in (200, 400, 422), r.text


@pytest.mark.parametrize("path,query,field", [
    ("/tickets", "tag=billing&tag=vip", "tag"),
    ("/tickets", "status=todo&priority=major&status=closed", "status"),
    ("/tickets", "q=a&q=b", "q"),
    ("/tickets", "limit=1&limit=2", "limit"),
    ("/users", "kind=agent&kind=customer", "kind"),
])
def test_a_repeated_query_parameter_is_422_naming_it(server, admin, path,
                                                    query, field):
    """Only one value of a repeated parameter would be read (tag=a&tag=b
    filtered by a alone): the answer says so instead of guessing."""
    r = admin.get("/api/v1%s?%s" % (path, query))
    expect_error(r, 422, "validation_failed", field)
    assert "more than once" in r.json()["error"]["message"]


def test_unknown_query_parameter_is_422_on_every_method(server, admin):
    """One rule for GET and for writes: an unknown query parameter is 422
    naming it, checked before anything changes."""
    t = admin.create_ticket()
    n = t["number"]
    group = admin.post("/groups", json={"name": unique("Group ")}).json()
    user = server.create_user()
    token = admin.post("/tokens", json={"name": "q"}).json()
    key = unique("st").lower()
    assert admin.post("/statuses", json={"key": key, "name": key,
                                         "category": "open"}
                      ).status_code == 201
    calls = [
        ("GET", "/health", None), ("GET", "/me", None),
        ("PATCH", "/me", {"name": admin.user["name"]}),
        ("GET", "/tickets/%d" % n, None),
        ("PATCH", "/tickets/%d" % n, {"subject": "changed"}),
        ("DELETE", "/tickets/%d" % n, None),
        ("POST", "/tickets", {"subject": "x"}),
        ("POST", "/tickets/%d/messages" % n, {"kind": "note", "body": "x"}),
        ("PATCH", "/users/%d" % user["id"], {"name": "changed"}),
        ("DELETE", "/users/%d" % user["id"], None),
        ("POST", "/users", {"name": "x", "email": unique("u") + "@x.org"}),
        ("PATCH", "/groups/%d" % group["id"], {"name": unique("G ")}),
        ("DELETE", "/groups/%d" % group["id"], None),
        ("POST", "/groups", {"name": unique("Group ")}),
        ("PATCH", "/statuses/" + key, {"name": "changed"}),
        ("DELETE", "/statuses/" + key, None),
        ("POST", "/priorities", {"key": unique("p").lower(), "name": "x"}),
        ("POST", "/tokens", {"name": "x"}),
        ("DELETE", "/tokens/%d" % token["id"], None),
        ("POST", "/auth/logout", None),
    ]
    for method, path, body in calls:
        r = admin.request(method, path + "?dry_run=1", json=body)
        err = expect_error(r, 422, field="dry_run")
        assert "dry_run" in err["message"], (method, path, err)
    assert admin.ticket(n)["subject"] == t["subject"]
    assert admin.get("/users/%d" % user["id"]).json()["disabled"] is False
    assert admin.get("/groups/%d" % group["id"]).status_code == 200
    assert admin.get("/me").status_code == 200  # still signed in
    assert len(admin.messages(n)) == 0


def test_many_query_parameters_are_no_crash(server, agent):
    query = "&".join("status=todo" for _ in range(200))
    r = agent.get("/api/v1/tickets?" + query)
    assert r.status_code in (200, 400, 422), r.text


def get_or_closed(api, path, **kw):
    """The status of a GET, or None when the server closed the connection
    without an answer (allowed for requests too big to read)."""
    try:
        return api.get(path, check=False, **kw).status_code
    except requests.ConnectionError:
        return None


@pytest.mark.parametrize("n_bytes", [5000, 20000, 100000])
def test_overlong_url_is_refused(server, agent, n_bytes):
    # A server library may answer this itself, without a JSON body.
    status = get_or_closed(agent, "/api/v1/tickets?q=" + "a" * n_bytes)
    assert status is None or 400 <= status < 500, status
    assert agent.get("/me").status_code == 200


def test_overlong_header_is_refused(server, agent):
    status = get_or_closed(agent, "/tickets",
                           headers={"X-Junk": "j" * 100000})
    assert status is None or 400 <= status < 500, status
    assert agent.get("/me").status_code == 200


def test_server_is_still_healthy(server, agent):
    assert server.client().get("/health").json() == {"status": "ok"}
    assert agent.get("/me").status_code == 200


def test_bytes_that_are_not_utf8_in_paths_and_headers(server, admin):
    """Path keys and header values reach the database as text: bytes that
    are not UTF-8 must be refused or cleaned, on every backend."""
    r = admin.patch("/statuses/%FF", json={"name": "x"}, check=False)
    expect_error(r, 404, "not_found")
    r = admin.request("POST", "/attachments?name=a.bin", data=b"payload",
                      headers={"Content-Type": "image/p\xffng"}, check=False)
    assert r.status_code == 201, r.text
    assert r.json()["type"] == "application/octet-stream"
    r = admin.get("/tickets", params={"q": b"\xff\xfe".decode("latin-1")},
                  check=False)
    assert r.status_code == 200  # latin-1 text is sent as UTF-8: valid
