"""WordPress' export (Tools → Export, WXR): one ``<item>`` per post with its
``<wp:comment>`` elements. WooCommerce product reviews (``comment_type`` ``review`` with a
``rating`` meta) become reviews; pingbacks and trackbacks are not imported.

WordPress.org declares ``http://wordpress.org/export/1.x/``, WordPress.com ``https://…``.
Origins are ``wordpress:<blog>:<comment id>``, the blog being ``wp:base_blog_url``'s host
and path: every WordPress.com export has ``wp:base_site_url`` ``http://wordpress.com/``, so
versions before 2026-12, which used that one, made two WordPress.com blogs clash. Their
origin is kept as the legacy origin where it differs. Comment text is HTML with WordPress'
line breaks: see :func:`html.autop`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import IO
from urllib.parse import urlsplit

from ..domain.moderation import Kind
from ..domain.moderation import Status
from . import formats
from .html import autop
from .records import TOO_LARGE
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
    **{f"{scheme}://wordpress.org/export/1.{n}/excerpt/": "excerpt" for scheme in ("http", "https") for n in range(3)},
    "http://wordpress.org/export/*": "wp",
    "https://wordpress.org/export/*": "wp",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
CHANNEL = ("rss", "channel")
ITEM = ("rss", "channel", "item")
SITE_FIELDS = ("wp:base_blog_url", "link", "wp:base_site_url")  # the blog's own URL first
ITEM_FIELDS = frozenset({"link", "guid", "wp:post_id", "wp:comment"})
STATUS = {"1": Status.APPROVED, "approve": Status.APPROVED, "0": Status.PENDING, "hold": Status.PENDING}
NO_DATE = "0000-00-00 00:00:00"


def _capture(path: tuple[str, ...], tag: str) -> bool:
    return (path == CHANNEL and tag in SITE_FIELDS) or (path == ITEM and tag in ITEM_FIELDS)


def _rating(comment: ET.Element) -> int | None:
    for meta in comment.findall("wp:commentmeta"):
        if (text(meta, "wp:meta_key") or "").strip() == "rating":
            value = (text(meta, "wp:meta_value") or "").strip()
            return int(value) if value.isdigit() else None
    return None


def _blog(url: str) -> str:
    """``host/path`` of a URL, ``""`` when it has no host."""
    split = urlsplit(url.strip())
    return split.netloc.lower() + split.path.rstrip("/") if split.netloc else ""


@dataclass
class _Site:
    urls: dict[str, str] = field(default_factory=dict)  # by channel field

    def prefixes(self) -> tuple[str, str | None]:
        """The origin prefix, and the one versions before 2026-12 used where it differs."""
        blog = next((self.urls[f] for f in SITE_FIELDS if self.urls.get(f)), "")
        old_site = self.urls.get("wp:base_site_url") or self.urls.get("link") or ""
        old = f"wordpress:{old_site.split('/')[0]}:" if old_site else "wordpress:"
        new = f"wordpress:{blog}:" if blog else "wordpress:"
        return new, (old if old != new else None)


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record | Gone]:
    site = _Site()
    page = Page()
    check = formats.check_root(LABEL, "wordpress")
    stream = events(file, LABEL, NAMESPACES, _capture, frozenset({"item"}), advance, check)
    for event in stream:
        if isinstance(event, Start):
            page = Page()
            continue
        element = event.element
        if event.path == CHANNEL:
            site.urls.setdefault(element.tag, _blog(element.text or ""))
            continue
        if element.tag == "link":
            page = Page(url=(element.text or "").strip() or None, identifier=page.identifier)
        elif element.tag == "guid" and page.url is None:
            page = Page(url=(element.text or "").strip() or None, identifier=page.identifier)
        elif element.tag == "wp:post_id":
            page = Page(url=page.url, identifier=(element.text or "").strip() or None)
        elif element.tag == "wp:comment":
            yield _comment(event, *site.prefixes(), page)


def _comment(event: Captured, prefix: str, old_prefix: str | None, page: Page) -> Record | Gone:
    element = event.element
    where = f"{LABEL}, line {event.line}"
    key = (text(element, "wp:comment_id") or "").strip()
    if not key.isdigit():
        raise MalformedInput(f"{where}: a comment without a numeric <wp:comment_id>")
    parent = (text(element, "wp:comment_parent") or "0").strip()
    origin, parent_origin = prefix + key, (prefix + parent if parent not in ("", "0") else None)
    legacy = old_prefix + key if old_prefix else None
    if element.get(formats.CUT):
        return Gone(origin, parent_origin, TOO_LARGE, legacy)
    kind_name = (text(element, "wp:comment_type") or "").strip() or "comment"
    if kind_name in ("pingback", "trackback"):
        return Gone(origin, parent_origin, "pingback or trackback", legacy)
    if kind_name not in ("comment", "review"):
        return Gone(origin, parent_origin, f"comment type {kind_name[:20]!r}", legacy)
    approved = (text(element, "wp:comment_approved") or "").strip().lower()
    if approved in ("trash", "post-trashed"):
        return Gone(origin, parent_origin, "in the trash at the source", legacy)
    status = Status.SPAM if approved == "spam" else STATUS.get(approved)
    if status is None:
        raise MalformedInput(f"{where}: comment {key} has an unknown <wp:comment_approved> {approved[:20]!r}")
    body = text(element, "wp:comment_content") or ""
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
        body=body,
        html=autop(body),
        created_at=parse_time(date, f"{where}: comment {key}"),
        where=f"{where} (comment {key})",
        parent=parent_origin,
        rating=_rating(element) if kind_name == "review" else None,
        legacy=legacy,
    )
