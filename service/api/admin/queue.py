"""The moderation queue and one entry with its history."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ...domain import automod
from ...domain.errors import SiteNotFound
from ...schemas.accounts import SiteQueuesOut
from ...schemas.admin import EntryDetailOut
from ...schemas.admin import MeOut
from ...schemas.admin import QueueArgs
from ...schemas.admin import QueueOut
from ...schemas.admin import ToxicityStatsArgs
from ...schemas.admin import ToxicityStatsOut
from ...usecases import accounts
from ...usecases import read
from ...usecases import sites as sites_usecase
from ...usecases import stats
from .. import http
from .. import sites
from .auth import admin_blueprint
from .auth import principal
from .auth import visible_sites

blp = admin_blueprint("moderation-queue", "The moderation queue (moderators only).")


@blp.route("/queue", methods=["GET"])
@blp.arguments(QueueArgs, location="query")
@blp.response(200, QueueOut)
def get_queue(args: dict[str, Any]) -> Any:
    """Entries of one status (default `pending`), oldest first or most likely toxic first,
    with what a moderator needs."""
    site = sites.known(args["site"]) if args["site"] else None
    page = read.queue(
        http.cursor_key(),
        args["status"],
        args["kind"],
        args["article_id"],
        read.clamp(args.get("limit")),
        args.get("cursor"),
        args["reported"],
        min_toxicity=args["min_toxicity"],
        order=args["order"],
        sites=visible_sites(),
        site=site,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("/queue/sites", methods=["GET"])
@blp.response(200, SiteQueuesOut)
def get_queue_sites() -> Any:
    """The sites the moderator may see (an admin: every site), the default site first, each
    with how many entries wait for a moderator (up to 999; `more` beyond)."""
    listed = sites_usecase.listing(sites.base_settings(), visible_sites())
    return {"items": accounts.site_queues((view.id, view.name) for view in listed)}


@blp.route("/entries/<int:entry_id>", methods=["GET"])
@blp.response(200, EntryDetailOut)
def get_entry(entry_id: int) -> Any:
    """One entry with its reports and moderation history."""
    return read.entry_detail(entry_id, visible_sites())


@blp.route("/stats/toxicity", methods=["GET"])
@blp.arguments(ToxicityStatsArgs, location="query")
@blp.response(200, ToxicityStatsOut)
def get_toxicity_stats(args: dict[str, Any]) -> Any:
    """How often the toxicity hold rule agrees with moderators over the last N days:
    approved counts as not toxic, rejected or spam as toxic (each entry's last decision)."""
    policy: automod.Policy = current_app.config["MODERATION_POLICY"]
    threshold = args["threshold"] if args["threshold"] is not None else policy.toxicity_hold
    visible = visible_sites()
    if args["site"]:
        site = sites.known(args["site"])
        if not read.visible(visible, site):
            raise SiteNotFound("No site has this id.")
        visible = frozenset({site})
    return stats.toxicity(args["days"], threshold, visible)


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
def me() -> Any:
    """Which moderator the bearer token belongs to (what /admin/ shows as signed in), its
    role and the sites it may see."""
    who = principal()
    visible = who.visible_sites
    return {"moderator": who.name, "role": who.role.value, "sites": None if visible is None else sorted(visible)}
