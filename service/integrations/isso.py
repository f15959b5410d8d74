"""An Isso database (SQLite): ``threads(id, uri, title)`` and ``comments`` with ``mode`` 1
(published), 2 (awaiting moderation) or 4 (deleted, kept for its replies). Isso stores the
Markdown its readers typed; it is imported as text (paragraphs and links survive)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

from ..domain.moderation import Kind
from ..domain.moderation import Status
from .records import Gone
from .records import MalformedInput
from .records import Page
from .records import Record

MODES = {1: Status.APPROVED, 2: Status.PENDING}
DELETED = 4
QUERY = (
    "SELECT c.id, c.parent, c.created, c.mode, c.text, c.author, c.email, t.uri "
    "FROM comments AS c JOIN threads AS t ON t.id = c.tid ORDER BY c.id"
)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise MalformedInput(f"{path}: no such file")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        connection.close()
        raise MalformedInput(f"{path}: not an Isso database ({error})") from None
    if not {"threads", "comments"} <= tables:
        connection.close()
        raise MalformedInput(f"{path}: not an Isso database (no threads and comments tables)")
    return connection


def count(path: Path) -> int:
    connection = _connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM comments").fetchone()[0])
    finally:
        connection.close()


def read(path: Path, advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    connection = _connect(path)
    try:
        for key, parent, created, mode, body, author, email, uri in connection.execute(QUERY):
            advance(1)
            where = f"Isso comment {key}"
            origin, parent_origin = f"isso:{key}", (f"isso:{parent}" if parent is not None else None)
            if mode == DELETED:
                yield Gone(origin, parent_origin, "deleted at the source")
                continue
            if mode not in MODES:
                raise MalformedInput(f"{where}: unknown mode {mode!r}")
            try:
                moment = datetime.fromtimestamp(float(created), UTC)
            except (TypeError, ValueError, OverflowError):
                raise MalformedInput(f"{where}: created {created!r} is not a timestamp") from None
            yield Record(
                origin=origin,
                page=Page(url=str(uri)),
                kind=Kind.COMMENT,
                status=MODES[mode],
                author=author or "",
                email=email,
                body=str(body or ""),
                created_at=moment,
                where=where,
                parent=parent_origin,
            )
    except sqlite3.DatabaseError as error:
        raise MalformedInput(f"{path}: cannot read the Isso database ({error})") from None
    finally:
        connection.close()
