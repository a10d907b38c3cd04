"""shapes.py — the documented shape of every JSON object of the API, checked
on every response the suite receives (shared/API.md is binding; docs/api.md
fills in what it leaves open).

check(kind, value) raises AssertionError naming the path of the first
mismatch. check_response(method, url, response) picks the shape from the
method and path and also enforces the conventions that hold for every
response: JSON content type, the error envelope with the code matching the
status, an empty 204, and never a 500.
"""
import json
import re
from urllib.parse import urlsplit

ANY = object()  # "do not check" marker for expect_error's field

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

CODE_BY_STATUS = {
    400: "malformed", 401: "unauthenticated", 403: "forbidden",
    404: "not_found", 405: "method_not_allowed", 409: "conflict",
    413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "rate_limited", 503: "unavailable",
    500: "internal",
}

CHANNELS = ("email", "web", "portal", "chat", "messenger", "phone", "api")
AGENT_ROLES = ("admin", "supervisor", "agent", "collaborator")
CUSTOMER_ROLES = ("customer",)
AVAILABILITY = ("online", "away", "offline")
STATUS_CATEGORIES = ("open", "pending", "active", "closed")
MESSAGE_KINDS = ("inbound", "reply", "note")
SECRET_KEYS = ("password", "password_hash", "token_hash", "secret")


class ShapeError(AssertionError):
    pass


def _fail(path, msg, value):
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 300:
        text = text[:300] + "…"
    raise ShapeError("%s: %s (got %s)" % (path or "$", msg, text))


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _int(v, path):
    if not _is_int(v):
        _fail(path, "expected an integer", v)


def _str(v, path, nonempty=False):
    if not isinstance(v, str):
        _fail(path, "expected a string", v)
    if nonempty and not v:
        _fail(path, "expected a non-empty string", v)


def _bool(v, path):
    if not isinstance(v, bool):
        _fail(path, "expected a boolean", v)


def _time(v, path, nullable=False):
    if v is None and nullable:
        return
    if not isinstance(v, str) or not TIME_RE.match(v):
        _fail(path, "expected an RFC 3339 UTC time with seconds", v)


def _enum(v, allowed, path):
    if v not in allowed:
        _fail(path, "expected one of %s" % (allowed,), v)


def _obj(v, path, required):
    if not isinstance(v, dict):
        _fail(path, "expected an object", v)
    missing = [k for k in required if k not in v]
    if missing:
        _fail(path, "missing keys %s" % missing, v)
    for k in SECRET_KEYS:
        if k in v:
            _fail(path, "must never carry %r" % k, v)


def _list(v, path, item_check=None):
    if not isinstance(v, list):
        _fail(path, "expected an array", v)
    if item_check:
        for i, item in enumerate(v):
            item_check(item, "%s[%d]" % (path, i))


def ref(v, path="$"):
    """{"id","name"} of a user or group."""
    _obj(v, path, ("id", "name"))
    _int(v["id"], path + ".id")
    _str(v["name"], path + ".name")


def ref_or_null(v, path="$"):
    if v is not None:
        ref(v, path)


def ticket(v, path="$"):
    _obj(v, path, ("number", "subject", "description", "status", "priority",
                   "assignee", "group", "requester", "deadline", "channel",
                   "tags", "conversations", "followers", "collaborators",
                   "queue_position", "unread", "created_at", "updated_at",
                   "first_response_at", "resolved_at", "closed_at"))
    _int(v["number"], path + ".number")
    if v["number"] < 1:
        _fail(path + ".number", "numbers start at 1", v["number"])
    _str(v["subject"], path + ".subject", nonempty=True)
    _str(v["description"], path + ".description")
    _str(v["status"], path + ".status", nonempty=True)
    _str(v["priority"], path + ".priority", nonempty=True)
    ref_or_null(v["assignee"], path + ".assignee")
    ref_or_null(v["group"], path + ".group")
    ref(v["requester"], path + ".requester")
    if "email" in v["requester"]:
        _str(v["requester"]["email"], path + ".requester.email")
    _time(v["deadline"], path + ".deadline", nullable=True)
    _enum(v["channel"], CHANNELS, path + ".channel")
    _list(v["tags"], path + ".tags", lambda t, p: _str(t, p, nonempty=True))
    _list(v["conversations"], path + ".conversations", _int)
    _list(v["followers"], path + ".followers", ref)
    _list(v["collaborators"], path + ".collaborators", ref)
    if v["queue_position"] is not None:
        _int(v["queue_position"], path + ".queue_position")
    _bool(v["unread"], path + ".unread")
    for k in ("created_at", "updated_at"):
        _time(v[k], path + "." + k)
    for k in ("first_response_at", "resolved_at", "closed_at"):
        _time(v[k], path + "." + k, nullable=True)


