"""Remark42's backup (its backup folder's ``backup-<site>-<date>.gz``, or the admin
export): JSON Lines, a header line ``{"version": 1, "users": [...], "posts": [...]}`` and
then one comment per line: ``id``, ``pid`` (the parent's id, empty at the top level),
``text`` (HTML that Remark42 rendered and sanitized from the Markdown in ``orig``),
``user`` (``name``, ``id``), ``locator`` (``site``, ``url``), ``time``, and ``delete`` when
the comment was deleted. Remark42 has no moderation queue: comments are published, those of
blocked users (``users[].blocked.status``) hidden, imported as rejected. Origins are
``remark42:<site>:<id>``. Lines are read with a bound: a line over :data:`MAX_LINE` bytes is
skipped unread and counted."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import IO
from typing import Any

from ..domain.moderation import Kind
from ..domain.moderation import Status
from .commento import checked
from .records import TOO_LARGE
from .records import Gone
from .records import MalformedInput
from .records import Page
from .records import Record
from .records import json_object
from .records import parse_time

LABEL = "Remark42 backup"
VERSION = 1
MAX_LINE = 1024 * 1024
MAX_HEADER = 64 * 1024 * 1024  # the header lists every user: bounded, but generously


def _lines(file: Any, advance: Callable[[int], None]) -> Iterator[tuple[int, bytes | None]]:
    """(number, line), or (number, None) for a line longer than its bound, skipped."""
    number, buffer = 0, b""
    while True:
        limit = MAX_HEADER if number == 0 else MAX_LINE
        piece = file.read(min(limit, 256 * 1024))
        if not piece and not buffer:
            return
        buffer += piece
        while b"\n" in buffer or (not piece and buffer):
            line, _, buffer = buffer.partition(b"\n")
            number += 1
            advance(len(line) + 1)
            yield number, line
        if len(buffer) > limit:  # a line over the bound: skip to its end
            number += 1
            advance(len(buffer))
            while piece and b"\n" not in buffer:
                piece = file.read(256 * 1024)
                advance(len(piece))
                buffer = piece
            buffer = buffer.partition(b"\n")[2]
            yield number, None


def _string(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    blocked: set[str] = set()
    for number, raw in _lines(checked(file, LABEL, "remark42"), advance):
        where = f"{LABEL}, line {number}"
        if raw is None:
            if number == 1:
                raise MalformedInput(f"{where}: a header line longer than {MAX_HEADER:,} bytes")
            yield Gone(f"remark42:line:{number}", None, TOO_LARGE)
            continue
        if not raw.strip():
            continue
        item = json_object(raw, where)
        if number == 1:
            if item.get("version") != VERSION:
                raise MalformedInput(f"{where}: a Remark42 backup of version {item.get('version')!r}, not {VERSION}")
            for user in item.get("users") or []:
                if isinstance(user, dict) and isinstance(user.get("blocked"), dict) and user["blocked"].get("status"):
                    blocked.add(str(user.get("id")))
            continue
        yield _record(item, where, blocked)


def _record(item: dict[str, Any], where: str, blocked: set[str]) -> Record | Gone:
    key = _string(item, "id")[:100]
    locator = item.get("locator") if isinstance(item.get("locator"), dict) else {}
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    assert isinstance(locator, dict) and isinstance(user, dict)
    if not key:
        raise MalformedInput(f"{where}: a comment without an id")
    prefix = f"remark42:{_string(locator, 'site')[:60]}:"
    parent = _string(item, "pid")[:100]
    origin, parent_origin = prefix + key, (prefix + parent if parent else None)
    if item.get("delete") is True:
        return Gone(origin, parent_origin, "deleted at the source")
    return Record(
        origin=origin,
        page=Page(url=_string(locator, "url") or None),
        kind=Kind.COMMENT,
        status=Status.REJECTED if _string(user, "id") in blocked else Status.APPROVED,
        author=_string(user, "name"),
        email=None,
        body=_string(item, "text"),
        created_at=parse_time(_string(item, "time"), where, "time"),
        where=f"{where} ({key[:40]})",
        parent=parent_origin,
        title=None,
    )
