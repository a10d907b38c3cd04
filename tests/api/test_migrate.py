"""`docket migrate --from sqlite:PATH --to postgresql://…` (issue 4): a
populated SQLite installation moves to PostgreSQL with everything in it —
users and sign-ins, tickets, threads, attachments, history — verified by
counts and checksums, and the PostgreSQL side carries on numbering where
SQLite stopped. Runs in the PostgreSQL pass of the suite."""
import os
import subprocess

import pytest

import harness
from harness import unique

pytestmark = pytest.mark.skipif(
    os.environ.get("DOCKET_TEST_BACKEND", "sqlite") != "pg",
    reason="needs the PostgreSQL cluster of the suite's PostgreSQL pass")


def migrate(source, target, expect=0):
    p = subprocess.run([str(harness.binary_path()), "migrate", "--from",
                        source, "--to", target], capture_output=True,
                       text=True, timeout=300, stdin=subprocess.DEVNULL)
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in p.stderr, p.stderr
    assert p.returncode == expect, (p.stdout, p.stderr)
    return p.stdout, p.stderr


def populate(server):
    """A small but complete help desk; returns what the API showed."""
    admin = server.admin()
    agent_user = server.create_user(kind="agent", name="Agent Ann")
    group = admin.post("/groups", json={"name": unique("Support "),
                                        "members": [agent_user["id"]]}).json()
    up = admin.request("POST", "/attachments?name=report.pdf",
                       data=b"%PDF-1.4 binary \x00\x01\x02\xff bytes",
                       headers={"Content-Type": "application/pdf"}).json()
    tickets = []
    for i in range(12):
        t = admin.create_ticket(
            subject="Ticket %d Žluťoučký принтер" % i,
            description="line one\nline two",
            requester={"email": "cust%d@example.com" % (i % 3)},
            tags=["vip", "t%d" % i], group_id=group["id"],
            assignee_id=agent_user["id"] if i % 2 else None,
            deadline="2026-12-%02dT10:00:00Z" % (i + 1))
        admin.post_message(t["number"], "reply %d" % i)
        admin.post_message(t["number"], "note %d" % i, kind="note")
        tickets.append(t["number"])
    admin.post_message(tickets[0], "with a file", attachments=[up["id"]])
    admin.patch("/tickets/%d" % tickets[1], json={"status": "closed"})
    admin.delete("/tickets/%d" % tickets[2])
    return {
        "tickets": admin.all_tickets(sort="number"),
        "messages": admin.messages(tickets[0]),
        "events": admin.events(tickets[1]),
        "users": admin.get("/users", params={"limit": 500}).json()["items"],
        "attachment": up,
    }


def comparable(tickets):
    """Tickets without the per-reader field."""
    return [{k: v for k, v in t.items() if k != "unread"} for t in tickets]


def test_sqlite_installation_moves_to_postgresql(tmp_path):
    source = harness.Server(tmp_path / "sqlite", is_sqlite=True).start()
    try:
        before = populate(source)
    finally:
        problems = source.stop()
    assert not problems, problems
    target_url = harness.PG_CLUSTER.create_database()
    out, _ = migrate("sqlite:%s" % source.db_path, target_url)
    assert "migrated and verified 17 tables" in out
    assert "tickets                    11 rows" in out
    node = harness.Server(tmp_path / "pg", pg_url=target_url).start()
    try:
        admin = node.admin()  # the same admin password signs in
        assert comparable(admin.all_tickets(sort="number")) == comparable(
            before["tickets"])
        number = before["tickets"][0]["number"]
        assert admin.messages(number) == before["messages"]
        assert admin.events(before["tickets"][1]["number"]) == before[
            "events"]
        users = admin.get("/users", params={"limit": 500}).json()["items"]
        assert users == before["users"]
        r = admin.get("/attachments/%d" % before["attachment"]["id"])
        assert r.content == b"%PDF-1.4 binary \x00\x01\x02\xff bytes"
        # Numbering and ids carry on after the copied rows.
        new = admin.create_ticket(subject="first on PostgreSQL")
        assert new["number"] == 13
        created = node.create_user(kind="customer")
        assert created["id"] > max(u["id"] for u in before["users"])
        # Search works on the moved text.
        found = admin.list_tickets(q="ZLUTOUCKY")["total"]
        assert found == 11
    finally:
        problems = node.stop()
    assert not problems, problems
    # A second run refuses: the target is no longer empty.
    _, err = migrate("sqlite:%s" % source.db_path, target_url, expect=1)
    assert "already holds users or tickets" in err


def test_bad_arguments_are_usage_errors(tmp_path):
    _, err = migrate("mysql://x", "sqlite:/tmp/x.db", expect=64)
    assert "usage: docket migrate" in err
    p = subprocess.run([str(harness.binary_path()), "migrate", "--from",
                        "sqlite:x"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 64