def user(v, path="$"):
    _obj(v, path, ("id", "kind", "role", "name", "email", "disabled",
                   "created_at", "updated_at"))
    _int(v["id"], path + ".id")
    _enum(v["kind"], ("agent", "customer"), path + ".kind")
    if v["kind"] == "agent":
        _enum(v["role"], AGENT_ROLES, path + ".role")
        _obj(v, path, ("groups", "availability", "capacity", "skills"))
        _list(v["groups"], path + ".groups", _int)
        _enum(v["availability"], AVAILABILITY, path + ".availability")
        if v["capacity"] is not None:
            _int(v["capacity"], path + ".capacity")
        _list(v["skills"], path + ".skills", _str)
    else:
        _enum(v["role"], CUSTOMER_ROLES, path + ".role")
        _obj(v, path, ("organization_id",))
        if v["organization_id"] is not None:
            _int(v["organization_id"], path + ".organization_id")
    _str(v["name"], path + ".name", nonempty=True)
    _str(v["email"], path + ".email", nonempty=True)
    _bool(v["disabled"], path + ".disabled")
    _time(v["created_at"], path + ".created_at")
    _time(v["updated_at"], path + ".updated_at")


def login(v, path="$"):
    user(v, path)
    _str(v.get("csrf_token"), path + ".csrf_token", nonempty=True)


def me(v, path="$"):
    user(v, path)
    if "csrf_token" in v:
        _str(v["csrf_token"], path + ".csrf_token", nonempty=True)


def attachment_ref(v, path="$"):
    _obj(v, path, ("id", "name", "type", "size"))
    _int(v["id"], path + ".id")
    _str(v["name"], path + ".name", nonempty=True)
    _str(v["type"], path + ".type", nonempty=True)
    _int(v["size"], path + ".size")


def attachment(v, path="$"):
    attachment_ref(v, path)
    _obj(v, path, ("sha256", "created_at"))
    if not isinstance(v["sha256"], str) or not SHA256_RE.match(v["sha256"]):
        _fail(path + ".sha256", "expected 64 lower-case hex digits",
              v["sha256"])
    _time(v["created_at"], path + ".created_at")


DELIVERY_STATES = ("queued", "sent", "failed")


def delivery(v, path):
    if v is None:
        return
    _obj(v, path, ("state", "attempts", "error", "next_attempt_at",
                   "finished_at"))
    _enum(v["state"], DELIVERY_STATES, path + ".state")
    _int(v["attempts"], path + ".attempts")
    if v["error"] is not None:
        _str(v["error"], path + ".error", nonempty=True)
    queued = v["state"] == "queued"
    for key, present in (("next_attempt_at", queued),
                         ("finished_at", not queued)):
        if present:
            _time(v[key], path + "." + key)
        elif v[key] is not None:
            _fail(path + "." + key, "expected null", v[key])


def message(v, path="$"):
    _obj(v, path, ("id", "ticket", "kind", "author", "body", "attachments",
                   "created_at", "delivery"))
    delivery(v["delivery"], path + ".delivery")
    _int(v["id"], path + ".id")
    _int(v["ticket"], path + ".ticket")
    _enum(v["kind"], MESSAGE_KINDS, path + ".kind")
    ref_or_null(v["author"], path + ".author")
    _str(v["body"], path + ".body")
    _list(v["attachments"], path + ".attachments", attachment_ref)
    _time(v["created_at"], path + ".created_at")


EVENT_TYPE_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _changes(v, path):
    if not isinstance(v, dict):
        _fail(path, "expected an object of field: [old, new]", v)
    for k, pair in v.items():
        if not isinstance(pair, list) or len(pair) != 2:
            _fail(path + "." + k, "expected [old, new]", pair)


