"""Reactions, the public orders, editors' picks and the reply counts behind them, on both
databases: each order is checked against a reference order computed here from what is
stored, across pages, with ties, and with counts changing between two pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from service.config import ConfigError
from service.config import Engagement
from service.config import engagement_from_environ
from service.domain.engagement import CommentOrder
from service.domain.engagement import ReviewOrder
from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import Reaction
from service.persistence.models import WebhookEvent
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

JSON = {"Content-Type": "application/json"}


def react(client: FlaskClient, entry_id: int, reader: str, on: bool = True, expect: int = 200) -> Any:
    """One reader (a client address) puts or takes back a reaction."""
    method = client.put if on else client.delete
    response = method(f"{V1}/entries/{entry_id}/reaction", headers=JSON, environ_base={"REMOTE_ADDR": reader})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def stored(app: Flask, entry_id: int) -> tuple[int, int]:
    """(the entry's counter, its reaction rows)."""
    with app.app_context():
        counter = db.session.scalar(select(Entry.reactions).where(Entry.id == entry_id))
        rows = db.session.scalar(select(func.count()).select_from(Reaction).where(Reaction.entry_id == entry_id))
        return int(counter or 0), int(rows or 0)


# -- reactions ---------------------------------------------------------------------------


def test_a_reaction_is_one_per_reader_and_put_and_delete_are_idempotent(api: Api, app: Flask) -> None:
    entry = api.approved_comment()
    client = api.client
    assert react(client, entry, "10.0.0.1") == {"id": entry, "reactions": 1, "reacted": True}
    assert react(client, entry, "10.0.0.1") == {"id": entry, "reactions": 1, "reacted": True}
    assert react(client, entry, "10.0.0.2")["reactions"] == 2
    assert api.thread()["items"][0]["reactions"] == 2
    assert react(client, entry, "10.0.0.1", on=False) == {"id": entry, "reactions": 1, "reacted": False}
    assert react(client, entry, "10.0.0.1", on=False) == {"id": entry, "reactions": 1, "reacted": False}
    assert api.thread()["items"][0]["reactions"] == 1
    assert stored(app, entry) == (1, 1)
    review = api.approved_review()
    assert react(client, review, "10.0.0.3")["reactions"] == 1
    assert api.get("/articles/a1/reviews")["items"][0]["reactions"] == 1


def test_reactions_to_what_is_not_published_or_not_json_are_refused_and_store_nothing(api: Api, app: Flask) -> None:
    pending = api.comment()["id"]
    assert react(api.client, pending, "10.0.0.1", expect=404)["error"]["code"] == "not_found"
    assert react(api.client, 424242, "10.0.0.1", expect=404)["error"]["code"] == "not_found"
    plain = api.client.put(f"{V1}/entries/{pending}/reaction", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert plain.status_code == 415 and plain.get_json()["error"]["code"]
    assert api.client.post(f"{V1}/entries/{pending}/reaction", headers=JSON).status_code == 405
    assert stored(app, pending) == (0, 0)
    published = api.approved_comment()
    api.act(published, "reject")
    assert react(api.client, published, "10.0.0.1", expect=404)["error"]["code"] == "not_found"


def test_reactions_are_rate_limited_per_client(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATE_LIMIT="100/minute")
    api = Api(app.test_client())
    entry = api.approved_comment()
    codes = []
    for i in range(62):
        method = api.client.put if i % 2 == 0 else api.client.delete
        codes.append(method(f"{V1}/entries/{entry}/reaction", headers=JSON).status_code)
    assert codes[:60] == [200] * 60
    assert codes[60:] == [429, 429]


def test_the_counter_equals_the_rows_under_concurrent_toggles_by_many_readers(api: Api, app: Flask) -> None:
    entry = api.approved_comment()
    readers = [f"10.1.0.{i}" for i in range(16)]

    def toggle(reader_index: int) -> None:
        client = app.test_client()
        reader = readers[reader_index]
        # Even readers end with a reaction, odd ones without; each sends its PUT twice.
        for on in (True, True, False, True) if reader_index % 2 == 0 else (True, False, True, False, False):
            react(client, entry, reader, on)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(toggle, range(len(readers)), timeout=120))
    assert stored(app, entry) == (8, 8)
    assert api.thread()["items"][0]["reactions"] == 8


def test_reactions_and_moderation_of_one_thread_at_once_never_wait_for_each_other(api: Api, app: Flask) -> None:
    """Approving replies moves the top-level comment's reply count while readers react to
    it: both lock the comment's row and the article's, in one order, so neither fails."""
    root = api.approved_comment()
    replies = [api.comment(parent_id=root)["id"] for _ in range(6)]

    def work(i: int) -> int:
        client = app.test_client()
        if i < len(replies):
            return client.post(f"{V1}/admin/entries/{replies[i]}/approve", headers=ALICE).status_code
        response = client.put(
            f"{V1}/entries/{root}/reaction", headers=JSON, environ_base={"REMOTE_ADDR": f"10.5.0.{i}"}
        )
        return response.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(work, range(len(replies) + 10), timeout=120))
    assert statuses == [200] * len(statuses)
    item = api.thread()["items"][0]
    assert (item["reply_count"], item["reactions"]) == (6, 10)
    assert stored(app, root) == (10, 10)


