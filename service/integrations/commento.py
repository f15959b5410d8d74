"""Commento's JSON export (Dashboard → General → Export data, a gzipped JSON file), which
Comentario also reads and writes for moving in from Commento: ``{"version": 1,
"comments": [...], "commenters": [...]}``. Comments name their page by ``domain`` and
``url`` (a path), their parent by ``parentHex`` (``root`` at the top level) and their author
by ``commenterHex`` (``anonymous``, or one of ``commenters``); ``state`` is ``approved``,
``unapproved`` or ``flagged``; ``markdown`` is what the reader typed, rendered here as
Markdown with raw HTML shown as text (:func:`html.markdown`).

Comentario's own export (version 3) is ``{"version": 3, "pages": [...], "comments": [...],
"commenters": [...]}`` (Comentario's ``internal/svc/impex_comentario.go``): pages have an
``id``, a ``domainId`` and a ``path``; comments an ``id``, a ``parentId`` (absent or null at
the top level), a ``pageId``, a ``userCreated`` (one of ``commenters`` by ``id``, or the
anonymous user, whose name is ``authorName``), ``isApproved``, ``isPending`` and
``isDeleted`` (neither approved nor pending is rejected), ``createdTime``, ``markdown`` and
the page's ``url``. Origins are ``comentario:<domainId>:<id>``.

The file is streamed with ijson, twice: the commenters (a name and an email each) first,
as they come after the comments; then the comments, one at a time. Origins are
``commento:<domain>:<commentHex>``."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from typing import Any
from typing import cast

import ijson

from ..domain.moderation import Kind
from ..domain.moderation import Status
from . import formats
from .html import markdown
from .records import TOO_LARGE
from .records import Gone
from .records import MalformedInput
from .records import Page
from .records import Record
from .records import parse_time

LABEL = "Commento export"
STATES = {"approved": Status.APPROVED, "unapproved": Status.PENDING, "flagged": Status.PENDING}
HEAD = 4096
MAX_TEXT = 1024 * 1024  # characters: a markdown longer than this is skipped unread into a body


class Prefixed:
    """``file`` with ``head``, already read from it, put back in front."""

    def __init__(self, head: bytes, file: IO[bytes]) -> None:
        self.head, self.file = head, file

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = (self.head, b"") if n < 0 or n >= len(self.head) else (self.head[:n], self.head[n:])
            return out
        return self.file.read(n)


def checked(file: IO[bytes], label: str, expected: str) -> Prefixed:
    head = file.read(HEAD)
    formats.check_head(label, expected, head)
    return Prefixed(head, file)


@contextmanager
def _opened(opener: Callable[[], IO[bytes]]) -> Iterator[IO[bytes]]:
    with opener() as raw:
        if raw.read(2) != b"\x1f\x8b":
            raw.seek(0)
            yield raw
            return
        raw.seek(0)
        with gzip.GzipFile(fileobj=raw) as file:
            yield cast(IO[bytes], file)


def _commenters(file: Prefixed) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for item in ijson.items(file, "commenters.item"):
        if isinstance(item, dict) and isinstance(item.get("commenterHex"), str):
            name, email = item.get("name"), item.get("email")
            found[item["commenterHex"]] = (
                str(name)[:200] if isinstance(name, str) else "",
                email[:254] if isinstance(email, str) else None,
            )
    return found


def _string(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""


def _version(head: bytes) -> int:
    found = re.search(rb'"version"\s*:\s*(\d{1,3})\b', head)
    return int(found.group(1)) if found else 1


def reader(opener: Callable[[], IO[bytes]]) -> Callable[[IO[bytes], Callable[[int], None]], Iterator[Record | Gone]]:
    """A reader of the file that ``opener`` opens (read twice: see the module's note)."""

    def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
        stream = checked(file, LABEL, "commento")
        version = _version(stream.head)
        if version == 3:
            yield from _read_v3(opener, stream, advance)
            return
        if version != 1:
            raise MalformedInput(f"{LABEL}: export version {version} is not known (1 and 3 are)")
        try:
            with _opened(opener) as again:
                commenters = _commenters(checked(again, LABEL, "commento"))
            for number, item in enumerate(ijson.items(stream, "comments.item"), start=1):
                advance(0)
                yield _record(item, number, commenters)
        except ijson.JSONError as error:
            raise MalformedInput(f"{LABEL}: not JSON ({str(error)[:80]})") from None

    return read


def _record(item: Any, number: int, commenters: dict[str, tuple[str, str | None]]) -> Record | Gone:
    where = f"{LABEL}, comment {number}"
    if not isinstance(item, dict) or not _string(item, "commentHex"):
        raise MalformedInput(f"{where}: a comment without a commentHex")
    domain = _string(item, "domain")[:100]
    prefix = f"commento:{domain}:"
    key, parent = _string(item, "commentHex")[:80], _string(item, "parentHex")[:80]
    origin, parent_origin = prefix + key, (prefix + parent if parent and parent != "root" else None)
    if item.get("deleted") is True:
        return Gone(origin, parent_origin, "deleted at the source")
    text = _string(item, "markdown")
    if len(text) > MAX_TEXT:
        return Gone(origin, parent_origin, TOO_LARGE)
    state = _string(item, "state") or "approved"
    if state not in STATES:
        raise MalformedInput(f"{where}: unknown state {state[:20]!r}")
    name, email = commenters.get(_string(item, "commenterHex"), ("", None))
    path = _string(item, "url")
    return Record(
        origin=origin,
        page=Page(url=f"https://{domain}{path if path.startswith('/') else '/' + path}" if domain else path),
        kind=Kind.COMMENT,
        status=STATES[state],
        author=name,
        email=email,
        body=text,
        html=markdown(text),
        created_at=parse_time(_string(item, "creationDate"), where, "creationDate"),
        where=f"{where} ({key[:12]})",
        parent=parent_origin,
    )


V3_LABEL = "Comentario export"
ANONYMOUS = "00000000-0000-0000-0000-000000000000"


def _items(opener: Callable[[], IO[bytes]], prefix: str) -> Iterator[Any]:
    with _opened(opener) as again:
        yield from ijson.items(checked(again, V3_LABEL, "commento"), prefix)


def _read_v3(
    opener: Callable[[], IO[bytes]], stream: Prefixed, advance: Callable[[int], None]
) -> Iterator[Record | Gone]:
    """Pages and commenters (a path, a name and an email each) are read in passes of their
    own, then the comments streamed one at a time."""
    try:
        pages: dict[str, tuple[str, str]] = {}
        for item in _items(opener, "pages.item"):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                pages[item["id"]] = (_string(item, "domainId")[:100], _string(item, "path")[:2000])
        commenters: dict[str, tuple[str, str | None]] = {}
        for item in _items(opener, "commenters.item"):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                name, email = item.get("name"), item.get("email")
                commenters[item["id"]] = (
                    name[:200] if isinstance(name, str) else "",
                    email[:254] if isinstance(email, str) and email else None,
                )
        for number, item in enumerate(ijson.items(stream, "comments.item"), start=1):
            advance(0)
            yield _record_v3(item, number, pages, commenters)
    except ijson.JSONError as error:
        raise MalformedInput(f"{V3_LABEL}: not JSON ({str(error)[:80]})") from None


def _record_v3(
    item: Any, number: int, pages: dict[str, tuple[str, str]], commenters: dict[str, tuple[str, str | None]]
) -> Record | Gone:
    where = f"{V3_LABEL}, comment {number}"
    if not isinstance(item, dict) or not _string(item, "id"):
        raise MalformedInput(f"{where}: a comment without an id")
    key, parent = _string(item, "id")[:80], _string(item, "parentId")[:80]
    page = pages.get(_string(item, "pageId"))
    prefix = f"comentario:{page[0] if page else ''}:"
    origin, parent_origin = prefix + key, (prefix + parent if parent else None)
    if page is None:
        return Gone(origin, parent_origin, "its page is not in the file")
    if item.get("isDeleted") is True:
        return Gone(origin, parent_origin, "deleted at the source")
    text = _string(item, "markdown")
    if len(text) > MAX_TEXT:
        return Gone(origin, parent_origin, TOO_LARGE)
    if item.get("isApproved") is True:
        status = Status.APPROVED
    elif item.get("isPending") is True:
        status = Status.PENDING
    else:
        status = Status.REJECTED
    user = _string(item, "userCreated")
    name, email = commenters.get(user, ("", None)) if user != ANONYMOUS else ("", None)
    url = _string(item, "url").split("#", 1)[0]
    return Record(
        origin=origin,
        page=Page(url=url if url.startswith(("http://", "https://")) else page[1] or "/"),
        kind=Kind.COMMENT,
        status=status,
        author=name or _string(item, "authorName")[:200],
        email=email,
        body=text,
        html=markdown(text),
        created_at=parse_time(_string(item, "createdTime"), where, "createdTime"),
        where=f"{where} ({key[:12]})",
        parent=parent_origin,
    )
