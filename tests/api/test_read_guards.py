"""The rules of the public reads, watched while they run: counts come from stored counters
(no ``COUNT(`` reaches the database) and nothing is sanitized on read (bleach ran on write)."""

from __future__ import annotations

from typing import Any

import bleach.sanitizer
import pytest
from flask import Flask
from sqlalchemy import event

from service.domain import sanitizing
from service.extensions import db
from tests.helpers import V1
from tests.helpers import Api

PUBLIC_GETS = (
    "/articles/a1/comments",
    "/articles/a1/comments?limit=1",
    "/articles/a1/reviews",
    "/articles/a1/counts",
    "/counts?article_id=a1&article_id=a2",
    "/articles/a1/comments.html",
)


def test_public_gets_count_no_rows_and_never_sanitize(app: Flask, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = api.approved_comment("a1", body="A <b>first</b> look https://example.org")
    api.approved_comment("a1", parent_id=parent)
    api.approved_review("a1", title="Fine")
    api.comment("a2")
    statements: list[str] = []
    sanitized: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def refuse(name: str) -> Any:
        def called(*args: Any, **kwargs: Any) -> Any:
            sanitized.append(name)
            raise AssertionError(f"{name} ran on a public read")

        return called

    for name in ("to_safe_html", "plain_text", "normalize", "has_visible_text"):
        monkeypatch.setattr(sanitizing, name, refuse(name))
    monkeypatch.setattr(bleach.sanitizer.Cleaner, "clean", refuse("bleach"))
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for path in PUBLIC_GETS:
            response = api.client.get(f"{V1}{path}")
            assert response.status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements, "the reads reached the database"
    assert not [s for s in statements if "count(" in s.lower()]
    assert sanitized == []
