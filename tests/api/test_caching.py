"""The response cache of public reads: what it serves is always what the database says at
the article's current moderation version, in every worker, with or without Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask

from service.api.caching import response_cache
from service.extensions import db
from service.schemas.public import CountsOut
from service.schemas.public import ReviewsOut
from service.schemas.public import ThreadOut
from service.usecases import read
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api
from tests.servers import gunicorn
from tests.servers import server_env

REDIS = "redis://127.0.0.1:6379/0"


def ids(thread: dict[str, Any]) -> list[int]:
    found: list[int] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            found.append(item["id"])
            walk(item["replies"])

    walk(thread["items"])
    return found


def test_a_cached_thread_follows_every_moderation_change_at_once(app: Flask, api: Api) -> None:
    first = api.approved_comment(body="first")
    reply = api.approved_comment(body="reply", parent_id=first)
    assert ids(api.thread()) == [first, reply]
    assert ids(api.thread()) == [first, reply]  # now from the cache
    assert len(response_cache(app)) == 1

    pending = api.comment(body="waiting")["id"]
    assert ids(api.thread()) == [first, reply]  # a pending entry is never served
    api.act(pending, "approve")
    assert ids(api.thread()) == [first, reply, pending]
    api.act(reply, "reject")
    assert ids(api.thread()) == [first, pending]
    api.act(first, "spam")
    assert ids(api.thread()) == [pending]
    api.client.delete(f"{V1}/admin/entries/{pending}", headers=ALICE)
    assert ids(api.thread()) == []


def test_cached_reviews_follow_moderation_and_keep_the_summary_exact(api: Api) -> None:
    kept = api.approved_review(rating=5)
    assert api.get("/articles/a1/reviews")["summary"]["count"] == 1
    later = api.approved_review(rating=1, email="other@example.org")
    page = api.get("/articles/a1/reviews")
    assert [r["id"] for r in page["items"]] == [later, kept]
    assert page["summary"] == {"average": 3.0, "count": 2, "histogram": {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}}
    api.act(later, "reject")
    page = api.get("/articles/a1/reviews")
    assert [r["id"] for r in page["items"]] == [kept]
    assert page["summary"]["count"] == 1


def test_a_cache_hit_keeps_etag_cache_control_and_304(api: Api) -> None:
    api.approved_comment()
    first = api.client.get(f"{V1}/articles/a1/comments")
    second = api.client.get(f"{V1}/articles/a1/comments")
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Cache-Control"] == second.headers["Cache-Control"]
    assert second.mimetype == "application/json"
    again = api.client.get(f"{V1}/articles/a1/comments", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("kind", ["comments", "reviews"])
def test_a_304_answered_before_the_query_is_parsed_is_never_stale(api: Api, kind: str) -> None:
    """The first page without a query string is revalidated before its arguments are
    parsed: it matches exactly the ETag the full path gives, with the same headers, and
    no longer once anything is published."""
    publish = api.approved_comment if kind == "comments" else api.approved_review
    publish()
    page = f"{V1}/articles/a1/{kind}"
    first = api.client.get(page)
    early = api.client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    parsed = api.client.get(f"{page}?limit=50", headers={"If-None-Match": first.headers["ETag"]})
    assert (early.status_code, parsed.status_code) == (304, 304)
    assert early.headers["ETag"] == first.headers["ETag"]
    assert early.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert early.headers["X-Request-ID"] and not early.data
    publish(body="Something new.", email="second@example.org")
    fresh = api.client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]
    assert fresh.data == api.client.get(page).data
    assert api.client.get(page, headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304
    bad = api.client.get(f"{V1}/articles/bad%20id/{kind}", headers={"If-None-Match": first.headers["ETag"]})
    assert bad.status_code == 400


def test_pages_and_cursors_have_entries_of_their_own(api: Api) -> None:
    made = [api.approved_comment(body=f"c{i}") for i in range(3)]
    page1 = api.thread(limit=2)
    page2 = api.thread(limit=2, cursor=page1["next_cursor"])
    assert ids(page1) == made[:2] and ids(page2) == made[2:]
    assert ids(api.thread(limit=1)) == made[:1]
    assert api.get("/articles/a1/comments?cursor=forged", expect=400)["error"]["code"]


def test_fast_serialization_is_exactly_the_schemas_dump(app: Flask, api: Api) -> None:
    """The views write JSON without marshmallow; the schemas still describe it exactly."""
    first = api.approved_comment(body="<b>bold</b> https://example.org and <script>x</script>")
    api.approved_comment(parent_id=first, author="Zoë")
    api.approved_comment()
    api.approved_review(rating=3, title="Ünïcode ✓")
    api.approved_review(rating=5, email="x@example.org")
    key = b"test-secret"
    with app.test_request_context():
        page = read.thread(key, "a1", 2, None)
        settings = {
            "reaction_label": "Respect",
            "poll_seconds": 30,
            "comment_order": "oldest",
            "review_order": "newest",
        }
        state = {"closed": False, "commenting": "anyone", "login_url": None, "edit_window_minutes": 15}
        thread = {"order": "oldest", "settings": settings, **vars(page), **state}
        assert api.thread(limit=2) == ThreadOut().dump(thread)
        reviews = read.reviews(key, "a1", 50, None)
        summary = read.rating_summary("a1")
        listed = {"items": reviews.items, "next_cursor": None, "summary": summary, "order": "newest"}
        expected = ReviewsOut().dump(listed)
        assert api.get("/articles/a1/reviews") == expected
        counts = read.counts(["a1", "empty"])
        assert api.counts("a1") == CountsOut().dump(counts["a1"])
        assert api.counts("empty") == CountsOut().dump(counts["empty"])
        batch = api.get("/counts?article_id=a1&article_id=empty")
        assert batch == {"counts": {a: CountsOut().dump(c) for a, c in counts.items()}}


def test_an_lru_bounded_in_bytes_drops_the_oldest_pages(make_app: Callable[..., Flask]) -> None:
    app = make_app(RESPONSE_CACHE_BYTES=8000)
    cache = response_cache(app)
    for i in range(10):
        cache.put(f"k{i}", b"x" * 900)
    assert cache.get("k0") is None and cache.get("k9") == b"x" * 900
    assert len(cache) == 8
    cache.put("huge", b"x" * 5000)  # over an eighth of the budget: not kept
    assert cache.get("huge") is None


def test_entries_expire_after_the_ttl(make_app: Callable[..., Flask]) -> None:
    cache = response_cache(make_app(RESPONSE_CACHE_TTL=0))
    cache.put("k", b"body")
    assert cache.get("k") is None


# -- shared through Redis -------------------------------------------------------------------


@pytest.fixture
def redis_apps(make_app: Callable[..., Flask]) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database and one Redis namespace: two workers, as gunicorn runs them."""
    namespace = f"test-{uuid.uuid4().hex}"
    yield (
        make_app(REDIS_URL=REDIS, RESPONSE_CACHE_NAMESPACE=namespace),
        make_app(REDIS_URL=REDIS, RESPONSE_CACHE_NAMESPACE=namespace),
    )


