"""``GET /embed.js``: the widget as one file, its stylesheet and English texts inlined, cached
for a day and revalidated by ETag; ``GET /embed-texts/<code>.json``: another language's texts."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import request

from .assets import STATIC
from .assets import Asset

bp = Blueprint("widget", __name__)

# The URL never changes, so a day's max-age (browsers revalidate with the ETag after that,
# and use the old copy meanwhile) is the longest that still lets an upgrade reach readers.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"
CSS_PLACEHOLDER = '"__CSS__"'
LANGS_PLACEHOLDER = '"__LANGS__"'


def minify_css(css: str) -> str:
    """Comments and layout whitespace out; nothing that changes meaning."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).replace(";}", "}").strip()


def build_widget() -> Asset:
    js = (STATIC / "embed.js").read_text("utf-8")
    css = minify_css((STATIC / "embed.css").read_text("utf-8"))
    if CSS_PLACEHOLDER not in js:
        raise RuntimeError("embed.js lost its stylesheet placeholder")
    if LANGS_PLACEHOLDER not in js:
        raise RuntimeError("embed.js lost its languages placeholder")
    # Only the language codes: each language's texts are fetched when a page needs them.
    js = js.replace(CSS_PLACEHOLDER, json.dumps(css), 1).replace(LANGS_PLACEHOLDER, json.dumps(sorted(texts())), 1)
    return Asset.of(js.encode("utf-8"), "text/javascript")


def texts() -> dict[str, dict[str, object]]:
    """Every language but English (which embed.js carries), parsed so a broken file fails loudly."""
    loaded: dict[str, dict[str, object]] = json.loads((STATIC / "embed-texts.json").read_text("utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _cached_texts() -> dict[str, Asset]:
    def compact(strings: dict[str, object]) -> bytes:
        return json.dumps(strings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return {code: Asset.of(compact(strings), "application/json") for code, strings in texts().items()}


@lru_cache(maxsize=1)
def _cached_widget() -> Asset:
    return build_widget()


@bp.get("/embed.js")
def embed_js() -> Response:
    return _public(build_widget() if current_app.debug else _cached_widget())


@bp.get("/embed-texts/<code>.json")
def embed_texts(code: str) -> Response:
    """One language's widget texts ("de", "pl", …), cached like the script itself."""
    asset = _cached_texts().get(code)
    if asset is None:
        abort(404)
    return _public(asset)


def _public(asset: Asset) -> Response:
    response = asset.response(request, CACHE_CONTROL)
    # A public script: hosts may load it with crossorigin/SRI or from a COEP page.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
