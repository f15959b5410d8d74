"""Unicode and size edges, on SQLite and PostgreSQL: NUL bytes (PostgreSQL refuses them in
text), lone surrogates (they cannot be encoded at all), bidi overrides and zero-width
characters in names, combining marks, 4-byte characters, and every limit exactly and one
over. Each answer is a documented 2xx or 4xx, never a 5xx, and a refusal stores nothing."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..helpers import ALICE
from ..helpers import V1
from ..helpers import Api
from ..helpers import stored_entries

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff\u00ad"
EMOJI = "\U0001f600"  # 4 bytes in UTF-8, 2 UTF-16 units, 1 character
MAX_REQUEST = 64 * 1024


def post_raw(client: FlaskClient, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
    """JSON as UTF-8 bytes, not \\u-escaped, so sizes are what a browser would send; lone
    surrogates still go as \\u escapes (they have no UTF-8 form)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")  # \udXXX is JSON too
    return client.post(f"{V1}{path}", data=data, content_type="application/json", headers=headers or {})


def error_fields(response: TestResponse) -> set[str]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return set(body["error"].get("fields", {}))


# -- NUL and lone surrogates in every text field -----------------------------------------

HOSTILE_TEXT = {
    "nul": "Ann\x00 <b>bold\x00</b>",
    "lone high surrogate": "Ann \ud800 end",
    "lone low surrogate": "Ann \udfff end",
    "controls": "Ann\x01\x07\x1b[31m\x7f\x9b end",
}


@pytest.mark.parametrize("text", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_nul_and_lone_surrogates_are_removed_from_every_stored_text(api: Api, app: Flask, text: str) -> None:
    parent = api.approved_comment()
    comment = post_raw(api.client, "/articles/a1/comments", {"author": text, "body": text, "parent_id": parent})
    review = post_raw(
        api.client, "/articles/a1/reviews", {"author": text, "body": f"Review: {text}", "title": text, "rating": 5}
    )
    assert comment.status_code == 202, comment.get_json()
    assert review.status_code == 202, review.get_json()
    api.act(comment.get_json()["id"], "approve")
    api.act(review.get_json()["id"], "approve", reason=text)
    reported = post_raw(api.client, f"/entries/{review.get_json()['id']}/reports", {"reason": text})
    assert reported.status_code == 202, reported.get_json()
    rejected = post_raw(api.client, f"/admin/entries/{parent}/reject", {"reason": text, "code": "spam"}, ALICE)
    assert rejected.status_code == 200, rejected.get_json()
    bulk = post_raw(api.client, "/admin/entries/bulk", {"action": "approve", "ids": [parent], "reason": text}, ALICE)
    assert bulk.status_code == 200, bulk.get_json()

    served = api.get("/articles/a1/reviews")["items"][0]
    detail = api.get(f"/admin/entries/{review.get_json()['id']}", headers=ALICE)
    for value in (
        served["author"],
        served["title"],
        served["body_html"],
        detail["body"],
        detail["reports"][0]["reason"],
    ):
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in value), repr(value)
        assert "Ann" in value and ("end" in value or "bold" in value)
    for event in api.get(f"/admin/entries/{parent}", headers=ALICE)["history"]:
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in event["reason"] or ""), event


def test_an_email_address_with_a_nul_or_a_lone_surrogate_is_refused(api: Api, app: Flask) -> None:
    for email in ("ann\x00@example.org", "ann@exa\x00mple.org", "ann@ex\ud800ample.org", "an\udc00n@example.org"):
        for kind, extra in (("comments", {}), ("reviews", {"rating": 3})):
            response = post_raw(
                api.client, f"/articles/a1/{kind}", {"author": "Ann", "body": "Hi", "email": email, **extra}
            )
            assert response.status_code == 422, (email, response.get_json())
            assert error_fields(response) == {"email"}
    with app.app_context():
        assert stored_entries() == 0


# -- names that impersonate --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "\u202eecilA",  # right-to-left override: shows as "Alice"
        "Ali\u200bce",  # zero-width space
        "Al\u200dice\u2066\u2069",  # zero-width joiner, isolates
        "\ufeffAlice\u00ad",  # byte-order mark, soft hyphen
        "Alice\u200e\u200f",  # direction marks
        "\u2067Alice\u202c",  # right-to-left isolate, pop
        "Alice \u3164",  # Hangul filler: blank but not a space
    ],
)
def test_names_and_titles_lose_invisible_and_direction_changing_characters(api: Api, name: str) -> None:
    entry_id = api.approved_review(author=name, title=f"{name} says")
    served = api.get("/articles/a1/reviews")["items"][0]
    assert served["id"] == entry_id
    for value in (served["author"], served["title"]):
        assert not set(value) & set(INVISIBLE + "\u3164"), repr(value)
    assert served["author"].replace(" ", "") in ("Alice", "ecilA")


