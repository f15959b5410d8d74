"""The whole text policy: what a reader sends becomes plain text or safe HTML here, once,
on write. This is the only module that imports bleach, so replacing it (bleach is
deprecated; nh3 is the usual successor) touches this file alone.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import MutableMapping
from functools import partial
from typing import Any

import bleach
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# C0 and C1 controls except tab and newline; DEL; lone surrogates (they cannot be encoded
# as UTF-8, and PostgreSQL refuses NUL in text).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Invisible or direction-changing characters: allowed in a body, never in a name or title,
# where they are used to impersonate others or to reverse the text around them.
INVISIBLE = "\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_SPACES = re.compile(r"\s+")
# A block element in bleach's output, which writes allowed tags in one form (no attributes).
_BLOCK_ELEMENT = re.compile(r"<(p|pre|blockquote|ul|ol|li)>")
_SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# Blockquotes and lists indent their content; nested deeper than this they lose their tags.
MAX_NESTING = 4
_INDENTING = frozenset({"blockquote", "ul", "ol"})
_BR = {"type": "EmptyTag", "name": "br", "namespace": "http://www.w3.org/1999/xhtml", "data": {}}
_STRIP_CHARS = "".join(chr(c) for c in range(0x21))


def normalize(text: str) -> str:
    """NFC, newlines as ``\\n``, no control characters or lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def digest(source: str) -> str:
    """What identifies a text for the duplicate check: 128 bits of SHA-256 of the
    normalised source, as 32 hex characters."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def is_storable(text: str) -> bool:
    """No control characters or lone surrogates: what :func:`normalize` would remove."""
    return _CONTROL.search(text) is None


def plain_text(text: str) -> str:
    """A one-line plain-text value (author name, review title): never HTML."""
    # NFC again once invisible characters are gone: they may have separated a letter
    # from its combining mark.
    visible = unicodedata.normalize("NFC", _INVISIBLE.sub("", normalize(text)))
    return _SPACES.sub(" ", visible).strip()


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    """Links keep a safe ``href`` and ``title``; nothing else keeps any attribute."""
    if tag != "a":
        return False
    if name in ("title", "rel"):
        return True
    if name != "href":
        return False
    # What a browser would follow: the value as bleach will write it (it keeps the
    # character references it knows and escapes the "&" of any other, so "https&colon;//x"
    # is served as a relative URL), entities decoded, surrounding spaces and controls gone.
    url = html5lib_shim.convert_entities(value).strip(_STRIP_CHARS)
    url = re.sub(r"[\t\n\r]", "", url)
    return bool(_SAFE_HREF.match(url))


def _rel(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    href = attrs.get((None, "href"))
    # A link whose href was refused keeps its text but is no link any more. Links made by
    # the linkifier never passed the attribute filter (filters run after it), and it
    # knows far more schemes than we allow ("data:x.org", "ftp://x.org", "feed:x.org"):
    # every href goes through the one check.
    if href is None or not _attribute_allowed("a", "href", href):
        return None  # type: ignore[return-value]
    attrs[(None, "rel")] = LINK_REL
    return attrs


class _UnlinkRefused:
    """An ``<a>`` whose ``href`` was refused is no link: its tags go, its text stays, and
    before the linkifier runs, which leaves the text of links alone. Otherwise
    ``<a>x.org</a>`` came out as plain ``x.org``, which sanitizing again linkified."""

    def __init__(self, source: Iterable[dict[str, Any]]) -> None:
        self.source = source

    def __iter__(self) -> Iterator[dict[str, Any]]:
        unlinked = False
        for token in self.source:
            if token.get("name") == "a":
                if token["type"] == "StartTag" and (None, "href") not in (token.get("data") or {}):
                    unlinked = True
                    continue
                if token["type"] == "EndTag" and unlinked:
                    unlinked = False
                    continue
            yield token


class _CapNesting:
    """Blockquotes and lists nested more than :data:`MAX_NESTING` deep lose their tags (and
    their items' tags), never their text: each indents by a margin, and 300 of them widened
    the embedding page to thousands of pixels. A ``<br>`` takes the place of a removed tag
    that ended a line of text, so quotes and items stay apart. The tokens come from a parsed
    tree, so every start tag has its end tag and ``depth`` is exact.

    In the same pass, the text of a ``<pre>`` that begins with a newline gets another: the
    parser drops the newline right after ``<pre>``, so without it each pass lost one."""

    def __init__(self, source: Iterable[dict[str, Any]]) -> None:
        self.source = source

    def __iter__(self) -> Iterator[dict[str, Any]]:
        after_pre = False  # the last token out was "<pre>"
        for token in self._capped():
            if after_pre and token["type"] in ("Characters", "SpaceCharacters") and token["data"][:1] == "\n":
                # The parser drops a newline right after <pre>: one that is text needs another.
                token = {**token, "data": "\n" + token["data"]}
            after_pre = token["type"] == "StartTag" and token["name"] == "pre"
            yield token

    def _capped(self) -> Iterator[dict[str, Any]]:
        depth = 0  # indenting blocks open around the token, kept or not
        open_line = False  # text since the last line break
        for token in self.source:
            kind, name = token["type"], token.get("name")
            if kind in ("StartTag", "EndTag") and (name in _INDENTING or name == "li"):
                if name in _INDENTING and kind == "StartTag":
                    depth += 1
                level = depth  # of a quote or list: its own; of an item: its list's
                if name in _INDENTING and kind == "EndTag":
                    depth -= 1
                if level <= MAX_NESTING:
                    open_line = False
                    yield token
                elif open_line:
                    open_line = False
                    yield dict(_BR)
                continue
            if kind == "Characters" and token["data"].strip():
                open_line = True
            elif name in ("p", "pre", "br"):
                open_line = False
            yield token


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """One prepared cleaner per thread (bleach cleaners are not thread-safe)."""
    cleaner: bleach.Cleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        # html5lib filters (duck-typed: html5lib itself is vendored inside bleach).
        filters: list[Any] = [
            _CapNesting,
            _UnlinkRefused,
            partial(LinkifyFilter, callbacks=[_rel], skip_tags={"pre", "code"}, parse_email=False),
        ]
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_attribute_allowed,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=filters,
        )
        _local.cleaner = cleaner
    return cleaner


_BLOCK_SOURCE = re.compile(r"<\s*/?\s*(p|pre|blockquote|ul|ol|li)(?![a-z0-9])", re.IGNORECASE)


def _paragraphs(text: str) -> str:
    """Plain-text line breaks as paragraphs and ``<br>``."""
    chunks = [c.strip("\n") for c in re.split(r"\n\s*\n", text)]
    return "".join(f"<p>{c.replace(chr(10), '<br>')}</p>" for c in chunks if c.strip())


def to_safe_html(text: str) -> str:
    """Safe HTML for ``innerHTML``: only the allowlist survives, links get ``rel``."""
    source = normalize(text).strip()
    # Text without block markup gets paragraphs. Whether it has any is read from what the
    # parser made of it, not from the source: "<p" alone is no paragraph but text, and
    # deciding on the source made sanitizing the output again wrap it a second time.
    # Without anything that could open or close a block element, the parser makes none:
    # one pass is enough (the common case, and bleach is most of a submission's cost).
    if not _BLOCK_SOURCE.search(source):
        return str(_cleaner().clean(_paragraphs(source))).strip()
    cleaned: str = _cleaner().clean(source)
    if not _BLOCK_ELEMENT.search(cleaned):
        cleaned = _cleaner().clean(_paragraphs(source))
    return cleaned.strip()


def has_visible_text(safe_html: str) -> bool:
    return bool(re.sub(r"<[^>]*>|\s|&nbsp;", "", safe_html))
