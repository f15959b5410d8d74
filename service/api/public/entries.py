"""Published entries: readers report them, authors withdraw their own."""

from __future__ import annotations

from typing import Any

from flask import request

from ...domain.errors import Forbidden
from ...extensions import limiter
from ...extensions import limits_off
from ...extensions import submission_limit
from ...schemas.public import AcceptedOut
from ...schemas.public import ReportIn
from ...usecases import moderate
from ...usecases import submit
from .. import sites
from . import intake
from .base import public_blueprint

blp = public_blueprint("entries", "Readers' reports and authors' withdrawals.")


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


def _edit_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else request.headers.get("X-Edit-Token", "").strip()
    if not token:
        raise Forbidden("Send the entry's edit token as 'Authorization: Bearer <edit_token>'.")
    return token


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
    (`Authorization: Bearer <edit_token>`): it is erased with its personal data."""
    moderate.withdraw(entry_id, _edit_token(), sites.current_site())
    return None
