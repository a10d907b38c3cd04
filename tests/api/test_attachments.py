"""Attachments: upload, download, who may read them, on messages and new
tickets (docs/api.md Attachments, Tickets)."""
import hashlib
import json
import os

import pytest

from harness import expect_error, raw_request, unique

MAX_BYTES = 10 * 1024 * 1024


def upload(api, data, name="file.bin", ctype="application/octet-stream",
           **kw):
    r = api.post("/attachments", params={"name": name}, data=data,
                 headers={"Content-Type": ctype}, **kw)
    assert r.status_code == 201, r.text
    return r.json()


def download(api, att_id):
    return api.get("/attachments/%d" % att_id)


def test_upload_returns_metadata(server, agent):
    data = b"%PDF-1.4 fake pdf " + os.urandom(100)
    r = agent.post("/attachments?name=report.pdf", data=data,
                   headers={"Content-Type": "application/pdf"})
    assert r.status_code == 201
    a = r.json()
    assert a["name"] == "report.pdf"
    assert a["type"] == "application/pdf"
    assert a["size"] == len(data)
    assert a["sha256"] == hashlib.sha256(data).hexdigest()


def test_download_returns_bytes_with_safe_headers(server, agent):
    data = os.urandom(5000)
    a = upload(agent, data, name="photo.png", ctype="image/png")
    r = download(agent, a["id"])
    assert r.status_code == 200
    assert r.content == data
    assert r.headers["Content-Type"].split(";")[0] == "image/png"
    assert r.headers["Content-Disposition"].lower().startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]


def test_name_from_content_disposition(server, agent):
    r = agent.post("/attachments", data=b"hello",
                   headers={"Content-Type": "text/plain",
                            "Content-Disposition":
                                'attachment; filename="notes.txt"'})
    assert r.status_code == 201
    assert r.json()["name"] == "notes.txt"


def test_unicode_name_round_trips(server, agent):
    a = upload(agent, b"data", name="отчёт Žluťoučký.txt", ctype="text/plain")
    assert a["name"] == "отчёт Žluťoučký.txt"
    r = download(agent, a["id"])
    assert r.status_code == 200
    assert r.content == b"data"


@pytest.mark.parametrize("ctype", ["text/html", "image/svg+xml",
                                   "application/xhtml+xml", "text/xml",
                                   "application/xml", "text/javascript",
                                   "application/javascript",
                                   "TEXT/HTML; charset=utf-8"])
def test_scriptable_types_are_served_as_octet_stream(server, agent, ctype):
    data = b"<html><script>alert(1)</script></html>"
    a = upload(agent, data, name="page.html", ctype=ctype)
    r = download(agent, a["id"])
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0].strip().lower() == \
        "application/octet-stream"
    assert r.content == data
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_empty_upload_is_422(server, agent):
    r = agent.post("/attachments?name=empty.txt", data=b"",
                   headers={"Content-Type": "text/plain"})
    expect_error(r, 422, "validation_failed")


def test_upload_over_json_limit_is_fine(server, agent):
    data = os.urandom(2 * 1024 * 1024)
    a = upload(agent, data, name="big.bin")
    assert a["size"] == len(data)
    assert download(agent, a["id"]).content == data


def test_upload_at_limit_is_accepted_and_over_is_413(server, agent):
    data = b"\0" * MAX_BYTES
    a = upload(agent, data, name="max.bin")
    assert a["size"] == MAX_BYTES
    headers = {"Content-Type": "application/octet-stream",
               "X-CSRF-Token": agent.csrf_token,
               "Cookie": "docket_session=" +
                         agent.session.cookies["docket_session"]}
    status, _, body = raw_request(server.port, "POST",
                                  "/api/v1/attachments?name=over.bin",
                                  headers, data + b"\0")
    assert status == 413, body[:300]
    assert json.loads(body)["error"]["code"] == "too_large"


def test_upload_over_limit_chunked_is_413(server, agent):
    headers = {"Content-Type": "application/octet-stream",
               "X-CSRF-Token": agent.csrf_token,
               "Cookie": "docket_session=" +
                         agent.session.cookies["docket_session"]}
    status, _, body = raw_request(server.port, "POST",
                                  "/api/v1/attachments?name=over.bin",
                                  headers, b"\1" * (MAX_BYTES + 1),
                                  chunked=True)
    assert status == 413, body[:300]


def test_identical_content_has_one_hash(server, agent, agent2):
    data = unique("same content").encode()
    a = upload(agent, data, name="a.txt", ctype="text/plain")
    b = upload(agent2, data, name="b.txt", ctype="text/plain")
    assert a["sha256"] == b["sha256"]
    assert a["id"] != b["id"]
    assert (a["name"], b["name"]) == ("a.txt", "b.txt")
    assert download(agent, a["id"]).content == data
    assert download(agent2, b["id"]).content == data


def test_upload_by_cookie_needs_csrf(server, agent):
    r = agent.post("/attachments?name=x.txt", data=b"x",
                   headers={"Content-Type": "text/plain"}, csrf=False)
    expect_error(r, 403, "forbidden")


