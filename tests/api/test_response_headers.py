"""Headers that keep answers from being misread or mis-shared (issue 12, attacks 5 and 10):
``Vary: Origin`` wherever a shared cache may keep an answer, ``nosniff`` on JSON,
``no-store`` on the admin API, and a policy of its own for the HTML fragment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

ALLOWED = "http://news.example"
PUBLIC_GETS = [
    "/articles/a1/comments",
    "/articles/a1/reviews",
    "/articles/a1/counts",
    "/counts?article_id=a1&article_id=a2",
    "/articles/a1/comments.html",
]


def varies_on_origin(response: TestResponse) -> bool:
    values = [v.strip().lower() for line in response.headers.getlist("Vary") for v in line.split(",")]
    return values.count("origin") == 1


@pytest.mark.parametrize("path", PUBLIC_GETS)
def test_shareable_public_answers_vary_on_origin_whatever_the_origin(api: Api, path: str) -> None:
    api.approved_comment()
    other = api.client.get(f"{V1}{path}", headers={"Origin": "http://elsewhere.example"})
    cors = api.client.get(f"{V1}{path}", headers={"Origin": ALLOWED})
    plain = api.client.get(f"{V1}{path}")
    assert other.status_code == cors.status_code == plain.status_code == 200
    assert "s-maxage" in other.headers["Cache-Control"]
    # The answers differ in their CORS header, so a shared cache must keep them apart.
    assert "Access-Control-Allow-Origin" not in other.headers
    assert cors.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert varies_on_origin(other) and varies_on_origin(cors) and varies_on_origin(plain)
    revalidated = api.client.get(f"{V1}{path}", headers={"Origin": ALLOWED, "If-None-Match": cors.headers["ETag"]})
    assert revalidated.status_code == 304 and varies_on_origin(revalidated)


def test_public_answers_vary_on_origin_without_any_allowed_origin(make_app: Callable[..., Flask]) -> None:
    client = make_app(ALLOWED_ORIGINS=[]).test_client()
    response = client.get(f"{V1}/articles/a1/counts", headers={"Origin": ALLOWED})
    assert "s-maxage" in response.headers["Cache-Control"] and varies_on_origin(response)


def test_public_errors_and_preflights_vary_on_origin(api: Api) -> None:
    for response in (
        api.client.get(f"{V1}/articles/a1/comments?limit=0", headers={"Origin": ALLOWED}),
        api.client.post(f"{V1}/articles/a1/comments", json={}, headers={"Origin": ALLOWED}),
        api.client.options(
            f"{V1}/articles/a1/comments", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}
        ),
    ):
        assert response.headers.get("Access-Control-Allow-Origin") == ALLOWED
        assert varies_on_origin(response)


def test_json_answers_are_never_sniffed(api: Api) -> None:
    entry = api.comment()["id"]
    answers = [
        api.client.get(f"{V1}/articles/a1/counts"),
        api.client.get(f"{V1}/articles/a1/comments?limit=0"),
        api.client.post(f"{V1}/articles/a1/comments", data="x", content_type="text/plain"),
        api.client.get(f"{V1}/no/such/path"),
        api.client.get(f"{V1}/admin/queue", headers=ALICE),
        api.client.get(f"{V1}/admin/entries/{entry}", headers=ALICE),
        api.client.get(f"{V1}/admin/queue"),
        api.client.get("/healthz"),
        api.client.get("/openapi.json"),
    ]
    for response in answers:
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.request.path


def test_admin_answers_are_never_stored(api: Api) -> None:
    entry = api.comment()["id"]
    answers = [
        api.client.get(f"{V1}/admin/queue", headers=ALICE),
        api.client.get(f"{V1}/admin/entries/{entry}", headers=ALICE),
        api.client.post(f"{V1}/admin/entries/{entry}/approve", headers=ALICE),
        api.client.get(f"{V1}/admin/entries/999999", headers=ALICE),
        api.client.get(f"{V1}/admin/queue"),  # 401
        api.client.get(f"{V1}/admin/webhooks", headers=ALICE),
        api.client.get(f"{V1}/admin/export?article_id=a1", headers=ALICE),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 404, 401, 200, 200]
    for response in answers:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_the_html_fragment_has_a_policy_of_its_own(api: Api) -> None:
    api.approved_comment(body="Hello")
    response = api.client.get(f"{V1}/articles/a1/comments.html")
    assert response.status_code == 200 and b"Hello" in response.data
    policy = {
        d.strip().split(" ")[0]: d.strip() for d in response.headers["Content-Security-Policy"].split(";") if d.strip()
    }
    assert policy["default-src"] == "default-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "sandbox" in policy and "script-src" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
