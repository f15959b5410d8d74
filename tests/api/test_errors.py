"""Every failure, on every path, is the JSON envelope with the right status."""

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.extensions import db
from tests.conftest import base_config
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import stored_entries


def assert_envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error: dict[str, Any] = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_unknown_paths_are_404_json(client: FlaskClient) -> None:
    assert_envelope(client.get("/nope"), 404, "not_found")
    assert_envelope(client.get(f"{V1}/articles/a1/nope"), 404, "not_found")


def test_wrong_methods_are_405_json_with_allow(client: FlaskClient) -> None:
    response = client.put(f"{V1}/articles/a1/comments", json={})
    assert_envelope(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_non_json_bodies_are_415(client: FlaskClient, app: Flask) -> None:
    for kwargs in (
        {"data": "author=a&body=b", "content_type": "application/x-www-form-urlencoded"},
        {"data": "hello", "content_type": "text/plain"},
    ):
        assert_envelope(client.post(f"{V1}/articles/a1/comments", **kwargs), 415, "unsupported_media_type")
    with app.app_context():
        assert stored_entries() == 0


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(f"{V1}/articles/a1/comments", data="{nope", content_type="application/json")
    assert_envelope(response, 400, "bad_request")
    response = client.post(f"{V1}/admin/entries/bulk", data="[1,", content_type="application/json", headers=ALICE)
    assert_envelope(response, 400, "bad_request")


def test_json_that_is_not_an_object_is_422(client: FlaskClient) -> None:
    response = client.post(f"{V1}/articles/a1/comments", json=["author", "body"])
    assert_envelope(response, 422, "validation_failed")


def test_bodies_over_64_kib_are_413_and_store_nothing(client: FlaskClient, app: Flask) -> None:
    body = {"author": "a", "body": "x" * (64 * 1024)}
    assert_envelope(client.post(f"{V1}/articles/a1/comments", json=body), 413, "payload_too_large")
    with app.app_context():
        assert stored_entries() == 0


def test_validation_errors_are_422_with_fields(client: FlaskClient) -> None:
    error = assert_envelope(client.post(f"{V1}/articles/a1/comments", json={"body": "b"}), 422, "validation_failed")
    assert set(error["fields"]) == {"author"}


def test_conflicts_are_409(client: FlaskClient) -> None:
    review = {"author": "a", "body": "b", "rating": 3, "email": "a@x.org"}
    assert client.post(f"{V1}/articles/a1/reviews", json=review).status_code == 202
    assert_envelope(client.post(f"{V1}/articles/a1/reviews", json=review), 409, "conflict")


def test_rate_limited_submissions_are_429_with_retry_after(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATE_LIMIT="2/minute")
    client = app.test_client()
    statuses = [
        client.post(f"{V1}/articles/a1/comments", json={"author": "a", "body": f"b{i}"}).status_code for i in range(2)
    ]
    assert statuses == [202, 202]
    response = client.post(f"{V1}/articles/a1/comments", json={"author": "a", "body": "b3"})
    assert_envelope(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert client.get(f"{V1}/articles/a1/comments").status_code == 200  # reads are not limited


def test_writes_tell_their_limit_and_reads_carry_none(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATE_LIMIT="5/minute").test_client()
    write = client.post(f"{V1}/articles/a1/comments", json={"author": "a", "body": "b"})
    assert (write.headers["X-RateLimit-Limit"], write.headers["X-RateLimit-Remaining"]) == ("5", "4")
    for _ in range(6):  # more reads than the limit allows writes
        read = client.get(f"{V1}/articles/a1/comments")
        assert read.status_code == 200
        assert not any(name.startswith("X-RateLimit") for name in read.headers.keys())
    second = client.post(f"{V1}/articles/a1/comments", json={"author": "a", "body": "c"})
    assert second.headers["X-RateLimit-Remaining"] == "3"


@pytest.fixture
def app_without_database() -> Iterator[Flask]:
    app = create_app(base_config("postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=1"))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_database_that_is_down_gives_503_json(app_without_database: Flask) -> None:
    client = app_without_database.test_client()
    assert_envelope(client.get(f"{V1}/articles/a1/comments"), 503, "unavailable")
    assert_envelope(client.post(f"{V1}/articles/a1/comments", json={"author": "a", "body": "b"}), 503, "unavailable")
    assert_envelope(client.get(f"{V1}/admin/queue", headers=ALICE), 503, "unavailable")
    assert_envelope(client.get("/readyz"), 503, "unavailable")
    assert client.get("/healthz").status_code == 200
