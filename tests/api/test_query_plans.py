"""Indexes serve every query of the hot paths, on both databases, and reads take a fixed
number of queries whatever the size of the article."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from flask import Flask
from sqlalchemy import event
from sqlalchemy import text

from service.config import TrustSettings
from service.extensions import db
from service.usecases import demo
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api


@contextmanager
def recorded(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "INSERT", "DELETE")):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan(app: Flask, statement: str, parameters: Any) -> str:
    with app.app_context():
        conn = db.session.connection()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        db.session.rollback()
    return "\n".join(str(r[-1]) for r in rows)


def full_scans(plan_text: str) -> list[str]:
    """Plan lines that read a whole table: SQLite's ``SCAN entry`` (without an index) or
    PostgreSQL's ``Seq Scan``."""
    return [
        line
        for line in plan_text.splitlines()
        if re.search(r"\bSCAN (entry|article_stats|moderation_event|report)\b(?! USING)", line) or "Seq Scan" in line
    ]


EXPECTED_INDEX = {
    "entry.parent_id IS NULL": "ix_entry_public",  # roots of a thread, reviews
    "entry.root_id IN": "ix_entry_thread",  # replies of a page
}


def test_every_hot_query_is_served_by_an_index(app: Flask, api: Api) -> None:
    with app.app_context():
        demo.fill(articles=20, comments=4000, reviews=400, pending=50)
    parent = api.thread("demo-1", limit=1)["items"][0]["id"]
    with recorded(app) as statements:
        # an article of ordinary size: on the largest, a planner may rightly prefer another index
        cursor = api.thread("demo-15", limit=5)["next_cursor"]
        api.thread("demo-15", limit=5, cursor=cursor)
        page = api.get("/articles/demo-15/reviews?limit=2")
        api.get(f"/articles/demo-15/reviews?limit=2&cursor={page['next_cursor']}")
        api.counts("demo-1")
        api.get("/counts?article_id=demo-1&article_id=demo-2")
        queue = api.get("/admin/queue?limit=2", headers=ALICE)
        api.get(f"/admin/queue?limit=2&cursor={queue['next_cursor']}", headers=ALICE)
        api.get("/admin/queue?kind=review", headers=ALICE)
        api.get("/admin/queue?article_id=demo-2", headers=ALICE)
        reply = api.comment("demo-1", parent_id=parent)["id"]
        api.act(reply, "approve")
        api.act(parent, "reject")
        api.act(parent, "approve")
    assert len(statements) > 20
    plans = [(statement, plan(app, statement, parameters)) for statement, parameters in statements]
    assert {s: full_scans(p) for s, p in plans if full_scans(p)} == {}
    for marker, index in EXPECTED_INDEX.items():
        using = [p for s, p in plans if marker in " ".join(s.split())]
        assert using, marker
        assert all(index in p for p in using), (marker, using)


def test_batch_counts_probe_the_key_once_per_id_as_the_planner_chooses(app: Flask, api: Api) -> None:
    """With a thousand articles on a site, PostgreSQL planned ``site_id = ? AND article_id IN
    (20 ids)`` as a scan of every counter row of the site (batch counts lost a quarter of
    their speed): the plan it picks by itself, not under ``enable_seqscan = off``."""
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO article_stats (site_id, article_id, comments, reviews, rating_1, rating_2, rating_3,"
                " rating_4, rating_5, version) SELECT 'default', 'a' || x, x, 0, 0, 0, 0, 0, 0, 1 FROM"
                " (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) SELECT x FROM n) q"
            )
        )
        db.session.commit()
        db.session.execute(text("ANALYZE article_stats"))
        db.session.commit()
    ids = [f"a{n}" for n in range(7, 1000, 50)]
    with recorded(app) as statements:
        counts = api.get("/counts?" + "&".join(f"article_id={a}" for a in ids))["counts"]
    assert [counts[a]["comments"] for a in ids] == [int(a[1:]) for a in ids]
    [(statement, parameters)] = statements
    with app.app_context():
        conn = db.session.connection()
        explain = "EXPLAIN" if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        found = "\n".join(str(r[-1]) for r in conn.exec_driver_sql(f"{explain} {statement}", parameters).all())
        db.session.rollback()
    assert full_scans(found) == [], found


def test_reads_take_a_fixed_number_of_queries(app: Flask, api: Api) -> None:
    with app.app_context():
        demo.fill(articles=1, comments=400, reviews=50, pending=0)
    expected = {
        "/articles/demo-1/comments": 3,
        "/articles/demo-1/reviews": 3,
        "/articles/demo-1/counts": 1,
        "/counts?article_id=demo-1&article_id=x": 1,
    }
    for path, queries in expected.items():
        with recorded(app) as statements:
            api.get(path)
        assert len(statements) == queries, (path, statements)
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_a_readers_own_entries_are_found_by_index(make_app: Callable[..., Flask]) -> None:
    """``GET /articles/<id>/mine`` probes the author's entries (``ix_entry_author``) and the
    thread's state by key, whatever the size of the article or the site."""
    secret = "a-site-secret-of-32-characters-or-more"
    app = make_app(TRUST=TrustSettings(sso_secret=secret))
    api = Api(app.test_client())
    with app.app_context():
        demo.fill(articles=3, comments=600, reviews=60, pending=20)
    claims = {"sub": "u-1", "name": "Sam", "aud": "default", "exp": int(time.time()) + 600}
    sso = {"X-Comments-SSO": jwt.encode(claims, secret, algorithm="HS256")}
    api.client.post(f"{V1}/articles/demo-1/comments", json={"body": "Mine"}, headers=sso)
    with recorded(app) as statements:
        assert len(api.get("/articles/demo-1/mine", headers=sso)["items"]) == 1
    assert len(statements) == 2, statements
    plans = [plan(app, statement, parameters) for statement, parameters in statements]
    assert [full_scans(p) for p in plans] == [[], []], plans
    assert "ix_entry_author" in plans[1], plans[1]
