"""``flask --app wsgi demo-data``, run as a newcomer would with no options, fills exactly the
demo site's articles with text that reads like readers wrote it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import ArticlePage
from service.persistence.models import Entry
from service.usecases import demo
from service.widget.demo import STORIES
from tests.helpers import ALICE
from tests.helpers import Api

DEMO_SITE = {story.id for story in STORIES}


def test_the_default_fill_covers_exactly_the_demo_site_and_every_pending_entry_leads_somewhere(
    runner: FlaskCliRunner, app: Flask, api: Api
) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        entries = db.session.scalars(select(Entry)).all()
        pages = {p.article_id: p.title for p in db.session.scalars(select(ArticlePage))}
        by_id = {e.id: e for e in entries}
        assert {e.article_id for e in entries} == DEMO_SITE
        assert {e.article_id for e in entries if e.status.value == "pending"} == DEMO_SITE
        for e in entries:
            if e.parent_id is not None:  # a reply answers a published comment of its article
                parent = by_id[e.parent_id]
                assert parent.article_id == e.article_id and parent.status.value == "approved"
    assert pages == {story.id: story.headline for story in STORIES}
    for story in STORIES:  # what the demo page shows
        assert api.counts(story.id)["comments"] > 0
    queue = api.get("/admin/queue", headers=ALICE, query_string={"limit": 200})["items"]
    assert {item["article_title"] for item in queue} <= {story.headline for story in STORIES}
    assert any(item["parent"] for item in queue)


def curated_parts(text: str, sentences: set[str]) -> list[str]:
    """``text`` as a sequence of curated sentences (fails when anything else is in it)."""
    parts: list[str] = []
    rest = text
    for _ in range(10):
        if not rest:
            return parts
        part = next((s for s in sentences if rest.startswith(s)), None)
        assert part is not None, f"not from the curated set: {rest!r}"
        parts.append(part)
        rest = rest[len(part) :].lstrip(" ")
    raise AssertionError(text)


def test_demo_texts_are_whole_sentences_from_the_curated_set(runner: FlaskCliRunner, app: Flask, api: Api) -> None:
    assert runner.invoke(args=["demo-data", "--comments", "200"]).exit_code == 0
    sentences = set(demo.REACTIONS + demo.DETAILS + demo.CLOSINGS + demo.REPLIES)
    sentences |= {s for texts in demo.REVIEWS.values() for s in texts}
    sentences |= {s for topic in demo.TOPICS.values() for s in topic}
    link = "The minutes are here: https://example.org/council/minutes"
    seen: set[str] = set()
    with app.app_context():
        for body in db.session.scalars(select(Entry.body_source)):
            seen.add(body)
            text = body.replace("<b>", "").replace("</b>", "").replace("\n\n" + link, "")
            assert 1 <= len(curated_parts(text, sentences)) <= 3, body
    assert len(seen) > 60  # varied, not a handful of texts over and over
    thread: list[dict[str, Any]] = api.thread("demo-4", limit=200)["items"]
    assert any("cinema" in c["body_html"] or "film" in c["body_html"] for c in thread)  # on topic


def test_large_fills_for_the_benchmarks_still_spread_over_many_articles(runner: FlaskCliRunner, app: Flask) -> None:
    args = ["demo-data", "--articles", "40", "--comments", "3000", "--reviews", "300", "--pending", "40"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "added 3000 comments, 300 reviews and 40 pending entries over 40 articles" in result.output
    with app.app_context():
        used = set(db.session.scalars(select(Entry.article_id).distinct()))
    assert used <= {f"demo-{i}" for i in range(1, 41)} and len(used) > 30


def test_if_empty_fills_once(runner: FlaskCliRunner, app: Flask) -> None:
    assert "added 120 comments" in runner.invoke(args=["demo-data", "--if-empty"]).output
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "no demo data added" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Entry.id)).all()) == 120 + 25 + 12


def test_make_run_prints_the_demo_and_the_moderation_addresses() -> None:
    import subprocess

    from tests.servers import ROOT

    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "HOST=127.0.0.1", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    echoed = [line for line in result.stdout.splitlines() if line.startswith("echo ")]
    assert any("http://127.0.0.1:8123/demo/" in line for line in echoed), result.stdout
    assert any("http://127.0.0.1:8123/admin/" in line for line in echoed), result.stdout


def test_a_review_reads_as_its_stars(runner: FlaskCliRunner, app: Flask) -> None:
    assert runner.invoke(args=["demo-data", "--reviews", "200"]).exit_code == 0
    with app.app_context():
        reviews = db.session.execute(select(Entry.rating, Entry.body_source).where(Entry.rating.is_not(None))).all()
    assert {rating for rating, _ in reviews} == {1, 2, 3, 4, 5}
    for rating, body in reviews:
        tier = "low" if (rating or 0) <= 2 else "mid" if rating == 3 else "high"
        assert any(body.startswith(text) for text in demo.REVIEWS[tier]), (rating, body)
