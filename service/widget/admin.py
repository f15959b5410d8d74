"""``GET /admin/``: the moderation page. A static page that uses only the admin API with the
moderator's bearer token; no CORS, no framing, no inline code."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint
from flask import Response
from flask import abort
from flask import request

from . import assets

bp = Blueprint("admin_page", __name__, url_prefix="/admin")

CSP = assets.strict_csp("moderation-preview")
FILES = {
    "": ("admin.html", "text/html"),
    "admin.js": ("admin.js", "text/javascript"),
    "admin.css": ("admin.css", "text/css"),
}


@lru_cache(maxsize=len(FILES))
def _asset(name: str) -> assets.Asset:
    filename, mimetype = FILES[name]
    return assets.read(filename, mimetype)


@bp.get("/", defaults={"name": ""})
@bp.get("/<name>")
def page(name: str) -> Response:
    if name not in FILES:
        abort(404)
    response = _asset(name).response(request, "no-cache")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
