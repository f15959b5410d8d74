"""Editors' picks: moderators feature published top-level comments above the thread."""

from __future__ import annotations

from typing import Any

from flask import g

from ...schemas.admin import EntryDetailOut
from ...usecases import engage
from .. import sites
from .auth import admin_blueprint
from .auth import visible_sites

blp = admin_blueprint("picks", "Editors' picks (moderators only).")


@blp.route("/entries/<int:entry_id>/feature", methods=["POST"])
@blp.response(200, EntryDetailOut)
@blp.alt_response(409, description="Not a published top-level comment.")
def feature(entry_id: int) -> Any:
    """Make a published top-level comment an editors' pick: listed first, in a section of
    its own, by the API (`featured`), the widget and the HTML fragment; the webhook event
    `comment.featured` (to the entry's site's webhook). Again changes nothing. An entry of
    a site the moderator may not see is 404."""
    return engage.feature(entry_id, g.moderator, True, sites.subscriptions, visible_sites())


@blp.route("/entries/<int:entry_id>/unfeature", methods=["POST"])
@blp.response(200, EntryDetailOut)
def unfeature(entry_id: int) -> Any:
    """The comment is no longer an editors' pick (it stays published). Again changes nothing."""
    return engage.feature(entry_id, g.moderator, False, sites.subscriptions, visible_sites())