def test_erasing_an_entry_takes_its_reactions_with_it(api: Api, app: Flask) -> None:
    entry = api.approved_comment()
    react(api.client, entry, "10.0.0.1")
    assert api.client.delete(f"{V1}/admin/entries/{entry}", headers=ALICE).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reaction)) == 0


# -- orders ------------------------------------------------------------------------------


def set_times(app: Flask, times: dict[int, datetime]) -> None:
    with app.app_context():
        for entry_id, when in times.items():
            db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=when))
        db.session.commit()


def everything(api: Api, path: str, order: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a list, page by page (bounded)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        query: dict[str, Any] = {"order": order, "limit": limit}
        if cursor:
            query["cursor"] = cursor
        page = api.get(path, query_string=query)
        assert page["order"] == order
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("more pages than items")


COMMENT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "oldest": lambda c: (c["created_at"], c["id"]),
    "newest": lambda c: (c["created_at"], c["id"]),
    "reactions": lambda c: (c["reactions"], c["id"]),
    "replies": lambda c: (c["reply_count"], c["id"]),
}
REVIEW_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "newest": lambda r: (r["created_at"], r["id"]),
    "highest": lambda r: (r["rating"], r["id"]),
    "lowest": lambda r: (r["rating"], r["id"]),
    "helpful": lambda r: (r["reactions"], r["id"]),
}
ASCENDING = {"oldest", "lowest"}


def reference(items: list[dict[str, Any]], keys: dict[str, Callable[[dict[str, Any]], Any]], order: str) -> list[int]:
    return [i["id"] for i in sorted(items, key=keys[order], reverse=order not in ASCENDING)]


@pytest.fixture
def thread(api: Api, app: Flask) -> dict[str, int]:
    """Nine top-level comments with ties in time, reactions and replies, and replies of
    every kind: visible, pending, rejected, and approved under a rejected reply."""
    ids = {f"c{i}": api.approved_comment() for i in range(9)}
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    set_times(
        app,
        {ids["c0"]: t0, ids["c1"]: t0, ids["c2"]: t0, **{ids[f"c{i}"]: t0.replace(hour=13 + i) for i in range(3, 9)}},
    )
    for name, readers in (("c1", 3), ("c4", 3), ("c5", 1), ("c7", 2), ("c8", 1)):
        for r in range(readers):
            react(api.client, ids[name], f"10.2.0.{r}")
    r1 = api.approved_comment(parent_id=ids["c2"])
    api.approved_comment(parent_id=r1)
    api.approved_comment(parent_id=ids["c6"])
    api.approved_comment(parent_id=ids["c6"])
    hidden = api.approved_comment(parent_id=ids["c3"])
    api.approved_comment(parent_id=hidden)
    api.act(hidden, "reject")
    api.comment(parent_id=ids["c3"])  # pending
    ids["r1"] = r1
    return ids


def test_reply_counts_are_the_visible_replies_at_any_depth(api: Api, thread: dict[str, int], runner: Any) -> None:
    counts = {c["id"]: c["reply_count"] for c in everything(api, "/articles/a1/comments", "oldest", 50)}
    assert counts[thread["c2"]] == 2 and counts[thread["c6"]] == 2 and counts[thread["c3"]] == 0
    api.act(thread["r1"], "reject")  # takes its own reply with it
    assert {c["id"]: c["reply_count"] for c in api.thread()["items"]}[thread["c2"]] == 0
    api.act(thread["c2"], "reject")
    api.act(thread["r1"], "approve")  # while its thread is not shown
    api.act(thread["c2"], "approve")
    assert {c["id"]: c["reply_count"] for c in api.thread()["items"]}[thread["c2"]] == 2
    before = api.thread()["items"]
    assert runner.invoke(args=["stats", "rebuild"]).exit_code == 0
    assert [c["reply_count"] for c in api.thread()["items"]] == [c["reply_count"] for c in before]


