"""WordPress' export (Tools → Export, WXR): one ``<item>`` per post with its
``<wp:comment>`` elements. WooCommerce product reviews (``comment_type`` ``review`` with a
``rating`` meta) become reviews; pingbacks and trackbacks are not imported."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from collections.abc import Iterator
from typing import IO
from urllib.parse import urlsplit

from ..domain.moderation import Kind
from ..domain.moderation import Status
from .records import Gone
from .records import MalformedInput
from .records import Page
from .records import Record
from .records import parse_time
from .xmlstream import Captured
from .xmlstream import Start
from .xmlstream import events
from .xmlstream import text

LABEL = "WordPress export"
NAMESPACES = {
    "http://wordpress.org/export/1.0/excerpt/": "excerpt",
    "http://wordpress.org/export/1.1/excerpt/": "excerpt",
    "http://wordpress.org/export/1.2/excerpt/": "excerpt",
    "http://wordpress.org/export/*": "wp",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
CHANNEL = ("rss", "channel")
ITEM = ("rss", "channel", "item")
ITEM_FIELDS = frozenset({"link", "guid", "wp:post_id", "wp:comment"})
STATUS = {"1": Status.APPROVED, "approve": Status.APPROVED, "0": Status.PENDING, "hold": Status.PENDING}
NO_DATE = "0000-00-00 00:00:00"


def _capture(path: tuple[str, ...], tag: str) -> bool:
    return (path == CHANNEL and tag in ("wp:base_site_url", "link")) or (path == ITEM and tag in ITEM_FIELDS)


def _rating(comment: ET.Element) -> int | None:
    for meta in comment.findall("wp:commentmeta"):
        if (text(meta, "wp:meta_key") or "").strip() == "rating":
            value = (text(meta, "wp:meta_value") or "").strip()
            return int(value) if value.isdigit() else None
    return None


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    site = ""
    page = Page()
    for event in events(file, LABEL, NAMESPACES, _capture, frozenset({"item"}), advance):
        if isinstance(event, Start):
            page = Page()
            continue
        element = event.element
        if event.path == CHANNEL:
            if element.tag == "wp:base_site_url" or not site:
                site = urlsplit((element.text or "").strip()).netloc or site
            continue
        if element.tag == "link":
            page = Page(url=(element.text or "").strip() or None, identifier=page.identifier)
        elif element.tag == "guid" and page.url is None:
            page = Page(url=(element.text or "").strip() or None, identifier=page.identifier)
        elif element.tag == "wp:post_id":
            page = Page(url=page.url, identifier=(element.text or "").strip() or None)
        elif element.tag == "wp:comment":
            yield _comment(event, site, page)


def _comment(event: Captured, site: str, page: Page) -> Record | Gone:
    element = event.element
    where = f"{LABEL}, line {event.line}"
    key = (text(element, "wp:comment_id") or "").strip()
    if not key.isdigit():
        raise MalformedInput(f"{where}: a comment without a numeric <wp:comment_id>")
    prefix = f"wordpress:{site}:" if site else "wordpress:"
    parent = (text(element, "wp:comment_parent") or "0").strip()
    origin, parent_origin = prefix + key, (prefix + parent if parent not in ("", "0") else None)
    kind_name = (text(element, "wp:comment_type") or "").strip() or "comment"
    if kind_name in ("pingback", "trackback"):
        return Gone(origin, parent_origin, "pingback or trackback")
    if kind_name not in ("comment", "review"):
        return Gone(origin, parent_origin, f"comment type {kind_name[:20]!r}")
    approved = (text(element, "wp:comment_approved") or "").strip().lower()
    if approved in ("trash", "post-trashed"):
        return Gone(origin, parent_origin, "in the trash at the source")
    status = Status.SPAM if approved == "spam" else STATUS.get(approved)
    if status is None:
        raise MalformedInput(f"{where}: comment {key} has an unknown <wp:comment_approved> {approved[:20]!r}")
    date = (text(element, "wp:comment_date_gmt") or "").strip()
    if not date or date == NO_DATE:
        date = (text(element, "wp:comment_date") or "").strip()  # local time, taken as UTC
    return Record(
        origin=origin,
        page=page,
        kind=Kind.REVIEW if kind_name == "review" else Kind.COMMENT,
        status=status,
        author=text(element, "wp:comment_author") or "",
        email=text(element, "wp:comment_author_email"),
        body=text(element, "wp:comment_content") or "",
        created_at=parse_time(date, f"{where}: comment {key}"),
        where=f"{where} (comment {key})",
        parent=parent_origin,
        rating=_rating(element) if kind_name == "review" else None,
    )
