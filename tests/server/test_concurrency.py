"""Many readers and moderators at once, through a real gunicorn with two workers: nothing
accepted is lost, nothing is counted twice, and counters equal a recount from the rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import ArticleStats
from service.persistence.models import Entry
from service.persistence.models import ModerationEvent
from service.usecases import stats
from tests.helpers import ALICE
from tests.helpers import BOB
from tests.servers import gunicorn
from tests.servers import server_env

# One worker runs the module (xdist_group): its gunicorns start once, not once per worker.
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("concurrency")]
THREADS = 16


@pytest.fixture(scope="module")
def gunicorn_base(database_url: str) -> Iterator[str]:
    """One gunicorn per database for the module (starting and stopping one costs seconds)."""
    with gunicorn(server_env(database_url), workers=2) as base:
        yield f"{base}/api/v1"


@pytest.fixture
def server(app: Flask, gunicorn_base: str) -> str:
    """The module's gunicorn, on the database the ``app`` fixture has just emptied."""
    return gunicorn_base


def in_parallel(calls: list[Callable[[requests.Session], Any]]) -> list[Any]:
    sessions: dict[int, requests.Session] = {}

    def run(i_call: tuple[int, Callable[[requests.Session], Any]]) -> Any:
        i, call = i_call
        session = sessions.setdefault(i % THREADS, requests.Session())
        return call(session)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, enumerate(calls), timeout=120))


def post(
    url: str, headers: dict[str, str] | None = None, **body: Any
) -> Callable[[requests.Session], requests.Response]:
    return lambda s: s.post(url, json=body or None, headers=headers, timeout=30)


def counters(app: Flask) -> dict[str, tuple[int, ...]]:
    with app.app_context():
        rows = db.session.scalars(select(ArticleStats)).all()
        return {r.article_id: (r.comments, r.reviews, *r.histogram) for r in rows}


def assert_counters_match_a_recount(app: Flask) -> None:
    before = counters(app)
    with app.app_context():
        stats.rebuild()
    assert counters(app) == before


def test_parallel_submissions_are_all_stored(app: Flask, server: str) -> None:
    calls = [post(f"{server}/articles/a{i % 5}/comments", author=f"r{i}", body=f"comment {i}") for i in range(200)]
    calls += [
        post(
            f"{server}/articles/a{i % 5}/reviews",
            author=f"r{i}",
            body=f"review {i}",
            rating=i % 5 + 1,
            email=f"{i}@x.org",
        )
        for i in range(100)
    ]
    responses = in_parallel(calls)
    assert [r.status_code for r in responses] == [202] * 300
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 300
    with app.app_context():
        assert set(db.session.scalars(select(Entry.id))) == ids


def test_the_same_email_reviewing_in_parallel_gets_one_review(app: Flask, server: str) -> None:
    calls = [
        post(f"{server}/articles/a1/reviews", author="x", body=f"b{n}", rating=3, email="dup@x.org") for n in range(20)
    ]
    statuses = sorted(r.status_code for r in in_parallel(calls))
    assert statuses == [202] + [409] * 19
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 1


def test_two_moderators_approving_at_once_never_double_count(app: Flask, server: str) -> None:
    created = in_parallel(
        [post(f"{server}/articles/a{i % 3}/comments", author="a", body=f"c{i}") for i in range(40)]
        + [
            post(f"{server}/articles/a{i % 3}/reviews", author="a", body=f"r{i}", rating=5, email=f"{i}@x.org")
            for i in range(20)
        ]
    )
    ids = [r.json()["id"] for r in created]
    calls = [post(f"{server}/admin/entries/{i}/approve", headers=h) for i in ids for h in (ALICE, BOB, ALICE)]
    random.Random(7).shuffle(calls)
    assert {r.status_code for r in in_parallel(calls)} == {200}
    assert sum(c[0] for c in counters(app).values()) == 40
    assert sum(c[1] for c in counters(app).values()) == 20
    with app.app_context():
        approvals = select(func.count()).where(ModerationEvent.action == "approve")
        assert db.session.scalar(approvals) == 60  # one per entry, however many clicks
    assert_counters_match_a_recount(app)


def test_conflicting_decisions_on_threads_keep_counters_exact(app: Flask, server: str) -> None:
    roots = [
        r.json()["id"]
        for r in in_parallel([post(f"{server}/articles/t/comments", author="a", body=f"root {n}") for n in range(10)])
    ]
    in_parallel([post(f"{server}/admin/entries/{i}/approve", headers=ALICE) for i in roots])
    replies = [
        r.json()["id"]
        for r in in_parallel(
            [
                post(f"{server}/articles/t/comments", author="b", body=f"reply {n} to {p}", parent_id=p)
                for p in roots
                for n in range(3)
            ]
        )
    ]
    in_parallel([post(f"{server}/admin/entries/{i}/approve", headers=BOB) for i in replies[::2]])
    rng = random.Random(11)
    actions = ["approve", "reject", "spam"]
    calls = [
        post(
            f"{server}/admin/entries/{rng.choice(roots + replies)}/{rng.choice(actions)}",
            headers=rng.choice([ALICE, BOB]),
        )
        for _ in range(300)
    ]
    assert {r.status_code for r in in_parallel(calls)} == {200}
    assert_counters_match_a_recount(app)
    bulk = [
        post(f"{server}/admin/entries/bulk", headers=h, action=a, ids=roots + replies)
        for h, a in ((ALICE, "approve"), (BOB, "reject"), (ALICE, "approve"))
    ]
    assert {r.status_code for r in in_parallel(bulk)} == {200}
    assert_counters_match_a_recount(app)


def test_batch_counts_within_the_request_line_bound_pass_through_gunicorn(server: str) -> None:
    """gunicorn.conf.py bounds the request line at 8190 bytes (issue 12): 100 ids of 60
    characters fit in a GET; 100 of the longest (128) do not, and are a 414 before the app
    runs (such batches go in a POST body)."""
    ids = [f"{i:03d}" + "x" * 57 for i in range(100)]
    response = requests.get(f"{server}/counts", params={"article_id": ids}, timeout=30)
    assert response.status_code == 200
    assert list(response.json()["counts"]) == ids
    longest = [f"{i:03d}" + "x" * 125 for i in range(100)]
    assert requests.get(f"{server}/counts", params={"article_id": longest}, timeout=30).status_code == 414
