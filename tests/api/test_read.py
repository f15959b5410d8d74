"""Public reads: threads, reviews, pagination, caching."""

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import V1
from tests.helpers import Api


def test_empty_article_answers_zeros_not_404(api: Api) -> None:
    thread = api.thread("nothing-here")
    keys = ("items", "next_cursor", "featured", "order", "closed", "commenting", "login_url", "edit_window_minutes")
    assert {k: thread[k] for k in keys} == {
        "items": [],
        "next_cursor": None,
        "featured": [],
        "order": "oldest",
        "closed": False,
        "commenting": "anyone",
        "login_url": None,
        "edit_window_minutes": 15,
    }
    reviews = api.get("/articles/nothing-here/reviews")
    assert reviews == {
        "items": [],
        "next_cursor": None,
        "summary": {"average": None, "count": 0, "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}},
        "order": "newest",
    }


def test_comments_are_oldest_first_with_nested_approved_replies(api: Api) -> None:
    first = api.approved_comment(body="first")
    second = api.approved_comment(body="second")
    reply = api.approved_comment(body="reply", parent_id=first)
    nested = api.approved_comment(body="nested", parent_id=reply)
    api.comment(body="pending reply", parent_id=first)
    items = api.thread()["items"]
    assert [c["id"] for c in items] == [first, second]
    assert [r["id"] for r in items[0]["replies"]] == [reply]
    assert [r["id"] for r in items[0]["replies"][0]["replies"]] == [nested]
    assert items[1]["replies"] == []
    assert set(items[0]) >= {"id", "author", "body_html", "created_at", "replies"}
    assert "email" not in items[0] and "ip" not in items[0]
    assert items[0]["created_at"].endswith("+00:00")


def test_replies_are_hidden_with_their_unpublished_parent_and_counted_accordingly(api: Api) -> None:
    parent = api.approved_comment()
    reply = api.approved_comment(parent_id=parent)
    api.approved_comment(parent_id=reply)
    assert api.counts()["comments"] == 3
    api.act(parent, "reject")
    assert api.thread()["items"] == []
    assert api.counts()["comments"] == 0
    api.act(reply, "spam")  # hidden already: no change
    assert api.counts()["comments"] == 0
    api.act(parent, "approve")
    assert api.counts()["comments"] == 1
    assert api.thread()["items"][0]["replies"] == []
    api.act(reply, "approve")
    assert api.counts()["comments"] == 3
    assert len(api.thread()["items"][0]["replies"][0]["replies"]) == 1


def test_limit_counts_top_level_comments_and_cursor_pages_through(api: Api) -> None:
    ids = [api.approved_comment(body=f"c{i}") for i in range(5)]
    api.approved_comment(parent_id=ids[0])
    page1 = api.thread(limit=2)
    assert [c["id"] for c in page1["items"]] == ids[:2]
    assert len(page1["items"][0]["replies"]) == 1
    page2 = api.thread(limit=2, cursor=page1["next_cursor"])
    assert [c["id"] for c in page2["items"]] == ids[2:4]
    page3 = api.thread(limit=2, cursor=page2["next_cursor"])
    assert [c["id"] for c in page3["items"]] == ids[4:]
    assert page3["next_cursor"] is None


def test_pages_stay_stable_when_new_comments_are_approved(api: Api) -> None:
    ids = [api.approved_comment() for _ in range(3)]
    page1 = api.thread(limit=2)
    newer = api.approved_comment()
    page2 = api.thread(limit=2, cursor=page1["next_cursor"])
    assert [c["id"] for c in page2["items"]] == [ids[2], newer]


def test_limit_is_clamped_to_200_and_defaults_to_50(api: Api, app: Flask) -> None:
    from service.usecases import demo

    with app.app_context():
        demo.fill(articles=1, comments=260, reviews=0, pending=0)
    assert len(api.thread("demo-1", limit=1000)["items"]) == 200
    assert len(api.thread("demo-1")["items"]) == 50


def test_reviews_are_newest_first_with_summary(api: Api) -> None:
    old = api.approved_review(rating=2, email="a@x.org", title="Meh")
    new = api.approved_review(rating=5, email="b@x.org")
    api.review(rating=1, email="c@x.org")
    body = api.get("/articles/a1/reviews?limit=1")
    assert [r["id"] for r in body["items"]] == [new]
    assert body["summary"] == {"average": 3.5, "count": 2, "histogram": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}}
    rest = api.get(f"/articles/a1/reviews?limit=1&cursor={body['next_cursor']}")
    assert [r["id"] for r in rest["items"]] == [old]
    assert rest["items"][0]["title"] == "Meh"
    assert rest["items"][0]["rating"] == 2


def test_bad_cursors_are_400(api: Api) -> None:
    api.approved_comment()
    api.approved_comment()
    cursor = api.thread(limit=1)["next_cursor"]
    for bad in ("garbage", cursor[:-3] + "AAA", cursor.replace(".", "x"), "x." + cursor.split(".")[1]):
        error = api.get("/articles/a1/comments", expect=400, query_string={"cursor": bad})["error"]
        assert error["code"] == "bad_request"
    # a cursor of another article or list is foreign
    api.get("/articles/a2/comments", expect=400, query_string={"cursor": cursor})
    api.get("/articles/a1/reviews", expect=400, query_string={"cursor": cursor})


def test_bad_limits_are_400(api: Api) -> None:
    for bad in ("0", "-1", "abc", "1.5"):
        assert api.get(f"/articles/a1/comments?limit={bad}", expect=400)["error"]["fields"]["limit"]


def test_public_gets_carry_etag_and_cache_control_and_answer_304(api: Api, client: FlaskClient) -> None:
    api.approved_comment()
    api.approved_review()
    for path in ("/articles/a1/comments", "/articles/a1/reviews", "/articles/a1/counts", "/counts?article_id=a1"):
        first = client.get(V1 + path)
        assert first.status_code == 200
        etag = first.headers["ETag"]
        cache = first.headers["Cache-Control"]
        assert cache.startswith("public, max-age=") and "s-maxage=" in cache and "stale-while-revalidate=" in cache
        again = client.get(V1 + path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""
        assert again.headers["ETag"] == etag


def test_etag_changes_when_moderation_changes_the_answer(api: Api, client: FlaskClient) -> None:
    first = api.approved_comment()
    paths = ("/articles/a1/comments", "/articles/a1/counts", "/counts?article_id=a1")
    before = {p: client.get(V1 + p).headers["ETag"] for p in paths}
    api.comment()  # pending: nothing public changes
    assert {p: client.get(V1 + p).headers["ETag"] for p in paths} == before
    api.act(first, "reject")
    for path in paths:
        response = client.get(V1 + path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200
        assert response.headers["ETag"] != before[path]


def test_cors_on_public_api_only(client: FlaskClient) -> None:
    origin = {"Origin": "http://news.example"}
    public = client.get(f"{V1}/articles/a1/comments", headers=origin)
    assert public.headers["Access-Control-Allow-Origin"] == "http://news.example"
    preflight = client.options(
        f"{V1}/articles/a1/comments",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://news.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    other = client.get(f"{V1}/articles/a1/comments", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    admin = client.get(f"{V1}/admin/queue", headers=origin)
    assert "Access-Control-Allow-Origin" not in admin.headers
