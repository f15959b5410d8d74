"""Opaque, tamper-evident keyset cursors.

A cursor is ``base64url(json payload) . base64url(hmac)``; the payload names the list it
belongs to (``scope``), so a cursor of one article or list is refused by another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime


class BadCursor(ValueError):
    """Malformed, tampered or foreign cursor."""


@dataclass(frozen=True)
class Position:
    """The last item of a page: its sort time and id, and in the queue "most likely toxic
    first" its toxicity score (``None``: the page ended among the unknown scores)."""

    created_at: datetime
    id: int
    score: float | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()[:16])


def encode(key: bytes, scope: str, position: Position) -> str:
    data: dict[str, object] = {"s": scope, "t": position.created_at.isoformat(), "i": position.id}
    if position.score is not None:
        data["x"] = position.score  # JSON keeps a float exactly (repr round-trips)
    payload = json.dumps(data, separators=(",", ":"))
    body = _b64(payload.encode("utf-8"))
    return f"{body}.{_mac(key, body)}"


def decode(key: bytes, scope: str, cursor: str) -> Position:
    body, dot, mac = cursor.partition(".")
    if not dot or not body or len(cursor) > 1024:
        raise BadCursor("malformed cursor")
    try:
        expected = _mac(key, body)
    except UnicodeEncodeError:
        raise BadCursor("malformed cursor") from None
    if not hmac.compare_digest(expected, mac):
        raise BadCursor("cursor is not valid")
    try:
        data = json.loads(_unb64(body))
        created_at = datetime.fromisoformat(data["t"])
        score = data.get("x")
        if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
            raise TypeError("score")
        position = Position(created_at, int(data["i"]), None if score is None else float(score))
        data_scope = data["s"]
    except (ValueError, KeyError, TypeError):
        raise BadCursor("malformed cursor") from None
    if data_scope != scope:
        raise BadCursor("cursor belongs to another list")
    return position
