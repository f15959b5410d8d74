"""Readers submit comments, replies and reviews; every refusal stores nothing."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Entry
from tests.helpers import V1
from tests.helpers import Api
from tests.helpers import stored_entries


def test_comment_is_accepted_as_pending_and_stored(api: Api, app: Flask) -> None:
    body = api.comment("news-1", author="Ann", body="Hello <b>world</b>", email="Ann@Example.org")
    assert body["status"] == "pending"
    assert body["kind"] == "comment"
    assert body["article_id"] == "news-1"
    assert body["body_html"] == "<p>Hello <b>world</b></p>"
    assert "email" not in body
    with app.app_context():
        entry = db.session.get(Entry, body["id"])
        assert entry is not None
        assert entry.body_source == "Hello <b>world</b>"
        assert entry.email == "ann@example.org"


def test_review_is_accepted_with_rating_and_plain_text_title(api: Api) -> None:
    body = api.review(rating=5, title="<i>Great</i> read", email="r@example.org")
    assert body["status"] == "pending"
    assert body["rating"] == 5
    assert body["title"] == "<i>Great</i> read"


def test_pending_entries_are_not_public(api: Api) -> None:
    api.comment()
    api.review()
    assert api.thread()["items"] == []
    assert api.counts()["comments"] == 0
    assert api.counts()["reviews"] == 0


def test_second_review_by_same_email_is_a_conflict(api: Api, app: Flask) -> None:
    api.review(email="same@example.org")
    response = api.client.post(
        f"{V1}/articles/a1/reviews", json={"author": "X", "body": "again", "rating": 1, "email": "SAME@example.org"}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    api.review("other-article", email="same@example.org")
    api.review(email=None)
    api.review()
    with app.app_context():
        assert stored_entries() == 4


def test_reply_needs_an_approved_comment_of_the_same_article(api: Api, app: Flask) -> None:
    pending = api.comment()["id"]
    approved = api.approved_comment()
    elsewhere = api.approved_comment("a2")
    review = api.approved_review()
    for parent in (pending, elsewhere, review, 999_999):
        error = api.comment(parent_id=parent, expect=422)["error"]
        assert error["fields"]["parent_id"]
    reply = api.comment(parent_id=approved)
    assert reply["parent_id"] == approved
    with app.app_context():
        assert stored_entries() == 5


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"author": ""}, "author"),
        ({"author": "x" * 81}, "author"),
        ({"author": "\u200b\u202e "}, "author"),
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "<script></script>"}, "body"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@x.org"}, "email"),
        ({"parent_id": "1"}, "parent_id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_comments_are_422_with_fields_and_store_nothing(
    api: Api, app: Flask, fields: dict[str, Any], bad: str
) -> None:
    error = api.comment(expect=422, **fields)["error"]
    assert error["code"] == "validation_failed"
    assert bad in error["fields"]
    with app.app_context():
        assert stored_entries() == 0


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"title": "t" * 121}, "title"),
    ],
)
def test_invalid_reviews_are_422(api: Api, app: Flask, fields: dict[str, Any], bad: str) -> None:
    assert bad in api.review(expect=422, **fields)["error"]["fields"]
    with app.app_context():
        assert stored_entries() == 0


def test_missing_required_fields_are_listed(client: FlaskClient) -> None:
    response = client.post(f"{V1}/articles/a1/reviews", json={})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"author", "body", "rating"}


def test_limits_are_inclusive(api: Api) -> None:
    api.comment(author="x" * 80, body="y" * 10_000, email="a" * 64 + "@" + "b" * 63 + ".org")
    api.review(title="t" * 120)


@pytest.mark.parametrize("article", ["-leading-dash", "a" * 129, "sp ace", "semi;colon", "ü"])
def test_invalid_article_ids_are_400(api: Api, app: Flask, article: str) -> None:
    response = api.client.post(f"{V1}/articles/{article}/comments", json={"author": "a", "body": "b"})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"article_id": "Not a valid article id."}
    with app.app_context():
        assert stored_entries() == 0


def test_all_allowed_article_id_characters_work(api: Api) -> None:
    article = "A1.b_c:d~e-f" + "x" * 116
    assert api.comment(article)["article_id"] == article


def test_nul_bytes_and_astral_characters_are_stored_safely(api: Api, app: Flask) -> None:
    body = api.comment(author="Zoë\x00 😀", body="nul\x00 here 🐍 \ud83d")
    assert body["author"] == "Zoë 😀"
    assert body["body_html"] == "<p>nul here 🐍</p>"
    with app.app_context():
        entry = db.session.scalars(select(Entry)).one()
        assert entry.body_source == "nul here 🐍"
