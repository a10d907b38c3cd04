"""harness.py — the machinery of the API suite: a real `docket serve` process,
an API client and a Server-Sent Events reader.

Read conftest.py first (the fixtures); this file holds what they use:
- Server: starts the binary on a free port with a fresh database, waits for
  /api/v1/health, stops it with SIGTERM and reports sanitizer findings and
  a non-zero exit status as problems.
- Api: a requests.Session with the base URL, cookie sign-in with the CSRF
  token sent on unsafe methods, or a bearer token; every response is checked
  against its documented shape (shapes.py).
- SSEReader: reads /api/v1/stream in a thread and hands parsed events over a
  queue, so tests wait with deadlines instead of sleeping.
Nothing here sleeps for a fixed time to make something happen: polling loops
have deadlines and short pauses between tries.
"""
import itertools
import json
import os
import queue
import select
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import requests

import shapes

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-0123"
DEFAULT_PASSWORD = "correct horse battery"
SANITIZER_MARKERS = (" shape: ", "AddressSanitizer", "LeakSanitizer",
                     "runtime error:")
START_DEADLINE_S = 60.0
STOP_DEADLINE_S = 20.0
REQUEST_TIMEOUT_S = 60.0
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_counter = itertools.count(1)

# Set by conftest.py when the suite runs on PostgreSQL.
PG_CLUSTER = None


def unique(prefix="x"):
    """A short string unique within the test run (letters and digits)."""
    return "%s%d%s" % (prefix, next(_counter), uuid.uuid4().hex[:6])


def binary_path():
    path = os.environ.get("DOCKET_BIN")
    if path:
        return Path(path).resolve()
    return REPO_ROOT / "build" / "test" / "docket"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Polls predicate() until it returns a truthy value; returns that value.
    Raises AssertionError naming `what` when the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s (last: %r)"
                                 % (timeout, what, last))
        time.sleep(interval)


