"""One gunicorn, one host site on another origin and one Chromium for the whole browser
suite; a fresh browser context (cache, storage) per test. Runs on one SQLite file: the
API's behaviour on both databases is covered by tests/api."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page

from service import create_app
from service.extensions import db
from service.persistence.migrating import MIGRATIONS_DIR

from ..servers import gunicorn
from ..servers import server_env
from .support import WATCH
from .support import HostSite
from .support import Service
from .support import host_site

TIMEOUT_MS = 10_000


def migrated_sqlite(path: Path) -> str:
    from flask_migrate import upgrade

    url = f"sqlite:///{path}"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "EMBEDDED_DATABASE": False, "SECRET_KEY": "test-secret"}
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def host() -> Iterator[HostSite]:
    with host_site() as site:
        yield site


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("browser") / "comments.db")


@pytest.fixture(scope="session")
def service_url(browser_db: str, host: HostSite) -> Iterator[str]:
    env = {**server_env(browser_db), "COMMENTS_ALLOWED_ORIGINS": host.origin}
    with gunicorn(env, workers=2) as base:
        yield base


@pytest.fixture(scope="session")
def service(service_url: str) -> Service:
    return Service(service_url)


@pytest.fixture(scope="session")
def browser(chromium_browser: Browser) -> Browser:
    return chromium_browser


def new_context(browser: Browser, **options: object) -> BrowserContext:
    settings: dict[str, Any] = {"viewport": {"width": 1100, "height": 900}, **options}
    context = browser.new_context(**settings)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(WATCH)
    context.on("dialog", lambda dialog: dialog.dismiss())
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def browser_context_320_dark(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser, viewport={"width": 320, "height": 640}, color_scheme="dark")
    yield context
    context.close()
