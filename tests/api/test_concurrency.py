"""Concurrent writers share commits (group commit, src/store/batch.c): a
writer that fails inside a shared batch takes nothing of the others with it,
and every acknowledged write is there afterwards, on both backends."""
import concurrent.futures

import harness


def test_concurrent_creates_with_failures_in_between(start_server):
    server = start_server()
    admin = server.admin()
    api = harness.Api(server.base_url, token=server.token_client(admin).token)

    def create(i):
        bad = i % 3 == 0
        body = {"subject": "c%d" % i,
                "priority": "no-such-priority" if bad else "major"}
        r = api.session.post(api.url("/tickets"), json=body, timeout=60)
        return i, bad, r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(create, range(150)))
    good = [(i, body) for i, bad, status, body in results if not bad]
    for i, bad, status, body in results:
        assert status == (422 if bad else 201), (i, status, body)
    numbers = sorted(body["number"] for _, body in good)
    # Failed writers rolled back their savepoints: no gaps in the numbers.
    assert numbers == list(range(1, len(good) + 1))
    stored = {t["number"]: t["subject"] for t in api.all_tickets()}
    assert stored == {body["number"]: "c%d" % i for i, body in good}
    assert all(t["priority"] == "major" for t in api.all_tickets())


def test_many_searches_at_once_all_answer_and_writes_go_on(start_server):
    """Full-text searches take turns (a few at a time, core/core.c): the
    ones that fail inside their turn give it back, the waiting ones hold no
    database connection, so writes between them are not held up, and every
    search answers the same as alone."""
    server = start_server()
    admin = server.admin()
    api = harness.Api(server.base_url, token=server.token_client(admin).token)
    word = harness.unique("turns")
    for i in range(30):
        api.create_ticket(subject="%s %d" % (word, i))

    def search(i):
        params = {"q": word, "limit": 7}
        if i % 4 == 0:
            params["status"] = "no-such-status"  # refused inside the turn
        r = api.session.get(api.url("/tickets"), params=params, timeout=60)
        return i, r.status_code, r.json()

    def create(i):
        r = api.session.post(api.url("/tickets"), json={"subject": "w%d" % i},
                             timeout=60)
        return r.status_code

    with concurrent.futures.ThreadPoolExecutor(48) as pool:
        searches = [pool.submit(search, i) for i in range(120)]
        writes = [pool.submit(create, i) for i in range(40)]
        results = [f.result() for f in searches]
        assert [f.result() for f in writes] == [201] * 40
    for i, status, body in results:
        if i % 4 == 0:
            assert status == 422, (i, status, body)
        else:
            assert status == 200, (i, status, body)
            assert body["total"] == 30
            assert len(body["items"]) == 7