def test_a_name_of_nothing_but_invisible_characters_is_refused(api: Api, app: Flask) -> None:
    response = api.client.post(f"{V1}/articles/a1/comments", json={"author": INVISIBLE, "body": "hi"})
    assert response.status_code == 422
    assert error_fields(response) == {"author"}
    with app.app_context():
        assert stored_entries() == 0


# -- combining marks and 4-byte characters -----------------------------------------------


def test_combining_marks_are_composed_and_kept(api: Api) -> None:
    zalgo = "Z" + "\u0301\u0316\u0337\u0360" * 19  # 77 characters of marks on one letter
    api.approved_comment(author="Jose\u0301 " + zalgo[:70], body="cafe\u0301 " + "a\u0308" * 500)
    item = api.thread()["items"][0]
    assert item["author"].startswith("Jos\u00e9 \u0179")  # Z and its acute composed
    assert unicodedata.is_normalized("NFC", item["author"])
    assert "caf\u00e9" in item["body_html"] and "\u00e4" * 500 in item["body_html"]


def test_limits_count_characters_so_four_byte_characters_fit(api: Api, app: Flask) -> None:
    """80 emoji are 80 characters (320 bytes, 160 UTF-16 units): a full-length name."""
    ok = post_raw(
        api.client,
        "/articles/a1/reviews",
        {"author": EMOJI * 80, "title": EMOJI * 120, "body": EMOJI * 10_000, "rating": 5},
    )
    assert ok.status_code == 202, ok.get_json()
    api.act(ok.get_json()["id"], "approve")
    served = api.get("/articles/a1/reviews")["items"][0]
    assert served["author"] == EMOJI * 80 and served["title"] == EMOJI * 120
    assert served["body_html"] == f"<p>{EMOJI * 10_000}</p>"
    for field, size in (("author", 81), ("title", 121), ("body", 10_001)):
        body = {"author": EMOJI, "title": EMOJI, "body": EMOJI, "rating": 5, field: EMOJI * size}
        refused = post_raw(api.client, "/articles/a1/reviews", body)
        assert refused.status_code == 422, (field, refused.get_json())
        assert error_fields(refused) == {field}
    with app.app_context():
        assert stored_entries() == 1