class Server:
    """One `docket serve` process with its own database and log."""

    def __init__(self, workdir, extra_env=None, pg_url=None,
                 is_sqlite=False):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workdir / "docket.db"
        self.log_path = self.workdir / "server.log"
        self.port = None
        self.proc = None
        self.extra_env = dict(extra_env or {})
        self.admin_email = ADMIN_EMAIL
        self.admin_password = ADMIN_PASSWORD
        self._admin = None
        self._log_file = None
        self.stopped = False
        # The PostgreSQL backend (make api runs the suite on both): the
        # cluster is started by conftest.py; each server gets a database.
        # A node of a cluster shares the database it is given.
        self.pg_url = pg_url
        if not pg_url and PG_CLUSTER and not is_sqlite:
            self.pg_url = PG_CLUSTER.create_database()

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def store_args(self):
        """The options that select this server's database, for the CLI:
        --pg URI on the PostgreSQL backend, else --db PATH."""
        if self.pg_url:
            return ["--pg", self.pg_url]
        return ["--db", str(self.db_path)]

    def start(self):
        binary = binary_path()
        if not binary.exists():
            raise RuntimeError("docket binary not found at %s (set DOCKET_BIN)"
                               % binary)
        env = dict(os.environ)
        env["DOCKET_ADMIN_EMAIL"] = self.admin_email
        env["DOCKET_ADMIN_PASSWORD"] = self.admin_password
        # The server checks every JSON answer against its documented shape
        # and logs "shape:" on a mismatch, which fails the module below.
        env["DOCKET_CHECK_SHAPES"] = "1"
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        env.update(self.extra_env)
        last_error = None
        for _attempt in range(3):  # a free port can be taken in between
            self.port = free_port()
            self._log_file = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [str(binary), "serve", "--listen", "127.0.0.1:%d" % self.port]
                + self.store_args(),
                stdout=self._log_file, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, cwd=str(self.workdir))
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:
                last_error = e
                if self.proc.poll() is None:
                    self.proc.kill()
                    self.proc.wait(10)
                self._log_file.close()
                if "address" not in self.log_text().lower():
                    break
        raise RuntimeError("%s\n--- server log ---\n%s"
                           % (last_error, self.log_tail()))

    def _wait_ready(self):
        deadline = time.monotonic() + START_DEADLINE_S
        url = self.base_url + "/api/v1/health"
        while True:
            code = self.proc.poll()
            if code is not None:
                raise RuntimeError("docket serve exited with %d before it "
                                   "was ready" % code)
            try:
                r = requests.get(url, timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() >= deadline:
                raise RuntimeError("docket serve not ready within %.0f s"
                                   % START_DEADLINE_S)
            time.sleep(0.05)

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, n_chars=6000):
        text = self.log_text()
        return text[-n_chars:]

    def stop(self):
        """Stops the server; returns a list of problems (empty when clean)."""
        if self.stopped or self.proc is None:
            return []
        self.stopped = True
        problems = []
        if self.proc.poll() is not None:
            problems.append("docket serve had already exited with %d before "
                            "the end of its tests" % self.proc.returncode)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_DEADLINE_S)
            except subprocess.TimeoutExpired:
                problems.append("docket serve did not exit within %.0f s of "
                                "SIGTERM" % STOP_DEADLINE_S)
                self.proc.kill()
                self.proc.wait(10)
        if self._log_file:
            self._log_file.close()
        code = self.proc.returncode
        if code != 0 and not any("already exited" in p for p in problems):
            problems.append("docket serve exited with status %d" % code)
        text = self.log_text()
        for marker in SANITIZER_MARKERS:
            if marker in text:
                problems.append("server log contains %r" % marker)
        return problems

    def report(self, problems):
        return ("%s (log %s):\n  %s\n--- server log tail ---\n%s"
                % (self.base_url, self.log_path, "\n  ".join(problems),
                   self.log_tail()))

    # ---- clients ----

    def client(self):
        return Api(self.base_url)

    def login(self, email, password=DEFAULT_PASSWORD):
        api = Api(self.base_url)
        api.login(email, password)
        return api

    def admin(self):
        """The signed-in admin client (one per server, reused)."""
        if self._admin is None:
            self._admin = self.login(self.admin_email, self.admin_password)
        return self._admin

    def create_user(self, kind="agent", role=None, name=None, email=None,
                    password=DEFAULT_PASSWORD, **extra):
        """Creates a user through POST /api/v1/users as the admin; returns the
        user object (with the password kept under '_password')."""
        body = {"kind": kind, "name": name or unique("User "),
                "email": email or (unique(kind) + "@example.com"),
                "password": password}
        if role:
            body["role"] = role
        body.update(extra)
        r = self.admin().post("/users", json=body)
        assert r.status_code == 201, r.text
        user = r.json()
        user["_password"] = password
        return user

    def user_client(self, kind="agent", role=None, **kw):
        """A new user and a client signed in as them: (user, Api)."""
        user = self.create_user(kind=kind, role=role, **kw)
        return user, self.login(user["email"], user["_password"])

    def token_client(self, api, name=None):
        """A bearer-token client for the user signed in on api."""
        r = api.post("/tokens", json={"name": name or unique("token")})
        assert r.status_code == 201, r.text
        return Api(self.base_url, token=r.json()["token"])


