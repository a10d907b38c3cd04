"""test_cli.py — the administration commands (docket user|token …) and the
server's command line and configuration, run as real processes on a
throwaway database. Sanitizer output on stderr fails the test."""
import os
import subprocess

import pytest
import requests

import harness

SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def run(args, db=None, env=None, expect=0, cwd=None):
    """Runs the binary; asserts the exit status; returns (stdout, stderr)."""
    cmd = [str(harness.binary_path())] + list(args)
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                       env=full_env, stdin=subprocess.DEVNULL, cwd=cwd)
    for marker in SANITIZER:
        assert marker not in p.stderr, p.stderr
    assert p.returncode == expect, (p.returncode, p.stdout, p.stderr)
    return p.stdout, p.stderr


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.db"


def test_user_add_list_and_passwd(db):
    out, _ = run(["user", "add", "--email", "Ann@Example.com", "--name",
                  "Ann", "--role", "supervisor", "--password", "password-1"],
                 db)
    user_id, email, kind, role = out.strip().split("\t")
    assert (email, kind, role) == ("Ann@Example.com", "agent", "supervisor")
    assert int(user_id) >= 1
    run(["user", "add", "--email", "cust@example.com", "--kind", "customer"],
        db)
    out, _ = run(["user", "list"], db)
    rows = [line.split("\t") for line in out.strip().splitlines()]
    assert [r[1] for r in rows] == ["Ann@Example.com", "cust@example.com"]
    assert rows[1][2] == "cust"  # name defaults to the local part
    out, _ = run(["user", "list", "--kind", "customer"], db)
    assert [line.split("\t")[1] for line in out.strip().splitlines()] == [
        "cust@example.com"]
    out, _ = run(["user", "passwd", "--email", "ann@example.com",
                  "--password", "password-2"], db)
    assert "password changed" in out


def test_user_add_rejects_duplicates_and_bad_values(db):
    run(["user", "add", "--email", "a@example.com"], db)
    _, err = run(["user", "add", "--email", "A@EXAMPLE.COM"], db, expect=1)
    assert "already exists" in err
    _, err = run(["user", "add", "--email", "not-an-email"], db, expect=1)
    assert "not an email address" in err
    _, err = run(["user", "add", "--email", "b@example.com", "--role",
                  "boss"], db, expect=1)
    assert "role" in err
    _, err = run(["user", "add", "--email", "c@example.com", "--password",
                  "short"], db, expect=1)
    assert "at least 8" in err
    _, err = run(["user", "add"], db, expect=64)
    assert "--email is required" in err
    _, err = run(["user", "add", "--email", "d@example.com", "--colour",
                  "red"], db, expect=64)
    assert "unknown option '--colour'" in err
    _, err = run(["user", "passwd", "--email", "nobody@example.com",
                  "--password", "password-3"], db, expect=1)
    assert "no user" in err


def test_unknown_commands_are_usage_errors(db):
    _, err = run(["frobnicate"], expect=64)
    assert "unknown command 'frobnicate'" in err
    _, err = run(["user", "explode"], db, expect=64)
    assert "unknown command 'explode'" in err
    _, err = run([], expect=64)
    assert "usage: docket" in err
    out, _ = run(["serve", "--help"])
    assert "--listen" in out and "DOCKET_DB" in out


COMMANDS = [["serve"], ["user", "add"], ["user", "list"], ["user", "passwd"],
            ["token", "create"], ["token", "revoke"], ["migrate"]]
NO_DB_ENV = ("DOCKET_DB", "DOCKET_PG", "DOCKET_CONFIG")


@pytest.mark.parametrize("args", COMMANDS + [["user"], ["token"], []],
                         ids=lambda a: " ".join(a) or "docket")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_opens_no_database(tmp_path, monkeypatch, args,
                                                 flag):
    for k in NO_DB_ENV:
        monkeypatch.delenv(k, raising=False)
    out, err = run(args + [flag], cwd=tmp_path)
    assert out.startswith("usage"), out
    assert "docket" in out and err == ""
    if args[1:]:
        assert " ".join(args) in out  # the subcommand's own usage
    assert list(tmp_path.iterdir()) == []  # no ./docket.db


@pytest.mark.parametrize("args", [
    ["user", "add", "--email", "a@example.com", "--colour", "red"],
    ["user", "add", "--bogus"], ["user", "list", "--bogus", "x"],
    ["user", "passwd", "--email", "a@example.com"],
    ["token", "create", "--email", "a@example.com", "--bogus", "x"],
    ["token", "create"], ["token", "revoke", "1", "--bogus", "x"],
    ["token", "revoke"], ["token", "revoke", "abc"],
    ["serve", "--bogus"], ["migrate", "--bogus", "x"]],
    ids=lambda a: " ".join(a))
