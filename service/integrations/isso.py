"""An Isso database (SQLite): ``threads(id, uri, title)`` and ``comments`` with ``mode`` 1
(published), 2 (awaiting moderation) or 4 (deleted, kept for its replies). Isso stores the
Markdown its readers typed, rendered here as Isso renders it (:func:`html.markdown`), and
names HTML-escaped (``&lt;b&gt;``), unescaped here (they are plain text in this service).

Every Isso database numbers its comments from 1, so origins are ``isso:<database>:<id>``,
the database being a digest of its ``session-key`` preference (random, made by Isso when it
creates the database; the key itself signs Isso's cookies and is never written anywhere).
Versions before 2026-12 wrote ``isso:<id>``, kept as the legacy origin."""

from __future__ import annotations

import hashlib
import html
import sqlite3
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

from ..domain.moderation import Kind
from ..domain.moderation import Status
from . import formats
from .html import markdown
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


LABEL = "Isso database"


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise MalformedInput(f"{path}: no such file")
    with path.open("rb") as file:
        formats.check_head(LABEL, "isso", file.read(4096))
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


def identity(connection: sqlite3.Connection) -> str:
    """A short, stable digest naming this Isso database."""
    try:
        row = connection.execute("SELECT value FROM preferences WHERE key = 'session-key'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:  # a database from before Isso 0.10: its first thread and comment
        row = connection.execute(
            "SELECT t.uri || ' ' || c.created FROM comments AS c JOIN threads AS t ON t.id = c.tid "
            "ORDER BY c.id LIMIT 1"
        ).fetchone()
    return hashlib.blake2b(str(row[0] if row else "").encode(), digest_size=6).hexdigest()


def read(path: Path, advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    connection = _connect(path)
    try:
        prefix = f"isso:{identity(connection)}:"
        for key, parent, created, mode, body, author, email, uri in connection.execute(QUERY):
            advance(1)
            where = f"Isso comment {key}"
            origin, parent_origin = f"{prefix}{key}", (f"{prefix}{parent}" if parent is not None else None)
            legacy = f"isso:{key}"
            if mode == DELETED:
                yield Gone(origin, parent_origin, "deleted at the source", legacy)
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
                author=html.unescape(author or ""),
                email=html.unescape(email) if email else None,
                body=str(body or ""),
                html=markdown(str(body or "")),
                created_at=moment,
                where=where,
                parent=parent_origin,
                legacy=legacy,
            )
    except sqlite3.DatabaseError as error:
        raise MalformedInput(f"{path}: cannot read the Isso database ({error})") from None
    finally:
        connection.close()
