"""Source text to HTML before the live sanitizer, the way each source displays it.

WordPress stores a comment as typed (HTML with plain line breaks) and shows it through
``wpautop``: blank lines make paragraphs, single ones ``<br>``. :func:`autop` does the same
in outline; elements the sanitizer drops (``<h2>``, ``<div>``, tables) become paragraph
breaks first, so their words stay apart and in their own paragraphs.

Isso stores Markdown and renders it without raw HTML: :func:`markdown` does so with
markdown-it-py (CommonMark, raw HTML off, so a typed ``<script>`` is shown as text) plus
strikethrough, as Isso's defaults have it.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt

# Kept by the sanitizer and block-level: paragraphs are made around them, not inside.
_KEPT_BLOCKS = "p|blockquote|ul|ol|li|pre"
# Dropped by the sanitizer but block-level: they separate paragraphs.
_DROPPED_BLOCKS = (
    "address|article|aside|caption|center|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|main|menu|nav|section|summary|table|tbody|td|tfoot|th|thead|tr"
)
_DROPPED = re.compile(rf"<\s*/?\s*(?:{_DROPPED_BLOCKS})\b[^>]*>", re.IGNORECASE)
_OPEN_KEPT = re.compile(rf"(<(?:{_KEPT_BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSE_KEPT = re.compile(rf"(</(?:{_KEPT_BLOCKS})\s*>)", re.IGNORECASE)
_PRE = re.compile(r"<pre[\s>].*?</pre\s*>", re.IGNORECASE | re.DOTALL)
_P_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?(?:{_KEPT_BLOCKS})[\s/>][^>]*>?)", re.IGNORECASE)
_P_AFTER_BLOCK = re.compile(rf"(</?(?:{_KEPT_BLOCKS})(?:\s[^>]*)?>)\s*</p>", re.IGNORECASE)
_BLOCK_EDGE_NEWLINE = re.compile(rf"(</?(?:{_KEPT_BLOCKS})(?:\s[^>]*)?>)\s*\n|\n\s*(</?(?:{_KEPT_BLOCKS})[\s>])")


def autop(text: str) -> str:
    """WordPress comment text as the HTML WordPress shows."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _PRE.sub(keep, text)
    text = _DROPPED.sub("\n\n", text)
    text = _CLOSE_KEPT.sub(r"\1\n\n", _OPEN_KEPT.sub(r"\n\n\1", text))
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.fullmatch(r"\x00\d+\x00", chunk):
            out.append(kept[int(chunk.strip("\x00"))])
            continue
        chunk = _BLOCK_EDGE_NEWLINE.sub(lambda m: m.group(1) or m.group(2), chunk)
        paragraph = "<p>" + chunk.replace("\n", "<br>") + "</p>"
        paragraph = re.sub(r"^<p><blockquote([^>]*)>", r"<blockquote\1><p>", paragraph, flags=re.IGNORECASE)
        paragraph = re.sub(r"</blockquote></p>$", "</p></blockquote>", paragraph, flags=re.IGNORECASE)
        paragraph = _P_AFTER_BLOCK.sub(r"\1", _P_BEFORE_BLOCK.sub(r"\1", paragraph))
        out.append(paragraph)
    return "".join(out)


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": False}).enable("strikethrough")


def markdown(text: str) -> str:
    """Markdown as Isso renders it; raw HTML in it is text."""
    # Without the newlines between blocks, as the sanitizer writes its output (a literal
    # "<" never follows one inside text: markdown-it escapes it).
    return str(_markdown().render(text)).replace(">\n<", "><").strip()
