"""Requests another web page can make a visitor's browser send (issue 12, attack 3): a page
may POST a form, ``text/plain`` or nothing at all cross-site without asking anyone, so every
public write requires ``Content-Type: application/json``, which browsers only send after a
CORS preflight that only the allowed origins pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

ALLOWED = "http://news.example"
ELSEWHERE = "http://any-page.example"
# What a page may send cross-site without a preflight (the CORS-safelisted content types, or none).
SIMPLE_REQUESTS = [
    {},
    {"content_type": "application/x-www-form-urlencoded", "data": ""},
    {"content_type": "application/x-www-form-urlencoded", "data": "reason=spam"},
    {"content_type": "multipart/form-data; boundary=x", "data": "--x--\r\n"},
    {"content_type": "text/plain", "data": '{"reason": "spam"}'},
]


@pytest.mark.parametrize("kwargs", SIMPLE_REQUESTS, ids=["none", "form-empty", "form", "multipart", "text"])
def test_reports_sent_as_a_page_may_send_them_cross_site_are_415_and_count_for_nothing(
    make_app: Callable[..., Flask], kwargs: dict[str, str]
) -> None:
    api = Api(make_app(REPORT_THRESHOLD=3).test_client())
    entry = api.approved_comment()
    for reader in range(1, 4):  # three visitors of the attacker's page
        response = api.client.post(
            f"{V1}/entries/{entry}/reports",
            headers={"Origin": ELSEWHERE},
            environ_overrides={"REMOTE_ADDR": f"192.0.2.{reader}"},
            **kwargs,
        )
        assert response.status_code == 415, response.get_json()
        assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert api.counts()["comments"] == 1
    assert [i["id"] for i in api.thread()["items"]] == [entry]
    assert api.get(f"/admin/entries/{entry}", headers=ALICE)["report_count"] == 0


def test_a_bodiless_report_with_the_json_type_counts(api: Api) -> None:
    entry = api.approved_comment()
    response = api.client.post(f"{V1}/entries/{entry}/reports", content_type="application/json")
    assert response.status_code == 202
    assert api.get(f"/admin/entries/{entry}", headers=ALICE)["report_count"] == 1


@pytest.mark.parametrize("kind", ["comments", "reviews"])
def test_submissions_without_the_json_type_are_415_and_store_nothing(api: Api, kind: str) -> None:
    for kwargs in SIMPLE_REQUESTS:
        response = api.client.post(f"{V1}/articles/a1/{kind}", headers={"Origin": ELSEWHERE}, **kwargs)
        assert response.status_code == 415, (kwargs, response.get_json())
    assert api.get("/admin/queue", headers=ALICE)["items"] == []


def test_every_public_write_is_guarded_or_needs_a_preflight(app: Flask) -> None:
    """Each public route that changes state either needs the JSON type (POST, PUT, PATCH) or
    has a method no page may send cross-site without a preflight (DELETE); the counts POST, a
    read, is held to the same rule. A new route
    cannot slip past the rule unnoticed."""
    client = app.test_client()
    public_writes = [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith("/api/v1/admin")
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"})
    ]
    assert len(public_writes) == 16, public_writes  # eight (PATCH /entries/<id>: edits), again under /sites/<site>
    for rule, method in public_writes:
        path = rule.replace("<path:article_id>", "a1").replace("<int:entry_id>", "1").replace("<site>", "default")
        if method == "DELETE":
            continue  # never simple: see the preflight test below
        response = client.open(path, method=method, data="x=1", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415, (rule, method)


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/entries/1/reports", "POST", "content-type"),
        ("/articles/a1/comments", "POST", "content-type"),
        ("/articles/a1/reviews", "POST", "content-type"),
        ("/entries/1", "DELETE", "authorization"),
        ("/entries/1/reaction", "PUT", "content-type"),
    ],
)
def test_preflights_admit_the_allowed_origin_only(api: Api, path: str, method: str, headers: str) -> None:
    def preflight(origin: str) -> dict[str, str]:
        response = api.client.options(
            f"{V1}{path}",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": headers,
            },
        )
        assert response.status_code == 200
        return dict(response.headers)

    allowed = preflight(ALLOWED)
    assert allowed["Access-Control-Allow-Origin"] == ALLOWED
    assert method in allowed["Access-Control-Allow-Methods"]
    assert headers in allowed["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Origin" not in preflight(ELSEWHERE)
