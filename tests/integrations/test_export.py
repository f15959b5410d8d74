"""Moving out: ``flask --app wsgi export`` writes JSON Lines that ``import jsonl`` reads back
into the same entries; a moderator exports one email address's entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Entry
from tests.conftest import empty_database
from tests.helpers import ALICE
from tests.helpers import Api

from .conftest import empty_own_tables
from .samples import disqus_xml
from .samples import write
from .test_imports import DISQUS_POSTS
from .test_imports import STORM
from .test_imports import run
from .test_imports import shape

pytestmark = pytest.mark.usefixtures("own_tables")


def entries(app: Flask) -> dict[str, dict[str, Any]]:
    """Every stored entry by the key an export gives it, with its parent's key."""
    with app.app_context():
        rows = db.session.scalars(select(Entry)).all()
        keys = {e.id: e.origin or f"comments:{e.id}" for e in rows}
        found = {
            keys[e.id]: {
                "parent": keys.get(e.parent_id) if e.parent_id else None,
                **{
                    c: getattr(e, c)
                    for c in (
                        "article_id",
                        "kind",
                        "status",
                        "author",
                        "email",
                        "body_source",
                        "body_html",
                        "rating",
                        "title",
                        "created_at",
                        "updated_at",
                    )
                },
            }
            for e in rows
        }
        db.session.commit()
        return found


def fill(api: Api, runner: FlaskCliRunner, tmp_path: Path) -> None:
    ann = api.approved_comment("a1", author="Ann", email="Ann@X.org", body="Hello <b>all</b>")
    reply = api.comment("a1", author="Bo", email="bo@x.org", parent_id=ann)["id"]
    api.act(reply, "approve")
    api.comment("a1", author="Cy", body="Still pending")
    rejected = api.comment("a2", author="Ann", email="ann@x.org", body="Off topic")["id"]
    api.act(rejected, "reject", code="off-topic")
    api.approved_review("a1", author="Eve", email="eve@x.org", rating=5, title="Clear", body="Well explained")
    run(runner, "import", "disqus", str(write(tmp_path / "disqus.xml", disqus_xml([STORM], DISQUS_POSTS[:7]))))


def test_an_export_imported_into_an_empty_database_gives_back_the_same_entries(
    runner: FlaskCliRunner, api: Api, app: Flask, tmp_path: Path
) -> None:
    fill(api, runner, tmp_path)
    before = entries(app)
    threads = {a: api.thread(a) for a in ("a1", "2024-05-storm-hits")}
    counts = {a: api.counts(a) for a in ("a1", "a2", "2024-05-storm-hits")}
    export = tmp_path / "all.jsonl"
    run(runner, "export", "-o", str(export))
    lines = export.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "comments-service/entries" and len(lines) == 1 + len(before)

    empty_database(app)  # as a new instance would be
    empty_own_tables(app)
    output = run(runner, "import", "jsonl", str(export))
    assert f"imported {len(before)} entries into 3 articles" in output
    assert entries(app) == before
    for article, thread in threads.items():
        after = api.thread(article)
        assert shape(after["items"]) == shape(thread["items"])
        assert [i["body_html"] for i in after["items"]] == [i["body_html"] for i in thread["items"]]
    assert {a: api.counts(a) for a in counts} == counts
    assert "imported 0 entries" in run(runner, "import", "jsonl", str(export))


def test_a_moderator_exports_everything_of_one_email_address(
    runner: FlaskCliRunner, api: Api, app: Flask, tmp_path: Path
) -> None:
    fill(api, runner, tmp_path)
    export = tmp_path / "ann.jsonl"
    run(runner, "export", "--email", "ANN@x.org", "-o", str(export))
    header, *items = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert header["email"] == "ANN@x.org"
    assert sorted((i["article_id"], i["status"], i["body"]) for i in items) == [
        ("a1", "approved", "Hello <b>all</b>"),
        ("a2", "rejected", "Off topic"),
    ]
    assert {i["email"] for i in items} == {"ann@x.org"}

    response = api.client.get("/api/v1/admin/export", query_string={"email": "ann@x.org"}, headers=ALICE)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert [json.loads(line)["body"] for line in response.get_data(as_text=True).splitlines()[1:]] == [
        i["body"] for i in items
    ]
    assert api.client.get("/api/v1/admin/export", query_string={"email": "ann@x.org"}).status_code == 401
    assert api.client.get("/api/v1/admin/export", headers=ALICE).status_code == 400

    one = tmp_path / "a2.jsonl"
    run(runner, "export", "--article", "a2", "-o", str(one))
    assert [json.loads(line)["author"] for line in one.read_text(encoding="utf-8").splitlines()[1:]] == ["Ann"]
