"""Request ids and metrics as a scraper and an operator see them (Flask test client, on
SQLite and PostgreSQL; the multi-worker behaviour is in test_gunicorn.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.observability import metrics
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: FlaskClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    text = response.get_data(as_text=True)
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "3f1c2a9e-5b7d-4e21-9a0b-1c2d3e4f5a6b"})
    assert given.headers["X-Request-ID"] == "3f1c2a9e-5b7d-4e21-9a0b-1c2d3e4f5a6b"
    fresh = [client.get(f"{V1}/articles/a1/counts").headers["X-Request-ID"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in fresh) and fresh[0] != fresh[1]
    # An id that could forge a log line, or an absurdly long one, is replaced.
    for hostile in ['x", "status": 200, "y": "', "a" * 300, "<script>"]:
        answered = client.get("/healthz", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", answered)
    # Errors carry one too, including those answered before any view runs.
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/no/such/path").headers["X-Request-ID"])
    assert client.post(f"{V1}/admin/entries/1/approve").headers["X-Request-ID"]


def test_metrics_count_requests_submissions_and_moderation(app: Flask, client: FlaskClient, api: Api) -> None:
    before = scrape(client)
    ids = [api.comment(body=f"Comment {i}.")["id"] for i in range(3)]
    api.comment(body="", expect=422)
    review = api.review(email="rae@example.org")["id"]
    api.review(email="rae@example.org", body="Another view.", expect=409)
    api.act(ids[0], "approve")
    api.act(ids[1], "reject", code="spam")
    api.act(999999, "spam", expect=404)
    bulk = api.client.post(
        f"{V1}/admin/entries/bulk", json={"action": "spam", "ids": [ids[2], review, 999999]}, headers=ALICE
    )
    assert bulk.status_code == 200
    assert api.client.delete(f"{V1}/admin/entries/{ids[1]}", headers=ALICE).status_code == 204
    assert api.client.post(f"{V1}/entries/{ids[0]}/reports", json={"reason": "off topic"}).status_code == 202
    assert api.client.post(f"{V1}/entries/{ids[2]}/reports", json={}).status_code == 404
    api.thread()
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = "/api/v1/articles/<path:article_id>/comments"
    assert delta("comments_http_requests_total", method="POST", route=route, status="202") == 3
    assert delta("comments_http_requests_total", method="POST", route=route, status="422") == 1
    assert delta("comments_http_requests_total", method="GET", route=route, status="200") == 1
    assert delta("comments_http_request_duration_seconds_count", method="POST", route=route) == 4
    assert delta("comments_submissions_total", kind="comment", outcome="accepted") == 3
    assert delta("comments_submissions_total", kind="comment", outcome="invalid") == 1
    assert delta("comments_submissions_total", kind="review", outcome="accepted") == 1
    assert delta("comments_submissions_total", kind="review", outcome="conflict") == 1
    assert delta("comments_moderation_actions_total", action="approve") == 1
    assert delta("comments_moderation_actions_total", action="reject") == 1
    assert delta("comments_moderation_actions_total", action="spam") == 2  # the unknown ids changed nothing
    assert delta("comments_moderation_actions_total", action="erase") == 1
    assert delta("comments_submissions_total", kind="report", outcome="accepted") == 1
    assert delta("comments_submissions_total", kind="report", outcome="not_found") == 1


def test_every_counted_route_exists(app: Flask) -> None:
    """The counters know the API.md paths; a renamed path would silently stop them."""
    served = {
        (method, metrics._CONVERTER.sub(r"<\1>", rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
    }
    counted = {*metrics.SUBMISSION_ROUTES, *metrics.MODERATION_ROUTES, metrics.BULK_ROUTE}
    assert counted <= served, counted - served


def test_queue_depth_is_the_pending_entries_by_kind(app: Flask, client: FlaskClient, api: Api) -> None:
    app.config["QUEUE_DEPTH_TTL"] = 0
    assert value(scrape(client), "comments_queue_depth", status="pending", kind="comment") == 0
    comments = [api.comment(body=f"Comment {i}.")["id"] for i in range(4)]
    api.review()
    api.act(comments[0], "approve")
    api.act(comments[1], "spam")
    samples = scrape(client)
    assert value(samples, "comments_queue_depth", status="pending", kind="comment") == 2
    assert value(samples, "comments_queue_depth", status="pending", kind="review") == 1


def test_queue_depth_is_computed_at_most_every_few_seconds(app: Flask, client: FlaskClient, api: Api) -> None:
    assert value(scrape(client), "comments_queue_depth", status="pending", kind="comment") == 0
    api.comment()
    assert value(scrape(client), "comments_queue_depth", status="pending", kind="comment") == 0  # cached
    app.config["QUEUE_DEPTH_TTL"] = 0
    assert value(scrape(client), "comments_queue_depth", status="pending", kind="comment") == 1


def test_odd_methods_do_not_grow_the_label_set(client: FlaskClient) -> None:
    for method in ("BREW", "PROPFIND", "X-ANYTHING"):
        client.open("/healthz", method=method)
    text = client.get("/metrics").get_data(as_text=True)
    assert "BREW" not in text and "PROPFIND" not in text
    assert 'comments_http_requests_total{method="other",route="unmatched",status="405"}' in text


def test_operations_paths_stay_out_of_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)


def test_app_messages_are_json_with_the_request_id(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()  # a new app: the test adds a route of its own
    client = app.test_client()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a 500, logged
    response = client.get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [error] = [line for line in lines if line.get("request_id") == "req-42"]
    assert error["level"] == "error" and "RuntimeError: kaput" in error["exception"]
