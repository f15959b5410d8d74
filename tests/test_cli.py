"""``flask --app wsgi`` commands."""

from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func
from sqlalchemy import select

from service.domain.moderation import Status
from service.extensions import db
from service.persistence.models import ArticleStats
from service.persistence.models import Entry
from tests.helpers import Api


def test_demo_data_fills_the_database_with_exact_counters(runner: FlaskCliRunner, app: Flask, api: Api) -> None:
    result = runner.invoke(
        args=["demo-data", "--articles", "5", "--comments", "300", "--reviews", "40", "--pending", "12"]
    )
    assert result.exit_code == 0, result.output
    assert "added 300 comments, 40 reviews and 12 pending entries over 5 articles" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 352
        assert db.session.scalar(select(func.count()).where(Entry.status == Status.PENDING)) == 12
        comments = db.session.scalar(select(func.sum(ArticleStats.comments)))
        reviews = db.session.scalar(select(func.sum(ArticleStats.reviews)))
    assert (comments, reviews) == (300, 40)
    thread = api.thread("demo-1", limit=200)["items"]

    def visible(items: list[dict[str, Any]]) -> int:
        return sum(1 + visible(i["replies"]) for i in items)

    assert visible(thread) == api.counts("demo-1")["comments"]
    # new entries get ids after the demo rows on both databases
    api.comment("demo-1")
