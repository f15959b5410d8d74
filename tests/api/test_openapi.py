"""/openapi.json documents every /api/v1 path of API.md, generated from the schemas."""

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
