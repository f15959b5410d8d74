"""Fixtures: every app test runs on a fresh SQLite file and on a fresh PostgreSQL database.

PostgreSQL is expected on 127.0.0.1:5432 (``COMMENTS_TEST_POSTGRES`` names another server);
a missing server fails the run, it is not skipped.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from service import create_app
from service.api.sites import warm as warm_sites
from service.extensions import db
from service.observability import logs
from service.observability import metrics
from service.persistence.base import Base
from service.persistence.migrating import MIGRATIONS_DIR

from .databases import POSTGRES as POSTGRES
from .databases import sqlalchemy_url
from .databases import throwaway_postgres
from .helpers import ADMIN_TOKENS
from .helpers import Api
from .mailserver import smtp_server as smtp_server
from .mailserver import tls_smtp_servers as tls_smtp_servers

if TYPE_CHECKING:  # Playwright is imported by the browser fixture only
    from playwright.sync_api import Browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every table the models declare, children first (so DELETE on SQLite meets no foreign key).
TABLES = tuple(table.name for table in reversed(Base.metadata.sorted_tables))


def base_config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "EMBEDDED_DATABASE": False,
        "ADMIN_TOKENS": {token: name for name, token in ADMIN_TOKENS.items()},
        "RATE_LIMIT": None,
        "SECRET_KEY": "test-secret",
        "ALLOWED_ORIGINS": ["http://news.example"],
    }


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run (this process), dropped at the end."""
    with throwaway_postgres("test") as name:
        yield sqlalchemy_url(name)


def _migrated(url: str) -> str:
    from flask_migrate import upgrade

    app = create_app(base_config(url))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database of each kind, shared by the run; tests empty it before use."""
    if request.param == "sqlite":
        return _migrated(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'comments.db'}")
    url: str = request.getfixturevalue("postgres_database")
    return _migrated(url)


def empty_database(app: Flask) -> None:
    """Every table emptied, children first, and ids starting at 1 again, as in a new
    database. DELETE, not TRUNCATE: a test leaves a few rows, and PostgreSQL's TRUNCATE
    costs tens to hundreds of milliseconds (new files for every table) where DELETE of
    those rows costs about five, at every one of the suite's app tests."""
    with app.app_context():
        for table in TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
        if db.engine.dialect.name == "postgresql":
            # SQLite's rowids start again after the last row left; PostgreSQL's sequences don't.
            sequences = db.session.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
            for sequence in sequences.all():
                db.session.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
        db.session.commit()


class SharedApp:
    """One app per database and xdist worker, made as ``create_app`` makes it, and given
    back to each test as a new one would be: its settings as made, its caches (responses,
    sites, queue depth) empty. create_app costs tens of milliseconds at each of about a
    thousand tests; its database connections stay open between tests too. The rate
    limiter is the process's own, and its limits are off in these settings (a test that
    wants them asks ``make_app``, whose create_app gives the limiter a fresh storage)."""

    def __init__(self, database_url: str) -> None:
        self.app = create_app(base_config(database_url))
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = set(self.app.extensions)
        self.setup = self.routes_and_hooks(self.app)

    @staticmethod
    def routes_and_hooks(app: Flask) -> tuple[int, ...]:
        hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
        return (len(app.view_functions), *(sum(map(len, h.values())) for h in hooks))

    def renewed(self) -> Flask:
        app = self.app
        assert self.routes_and_hooks(app) == self.setup, "a test changed the shared app: give it make_app()"
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        for made_later in set(app.extensions) - self.extensions:  # the response cache
            del app.extensions[made_later]
        del app.extensions["sites"]  # made again by warm_sites below
        metrics.init_app(app)  # the queue depth's registry
        # Process-wide, redone by every create_app: loggers that a test's Alembic run
        # turned off are turned back on.
        logs.configure_app_logging(app)
        return app

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[SharedApp]:
    shared = SharedApp(database_url)
    yield shared
    shared.close()


@pytest.fixture
def app(shared_app: SharedApp) -> Flask:
    """The test's app on the test database, emptied: as new (see ``SharedApp``)."""
    app = shared_app.renewed()
    empty_database(app)
    warm_sites(app)
    return app


@pytest.fixture
def make_app(app: Flask, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Apps with settings of their own on the test database (emptied, as for ``app``),
    closed afterwards."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({**base_config(database_url), **overrides})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def dialect(app: Flask) -> str:
    with app.app_context():
        return str(db.engine.dialect.name)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright, one for the whole run: Playwright's sync
    API allows a single driver per thread, so every browser test shares this one."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


# -- markers: `pytest -m "not browser and not server"` runs what needs neither --------------

# Fixtures that start gunicorn, and the tests whose files start servers of their own.
_SERVER_FIXTURES = {"server", "service_url"}
_SERVER_FILES = (
    "tests/server/",
    "tests/ops/",
    "tests/browser/test_resilience.py",
    "tests/browser/test_post_moderation.py",
    "tests/browser/test_toxicity.py",
    "tests/browser/test_signed_in.py",
)


_LOST_GROUP = pytest.StashKey[bool]()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.stash.get(_LOST_GROUP, False):
        pytest.fail(
            "pytest-xdist's --dist loadgroup lost this test's xdist_group (pytest-dev/pytest-xdist#1386, "
            "pytest 9.2 with pytest-xdist 3.8): see the pin of pytest in pyproject.toml",
            pytrace=False,
        )


@pytest.hookimpl(trylast=True)  # after pytest-xdist's, which names the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``browser``, ``postgres`` and ``server``, from what each test uses (``slow`` is set
    in the slow tests' own modules). In a worker of ``--dist loadgroup``, every test of an
    ``xdist_group`` must carry its group, or the costly fixtures the groups share are made
    on every worker (pytest 9.2 with pytest-xdist 3.8, pytest-dev/pytest-xdist#1386)."""
    if getattr(config.option, "loadgroup", False):
        for item in items:
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
                item.stash[_LOST_GROUP] = True
    root = Path(str(config.rootpath))
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        where = Path(str(item.path)).relative_to(root).as_posix()
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "chromium_browser" in names:
            item.add_marker(pytest.mark.browser)
        if "postgresql" in params.values() or names & {"postgres_database", "pg_database"}:
            item.add_marker(pytest.mark.postgres)
        if names & _SERVER_FIXTURES or where.startswith(_SERVER_FILES):
            item.add_marker(pytest.mark.server)
