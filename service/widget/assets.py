"""Static files of the package, read once and served with validators."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Request
from flask import Response

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Asset:
    """One file's bytes, gzipped once, with a strong ETag per encoding."""

    body: bytes
    gzipped: bytes
    etag: str
    mimetype: str

    @classmethod
    def of(cls, body: bytes, mimetype: str) -> Asset:
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        return cls(body, gzip.compress(body, compresslevel=9, mtime=0), digest, mimetype)

    def response(self, request: Request, cache_control: str) -> Response:
        """The file, gzipped when the client accepts it, ``304`` on a matching ``If-None-Match``."""
        gz = request.accept_encodings["gzip"] > 0
        response = Response(self.gzipped if gz else self.body, mimetype=self.mimetype)
        if gz:
            response.headers["Content-Encoding"] = "gzip"
        response.set_etag(f"{self.etag}-gz" if gz else self.etag)
        response.headers["Cache-Control"] = cache_control
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.make_conditional(request)  # 304 in place when If-None-Match matches
        return response


def read(name: str, mimetype: str) -> Asset:
    return Asset.of((STATIC / name).read_bytes(), mimetype)


def strict_csp(trusted_types_policy: str) -> str:
    """The Content-Security-Policy of our own pages (moderation, demo): same-origin only,
    no inline code, and Trusted Types with the one policy the page's script creates."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "require-trusted-types-for 'script'",
            f"trusted-types {trusted_types_policy}",
        )
    )
