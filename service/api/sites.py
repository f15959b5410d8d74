"""Which site a request is for, and that site's settings, without a database round trip.

Every public path exists twice: ``/api/v1/...`` for the default site, unchanged, and
``/api/v1/sites/<site>/...`` for any site (the default one included). The site is taken
from the path before the view runs (``enter_site``) and is then ``current_site()``.

``settings(site)`` is the one accessor of a site's settings: all sites' settings are kept
in process and loaded again, in one query, at most every ``SITES_TTL`` seconds (a change
made through this process is seen at once; other workers see it within the TTL). A hot
GET never waits on the database for them.

CORS on a site's paths answers that site's own origins only; the default site's paths
keep flask-cors and COMMENTS_ALLOWED_ORIGINS (``extensions.py``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import request

from .. import config
from ..domain.errors import SiteNotFound
from ..domain.sites import DEFAULT_SITE
from ..domain.sites import SiteSettings
from ..domain.sites import is_valid_slug
from ..persistence import outbox
from ..persistence.database import StorageError
from ..usecases import sites as sites_usecase
from ..usecases import webhooks as webhooks_usecase

log = logging.getLogger(__name__)

SITES_TTL = 10.0  # seconds
MISS_RELOAD = 1.0  # seconds: how often an unknown site may cause a reload
SITE_PREFIX = "/api/v1/sites/<site>"
# The path parameter every site path documents (flask-smorest ``parameters``).
SITE_PARAMETER = {
    "in": "path",
    "name": "site",
    "required": True,
    "description": "The site's id (a slug: a-z 0-9 -); the default site is `default`.",
    "schema": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"},
}
_SITE_PATH = re.compile(r"^/api/v1/sites/([^/]+)/")
CORS_MAX_AGE = "600"
CORS_EXPOSE = "ETag, Retry-After, Location"


class Registry:
    """Every site's settings of one app, reloaded after ``ttl`` seconds or ``forget()``."""

    def __init__(self, base: SiteSettings, ttl: float) -> None:
        self.base = base
        self.ttl = ttl
        self._sites: dict[str, SiteSettings] = {}
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def all(self) -> dict[str, SiteSettings]:
        if time.monotonic() - self._loaded_at > self.ttl:
            with self._lock:
                if time.monotonic() - self._loaded_at > self.ttl:
                    self.load()
        return self._sites

    def load(self, pooled: bool = False) -> None:
        """Load every site now. A database that fails keeps the settings known (tried
        again a second later); with none known yet, the failure is the request's."""
        try:
            self._sites = sites_usecase.snapshot(self.base, pooled)
        except StorageError:
            if not self._sites:
                raise
            log.warning("sites: the database did not answer; keeping the settings known")
            self._loaded_at = time.monotonic() - self.ttl + MISS_RELOAD
            return
        self._loaded_at = time.monotonic()

    def get(self, site: str) -> SiteSettings | None:
        """``site``'s settings; a site unknown here is looked for again (once a second at
        most), so a site added through another worker answers within about a second."""
        found = self.all().get(site)
        if found is None and time.monotonic() - self._loaded_at > MISS_RELOAD:
            self.forget()
            found = self.all().get(site)
        return found

    def forget(self) -> None:
        self._loaded_at = float("-inf")


def warm(app: Flask) -> None:
    """Load the sites when the app starts, if the database already has them (a database
    not yet migrated, or down, is left for the first request)."""
    try:
        with app.app_context():
            registry(app).load(pooled=True)
    except StorageError:
        pass


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("sites")
    if found is None:
        found = app.extensions.setdefault(
            "sites", Registry(config.site_defaults(app.config), float(app.config.get("SITES_TTL", SITES_TTL)))
        )
    return found  # type: ignore[no-any-return]


def base_settings() -> SiteSettings:
    """The deployment's settings (``COMMENTS_*``), what sites fall back to."""
    return registry().base


def current_site() -> str:
    """The site of this request: its path's, else the default site."""
    return str(g.get("site", DEFAULT_SITE))


def settings(site: str | None = None) -> SiteSettings:
    """THE accessor of a site's settings in force (the current site's by default). An
    unknown site is ``SiteNotFound``."""
    if site is None:
        here: SiteSettings | None = g.get("site_settings")  # once a request: hot reads ask often
        if here is None:
            here = g.site_settings = settings(current_site())
        return here
    found = registry().get(site)
    if found is None:
        raise SiteNotFound("No site has this id.")
    return found


def known(site: str) -> str:
    """``site`` if it names a site, else ``SiteNotFound`` (a 404 with ``site_not_found``)."""
    if not is_valid_slug(site) or registry().get(site) is None:
        raise SiteNotFound("No site has this id.")
    return site


def enter_site(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before a site path's view: the site leaves the view's arguments and becomes
    ``current_site()``; an unknown one is a 404 before anything else runs."""
    if values and "site" in values:
        g.site = known(str(values.pop("site")))


def subscriptions(site: str) -> outbox.Subscriptions:
    """The webhook events the outbox records for ``site`` (none without its webhook), and
    whether its mails are (the deployment sends mail: COMMENTS_SMTP_URL)."""
    mail = current_app.config.get("EMAIL") is not None
    if not settings(site).webhooks_on:
        return outbox.Subscriptions(mail=mail) if mail else outbox.NONE
    return outbox.Subscriptions(frozenset(current_app.config["WEBHOOK_EVENTS"]), mail=mail)


def webhook_targets(app: Flask) -> Any:
    """For the delivery worker: each site's receiver (``None``: the site has none)."""
    timeout, attempts = float(app.config["WEBHOOK_TIMEOUT"]), int(app.config["WEBHOOK_MAX_ATTEMPTS"])

    def target(site: str) -> webhooks_usecase.Settings | None:
        found = registry(app).get(site)
        if found is None or not found.webhook_url or not found.webhook_secret:
            return None
        return webhooks_usecase.Settings(found.webhook_url, found.webhook_secret, timeout, attempts)

    return target


def site_cors(response: Response) -> Response:
    """CORS of a site's paths: only that site's own origins are answered; a preflight of
    another origin gets no CORS header, so the browser sends nothing."""
    match = _SITE_PATH.match(request.path)
    origin = request.headers.get("Origin")
    if match is None or not origin:
        return response
    found = registry().get(match.group(1)) if is_valid_slug(match.group(1)) else None
    if found is None or origin.rstrip("/") not in found.origins:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers")
        if asked:
            response.headers["Access-Control-Allow-Headers"] = asked
        response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    else:
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    return response
