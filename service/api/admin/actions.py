"""Moderation decisions: approve, reject, spam, in bulk, and erasure."""

from __future__ import annotations

from typing import Any

from flask import g

from ...domain.moderation import Action
from ...schemas.admin import BulkIn
from ...schemas.admin import BulkOut
from ...schemas.admin import DecisionIn
from ...schemas.admin import EntryDetailOut
from ...schemas.admin import ErasureIn
from ...schemas.admin import ErasureOut
from ...schemas.admin import RejectIn
from ...usecases import moderate
from ...usecases import read
from ...usecases.lifecycle import Change
from .. import sites
from .auth import admin_blueprint
from .auth import visible_sites

blp = admin_blueprint("moderation", "Moderation decisions (moderators only).")


def _decide(entry_id: int, action: Action, data: dict[str, Any] | None) -> read.Moderated:
    data = data or {}
    code = data.get("code")
    decision = Change(action, g.moderator, code.value if code else None, data.get("reason"))
    return moderate.decide_and_show(entry_id, decision, sites.subscriptions, visible_sites())


@blp.route("/entries/<int:entry_id>/approve", methods=["POST"])
@blp.arguments(DecisionIn, required=False)
@blp.response(200, EntryDetailOut)
def approve(data: dict[str, Any], entry_id: int) -> Any:
    """Publish an entry."""
    return _decide(entry_id, Action.APPROVE, data)


@blp.route("/entries/<int:entry_id>/reject", methods=["POST"])
@blp.arguments(RejectIn, required=False)
@blp.response(200, EntryDetailOut)
def reject(data: dict[str, Any], entry_id: int) -> Any:
    """Reject an entry, with an optional reason `code` and free-text `reason`."""
    return _decide(entry_id, Action.REJECT, data)


@blp.route("/entries/<int:entry_id>/spam", methods=["POST"])
@blp.arguments(DecisionIn, required=False)
@blp.response(200, EntryDetailOut)
def spam(data: dict[str, Any], entry_id: int) -> Any:
    """Mark an entry as spam."""
    return _decide(entry_id, Action.SPAM, data)


@blp.route("/entries/bulk", methods=["POST"])
@blp.arguments(BulkIn)
@blp.response(200, BulkOut)
def bulk(data: dict[str, Any]) -> Any:
    """One action on 1 to 500 entries; each id succeeds or fails on its own."""
    action = Action(data["action"])
    code = data["code"].value if data.get("code") and action == Action.REJECT else None
    decision = Change(action, g.moderator, code, data.get("reason"))
    return {"results": moderate.decide_each(data["ids"], decision, sites.subscriptions, visible_sites())}


@blp.route("/entries/<int:entry_id>", methods=["DELETE"])
@blp.response(204)
def erase(entry_id: int) -> Any:
    """Erase an entry and its personal data; its replies move up to its parent."""
    moderate.erase(entry_id, g.moderator, visible_sites())
    return None


@blp.route("/erasures", methods=["POST"])
@blp.arguments(ErasureIn)
@blp.response(200, ErasureOut)
def erase_author(data: dict[str, Any]) -> Any:
    """Erase every entry of one email address (a data-erasure request)."""
    return {"erased": moderate.erase_author(data["email"], g.moderator, visible_sites())}
