"""docs/API.md is the contract: every path and method of /openapi.json is on it, and every
one it lists is served."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

API_MD = Path(__file__).resolve().parents[2] / "docs" / "API.md"
# `GET /api/v1/articles/<article_id>/comments?limit=` in a table or the text.
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`?\s]*)")


def documented() -> set[tuple[str, str]]:
    text = API_MD.read_text(encoding="utf-8")
    return {(method.lower(), re.sub(r"<(\w+)>", r"{\1}", path)) for method, path in ROUTE.findall(text)}


def test_docs_api_md_lists_exactly_the_paths_and_methods_of_openapi_json(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    served = {(method, path) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    in_docs = documented()
    assert served - in_docs == set(), "served but not in docs/API.md"
    assert in_docs - served == set(), "in docs/API.md but not served"
    assert len(in_docs) >= 20
