"""Closed threads, bans, authors held for review and moderators' replies (moderators only)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import g

from ...domain.errors import SiteNotFound
from ...domain.sites import DEFAULT_SITE
from ...domain.trust import ThreadMode
from ...schemas.admin import AlwaysHoldIn
from ...schemas.admin import BanIn
from ...schemas.admin import BanOut
from ...schemas.admin import BansArgs
from ...schemas.admin import BansOut
from ...schemas.admin import DecisionIn
from ...schemas.admin import EntryDetailOut
from ...schemas.admin import ReplyIn
from ...schemas.admin import SiteArgs
from ...schemas.admin import ThreadModeIn
from ...schemas.admin import ThreadStateOut
from ...schemas.fields import MAX_ID
from ...usecases import read
from ...usecases import trust as cases
from .. import http
from .. import sites
from .auth import admin_blueprint
from .auth import visible_sites

blp = admin_blueprint("trust", "Closed threads, bans, held authors and moderators' replies (moderators only).")


def _site(given: str | None) -> str:
    """The site an action is on: the one named (``?site=``), else the moderator's only
    site, else the default site; one the moderator may not see is a 404."""
    visible = visible_sites()
    if given is None:
        given = next(iter(visible)) if visible is not None and len(visible) == 1 else DEFAULT_SITE
    site = sites.known(given)
    if not read.visible(visible, site):
        raise SiteNotFound("No site has this id.")
    return site


def _state(site_arg: str | None, article_id: str, mode: ThreadMode | None, data: dict[str, Any] | None) -> Any:
    article_id = http.article_id(article_id)
    site = _site(site_arg)
    days = sites.settings(site).close_after_days
    if mode is None:
        return cases.thread_state(site, article_id, days)
    return cases.set_thread_mode(site, article_id, mode, g.moderator, (data or {}).get("reason"), days)


@blp.route("/articles/<path:article_id>/thread", methods=["GET"])
@blp.arguments(SiteArgs, location="query")
@blp.response(200, ThreadStateOut)
def thread(args: dict[str, Any], article_id: str) -> Any:
    """Whether the article's thread (of `site`) takes submissions, and who closed or
    reopened it."""
    return _state(args["site"], article_id, None, None)


@blp.route("/articles/<path:article_id>/close", methods=["POST"])
@blp.arguments(SiteArgs, location="query")
@blp.arguments(ThreadModeIn, required=False)
@blp.response(200, ThreadStateOut)
def close(args: dict[str, Any], data: dict[str, Any], article_id: str) -> Any:
    """Close the thread (of `site`): new comments, replies and reviews are refused (`403`,
    `closed`); reading and counts go on."""
    return _state(args["site"], article_id, ThreadMode.CLOSED, data)


@blp.route("/articles/<path:article_id>/reopen", methods=["POST"])
@blp.arguments(SiteArgs, location="query")
@blp.arguments(ThreadModeIn, required=False)
@blp.response(200, ThreadStateOut)
def reopen(args: dict[str, Any], data: dict[str, Any], article_id: str) -> Any:
    """Reopen the thread (of `site`); it then no longer closes by itself."""
    return _state(args["site"], article_id, ThreadMode.OPEN, data)


@blp.route("/bans", methods=["POST"])
@blp.arguments(BanIn)
@blp.response(201, BanOut)
def ban(data: dict[str, Any]) -> Any:
    """Ban a reader: the author of an entry (`entry_id`; an anonymous author by the client
    behind it, never shown), a site's `user_id`, or an `email`; for `days` or for good;
    with `reject_pending`, their entries awaiting moderation are rejected at once."""
    request = cases.BanRequest(
        data["reason"], data["entry_id"], data["user_id"], data["email"], data["days"], data["reject_pending"]
    )
    site = _site(data["site"]) if data["site"] is not None or data["entry_id"] is None else None
    return cases.ban(site, g.moderator, request, sites.subscriptions, visible_sites())


@blp.route("/bans", methods=["GET"])
@blp.arguments(BansArgs, location="query")
@blp.response(200, BansOut)
def bans(args: dict[str, Any]) -> Any:
    """A site's bans in force, newest first (`all=true`: lifted and expired ones too)."""
    site = _site(args["site"])
    return {"items": cases.list_bans(site, not args["all"], read.clamp(args["limit"]), args["before"], visible_sites())}


@blp.route("/bans/<int:ban_id>/lift", methods=["POST"])
@blp.arguments(DecisionIn, required=False)
@blp.response(200, BanOut)
def lift(data: dict[str, Any], ban_id: int) -> Any:
    """Lift a ban (lifting it again changes nothing); another site's ban is a 404."""
    if not 0 < ban_id <= MAX_ID:
        abort(404, "No ban has this id.")
    return cases.lift(ban_id, g.moderator, (data or {}).get("reason"), visible_sites())


@blp.route("/entries/<int:entry_id>/always-hold", methods=["POST"])
@blp.arguments(AlwaysHoldIn, required=False)
@blp.response(200, EntryDetailOut)
def always_hold(data: dict[str, Any], entry_id: int) -> Any:
    """Hold every future entry of this entry's author for a moderator (`hold: false` stops)."""
    data = data or {"hold": True, "reason": None}
    return cases.set_always_hold(entry_id, data["hold"], g.moderator, data.get("reason"), visible_sites())


@blp.route("/entries/<int:entry_id>/reply", methods=["POST"])
@blp.arguments(ReplyIn)
@blp.response(201, EntryDetailOut)
def reply(data: dict[str, Any], entry_id: int) -> Any:
    """Answer a published comment as a moderator: published at once, marked `moderator: true`."""
    return cases.moderator_reply(entry_id, g.moderator, data["body"], sites.subscriptions, visible_sites())