@pytest.mark.parametrize(
    ("field", "char", "limit"),
    [
        ("author", "\u0958", 80),  # NFC turns each into two characters
        ("title", "\ufb2c", 120),  # ... and this into three
        ("body", "\U0001d15e", 10_000),  # ... and this into two
    ],
)
def test_limits_hold_for_the_text_as_stored_after_normalization(
    api: Api, app: Flask, field: str, char: str, limit: int
) -> None:
    """Regression: the limits were checked before NFC, which can make text longer; the
    stored name no longer fit its column (PostgreSQL: 500) or broke the documented limit."""
    body = {"author": "Ann", "body": "Hi", "title": "T", "rating": 4, field: char * limit}
    response = post_raw(api.client, "/articles/a1/reviews", body)
    assert response.status_code == 422, response.get_json()
    assert error_fields(response) == {field}
    fits = len(unicodedata.normalize("NFC", char))
    body[field] = char * (limit // fits)
    assert post_raw(api.client, "/articles/a1/reviews", body).status_code == 202
    with app.app_context():
        assert stored_entries() == 1


# -- every limit, exactly and one over ---------------------------------------------------


def _longest_email() -> str:
    """254 characters: a 64-character local part and labels of at most 63."""
    return f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.org"


@pytest.mark.parametrize(
    ("path", "field", "limit", "base", "admin"),
    [
        ("/articles/a1/comments", "author", 80, {"body": "Hi"}, False),
        ("/articles/a1/comments", "body", 10_000, {"author": "Ann"}, False),
        ("/articles/a1/reviews", "title", 120, {"author": "Ann", "body": "Hi", "rating": 2}, False),
        ("/entries/{approved}/reports", "reason", 500, {}, False),
        ("/admin/entries/{approved}/reject", "reason", 1000, {}, True),
        ("/admin/entries/{approved}/spam", "reason", 1000, {}, True),
    ],
)
def test_each_text_limit_exactly_and_one_over(
    api: Api, path: str, field: str, limit: int, base: dict[str, Any], admin: bool
) -> None:
    approved = api.approved_comment(body="Target")
    url = path.format(approved=approved)
    headers = ALICE if admin else {}
    over = post_raw(api.client, url, {**base, field: "x" * (limit + 1)}, headers)
    assert over.status_code == 422, over.get_json()
    assert error_fields(over) == {field}
    exact = post_raw(api.client, url, {**base, field: "x" * limit}, headers)
    assert exact.status_code in (200, 202), exact.get_json()


def test_email_limit_exactly_and_one_over(api: Api, app: Flask) -> None:
    longest = _longest_email()
    assert len(longest) == 254
    ok = post_raw(api.client, "/articles/a1/comments", {"author": "Ann", "body": "Hi", "email": longest})
    assert ok.status_code == 202, ok.get_json()
    over = post_raw(api.client, "/articles/a1/comments", {"author": "Ann", "body": "Hi again", "email": "a" + longest})
    assert over.status_code == 422
    assert error_fields(over) == {"email"}
    with app.app_context():
        assert stored_entries() == 1


def _padded(size: int) -> bytes:
    """A JSON comment of exactly ``size`` bytes (its body far over 10,000 characters)."""
    skeleton = json.dumps({"author": "Ann", "body": ""}).encode()
    return json.dumps({"author": "Ann", "body": "x" * (size - len(skeleton))}).encode()


def test_the_request_size_limit_exactly_and_one_byte_over(api: Api, app: Flask) -> None:
    exact = api.client.post(f"{V1}/articles/a1/comments", data=_padded(MAX_REQUEST), content_type="application/json")
    assert exact.status_code == 422  # read and validated: the body is too long
    assert error_fields(exact) == {"body"}
    over = api.client.post(f"{V1}/articles/a1/comments", data=_padded(MAX_REQUEST + 1), content_type="application/json")
    assert over.status_code == 413
    assert over.get_json()["error"]["code"] == "payload_too_large"
    with app.app_context():
        assert stored_entries() == 0


def test_the_largest_allowed_body_of_markup_is_stored_and_served(api: Api) -> None:
    """10,000 characters, all markup and links: the most work the sanitizer can be given."""
    unit = "<b>x</b> www.example.org <a href=https://x.org>y</a> "
    body = (unit * (10_000 // len(unit) + 1))[:10_000]
    api.approved_comment(body=body)
    html = api.thread()["items"][0]["body_html"]
    assert html.count('rel="nofollow ugc noopener"') > 100


# -- input the parsers cannot represent --------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"author": "Ann", "body": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"author": "Ann", "body": "Hi", "parent_id": ' + b"9" * 5000 + b"}",
        b'{"author": "\xff\xfe", "body": "Hi"}',
        '{"author": "Ann", "body": "Hi"}'.encode("utf-16"),
    ],
    ids=["nested arrays", "nested in a field", "5000-digit number", "invalid UTF-8", "UTF-16"],
)
def test_json_the_parser_cannot_read_is_a_400(api: Api, app: Flask, payload: bytes) -> None:
    """Regression: deep nesting (RecursionError) and huge numbers (ValueError) were 500s."""
    for path, headers in (("/articles/a1/comments", {}), ("/admin/entries/bulk", ALICE)):
        response = api.client.post(f"{V1}{path}", data=payload, content_type="application/json", headers=headers)
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["error"]["code"] == "bad_request"
    with app.app_context():
        assert stored_entries() == 0


@pytest.mark.parametrize("entry_id", [2**31, 2**63, 10**30])
def test_ids_beyond_any_entry_are_404_in_paths_and_422_in_bodies(api: Api, app: Flask, entry_id: int) -> None:
    """Regression: ids past 32 bits (PostgreSQL) or 64 bits (SQLite) were 500s."""
    for method, path, headers in (
        ("post", f"/entries/{entry_id}/reports", {"Content-Type": "application/json"}),  # public writes are JSON
        ("get", f"/admin/entries/{entry_id}", ALICE),
        ("post", f"/admin/entries/{entry_id}/approve", ALICE),
        ("post", f"/admin/entries/{entry_id}/reject", ALICE),
        ("post", f"/admin/entries/{entry_id}/spam", ALICE),
        ("delete", f"/admin/entries/{entry_id}", ALICE),
    ):
        response = getattr(api.client, method)(f"{V1}{path}", headers=headers)
        assert response.status_code == 404, (path, response.get_json())
    reply = api.client.post(f"{V1}/articles/a1/comments", json={"author": "A", "body": "B", "parent_id": entry_id})
    assert reply.status_code == 422 and error_fields(reply) == {"parent_id"}
    bulk = api.client.post(f"{V1}/admin/entries/bulk", json={"action": "spam", "ids": [entry_id]}, headers=ALICE)
    assert bulk.status_code == 422 and error_fields(bulk) == {"ids.0"}
    with app.app_context():
        assert stored_entries() == 0
