"""What "safe" means for the HTML we serve, judged the way a browser reads it: html5lib
parses a fragment as ``innerHTML`` does, then every element, attribute and link target is
checked against the policy of issue 2."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import html5lib

ALLOWED_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
LINK_ATTRIBUTES = frozenset({"href", "title", "rel"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# The URL standard: leading and trailing C0 controls and spaces are stripped, tabs and
# newlines anywhere are removed, before the scheme is read.
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def parse_fragment(html: str) -> ET.Element:
    """``div.innerHTML = html``, as a browser's HTML parser builds it."""
    fragment: ET.Element = html5lib.parseFragment(html, container="div", namespaceHTMLElements=False)
    return fragment


def href_scheme(value: str) -> str | None:
    """The scheme a browser would follow for this (already entity-decoded) attribute value;
    None for a relative URL."""
    url = _TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE))
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def violations(html: str) -> list[str]:
    """Everything in ``html`` outside the policy; empty when it is safe for innerHTML."""
    found: list[str] = []
    for node in parse_fragment(html).iter():
        tag = node.tag
        if not isinstance(tag, str):  # comments and processing instructions
            found.append(f"markup node {tag!r}")
            continue
        if tag == "DOCUMENT_FRAGMENT":
            continue
        if tag not in ALLOWED_TAGS:  # SVG and MathML elements carry a {namespace} prefix
            found.append(f"element <{tag}>")
        for name, value in node.attrib.items():
            lowered = str(name).lower()
            if lowered.startswith("on") or lowered == "style" or "}" in lowered:
                found.append(f"attribute {name}={value!r} on <{tag}>")
            elif tag != "a" or lowered not in LINK_ATTRIBUTES:
                found.append(f"attribute {name} on <{tag}>")
            elif lowered == "href" and href_scheme(value) not in SAFE_SCHEMES:
                found.append(f"link to {value!r}")
    return found


def visible_text(html: str) -> str:
    """The text a reader sees, block and line breaks as spaces, whitespace collapsed."""
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.tag in ("br", "p", "ul", "ol", "li", "pre", "blockquote"):
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        if node.tag in ("p", "ul", "ol", "li", "pre", "blockquote"):  # blocks: a list starts a new line too
            parts.append(" ")

    walk(parse_fragment(html))
    return " ".join("".join(parts).split())


def nesting(html: str) -> int:
    """The deepest nesting of indenting blocks (blockquote, ul, ol) as a browser parses it."""
    deepest, stack = 0, [(parse_fragment(html), 0)]
    while stack:  # no recursion: the unfixed output is hundreds of levels deep
        node, depth = stack.pop()
        depth += node.tag in ("blockquote", "ul", "ol")
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node)
    return deepest
