"""Every list takes `limit` (default 50, 1–500) and `cursor` and answers
{"items","total","next_cursor"} (shared/API.md, Conventions: Lists) — also
the short ones: statuses, priorities, groups, tokens, users."""
import pytest

from harness import expect_error, unique

SHORT_LISTS = ["/statuses", "/priorities", "/groups", "/tokens", "/users"]


@pytest.fixture(scope="module")
def populated(server, admin):
    """At least three of everything, so that limit=1 needs three pages."""
    for _ in range(3):
        key = unique("k").lower()
        assert admin.post("/statuses", json={"key": key, "name": key,
                                             "category": "open"}
                          ).status_code == 201
        assert admin.post("/priorities", json={"key": key, "name": key}
                          ).status_code == 201
        assert admin.post("/groups", json={"name": unique("Group ")}
                          ).status_code == 201
        assert admin.post("/tokens", json={"name": unique("t")}
                          ).status_code == 201
        server.create_user()
    return admin


def key_of(item):
    return item.get("key", item.get("id"))


@pytest.mark.parametrize("path", SHORT_LISTS)
def test_pages_of_one_walk_the_whole_list_in_order(server, populated, path):
    whole = populated.get(path)
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["next_cursor"] is None
    assert body["total"] == len(body["items"]) >= 3
    first = populated.get(path, params={"limit": 1})
    assert first.status_code == 200, first.text
    assert len(first.json()["items"]) == 1
    assert first.json()["total"] == body["total"]
    assert first.json()["next_cursor"] is not None
    paged = populated.all_pages(path, limit=1)
    assert [key_of(x) for x in paged] == [key_of(x) for x in body["items"]]


@pytest.mark.parametrize("path", SHORT_LISTS)
def test_limit_bounds(server, populated, path):
    assert populated.get(path, params={"limit": 500}).status_code == 200
    for bad in ("0", "501", "-1", "ten", ""):
        expect_error(populated.get(path, params={"limit": bad}), 422,
                     field="limit")


@pytest.mark.parametrize("path", SHORT_LISTS)
def test_forged_cursor_is_422(server, populated, path):
    expect_error(populated.get(path, params={"cursor": "bm9wZQ"}), 422,
                 field="cursor")
    expect_error(populated.get(path, params={"cursor": "x" * 5000}), 422,
                 field="cursor")


@pytest.mark.parametrize("path,other", [("/statuses", "/priorities"),
                                        ("/priorities", "/groups"),
                                        ("/groups", "/tokens"),
                                        ("/tokens", "/statuses")])
def test_cursor_of_another_list_is_422(server, populated, path, other):
    cursor = populated.get(path, params={"limit": 1}).json()["next_cursor"]
    expect_error(populated.get(other, params={"cursor": cursor}), 422,
                 field="cursor")


def test_unknown_list_parameter_is_still_422(server, populated):
    for path in SHORT_LISTS:
        expect_error(populated.get(path, params={"colour": "red"}), 422,
                     field="colour")
