"""HTTP helpers every view shares: the JSON guard, article ids, and cache validators."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask import Request
from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask.sessions import NullSession
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin

from ..domain import articles
from ..domain.errors import Malformed
from ..domain.sites import scoped
from ..usecases import read
from . import sites
from .caching import response_cache


class NoSessions(SessionInterface):
    """The service keeps no Flask session (moderators send tokens, readers nothing): no
    signing serializer built and no cookie read on every request, as Flask's default
    cookie session does."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin:
        return _NO_SESSION

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


_NO_SESSION = NullSession()

# Changes whenever the shape of public responses changes, so old ETags stop matching.
REPRESENTATION = "1"


def require_json_body() -> None:
    """Before a write: bodies over the limit are 413, bodies that are not JSON are 415."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"The request body is larger than {limit // 1024} KiB.")
    has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
    if has_body and not request.is_json:
        abort(415, "Send the request body as application/json.")


def require_json_request() -> None:
    """Before a public write: every POST, PUT or PATCH says ``Content-Type: application/json``,
    with a body or without one, or it is a 415. That type is not one a page may send
    cross-site without asking: a browser first sends a CORS preflight, which only the
    origins of COMMENTS_ALLOWED_ORIGINS pass. A form, a ``text/plain`` or a bodiless
    ``fetch(..., {mode: "no-cors"})`` from any other page never reaches a view. DELETE needs
    no such rule: it is not a method a page may send without a preflight either, and a
    withdrawal needs the author's edit token besides."""
    require_json_body()
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        abort(415, "Send the request with 'Content-Type: application/json', even without a body.")


def _public_api(path: str) -> bool:
    return path.startswith("/api/v1/") and not path.startswith("/api/v1/admin")


def common_headers(response: Response) -> Response:
    """Headers every answer of the app gets.

    - ``X-Content-Type-Options: nosniff``: a JSON answer is never run as a script or
      rendered as a page, whatever a browser would guess from its content.
    - ``Vary: Origin`` on the public API and on anything shareable (``s-maxage``) or CORS:
      the answer for one origin carries its ``Access-Control-Allow-Origin`` and the answer
      for none does not, so a shared cache must keep them apart, or it serves the allowed
      site an answer its browser refuses. (flask-cors adds it only for several origins.)
    - ``Cache-Control: no-store`` on the admin API: queues, emails and exports stay out of
      every cache, the browser's own included.
    """
    response.headers["X-Content-Type-Options"] = "nosniff"
    path = request.path
    if path.startswith("/api/v1/admin"):
        response.headers["Cache-Control"] = "no-store"
    shareable = "s-maxage" in response.headers.get("Cache-Control", "")
    if _public_api(path) or shareable or "Access-Control-Allow-Origin" in response.headers:
        vary = [v.strip() for line in response.headers.getlist("Vary") for v in line.split(",") if v.strip()]
        if "origin" not in {v.lower() for v in vary}:
            vary.append("Origin")
        response.headers["Vary"] = ", ".join(vary)
    return response


def article_id(value: str) -> str:
    if not articles.is_valid(value):
        raise Malformed(
            "Invalid article id: 1 to 128 characters of A-Z a-z 0-9 . _ : ~ -, starting with a letter or digit.",
            {"article_id": "Not a valid article id."},
        )
    return value


def cursor_key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


def _cache_control() -> str:
    age = sites.settings().cache_max_age
    return f"public, max-age={age}, s-maxage={age}, stale-while-revalidate={age}"


def _json(data: Any) -> bytes:
    """What ``jsonify`` writes (compact, ASCII, keys in order, a final newline), without
    its per-call overhead: ``data`` holds JSON types only (the views format their dates)."""
    return (json.dumps(data, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


def _tags(validator: str) -> tuple[str, str]:
    tag = f"{REPRESENTATION}|{validator}"
    return tag, hashlib.blake2b(tag.encode(), digest_size=12).hexdigest()


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = _cache_control()
    return response


def cached_response(validator: str, build: Callable[[], bytes], mimetype: str, *, cache: bool = False) -> Response:
    """A public GET: ``validator`` names the exact state of what ``build`` returns (article
    versions plus the request's parameters), so a matching ``If-None-Match`` is answered
    ``304`` without running the query. With ``cache``, the body is kept in the response
    cache under that same name (see ``service/caching.py``): only validators that contain
    the article's moderation version may be cached, never a TTL'd guess."""
    tag, etag = _tags(validator)
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    body = None
    store = response_cache() if cache else None
    if store is not None:
        body = store.get(tag)
    if body is None:
        body = build()
        if store is not None:
            store.put(tag, body)
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = _cache_control()
    return response


def cached_json(validator: str, build: Callable[[], Any], *, cache: bool = False) -> Response:
    """``cached_response`` for a JSON body."""
    return cached_response(validator, lambda: _json(build()), "application/json", cache=cache)


def _page_validator(kind: str, valid: str, version: object, limit: int, cursor: str | None, variant: str) -> str:
    tag = f"{kind}|{valid}|{version}|{limit}|{cursor}"
    return f"{tag}|{variant}" if variant else tag


def cached_page(
    kind: str,
    raw_article_id: str,
    args: Mapping[str, Any],
    build: Callable[[str, int, str | None], Any],
    variant: str = "",
    version_of: Callable[[str], object] | None = None,
) -> Response:
    """A public page of one article's ``kind`` (comments, reviews) for the query's ``limit``
    and ``cursor``, cached under the article's moderation version (``version_of``, which
    may name more of the article's state, of the current site; ``build`` finds it in
    ``g.page_version``): ``build(article_id, limit, cursor)`` runs only when no cached body
    matches. ``variant`` names anything else the body depends on (an order other than the
    API's default, the site's non-default settings)."""
    valid = article_id(raw_article_id)
    site = sites.current_site()
    limit, cursor = read.clamp(args.get("limit")), args.get("cursor")
    version = g.pop("first_page_version", None) if not args else None
    if version is None:
        version = version_of(valid) if version_of else read.version(valid, site)
    g.page_version = str(version)
    validator = _page_validator(kind, scoped(site, valid), version, limit, cursor, variant)
    return cached_json(validator, lambda: build(valid, limit, cursor), cache=True)


def first_page_revalidated(
    kind: str,
    variant: Callable[[], str] | None = None,
    version_of: Callable[[str], object] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Below ``route`` on a ``cached_page`` view: a conditional GET of an article's first
    page without a query string (what the widget and a revalidating proxy send) is
    compared with the article's current version before the query's schema runs, and a
    match is answered ``304`` at once. Anything else, and a mismatch, goes the usual way
    (with the version already read). The version is read from the database each time, so
    the 304 is never stale."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def revalidated(*args: Any, **kwargs: Any) -> Any:
            if request.query_string or not request.if_none_match:
                return view(*args, **kwargs)
            valid = article_id(kwargs["article_id"])
            site = sites.current_site()
            version = version_of(valid) if version_of else read.version(valid, site)
            key = scoped(site, valid)
            validator = _page_validator(kind, key, version, read.clamp(None), None, variant() if variant else "")
            _, etag = _tags(validator)
            if request.if_none_match.contains(etag):
                return _not_modified(etag)
            g.first_page_version = version
            return view(*args, **kwargs)

        return revalidated

    return decorate
