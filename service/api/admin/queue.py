"""The moderation queue and one entry with its history."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ...domain import automod
from ...schemas.admin import EntryDetailOut
from ...schemas.admin import MeOut
from ...schemas.admin import QueueArgs
from ...schemas.admin import QueueOut
from ...schemas.admin import ToxicityStatsArgs
from ...schemas.admin import ToxicityStatsOut
from ...usecases import read
from ...usecases import stats
from .. import http
from .auth import admin_blueprint
from .auth import principal

blp = admin_blueprint("moderation-queue", "The moderation queue (moderators only).")


@blp.route("/queue", methods=["GET"])
@blp.arguments(QueueArgs, location="query")
@blp.response(200, QueueOut)
def get_queue(args: dict[str, Any]) -> Any:
    """Entries of one status (default `pending`), oldest first or most likely toxic first,
    with what a moderator needs."""
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
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("/entries/<int:entry_id>", methods=["GET"])
@blp.response(200, EntryDetailOut)
def get_entry(entry_id: int) -> Any:
    """One entry with its reports and moderation history."""
    return read.entry_detail(entry_id)


@blp.route("/stats/toxicity", methods=["GET"])
@blp.arguments(ToxicityStatsArgs, location="query")
@blp.response(200, ToxicityStatsOut)
def get_toxicity_stats(args: dict[str, Any]) -> Any:
    """How often the toxicity hold rule agrees with moderators over the last N days:
    approved counts as not toxic, rejected or spam as toxic (each entry's last decision)."""
    policy: automod.Policy = current_app.config["MODERATION_POLICY"]
    threshold = args["threshold"] if args["threshold"] is not None else policy.toxicity_hold
    return stats.toxicity(args["days"], threshold)


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
def me() -> Any:
    """Which moderator the bearer token belongs to (what /admin/ shows as signed in), its
    role and the sites it may see."""
    who = principal()
    visible = who.visible_sites
    return {"moderator": who.name, "role": who.role.value, "sites": None if visible is None else sorted(visible)}
