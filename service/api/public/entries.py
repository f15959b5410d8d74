"""Published entries: readers report them, authors withdraw their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request

from ...domain.errors import Forbidden
from ...domain.errors import Unauthorized
from ...extensions import limiter
from ...extensions import limits_off
from ...extensions import submission_limit
from ...schemas.public import AcceptedOut
from ...schemas.public import EditableListOut
from ...schemas.public import EditedOut
from ...schemas.public import EditIn
from ...schemas.public import ReportIn
from ...usecases import moderate
from ...usecases import submit
from ...usecases import trust as trust_cases
from .. import http
from .. import sites
from .. import trust
from . import intake
from .base import public_blueprint

blp = public_blueprint("entries", "Readers' reports, authors' edits and withdrawals.")
# A reader's own answer: no shared cache may keep it, and no browser either.
PRIVATE = {"Cache-Control": "private, no-store"}


@blp.route("/entries/<int:entry_id>/reports", methods=["POST"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.arguments(ReportIn, required=False)
@blp.response(202, AcceptedOut)
def report_entry(data: dict[str, Any], entry_id: int) -> Any:
    """Flag a published entry; unknown or unpublished entries are 404. A client's second
    report of the same entry changes nothing."""
    site = sites.current_site()
    threshold = sites.settings(site).report_threshold
    submit.report(entry_id, (data or {}).get("reason"), intake.fingerprint(), threshold, intake.webhooks(), site)
    return {"status": "received"}


def _edit_token(optional: bool = False) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else request.headers.get("X-Edit-Token", "").strip()
    if not token and not optional:
        raise Forbidden("Send the entry's edit token as 'Authorization: Bearer <edit_token>'.")
    return token or None


def _editor() -> trust_cases.Editor:
    """The entry's edit token, or else the signed-in author (``X-Comments-SSO``)."""
    token = _edit_token(optional=True)
    if token:
        return trust_cases.Editor(edit_token=token)
    reader = trust.reader()
    if reader is None:
        raise Forbidden(
            "Send the entry's edit token as 'Authorization: Bearer <edit_token>', or sign in as its author."
        )
    return trust_cases.Editor(user_id=reader.user_id)


@blp.route("/entries/<int:entry_id>", methods=["DELETE"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.response(204)
@blp.alt_response(403, description="No edit token was sent; nothing was erased.")
@blp.alt_response(
    404,
    description="No entry has this id and edit token: an unknown id and a wrong token get the same answer.",
)
def withdraw_entry(entry_id: int) -> Any:
    """The author withdraws an entry with the `edit_token` its submission returned
    (`Authorization: Bearer <edit_token>`), or signed in as its author (`X-Comments-SSO`):
    it is erased with its personal data."""
    editor = _editor()
    if editor.edit_token is not None:
        moderate.withdraw(entry_id, editor.edit_token, sites.current_site())
    else:
        trust_cases.withdraw_as(entry_id, editor.user_id or "", sites.current_site())
    return None


@blp.route("/entries/<int:entry_id>", methods=["PATCH"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.arguments(EditIn)
@blp.response(200, EditedOut)
@blp.alt_response(
    403,
    description="No edit token or sign-in (`forbidden`), or the edit window is over "
    "(`edit_window_closed`); nothing was changed.",
)
@blp.alt_response(404, description="No entry has this id and edit token (or signed-in author).")
def edit_entry(data: dict[str, Any], entry_id: int) -> Any:
    """The author edits an entry within the site's edit window (15 minutes by default), with
    its `edit_token` or signed in as its author. The text is sanitized and checked by the
    rules again: a published entry that now breaks one goes back to the moderators; its
    earlier text is kept for them."""
    window = timedelta(minutes=trust.site_settings().edit_window_minutes)
    entry = trust_cases.edit(entry_id, _editor(), data["body"], data["title"], intake.intake(), window)
    return {
        "id": entry.id,
        "status": "pending" if entry.status.value == "spam" else entry.status.value,
        "body_html": entry.body_html,
        "title": entry.title,
        "edited_at": entry.edited_at,
    }


@blp.route("/articles/<path:article_id>/mine", methods=["GET"])
@blp.response(
    200, EditableListOut, headers={"Cache-Control": {"description": "private, no-store", "schema": {"type": "string"}}}
)
@blp.alt_response(401, description="No sign-in token (`unauthorized`), or a bad one (`invalid_token`).")
def my_entries(article_id: str) -> Any:
    """The signed-in reader's (`X-Comments-SSO`) own entries of the article that they may
    still edit or withdraw, on any device: what the widget offers "Edit" and "Withdraw" on
    without the edit token. Never anyone else's; `Cache-Control: private, no-store`."""
    valid = http.article_id(article_id)
    reader = trust.reader()
    if reader is None:
        raise Unauthorized("Send the reader's sign-in token as 'X-Comments-SSO'.")
    settings = trust.site_settings()
    window = timedelta(minutes=settings.edit_window_minutes)
    items = trust_cases.editable_by(reader.user_id, sites.current_site(), valid, window, settings.close_after_days)
    return {"items": items}, 200, PRIVATE
