"""Readers' one positive reaction to a published entry: put it on, take it back."""

from __future__ import annotations

from typing import Any

from ...extensions import limiter
from ...extensions import limits_off
from ...schemas.public import ReactionOut
from ...usecases import engage
from .. import sites
from . import intake
from .base import public_blueprint

blp = public_blueprint("reactions", "Readers' reactions (one positive kind, one per reader and entry).")

# Toggling is cheaper and more frequent than writing: its own budget, shared by PUT and
# DELETE, per client (like every write's).
REACTION_LIMIT = "60/minute;1000/day"


@blp.route("/entries/<int:entry_id>/reaction", methods=["PUT"])
@limiter.shared_limit(REACTION_LIMIT, scope="reactions", exempt_when=limits_off)
@blp.response(200, ReactionOut)
def put_reaction(entry_id: int) -> Any:
    """This reader reacts to a published entry of the site (unknown, unpublished or
    another site's: 404). Again
    changes nothing. Send `Content-Type: application/json` (no body needed). A reader is a
    signed-in reader (`X-Comments-SSO`) is their user id on the site; anyone else is a keyed
    hash of the client address, so readers sharing one address share one reaction."""
    return engage.react(entry_id, intake.reader_key(), True, sites.current_site())


@blp.route("/entries/<int:entry_id>/reaction", methods=["DELETE"])
@limiter.shared_limit(REACTION_LIMIT, scope="reactions", exempt_when=limits_off)
@blp.response(200, ReactionOut)
def delete_reaction(entry_id: int) -> Any:
    """This reader takes the reaction back; without one, nothing changes."""
    return engage.react(entry_id, intake.reader_key(), False, sites.current_site())
