"""Readers flag published entries for a moderator's attention."""

from __future__ import annotations

from typing import Any

from ...extensions import limiter
from ...extensions import limits_off
from ...extensions import submission_limit
from ...schemas.public import AcceptedOut
from ...schemas.public import ReportIn
from ...usecases import submit
from .base import public_blueprint

blp = public_blueprint("reports", "Readers' reports of published entries.")


@blp.route("/entries/<int:entry_id>/reports", methods=["POST"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.arguments(ReportIn, required=False)
@blp.response(202, AcceptedOut)
def report_entry(data: dict[str, Any], entry_id: int) -> Any:
    """Flag a published entry; unknown or unpublished entries are 404."""
    submit.report(entry_id, (data or {}).get("reason"))
    return {"status": "received"}
