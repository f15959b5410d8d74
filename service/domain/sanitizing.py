"""The whole text policy: what a reader sends becomes plain text or safe HTML here, once,
on write. This is the only module that imports bleach, so replacing it (bleach is
deprecated; nh3 is the usual successor) touches this file alone.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import MutableMapping
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# C0 and C1 controls except tab and newline; DEL; lone surrogates (they cannot be encoded
# as UTF-8, and PostgreSQL refuses NUL in text).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Invisible or direction-changing characters: allowed in a body, never in a name or title,
# where they are used to impersonate others or to reverse the text around them.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]"
)
_SPACES = re.compile(r"\s+")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|pre|blockquote|ul|ol|li)\b", re.IGNORECASE)
_SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_STRIP_CHARS = "".join(chr(c) for c in range(0x21))


def normalize(text: str) -> str:
    """NFC, newlines as ``\\n``, no control characters or lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def plain_text(text: str) -> str:
    """A one-line plain-text value (author name, review title): never HTML."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", normalize(text))).strip()


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    """Links keep a safe ``href`` and ``title``; nothing else keeps any attribute."""
    if tag != "a":
        return False
    if name in ("title", "rel"):
        return True
    if name != "href":
        return False
    # What a browser would follow: entities decoded, surrounding spaces and controls gone.
    url = html.unescape(value).strip(_STRIP_CHARS)
    url = re.sub(r"[\t\n\r]", "", url)
    return bool(_SAFE_HREF.match(url))


def _rel(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    if attrs.get((None, "href")) is None:
        # A link whose href was refused keeps its text but is no link any more.
        return None  # type: ignore[return-value]
    attrs[(None, "rel")] = LINK_REL
    return attrs


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """One prepared cleaner per thread (bleach cleaners are not thread-safe)."""
    cleaner: bleach.Cleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_attribute_allowed,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[partial(LinkifyFilter, callbacks=[_rel], skip_tags={"pre", "code"}, parse_email=False)],
        )
        _local.cleaner = cleaner
    return cleaner


def _paragraphs(text: str) -> str:
    """Plain-text line breaks as paragraphs and ``<br>``, unless the text has block markup."""
    if _BLOCK_TAG.search(text):
        return text
    chunks = [c.strip("\n") for c in re.split(r"\n\s*\n", text)]
    return "".join(f"<p>{c.replace(chr(10), '<br>')}</p>" for c in chunks if c.strip())


def to_safe_html(text: str) -> str:
    """Safe HTML for ``innerHTML``: only the allowlist survives, links get ``rel``."""
    cleaned: str = _cleaner().clean(_paragraphs(normalize(text).strip()))
    return cleaned.strip()


def has_visible_text(safe_html: str) -> bool:
    return bool(re.sub(r"<[^>]*>|\s|&nbsp;", "", safe_html))
