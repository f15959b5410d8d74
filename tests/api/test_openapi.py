"""/openapi.json documents every /api/v1 path of API.md, generated from the schemas."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient

API_MD = {
    ("post", "/api/v1/articles/{article_id}/comments"),
    ("post", "/api/v1/articles/{article_id}/reviews"),
    ("get", "/api/v1/articles/{article_id}/comments"),
    ("get", "/api/v1/articles/{article_id}/reviews"),
    ("get", "/api/v1/articles/{article_id}/counts"),
    ("get", "/api/v1/counts"),
    ("post", "/api/v1/entries/{entry_id}/reports"),
    ("get", "/api/v1/admin/queue"),
    ("get", "/api/v1/admin/entries/{entry_id}"),
    ("post", "/api/v1/admin/entries/{entry_id}/approve"),
    ("post", "/api/v1/admin/entries/{entry_id}/reject"),
    ("post", "/api/v1/admin/entries/{entry_id}/spam"),
    ("post", "/api/v1/admin/entries/bulk"),
    ("delete", "/api/v1/admin/entries/{entry_id}"),
}


def test_every_api_md_path_is_documented_with_schemas(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(method, path) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    assert API_MD <= documented
    assert all(path.startswith("/api/v1/") for path in spec["paths"])
    post_comment = spec["paths"]["/api/v1/articles/{article_id}/comments"]["post"]
    assert "requestBody" in post_comment
    assert "202" in post_comment["responses"]
    schemas = spec["components"]["schemas"]
    assert {"author", "body", "email", "parent_id"} <= set(schemas["CommentIn"]["properties"])
    assert "email" not in schemas["CommentOut"]["properties"]
    assert {"items", "next_cursor", "summary"} <= set(schemas["ReviewsOut"]["properties"])


def test_the_first_requests_at_once_all_get_the_whole_document(app: Flask) -> None:
    """The document is written at the first read, not at start (service/errors.py): readers
    arriving together, as on gunicorn's threads, all get it whole, and the same."""
    barrier = threading.Barrier(6)

    def read() -> bytes:
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.get("/openapi.json")
        assert response.status_code == 200
        return response.get_data()

    with ThreadPoolExecutor(6) as pool:
        bodies = list(pool.map(lambda _: read(), range(6), timeout=60))
    assert set(bodies) == {app.test_client().get("/openapi.json").get_data()}
    assert len(json.loads(bodies[0])["paths"]) > len(API_MD)