class Api:
    """A requests.Session bound to one server. Paths not starting with /api,
    /hooks or /forms are taken relative to /api/v1."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.session = requests.Session()
        self.csrf_token = None
        self.user = None
        self.token = token
        if token is not None:
            self.session.headers["Authorization"] = "Bearer " + token

    def url(self, path):
        if path.startswith("http"):
            return path
        if not path.startswith(("/api/", "/hooks/", "/forms/")):
            path = "/api/v1" + path
        return self.base_url + path

    def request(self, method, path, csrf=True, check=True, headers=None,
                **kw):
        """Sends a request. csrf: True sends the session's token on unsafe
        methods, False sends none, a string sends that string. check: verify
        the response against its documented shape."""
        method = method.upper()
        h = dict(headers or {})
        if method not in SAFE_METHODS:
            if isinstance(csrf, str):
                h["X-CSRF-Token"] = csrf
            elif csrf and self.csrf_token:
                h["X-CSRF-Token"] = self.csrf_token
        kw.setdefault("timeout", REQUEST_TIMEOUT_S)
        url = self.url(path)
        r = self.session.request(method, url, headers=h, **kw)
        if check:
            shapes.check_response(method, url, r)
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password):
        r = self.post("/auth/login", json={"email": email,
                                           "password": password})
        assert r.status_code == 200, "login of %s: %s %s" % (
            email, r.status_code, r.text)
        body = r.json()
        self.csrf_token = body["csrf_token"]
        self.user = body
        return body

    # ---- conveniences used by many tests ----

    def create_ticket(self, **fields):
        fields.setdefault("subject", unique("Ticket "))
        r = self.post("/tickets", json=fields)
        assert r.status_code == 201, r.text
        return r.json()

    def ticket(self, number):
        r = self.get("/tickets/%d" % number)
        assert r.status_code == 200, r.text
        return r.json()

    def list_tickets(self, **params):
        r = self.get("/tickets", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def all_tickets(self, **params):
        """Every ticket of a listing, following next_cursor."""
        items = []
        seen_cursors = set()
        page = self.list_tickets(**params)
        items.extend(page["items"])
        while page["next_cursor"] is not None:
            assert page["next_cursor"] not in seen_cursors, "cursor loop"
            seen_cursors.add(page["next_cursor"])
            page = self.list_tickets(cursor=page["next_cursor"], **params)
            items.extend(page["items"])
        return items

    def post_message(self, number, body, kind="reply", **extra):
        payload = {"body": body}
        if kind is not None:
            payload["kind"] = kind
        payload.update(extra)
        r = self.post("/tickets/%d/messages" % number, json=payload)
        assert r.status_code == 201, r.text
        return r.json()

    def all_pages(self, path, **params):
        """Every item of a list at path, following next_cursor."""
        items = []
        seen_cursors = set()
        cursor = None
        while True:
            if cursor is not None:
                assert cursor not in seen_cursors, "cursor loop"
                seen_cursors.add(cursor)
                params["cursor"] = cursor
            r = self.get(path, params=params)
            assert r.status_code == 200, r.text
            items.extend(r.json()["items"])
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return items

    def messages(self, number):
        """The whole thread, every page."""
        return self.all_pages("/tickets/%d/messages" % number)

    def events(self, number):
        """The whole history, every page."""
        return self.all_pages("/tickets/%d/events" % number)


# ---- error assertions ----

def expect_error(r, status, code=None, field=shapes.ANY):
    """Asserts r is the error `status` with `code` (default: the code of the
    status) and, unless field is ANY, that exact `field` (None: null)."""
    assert r.status_code == status, "expected %d, got %d: %s" % (
        status, r.status_code, r.text[:500])
    body = r.json()
    shapes.check("error", body)
    err = body["error"]
    assert err["code"] == (code or shapes.CODE_BY_STATUS[status]), body
    if status == 401:  # RFC 7235 §4.1: every 401 names the scheme
        assert r.headers.get("WWW-Authenticate") == 'Bearer realm="docket"', \
            r.headers
    if field is not shapes.ANY:
        assert err["field"] == field, "field: expected %r in %s" % (
            field, body)
    return err


# ---- raw HTTP for bodies the server may refuse before reading ----

def raw_request(port, method, path, headers, body=b"", chunked=False,
                timeout=30.0):
    """Sends one request over a plain socket, interleaving sending the body
    with watching for an early answer (a server may answer 413 without
    reading an oversized body). Returns (status, headers dict with lower-case
    names, body bytes)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port,
                "Connection: close"]
        for k, v in headers.items():
            head.append("%s: %s" % (k, v))
        if chunked:
            head.append("Transfer-Encoding: chunked")
            payload = b""
            for i in range(0, len(body), 65536):
                piece = body[i:i + 65536]
                payload += b"%x\r\n%s\r\n" % (len(piece), piece)
            payload += b"0\r\n\r\n"
        else:
            head.append("Content-Length: %d" % len(body))
            payload = body
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        received = b""
        sent = 0
        deadline = time.monotonic() + timeout
        sock.setblocking(False)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no complete response within %.0f s"
                                     % timeout)
            want_write = [sock] if sent < len(data) else []
            readable, writable, _ = select.select([sock], want_write, [],
                                                  min(remaining, 1.0))
            if readable:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    chunk = b""
                if not chunk:
                    break
                received += chunk
                continue
            if writable:
                try:
                    sent += sock.send(data[sent:sent + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    sent = len(data)  # the server stopped reading; listen
                except BlockingIOError:
                    pass
        return _parse_raw_response(received)
    finally:
        sock.close()


def _parse_raw_response(received):
    head, _, rest = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines and lines[0].startswith("HTTP/1."), "no HTTP response: %r" % (
        received[:200],)
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            body += rest[:size]
            rest = rest[size + 2:]
    else:
        n = headers.get("content-length")
        body = rest[:int(n)] if n is not None else rest
    return status, headers, body


# ---- Server-Sent Events ----

class SSEReader:
    """Reads an event stream in a background thread. Each complete event is
    put on .events as a dict {"id", "event", "data", "json"}; comment lines
    are counted in .n_comments. Use with `with`, or call close()."""

    def __init__(self, url, headers=None, cookies=None, read_timeout=60.0):
        self.url = url
        self.headers = dict(headers or {})
        self.cookies = cookies
        self.read_timeout = read_timeout
        self.events = queue.Queue()
        self.received = []          # every event, in order
        self.connected = threading.Event()
        self.finished = threading.Event()
        self.response = None
        self.error = None
        self.n_comments = 0
        self._closing = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, connect_timeout=10.0):
        if self._thread.is_alive() or self.finished.is_set():
            return self
        self._thread.start()
        if not self.connected.wait(connect_timeout):
            # Some servers send headers only with the first event; the
            # thread keeps trying, tests then wait for events.
            pass
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def _run(self):
        try:
            with requests.Session() as s:
                if self.cookies is not None:
                    s.cookies.update(self.cookies)
                r = s.get(self.url, headers=self.headers, stream=True,
                          timeout=(10, self.read_timeout))
                self.response = r
                self.connected.set()
                if r.status_code != 200:
                    return
                self._parse(r)
        except Exception as e:  # reported through .error
            if not self._closing:
                self.error = e
        finally:
            self.connected.set()
            self.finished.set()

    def _parse(self, r):
        buf = b""
        fields = {}
        data_lines = []
        for chunk in r.iter_content(chunk_size=None):
            if self._closing:
                return
            buf += chunk
            while True:
                nl = buf.find(b"\n")
                if nl < 0:
                    break
                line = buf[:nl]
                buf = buf[nl + 1:]
                if line.endswith(b"\r"):
                    line = line[:-1]
                text = line.decode("utf-8")
                if text == "":
                    # Per the SSE spec an event is dispatched only with data
                    # (a lone `retry:` block is not an event).
                    if data_lines:
                        self._dispatch(fields, data_lines)
                    fields = {}
                    data_lines = []
                elif text.startswith(":"):
                    self.n_comments += 1
                else:
                    name, _, value = text.partition(":")
                    if value.startswith(" "):
                        value = value[1:]
                    if name == "data":
                        data_lines.append(value)
                    else:
                        fields[name] = value

    def _dispatch(self, fields, data_lines):
        data = "\n".join(data_lines)
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = None
        ev = {"id": fields.get("id"), "event": fields.get("event"),
              "data": data, "json": parsed}
        self.received.append(ev)
        self.events.put(ev)

    def wait_for(self, predicate, timeout=15.0, what="an event"):
        """Returns the first event (from now on) satisfying predicate; events
        read past are kept in .received."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    "stream: timed out waiting for %s; error=%r; received=%s"
                    % (what, self.error,
                       [(e["id"], e["event"]) for e in self.received]))
            try:
                ev = self.events.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.finished.is_set() and self.events.empty():
                    raise AssertionError(
                        "stream ended while waiting for %s: status=%s "
                        "error=%r" % (what, getattr(self.response,
                                                    "status_code", None),
                                      self.error))
                continue
            if predicate(ev):
                return ev

    def close(self):
        self._closing = True
        r = self.response
        if r is not None:
            # Unblock a recv() waiting in the reader thread.
            try:
                sock = r.raw._fp.fp.raw._sock
                sock.shutdown(socket.SHUT_RDWR)
            except Exception:
                pass
            try:
                r.close()
            except Exception:
                pass
        self._thread.join(10)