def test_each_comment_order_pages_like_the_reference(api: Api, thread: dict[str, int]) -> None:
    for order in CommentOrder:
        items = everything(api, "/articles/a1/comments", order, 2)
        assert len(items) == 9
        assert [c["id"] for c in items] == reference(items, COMMENT_KEYS, order), order


def test_each_review_order_pages_like_the_reference(api: Api, app: Flask) -> None:
    ids = [api.approved_review(rating=rating) for rating in (5, 3, 5, 1, 3, 5, 4)]
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    set_times(app, {ids[0]: t0, ids[1]: t0, ids[2]: t0})
    for entry, readers in ((ids[1], 2), (ids[3], 2), (ids[6], 1)):
        for r in range(readers):
            react(api.client, entry, f"10.3.0.{r}")
    for order in ReviewOrder:
        items = everything(api, "/articles/a1/reviews", order, 3)
        assert len(items) == 7
        assert [r["id"] for r in items] == reference(items, REVIEW_KEYS, order), order


def test_a_page_after_counts_changed_continues_from_its_cursor(api: Api, thread: dict[str, int]) -> None:
    first = api.thread(order="reactions", limit=3)
    last = first["items"][-1]
    # Between the pages: an entry below the boundary climbs over it, one above drops below.
    climber = thread["c0"]
    for r in range(5):
        react(api.client, climber, f"10.4.0.{r}")
    for r in range(3):
        react(api.client, thread["c1"], f"10.2.0.{r}", on=False)
    second = api.thread(order="reactions", limit=50, cursor=first["next_cursor"])
    now = everything(api, "/articles/a1/comments", "reactions", 50)
    boundary = (last["reactions"], last["id"])
    after = [c for c in now if (c["reactions"], c["id"]) < boundary]
    assert [c["id"] for c in second["items"]] == reference(after, COMMENT_KEYS, "reactions")
    assert climber not in [c["id"] for c in second["items"]]  # now above the boundary
    assert thread["c1"] in [c["id"] for c in second["items"]]  # shown twice: the widget skips it


def test_orders_are_checked_and_cursors_belong_to_their_order(api: Api, thread: dict[str, int]) -> None:
    bad = api.get("/articles/a1/comments", expect=400, query_string={"order": "best"})
    assert "order" in bad["error"]["fields"]
    assert "order" in api.get("/articles/a1/reviews", expect=400, query_string={"order": "replies"})["error"]["fields"]
    cursor = api.thread(order="newest", limit=2)["next_cursor"]
    refused = api.get("/articles/a1/comments", expect=400, query_string={"order": "oldest", "cursor": cursor})
    assert refused["error"]["code"]