@pytest.mark.parametrize("path", ["/attachments/99999999", "/attachments/0",
                                  "/attachments/abc",
                                  "/attachments/99999999999999999999"])
def test_unknown_attachment_is_404(server, agent, path):
    expect_error(agent.get(path), 404, "not_found")


def test_unlinked_attachment_is_only_for_its_uploader(server, agent, agent2,
                                                      customer):
    a = upload(agent, b"private draft", name="draft.txt", ctype="text/plain")
    assert download(agent, a["id"]).status_code == 200
    expect_error(download(agent2, a["id"]), 404, "not_found")
    expect_error(download(customer, a["id"]), 404, "not_found")


def test_attachment_on_reply_is_readable_by_who_reads_the_reply(
        server, agent, agent2, customer, customer_user, customer2):
    t = agent.create_ticket(requester_id=customer_user["id"])
    data = os.urandom(300)
    a = upload(agent, data, name="invoice.pdf", ctype="application/pdf")
    m = agent.post_message(t["number"], "see attached",
                           attachments=[a["id"]])
    assert [(x["id"], x["name"], x["type"], x["size"])
            for x in m["attachments"]] == \
        [(a["id"], "invoice.pdf", "application/pdf", 300)]
    listed = [x for x in agent.messages(t["number"]) if x["id"] == m["id"]]
    assert [x["id"] for x in listed[0]["attachments"]] == [a["id"]]
    assert download(agent2, a["id"]).content == data
    assert download(customer, a["id"]).content == data
    expect_error(download(customer2, a["id"]), 404, "not_found")


def test_attachment_on_note_is_hidden_from_customer(server, agent, agent2,
                                                    customer, customer_user):
    t = agent.create_ticket(requester_id=customer_user["id"])
    a = upload(agent, b"internal", name="internal.txt", ctype="text/plain")
    agent.post_message(t["number"], "internal file", kind="note",
                       attachments=[a["id"]])
    assert download(agent2, a["id"]).status_code == 200
    expect_error(download(customer, a["id"]), 404, "not_found")


def test_customer_attaches_to_own_ticket(server, agent, customer):
    a = upload(customer, b"screenshot bytes", name="shot.png",
               ctype="image/png")
    t = customer.create_ticket(subject="see screenshot")
    m = customer.post_message(t["number"], "here", kind=None,
                              attachments=[a["id"]])
    assert [x["id"] for x in m["attachments"]] == [a["id"]]
    assert download(agent, a["id"]).content == b"screenshot bytes"


def test_ticket_created_with_attachments(server, agent, agent2):
    a = upload(agent, b"log line 1\nlog line 2\n", name="app.log",
               ctype="text/plain")
    t = agent.create_ticket(subject="crash", description="log attached",
                            attachments=[a["id"]])
    thread = agent.messages(t["number"])
    carrying = [m for m in thread
                if a["id"] in [x["id"] for x in m["attachments"]]]
    assert len(carrying) == 1
    assert carrying[0] == thread[0]
    assert download(agent2, a["id"]).status_code == 200


def test_someone_elses_unlinked_attachment_cannot_be_used(server, agent,
                                                          agent2):
    a = upload(agent2, b"theirs", name="theirs.txt", ctype="text/plain")
    t = agent.create_ticket()
    before = agent.messages(t["number"])
    r = agent.post("/tickets/%d/messages" % t["number"],
                   json={"kind": "reply", "body": "steal",
                         "attachments": [a["id"]]})
    assert r.status_code in (404, 422), r.text
    if r.status_code == 422:
        expect_error(r, 422, "validation_failed", "attachments")
    assert agent.messages(t["number"]) == before
    expect_error(download(agent, a["id"]), 404, "not_found")


def test_attachment_in_use_cannot_be_moved(server, agent, customer,
                                           customer_user, customer2):
    t = agent.create_ticket(requester_id=customer_user["id"])
    a = upload(agent, b"first home", name="f.txt", ctype="text/plain")
    agent.post_message(t["number"], "one", attachments=[a["id"]])
    # A customer who cannot read that message cannot claim the file.
    own = customer2.create_ticket(subject="mine")
    r = customer2.post("/tickets/%d/messages" % own["number"],
                       json={"body": "grab", "attachments": [a["id"]]})
    assert r.status_code in (404, 422), r.text
    expect_error(download(customer2, a["id"]), 404, "not_found")


def test_odd_names_never_break_the_download(server, agent):
    for name in ['a"b.txt', "a;b=c.txt", "../../etc/passwd", "x\\y.txt",
                 "new\u2028line.txt", "tab\tname.txt"]:
        r = agent.post("/attachments", params={"name": name}, data=b"odd",
                       headers={"Content-Type": "text/plain"})
        assert r.status_code in (201, 422), (name, r.text)
        if r.status_code == 201:
            d = download(agent, r.json()["id"])
            assert d.status_code == 200
            assert d.content == b"odd"
            cd = d.headers["Content-Disposition"]
            assert "\n" not in cd and "\r" not in cd
