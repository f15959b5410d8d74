"""Fixtures of the hostile-input suite: a fresh database of each kind, a real gunicorn on
it, a host site on another loopback origin, and one headless Chromium.

The databases are our own (not the shared ``database_url``), so no other test's clean-up
empties them under a running server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser

from ..conftest import _migrated
from ..databases import sqlalchemy_url
from ..databases import throwaway_postgres
from ..helpers import ALICE
from ..servers import gunicorn
from ..servers import server_env
from .host import HostSite
from .host import host_site


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The XSS corpus's tests of one database share one xdist worker (its server and the
    published corpus are built once), and so do the tests on the suite's shared server of
    one database (Schemathesis's): each gunicorn and database is made on one worker, not
    on both. The two databases' may go to different workers."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.path.name == "test_xss_corpus.py":
            item.add_marker(pytest.mark.xdist_group(f"xss-corpus-{params.get('corpus_server', 'any')}"))
        elif "server" in getattr(item, "fixturenames", ()) and "hostile_database" in params:
            item.add_marker(pytest.mark.xdist_group(f"hostile-server-{params['hostile_database']}"))


@contextmanager
def fresh_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database of ``kind`` (sqlite, postgresql), dropped afterwards."""
    if kind == "sqlite":
        yield _migrated(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'comments.db'}")
        return
    with throwaway_postgres("hostile") as name:
        yield _migrated(sqlalchemy_url(name))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def hostile_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database of each kind for this suite's servers."""
    with fresh_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def host() -> Iterator[HostSite]:
    with host_site() as site:
        yield site


@dataclass(frozen=True)
class Server:
    """A running ``gunicorn wsgi:app`` and the database kind behind it."""

    base: str
    dialect: str

    def post(self, path: str, body: object, admin: bool = False) -> requests.Response:
        return requests.post(f"{self.base}/api/v1{path}", json=body, headers=ALICE if admin else {}, timeout=30)

    def get(self, path: str, **params: object) -> requests.Response:
        return requests.get(f"{self.base}/api/v1{path}", params=params, timeout=30)  # type: ignore[arg-type]


@contextmanager
def serving(database_url: str, host: HostSite) -> Iterator[Server]:
    """gunicorn (2 workers) on ``database_url``; CORS allows the host site."""
    env = {**server_env(database_url), "COMMENTS_ALLOWED_ORIGINS": host.origin}
    with gunicorn(env, workers=2) as base:
        yield Server(base, database_url.split(":", 1)[0].split("+", 1)[0])


@pytest.fixture(scope="session")
def server(hostile_database: str, host: HostSite) -> Iterator[Server]:
    """gunicorn (2 workers) on the suite's database; CORS allows the host site."""
    with serving(hostile_database, host) as server:
        yield server


@pytest.fixture(scope="session")
def chromium(chromium_browser: Browser) -> Browser:
    return chromium_browser


@pytest.fixture
def corpus_path() -> Path:
    return Path(__file__).with_name("xss_vectors.txt")
