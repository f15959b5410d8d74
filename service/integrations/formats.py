"""Which export a file is, from what it begins with: an XML file's document element and
namespaces, a JSON file's first keys, an SQLite file's header. Each importer checks its
file first, so a file given to the wrong one is refused with one line naming the right
command instead of "succeeding" with nothing imported."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .records import MalformedInput
from .xmlstream import CUT
from .xmlstream import Root

__all__ = ["CUT", "NAMES", "check_head", "check_root", "of_head", "of_root"]

DISQUS_NS = "http://disqus.com"
# WordPress.org writes http://, WordPress.com https://; 1.0 to 1.2 are in use.
WORDPRESS_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")

NAMES = {
    "disqus": "a Disqus export",
    "wordpress": "a WordPress export (WXR)",
    "isso": "an Isso database",
    "jsonl": "this service's own JSON Lines export",
    "remark42": "a Remark42 backup",
    "commento": "a Commento or Comentario export",
    "rss": "an RSS feed without WordPress' export namespace (not a WordPress export)",
}


def of_root(root: Root) -> str | None:
    if root.local == "disqus" and root.uri == DISQUS_NS:
        return "disqus"
    if root.local == "rss" and not root.uri:
        return "wordpress" if any(WORDPRESS_NS.match(uri) for uri in root.declared) else "rss"
    return None


def of_head(head: bytes) -> str | None:
    """The format of a file that starts with ``head`` (its first few kilobytes)."""
    if head.startswith(b"SQLite format 3\x00"):
        return "isso"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace")
    if text.startswith("<"):
        if re.search(r"<disqus\b[^>]*\bxmlns\s*=\s*[\"']http://disqus\.com[\"']", text):
            return "disqus"
        if re.search(r"<rss\b", text):
            return "wordpress" if re.search(r"xmlns:wp\s*=\s*[\"']https?://wordpress\.org/export/", text) else "rss"
        return None
    if not text.startswith("{"):
        return None
    first = text.split("\n", 1)[0]
    try:
        item = json.loads(first)
    except ValueError:
        item = None
    if isinstance(item, dict):
        if "format" in item:
            return "jsonl"
        if "version" in item and ("users" in item or "posts" in item):
            return "remark42"
        if "comments" in item or "commenters" in item or item == {"version": 3}:  # Comentario's empty export
            return "commento"
        return None
    # A JSON document over many lines: its first keys.
    if re.match(r'\{\s*"version"\s*:\s*\d+\s*,\s*"(comments|commenters|pages|domains|users)"', text) or re.match(
        r'\{\s*"(comments|commenters)"\s*:', text
    ):
        return "commento"
    return None


def refusal(label: str, expected: str, found: str | None, what: str) -> MalformedInput:
    """The one line that refuses a file of another format."""
    if found is None:
        return MalformedInput(f"{label}: this is not {NAMES[expected]} ({what})")
    hint = f"; use `import {found}`" if found != "rss" else ""
    return MalformedInput(f"{label}: this is {NAMES[found]}, not {NAMES[expected]}{hint}")


def check_root(label: str, expected: str) -> Callable[[Root], None]:
    def check(root: Root) -> None:
        found = of_root(root)
        if found != expected:
            name = f"{{{root.uri}}}{root.local}" if root.uri else root.local
            raise refusal(label, expected, found, f"its root element is <{name}>")

    return check


def check_head(label: str, expected: str, head: bytes) -> None:
    found = of_head(head)
    if found != expected:
        raise refusal(label, expected, found, "not recognised from its first bytes")
