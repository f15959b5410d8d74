"""Counts come from counters kept in step with every moderation change."""

from flask import Flask
from sqlalchemy import update

from service.extensions import db
from service.persistence.models import ArticleStats
from tests.helpers import Api

ZERO = {"average": None, "count": 0, "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}


def test_counts_of_an_unknown_article_are_zero(api: Api) -> None:
    assert api.counts("never") == {"article_id": "never", "comments": 0, "reviews": 0, "rating": ZERO}


def test_counts_follow_every_status_change(api: Api) -> None:
    c = api.approved_comment()
    r = api.approved_review(rating=4, email="x@x.org")
    api.approved_review(rating=2, email="y@x.org")
    counts = api.counts()
    assert (counts["comments"], counts["reviews"]) == (1, 2)
    assert counts["rating"] == {"average": 3.0, "count": 2, "histogram": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}}
    api.act(c, "spam")
    api.act(r, "reject")
    counts = api.counts()
    assert (counts["comments"], counts["reviews"], counts["rating"]["average"]) == (0, 1, 2.0)
    api.act(r, "approve")
    api.act(r, "approve")  # a repeat changes nothing
    assert api.counts()["reviews"] == 2


def test_batch_counts_answer_every_requested_article(api: Api) -> None:
    api.approved_comment("a1")
    api.approved_review("a2", rating=5)
    body = api.get("/counts?article_id=a1&article_id=a2&article_id=a3")
    assert list(body["counts"]) == ["a1", "a2", "a3"]
    assert body["counts"]["a1"]["comments"] == 1
    assert body["counts"]["a2"]["rating"]["average"] == 5.0
    assert body["counts"]["a3"] == {"article_id": "a3", "comments": 0, "reviews": 0, "rating": ZERO}


def test_batch_counts_take_1_to_100_distinct_valid_ids(api: Api) -> None:
    ok = "&".join(f"article_id=a{i}" for i in range(100))
    assert len(api.get(f"/counts?{ok}")["counts"]) == 100
    too_many = "&".join(f"article_id=a{i}" for i in range(101))
    for query in ("", "article_id=a&article_id=a", "article_id=bad%20id", too_many):
        assert api.get(f"/counts?{query}", expect=400)["error"]["code"] == "bad_request"


def test_stats_rebuild_repairs_drifted_counters(api: Api, app: Flask) -> None:
    parent = api.approved_comment()
    api.approved_comment(parent_id=parent)
    api.approved_review(rating=3)
    with app.app_context():
        db.session.execute(update(ArticleStats).values(comments=42, reviews=0, rating_3=0))
        db.session.commit()
    assert api.counts()["comments"] == 42
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt counters of 1 articles" in result.output
    counts = api.counts()
    assert (counts["comments"], counts["reviews"], counts["rating"]["histogram"]["3"]) == (2, 1, 1)