def test_a_page_built_by_one_worker_is_served_by_the_other(
    redis_apps: tuple[Flask, Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = redis_apps
    api_one, api_two = Api(one.test_client()), Api(two.test_client())
    first = api_one.approved_comment()
    built = api_one.thread()

    def no_database_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the page should come from the shared cache")

    with monkeypatch.context() as patch:
        patch.setattr(read, "thread", no_database_read)
        assert api_two.thread() == built
    # A change through one worker is seen at once by the other: a new version, a new key.
    api_one.act(first, "reject")
    assert api_two.thread()["items"] == []
    assert api_one.thread()["items"] == []


def test_without_redis_reads_still_work(make_app: Callable[..., Flask]) -> None:
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", RESPONSE_CACHE_NAMESPACE=uuid.uuid4().hex)
    api = Api(app.test_client())
    first = api.approved_comment()
    assert ids(api.thread()) == [first]
    assert ids(api.thread()) == [first]
    api.act(first, "reject")
    assert ids(api.thread()) == []


@pytest.mark.server
def test_two_gunicorn_workers_sharing_redis_never_serve_an_unpublished_comment(app: Flask, database_url: str) -> None:
    article = f"cache-{uuid.uuid4().hex[:12]}"  # keys of its own in the shared Redis
    env = {**server_env(database_url), "COMMENTS_REDIS_URL": REDIS}
    with gunicorn(env, workers=2) as base, requests.Session() as http:
        url = f"{base}{V1}/articles/{article}/comments"
        admin = {"Authorization": ALICE["Authorization"]}

        def submit(text: str) -> int:
            response = http.post(url, json={"author": "Ann", "body": text}, timeout=10)
            assert response.status_code == 202, response.text
            return int(response.json()["id"])

        def act(entry_id: int, action: str) -> None:
            response = http.post(f"{base}{V1}/admin/entries/{entry_id}/{action}", headers=admin, timeout=10)
            assert response.status_code == 200, response.text

        def served() -> set[tuple[int, ...]]:
            # Fresh connections: gunicorn's sync workers close each one, so both workers answer.
            return {tuple(ids(requests.get(url, timeout=10).json())) for _ in range(12)}

        first = submit("The first comment")
        act(first, "approve")
        assert served() == {(first,)}
        second = submit("A second comment")
        assert served() == {(first,)}  # pending: nowhere
        act(second, "approve")
        assert served() == {(first, second)}
        act(first, "reject")
        assert served() == {(second,)}
    with app.app_context():
        db.engine.dispose()
