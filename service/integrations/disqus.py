"""Disqus' XML export (Admin → Moderation → Export): ``<thread>`` elements (pages) first,
then one ``<post>`` per comment naming its thread and parent by ``dsq:id``.

Origins are ``disqus:<forum>:<post id>`` (the forum is the thread's ``<forum>``);
versions before 2026-12 wrote ``disqus:<post id>``, which is kept as the legacy origin so a
re-import recognises what they imported. A post whose thread is not in the file (Disqus
leaves them in when a thread was deleted) is skipped and counted."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import IO

from ..domain.moderation import Kind
from ..domain.moderation import Status
from . import formats
from .records import TOO_LARGE
from .records import Gone
from .records import MalformedInput
from .records import Page
from .records import Record
from .records import parse_time
from .xmlstream import Captured
from .xmlstream import events
from .xmlstream import text

LABEL = "Disqus export"
NAMESPACES = {"http://disqus.com": "", "http://disqus.com/disqus-internals": "dsq"}
NO_THREAD = "its thread is not in the file"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _ref(element: Captured, child: str) -> str | None:
    found = element.element.find(child)
    return found.get("dsq:id") if found is not None else None


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    # Pages by Disqus thread id: one small entry per page, not per comment.
    threads: dict[str, tuple[str, Page]] = {}  # by id: (forum, page)
    stream = events(
        file,
        LABEL,
        NAMESPACES,
        lambda path, tag: path == ("disqus",) and tag in ("thread", "post"),
        advance=advance,
        root=formats.check_root(LABEL, "disqus"),
    )
    for event in stream:
        if not isinstance(event, Captured):
            continue
        element, where = event.element, f"{LABEL}, line {event.line}"
        key = element.get("dsq:id")
        if not key:
            raise MalformedInput(f"{where}: <{element.tag}> has no dsq:id")
        if element.tag == "thread":
            page = Page(url=(text(element, "link") or "").strip() or None, identifier=text(element, "id"))
            threads[key] = ((text(element, "forum") or "").strip()[:60], page)
            continue
        thread = _ref(event, "thread")
        forum, page = threads.get(thread or "", ("", Page()))
        prefix = f"disqus:{forum}:" if forum else "disqus:"
        parent = _ref(event, "parent")
        origin, parent_origin = prefix + key, (prefix + parent if parent else None)
        legacy = f"disqus:{key}" if forum else None
        if thread is None or thread not in threads:
            yield Gone(origin, parent_origin, NO_THREAD, legacy)
            continue
        if element.get(formats.CUT):
            yield Gone(origin, parent_origin, TOO_LARGE, legacy)
            continue
        if _flag(text(element, "isDeleted")):
            yield Gone(origin, parent_origin, "deleted at the source", legacy)
            continue
        status = Status.APPROVED
        if _flag(text(element, "isSpam")):
            status = Status.SPAM
        elif (text(element, "isApproved") or "true").strip().lower() == "false":
            status = Status.PENDING
        author = element.find("author")
        name = email = None
        if author is not None:
            name = text(author, "name") or text(author, "username")
            email = text(author, "email")
        yield Record(
            origin=origin,
            page=page,
            kind=Kind.COMMENT,
            status=status,
            author=name or "",
            email=email,
            body=text(element, "message") or "",
            created_at=parse_time(text(element, "createdAt"), f"{where}: post {key}"),
            where=f"{where} (post {key})",
            parent=parent_origin,
            legacy=legacy,
        )