def event(v, path="$"):
    _obj(v, path, ("id", "at", "actor", "type", "changes"))
    _int(v["id"], path + ".id")
    _time(v["at"], path + ".at")
    ref_or_null(v["actor"], path + ".actor")
    _str(v["type"], path + ".type")
    if not EVENT_TYPE_RE.match(v["type"]):
        _fail(path + ".type", "expected noun.verb", v["type"])
    _changes(v["changes"], path + ".changes")


def stream_event(v, path="$"):
    """The data of one event of /api/v1/stream."""
    event(v, path)
    _obj(v, path, ("ticket",))
    if v["ticket"] is not None:
        _int(v["ticket"], path + ".ticket")


def group(v, path="$"):
    _obj(v, path, ("id", "name", "members", "assignment"))
    _int(v["id"], path + ".id")
    _str(v["name"], path + ".name", nonempty=True)
    _list(v["members"], path + ".members", _int)
    _enum(v["assignment"], ("manual", "round_robin", "least_loaded",
                            "skills"), path + ".assignment")


def status(v, path="$"):
    _obj(v, path, ("key", "name", "category", "position", "retired"))
    _str(v["key"], path + ".key", nonempty=True)
    _str(v["name"], path + ".name", nonempty=True)
    _enum(v["category"], STATUS_CATEGORIES, path + ".category")
    _int(v["position"], path + ".position")
    _bool(v["retired"], path + ".retired")


def priority(v, path="$"):
    _obj(v, path, ("key", "name", "position", "retired"))
    if "category" in v:
        _fail(path, "a priority has no category", v)
    _str(v["key"], path + ".key", nonempty=True)
    _str(v["name"], path + ".name", nonempty=True)
    _int(v["position"], path + ".position")
    _bool(v["retired"], path + ".retired")


def token_created(v, path="$"):
    _obj(v, path, ("id", "name", "token", "user_id", "created_at"))
    _int(v["id"], path + ".id")
    _str(v["name"], path + ".name", nonempty=True)
    _str(v["token"], path + ".token", nonempty=True)
    _int(v["user_id"], path + ".user_id")
    _time(v["created_at"], path + ".created_at")


def token_listed(v, path="$"):
    _obj(v, path, ("id", "name", "user_id", "created_at"))
    if "token" in v:
        _fail(path, "a listed token must not show its secret", v)
    _int(v["id"], path + ".id")
    _str(v["name"], path + ".name", nonempty=True)
    _int(v["user_id"], path + ".user_id")
    _time(v["created_at"], path + ".created_at")


def error(v, path="$"):
    if not isinstance(v, dict) or set(v) != {"error"}:
        _fail(path, 'expected exactly {"error": {...}}', v)
    e = v["error"]
    _obj(e, path + ".error", ("code", "message", "field"))
    _enum(e["code"], tuple(CODE_BY_STATUS.values()), path + ".error.code")
    _str(e["message"], path + ".error.message", nonempty=True)
    if e["field"] is not None:
        _str(e["field"], path + ".error.field", nonempty=True)
    extra = set(e) - {"code", "message", "field"}
    if extra:
        _fail(path + ".error", "unexpected keys %s" % sorted(extra), e)


def health(v, path="$"):
    if v != {"status": "ok"}:
        _fail(path, 'expected {"status":"ok"}', v)


def envelope(item_check, full=True):
    """A list: {"items": [...], "total": N, "next_cursor": "…" | null}."""
    def check_list(v, path="$"):
        keys = ("items", "total", "next_cursor") if full else ("items",)
        _obj(v, path, keys)
        _list(v["items"], path + ".items", item_check)
        if "total" in v:
            _int(v["total"], path + ".total")
            if v["total"] < len(v["items"]):
                _fail(path + ".total", "smaller than the page", v["total"])
        if "next_cursor" in v and v["next_cursor"] is not None:
            _str(v["next_cursor"], path + ".next_cursor", nonempty=True)
    return check_list


SHAPES = {
    "ticket": ticket, "user": user, "login": login, "me": me,
    "message": message, "event": event, "stream_event": stream_event,
    "status": status, "priority": priority, "attachment": attachment,
    "attachment_ref": attachment_ref, "token_created": token_created,
    "token_listed": token_listed, "error": error, "health": health,
    "ref": ref, "group": group, "group_list": envelope(group),
    "ticket_list": envelope(ticket), "user_list": envelope(user),
    "message_list": envelope(message), "event_list": envelope(event),
    "token_list": envelope(token_listed),
    "status_list": envelope(status, full=False),
    "priority_list": envelope(priority, full=False),
}