def test_usage_mistake_exits_64_with_usage_and_creates_no_database(
        tmp_path, monkeypatch, args):
    for k in NO_DB_ENV:
        monkeypatch.delenv(k, raising=False)
    out, err = run(args, cwd=tmp_path, expect=64)
    assert out == ""
    assert "usage: docket " + args[0] in err, err
    assert list(tmp_path.iterdir()) == []  # no ./docket.db


def test_serve_rejects_bad_configuration(tmp_path):
    _, err = run(["serve", "--listen", "nonsense"], tmp_path / "x.db",
                 expect=1)
    assert "host:port" in err
    _, err = run(["serve", "--threads", "0"], tmp_path / "x.db", expect=64)
    assert "'threads' must be 1–64" in err
    _, err = run(["serve", "--bogus"], tmp_path / "x.db", expect=64)
    assert "unknown option '--bogus'" in err
    config = tmp_path / "docket.conf"
    config.write_text("# comment\nlisten = 127.0.0.1:1\ncolour = red\n")
    _, err = run(["serve", "--config", str(config)], expect=64)
    assert "config line 3: unknown key 'colour'" in err
    config.write_text("threads = lots\n")
    _, err = run(["serve", "--config", str(config)], expect=64)
    assert "config line 1" in err
    _, err = run(["serve", "--config", str(tmp_path / "missing.conf")],
                 expect=64)
    assert "cannot open" in err
    _, err = run(["serve"], env={"DOCKET_THREADS": "-3"}, expect=64)
    assert "DOCKET_THREADS" in err


def test_tokens_created_and_revoked_on_the_command_line(start_server):
    server = start_server()
    store = server.store_args()
    out, err = run(["token", "create", "--email", harness.ADMIN_EMAIL,
                    "--name", "ci"] + store)
    token = out.strip()
    assert token.startswith("dk_") and "shown only once" in err
    token_id = int(err.split("token ")[1].split(" ")[0])
    api = harness.Api(server.base_url, token=token)
    assert api.get("/me").json()["email"] == harness.ADMIN_EMAIL
    run(["token", "revoke", str(token_id)] + store)
    r = requests.get(server.base_url + "/api/v1/me",
                     headers={"Authorization": "Bearer " + token}, timeout=30)
    assert r.status_code == 401
    _, err = run(["token", "revoke", "abc"] + store, expect=64)
    _, err = run(["token", "revoke", "999"] + store, expect=1)
    assert "not found" in err
    _, err = run(["token", "create", "--email", "nobody@example.com"] + store,
                 expect=1)


def test_password_set_on_the_command_line_signs_in(start_server):
    server = start_server()
    store = server.store_args()
    run(["user", "add", "--email", "bo@example.com", "--password",
         "first-password"] + store)
    api = harness.Api(server.base_url)
    api.login("bo@example.com", "first-password")
    run(["user", "passwd", "--email", "bo@example.com", "--password",
         "second-password"] + store)
    r = requests.post(server.base_url + "/api/v1/auth/login",
                      json={"email": "bo@example.com",
                            "password": "first-password"}, timeout=30)
    assert r.status_code == 401
    harness.Api(server.base_url).login("bo@example.com", "second-password")


def test_first_start_prints_a_generated_admin_password(tmp_path):
    port = harness.free_port()
    env = dict(os.environ)
    env.pop("DOCKET_ADMIN_PASSWORD", None)
    env["DOCKET_ADMIN_EMAIL"] = "boss@example.com"
    proc = subprocess.Popen(
        [str(harness.binary_path()), "serve", "--listen",
         "127.0.0.1:%d" % port, "--db", str(tmp_path / "first.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert "created admin account boss@example.com with password" in line
        password = line.strip().rsplit(" ", 1)[1]
        base = "http://127.0.0.1:%d" % port
        harness.wait_until(lambda: _healthy(base), what="server start")
        r = requests.post(base + "/api/v1/auth/login",
                          json={"email": "boss@example.com",
                                "password": password}, timeout=30)
        assert r.status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    for marker in SANITIZER:
        assert marker not in err


def _healthy(base):
    try:
        return requests.get(base + "/api/v1/health", timeout=5).ok
    except requests.ConnectionError:
        return False
