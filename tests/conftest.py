"""Fixtures: every app test runs on a fresh SQLite file and on a fresh PostgreSQL database.

PostgreSQL is expected on 127.0.0.1:5432 (``COMMENTS_TEST_POSTGRES`` names another server);
a missing server fails the run, it is not skipped.
"""

from __future__ import annotations

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


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(base_config(database_url))
    empty_database(app)
    # create_app loaded the sites a previous test left; the emptied database has none.
    warm_sites(app)
    yield app
    with app.app_context():
        db.engine.dispose()


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``browser``, ``postgres`` and ``server``, from what each test uses (``slow`` is set
    in the slow tests' own modules)."""
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