def check(kind, value):
    SHAPES[kind](value, "$")
    return value


# (method, path pattern) → shape of a 2xx answer; None: no JSON body.
ROUTES = [
    ("GET", r"/api/v1/health", "health"),
    ("POST", r"/api/v1/auth/login", "login"),
    ("POST", r"/api/v1/auth/logout", None),
    ("GET", r"/api/v1/me", "me"),
    ("PATCH", r"/api/v1/me", "me"),
    ("GET", r"/api/v1/users", "user_list"),
    ("POST", r"/api/v1/users", "user"),
    ("GET", r"/api/v1/users/[^/]+", "user"),
    ("PATCH", r"/api/v1/users/[^/]+", "user"),
    ("GET", r"/api/v1/tokens", "token_list"),
    ("POST", r"/api/v1/tokens", "token_created"),
    ("GET", r"/api/v1/tickets", "ticket_list"),
    ("POST", r"/api/v1/tickets", "ticket"),
    ("GET", r"/api/v1/tickets/[^/]+", "ticket"),
    ("PATCH", r"/api/v1/tickets/[^/]+", "ticket"),
    ("GET", r"/api/v1/tickets/[^/]+/messages", "message_list"),
    ("POST", r"/api/v1/tickets/[^/]+/messages", "message"),
    ("GET", r"/api/v1/tickets/[^/]+/events", "event_list"),
    ("GET", r"/api/v1/groups", "group_list"),
    ("POST", r"/api/v1/groups", "group"),
    ("GET", r"/api/v1/groups/[^/]+", "group"),
    ("PATCH", r"/api/v1/groups/[^/]+", "group"),
    ("GET", r"/api/v1/statuses", "status_list"),
    ("POST", r"/api/v1/statuses", "status"),
    ("PATCH", r"/api/v1/statuses/[^/]+", "status"),
    ("GET", r"/api/v1/priorities", "priority_list"),
    ("POST", r"/api/v1/priorities", "priority"),
    ("PATCH", r"/api/v1/priorities/[^/]+", "priority"),
    ("POST", r"/api/v1/attachments", "attachment"),
]
_ROUTES = [(m, re.compile("^" + p + "$"), s) for m, p, s in ROUTES]

# Bodies that are not JSON by design.
NON_JSON = [("GET", re.compile(r"^/api/v1/attachments/[^/]+$")),
            ("GET", re.compile(r"^/api/v1/stream$"))]


def shape_for(method, path):
    for m, pattern, shape in _ROUTES:
        if m == method and pattern.match(path):
            return shape
    return None


def check_response(method, url, r):
    """Checks one response against the conventions and its route's shape."""
    path = urlsplit(url).path
    where = "%s %s → %d" % (method, path, r.status_code)
    if r.status_code >= 500:
        raise ShapeError("%s: the server answered %d: %s"
                         % (where, r.status_code, r.text[:500]))
    if r.status_code == 204:
        if r.content:
            raise ShapeError("%s: a 204 must have no body, got %r"
                             % (where, r.content[:200]))
        return
    if method == "HEAD":
        return
    if r.status_code < 400 and any(m == method and p.match(path)
                                   for m, p in NON_JSON):
        return
    ctype = r.headers.get("Content-Type", "")
    if not ctype.split(";")[0].strip().lower() == "application/json":
        raise ShapeError("%s: Content-Type %r is not application/json"
                         % (where, ctype))
    try:
        body = r.json()
    except ValueError:
        raise ShapeError("%s: the body is not JSON: %r"
                         % (where, r.content[:200]))
    try:
        if r.status_code >= 400:
            error(body)
            expected = CODE_BY_STATUS.get(r.status_code)
            if expected and body["error"]["code"] != expected:
                _fail("$.error.code", "status %d needs code %r"
                      % (r.status_code, expected), body["error"]["code"])
            return
        shape = shape_for(method, path)
        if shape:
            check(shape, body)
    except ShapeError as e:
        raise ShapeError("%s: %s" % (where, e))
