"""Sites: their settings as the service applies them, and what admins do with sites
(list, add, change). The API keeps every site's settings in process (``api/sites.py``),
loaded by ``snapshot``; the CLI and the admin API write through ``add`` and ``change``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import Conflict
from ..domain.errors import Invalid
from ..domain.errors import SiteNotFound
from ..domain.sites import DEFAULT_SITE
from ..domain.sites import SETTINGS
from ..domain.sites import SiteSettings
from ..domain.sites import is_valid_slug
from ..persistence import sites as stored
from ..persistence.base import utcnow
from ..persistence.database import Duplicate
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import Site
from .read import Visibility
from .read import visible


@dataclass(frozen=True)
class SiteView:
    """A site as admins see it (``schemas.sites.SiteOut``): its settings in force, and
    which of them it sets itself (the others are the deployment's)."""

    id: str
    name: str
    origins: tuple[str, ...]
    settings: SiteSettings
    custom: tuple[str, ...]
    created_at: datetime | None


DEFAULT_NAME = "Default site"


def resolve(base: SiteSettings, site_id: str, origins: Any, overrides: Mapping[str, Any] | None) -> SiteSettings:
    """A site's settings in force: what it sets, over the deployment's (``base``). The
    default site keeps the deployment's origins (COMMENTS_ALLOWED_ORIGINS) and webhook
    unless it sets its own; other sites have only their own."""
    start = base if site_id == DEFAULT_SITE else base.for_other_sites(site_id)
    listed = tuple(origins or ())
    if site_id == DEFAULT_SITE and not listed:
        listed = start.origins
    return start.with_overrides({k: v for k, v in (overrides or {}).items() if k in SETTINGS}, listed)


def snapshot(base: SiteSettings, pooled: bool = False) -> dict[str, SiteSettings]:
    """Every site's settings in force, in one query; the default site is always there."""
    found = {DEFAULT_SITE: base}
    for row in stored.all_rows_pooled() if pooled else stored.all_rows():
        found[row.id] = resolve(base, row.id, row.origins, row.settings)
    return found


def _view(base: SiteSettings, site: Site | None, site_id: str = DEFAULT_SITE) -> SiteView:
    if site is None:  # the default site without a row
        return SiteView(site_id, DEFAULT_NAME, base.origins, base, (), None)
    overrides = {k: v for k, v in (site.settings or {}).items() if k in SETTINGS}
    settings = resolve(base, site.id, site.origins, overrides)
    return SiteView(site.id, site.name, settings.origins, settings, tuple(sorted(overrides)), site.created_at)


def listing(base: SiteSettings, sites: Visibility = None) -> list[SiteView]:
    """The sites a moderator may see (``None``: every site), by id."""
    with read_transaction() as session:
        rows = {s.id: s for s in stored.listed(session)}
    views = [_view(base, rows.get(DEFAULT_SITE))] + [_view(base, s) for i, s in rows.items() if i != DEFAULT_SITE]
    return sorted((v for v in views if visible(sites, v.id)), key=lambda v: (v.id != DEFAULT_SITE, v.id))


def get(base: SiteSettings, site_id: str, sites: Visibility = None) -> SiteView:
    if not is_valid_slug(site_id):
        raise SiteNotFound("No site has this id.")
    with read_transaction() as session:
        site = stored.get(session, site_id)
    if (site is None and site_id != DEFAULT_SITE) or not visible(sites, site_id):
        raise SiteNotFound("No site has this id.")
    return _view(base, site, site_id)


def _check(base: SiteSettings, site_id: str, origins: Any, overrides: Mapping[str, Any]) -> None:
    """Rules across fields: a webhook needs its secret; signed-in commenting needs a key to
    check the readers' tokens with."""
    settings = resolve(base, site_id, origins, overrides)
    if settings.webhook_url and not settings.webhook_secret:
        raise Invalid(
            "A webhook URL needs a secret (16 characters or more) to sign its events.",
            {"settings.webhook_secret": "Required with webhook_url."},
        )
    if overrides.get("who_may_comment") == "signed-in" and not settings.sso:
        raise Invalid(
            "Signed-in commenting needs the site's sign-in key (sso_secret or sso_public_key).",
            {"settings.who_may_comment": "Set sso_secret or sso_public_key first."},
        )


def add(base: SiteSettings, site_id: str, name: str, origins: list[str], overrides: Mapping[str, Any]) -> SiteView:
    """A new site; its id is taken for good (a second one with it is a ``Conflict``)."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if not is_valid_slug(site_id):
        raise Invalid("Invalid site id.", {"id": "1 to 64 of a-z 0-9 -, not starting or ending with -."})
    _check(base, site_id, origins, overrides)
    taken = Conflict("A site with this id exists.", {"id": "Already taken."})
    now = utcnow()
    try:
        with write_transaction() as session:
            if stored.get(session, site_id) is not None:
                raise taken
            site = Site(id=site_id, name=name, origins=list(origins), settings=dict(overrides), created_at=now)
            stored.add(session, site)
    except Duplicate:
        raise taken from None
    return _view(base, site)


def change(
    base: SiteSettings,
    site_id: str,
    name: str | None = None,
    origins: list[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    sites: Visibility = None,
) -> SiteView:
    """Change a site's name, origins or settings. A setting given as ``null`` goes back to
    the deployment's; settings not given stay as they were."""
    if not is_valid_slug(site_id) or not visible(sites, site_id):
        raise SiteNotFound("No site has this id.")
    if site_id == DEFAULT_SITE and origins is not None:
        raise Invalid(
            "The default site's origins are those of COMMENTS_ALLOWED_ORIGINS.",
            {"origins": "Set COMMENTS_ALLOWED_ORIGINS for the default site."},
        )
    with write_transaction() as session:
        site = stored.get(session, site_id, lock=True)
        if site is None:
            if site_id != DEFAULT_SITE:
                raise SiteNotFound("No site has this id.")
            site = Site(id=DEFAULT_SITE, name=DEFAULT_NAME, origins=[], settings={}, created_at=utcnow())
            stored.add(session, site)
        merged = dict(site.settings or {})
        for key, value in (overrides or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        new_origins = list(origins) if origins is not None else list(site.origins or [])
        _check(base, site_id, new_origins, merged)
        if name is not None:
            site.name = name
        site.origins = new_origins
        site.settings = merged
        site.updated_at = utcnow()
    return _view(base, site)
