"""Entries as JSON Lines for moderators: one email address's (a data access request) or one
article's. The whole database is exported with ``flask --app wsgi export``."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import stream_with_context

from ...domain import emails
from ...domain.errors import Invalid
from ...domain.errors import SiteNotFound
from ...domain.sites import DEFAULT_SITE
from ...schemas.admin import ExportArgs
from ...usecases import export
from .. import sites
from .auth import admin_blueprint
from .auth import visible_sites

blp = admin_blueprint("exports", "Entries as JSON Lines (moderators only).")


@blp.route("/export", methods=["GET"])
@blp.arguments(ExportArgs, location="query")
@blp.response(
    200,
    {"type": "string"},
    content_type="application/x-ndjson",
    description="A header line, then one JSON object per entry (the format `flask --app wsgi import jsonl` reads).",
)
def export_entries(args: dict[str, Any]) -> Response:
    """Export the entries of one email address (including the address), of one article or
    of one site."""
    site = sites.known(args["site"]) if args["site"] else None
    visible = visible_sites()
    if visible is not None:  # a moderator of some sites exports only from them
        if site is None and not args["article_id"]:
            raise Invalid("Give site= (one of your sites).", {"site": "Required for a moderator of some sites."})
        site = site or DEFAULT_SITE
        if site not in visible:
            raise SiteNotFound("No site has this id.")
    lines = export.lines(args["article_id"], emails.canonical(args["email"]) if args["email"] else None, site)
    response = Response(stream_with_context(lines), mimetype="application/x-ndjson")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'attachment; filename="entries.jsonl"'
    return response
