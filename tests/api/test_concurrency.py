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