def test_the_site_default_order_applies_without_one_and_keeps_the_early_304(
    make_app: Callable[..., Flask], app: Flask
) -> None:
    api = Api(make_app(ENGAGEMENT=Engagement(reaction_label="Like", comment_order=CommentOrder.NEWEST)).test_client())
    older, newer = api.approved_comment(), api.approved_comment()
    page = api.client.get(f"{V1}/articles/a1/comments")
    body = page.get_json()
    assert [c["id"] for c in body["items"]] == [newer, older]
    assert body["order"] == "newest"
    assert body["settings"] == {
        "reaction_label": "Like",
        "poll_seconds": 30,
        "comment_order": "newest",
        "review_order": "newest",
    }
    again = api.client.get(f"{V1}/articles/a1/comments", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    oldest = api.client.get(f"{V1}/articles/a1/comments?order=oldest")
    assert oldest.headers["ETag"] != page.headers["ETag"]
    assert [c["id"] for c in oldest.get_json()["items"]] == [older, newer]


def test_engagement_settings_are_read_from_the_environment() -> None:
    assert engagement_from_environ({}) == {}
    parsed = engagement_from_environ(
        {
            "COMMENTS_REACTION_LABEL": "Respekt",
            "COMMENTS_COMMENT_ORDER": "reactions",
            "COMMENTS_REVIEW_ORDER": "helpful",
            "COMMENTS_POLL_SECONDS": "60",
        }
    )
    assert parsed["ENGAGEMENT"] == Engagement("Respekt", CommentOrder.REACTIONS, ReviewOrder.HELPFUL, 60)
    for name, value in (
        ("COMMENTS_COMMENT_ORDER", "best"),
        ("COMMENTS_REVIEW_ORDER", "replies"),
        ("COMMENTS_POLL_SECONDS", "2"),
        ("COMMENTS_POLL_SECONDS", "soon"),
        ("COMMENTS_REACTION_LABEL", "x" * 41),
    ):
        with pytest.raises(ConfigError, match=name):
            engagement_from_environ({name: value})


# -- editors' picks ----------------------------------------------------------------------


def test_moderators_feature_published_top_level_comments(make_app: Callable[..., Flask]) -> None:
    app = make_app(WEBHOOK_URL="http://127.0.0.1:9/hook", WEBHOOK_SECRET="s" * 16)
    api = Api(app.test_client())
    ids = [api.approved_comment() for _ in range(3)]
    reply = api.approved_comment(parent_id=ids[0])
    pending = api.comment()["id"]
    assert api.thread()["featured"] == []
    detail = api.act(ids[2], "feature")
    assert detail["featured_at"] is not None
    assert detail["history"][-1]["action"] == "feature" and detail["history"][-1]["moderator"] == "alice"
    api.act(ids[0], "feature")
    api.act(ids[0], "feature")  # again: nothing changes
    first = api.thread(limit=1)
    assert [c["id"] for c in first["featured"]] == [ids[0], ids[2]]  # newest pick first
    assert [c["id"] for c in first["items"]] == [ids[0]]  # and in its place in the thread
    assert api.thread(limit=1, cursor=first["next_cursor"])["featured"] == []
    assert api.act(reply, "feature", expect=409)["error"]["code"] == "conflict"
    assert api.act(pending, "feature", expect=409)["error"]["code"] == "conflict"
    assert api.act(424242, "feature", expect=404)["error"]["code"] == "not_found"
    html = api.client.get(f"{V1}/articles/a1/comments.html").get_data(as_text=True)
    assert "Editors' picks" in html and html.index("comments-featured") < html.index("comments-thread")
    api.act(ids[0], "unfeature")
    assert [c["id"] for c in api.thread()["featured"]] == [ids[2]]
    api.act(ids[2], "reject")
    assert api.thread()["featured"] == []
    with app.app_context():
        events = db.session.scalars(select(WebhookEvent.entry_id).where(WebhookEvent.event == "comment.featured"))
        assert sorted(events) == sorted([ids[0], ids[2]])


def test_only_moderators_feature(api: Api) -> None:
    entry = api.approved_comment()
    assert api.client.post(f"{V1}/admin/entries/{entry}/feature").status_code == 401
    assert api.thread()["featured"] == []


# -- plans -------------------------------------------------------------------------------

ORDER_INDEX = {
    ("comments", "newest"): "ix_entry_public",
    ("comments", "reactions"): "ix_entry_public_reactions",
    ("comments", "replies"): "ix_entry_public_replies",
    ("reviews", "highest"): "ix_entry_public_rating",
    ("reviews", "lowest"): "ix_entry_public_rating",
    ("reviews", "helpful"): "ix_entry_public_reactions",
}


def test_each_order_pages_on_its_own_index(app: Flask, api: Api) -> None:
    from service.usecases import demo
    from tests.api.test_query_plans import full_scans
    from tests.api.test_query_plans import plan
    from tests.api.test_query_plans import recorded

    with app.app_context():
        demo.fill(articles=20, comments=2000, reviews=400, pending=0)
    for (kind, order), index in ORDER_INDEX.items():
        with recorded(app) as statements:
            first = api.get(f"/articles/demo-15/{kind}", query_string={"order": order, "limit": 3})
            api.get(
                f"/articles/demo-15/{kind}", query_string={"order": order, "limit": 3, "cursor": first["next_cursor"]}
            )
        pages = [(s, p) for s, p in statements if "ORDER BY" in s and "parent_id IS NULL" in s]
        assert len(pages) == 2, (kind, order)
        for statement, parameters in pages:
            found = plan(app, statement, parameters)
            assert full_scans(found) == [], (kind, order, found)
            assert re.search(rf"\b{index}\b", found), (kind, order, found)
