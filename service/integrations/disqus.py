"""Disqus' XML export (Admin → Moderation → Export): ``<thread>`` elements (pages) first,
then one ``<post>`` per comment naming its thread and parent by ``dsq:id``."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import IO

from ..domain.moderation import Kind
from ..domain.moderation import Status
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


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _ref(element: Captured, child: str) -> str | None:
    found = element.element.find(child)
    return found.get("dsq:id") if found is not None else None


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    # Pages by Disqus thread id: one small entry per page, not per comment.
    threads: dict[str, Page] = {}
    stream = events(file, LABEL, NAMESPACES, lambda path, tag: path == ("disqus",) and tag in ("thread", "post"))
    for event in stream:
        if not isinstance(event, Captured):
            continue
        element, where = event.element, f"{LABEL}, line {event.line}"
        key = element.get("dsq:id")
        if not key:
            raise MalformedInput(f"{where}: <{element.tag}> has no dsq:id")
        if element.tag == "thread":
            threads[key] = Page(url=(text(element, "link") or "").strip() or None, identifier=text(element, "id"))
            continue
        thread = _ref(event, "thread")
        if thread is None or thread not in threads:
            raise MalformedInput(f"{where}: post {key} names thread {thread}, which comes nowhere before it")
        parent = _ref(event, "parent")
        origin, parent_origin = f"disqus:{key}", f"disqus:{parent}" if parent else None
        if _flag(text(element, "isDeleted")):
            yield Gone(origin, parent_origin, "deleted at the source")
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
            page=threads[thread],
            kind=Kind.COMMENT,
            status=status,
            author=name or "",
            email=email,
            body=text(element, "message") or "",
            created_at=parse_time(text(element, "createdAt"), f"{where}: post {key}"),
            where=f"{where} (post {key})",
            parent=parent_origin,
        )
