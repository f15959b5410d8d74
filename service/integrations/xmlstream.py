"""Streaming, safe XML: a file is fed to a SAX parser a chunk at a time, and only the
subtrees a reader asks for are built (as small ElementTree elements), each handed over and
forgotten. Memory stays bounded by the largest single subtree, whatever the file's size.

defusedxml's parser refuses entity declarations and external references (billion
laughs, XXE). Tags are ``prefix:local`` with the prefixes the caller gives its namespaces.

Hostile shapes cost linear time and bounded memory: the open-element path is kept only as
deep as a reader looks (:data:`DEPTH`; deeper elements are counted, never copied), text is
gathered as a list of pieces joined once (never re-concatenated per piece), a captured
subtree keeps at most :data:`TEXT_LIMIT` characters of text, :data:`NESTING` levels and
:data:`ELEMENTS` elements; what goes over is dropped and the subtree's root is marked
:data:`CUT`, for its reader to skip and count. A document nesting more than
:data:`MAX_NESTING` elements is refused (the XML parser itself keeps every open element).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.handler import feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from .records import MalformedInput

CHUNK = 256 * 1024
DEPTH = 4  # the deepest path a reader asks about: ("rss", "channel", "item") + its tag
TEXT_LIMIT = 256 * 1024  # characters kept per captured subtree: many times any body a submission may have
NESTING = 32  # levels kept inside a captured subtree
ELEMENTS = 2_000  # elements kept in one captured subtree
MAX_NESTING = 1_000  # open elements at once: no export comes near; the parser keeps each one
CUT = "xmlstream-cut"  # attribute of a captured subtree that went over one of the limits


@dataclass(frozen=True)
class Root:
    """The document element: its namespace URI, its local name and every namespace URI
    the document declared before it (what recognising a format needs)."""

    uri: str
    local: str
    declared: frozenset[str]


@dataclass(frozen=True)
class Start:
    """An element of interest began (its children follow)."""

    line: int
    path: tuple[str, ...]  # the open elements above it
    tag: str


@dataclass(frozen=True)
class Captured:
    line: int
    path: tuple[str, ...]
    element: ET.Element


Event = Start | Captured


class _Text:
    """An element's text or tail as pieces, joined once."""

    __slots__ = ("pieces",)

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def value(self) -> str | None:
        return "".join(self.pieces) if self.pieces else None


class _Builder(ContentHandler):
    def __init__(
        self,
        prefixes: Callable[[str], str],
        capture: Callable[[tuple[str, ...], str], bool],
        markers: frozenset[str],
        label: str = "",
    ) -> None:
        super().__init__()
        self.label = label
        self.prefixes = prefixes
        self.capture = capture
        self.markers = markers
        self.path: list[str] = []  # at most DEPTH open elements above the current one
        self.depth = 0  # all open elements outside a captured subtree
        self.building: list[tuple[ET.Element, _Text]] = []  # kept elements of the subtree, and their text
        self.tails: dict[int, _Text] = {}  # by id of a kept element: the text after it
        self.ignored = 0  # open elements of the subtree beyond NESTING or ELEMENTS
        self.kept = 0  # elements below the root's fields
        self.fields = 0
        self.chars = 0
        self.started = 0
        self.ready: list[Event] = []
        self.root: Root | None = None
        self.declared: set[str] = set()
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802  (SAX's name)
        self.locator = locator

    def _line(self) -> int:
        return int(self.locator.getLineNumber()) if self.locator else 0

    def _tag(self, name: tuple[str | None, str]) -> str:
        uri, local = name
        prefix = self.prefixes(uri) if uri else ""
        return f"{prefix}:{local}" if prefix else local

    def startPrefixMapping(self, prefix: str | None, uri: str) -> None:  # noqa: N802
        if self.root is None:
            self.declared.add(uri)

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802
        if self.root is None:
            self.root = Root(name[0] or "", name[1], frozenset(self.declared))
        if self.depth + len(self.building) + self.ignored >= MAX_NESTING:
            raise MalformedInput(f"{self.label}, line {self._line()}: elements nested more than {MAX_NESTING} deep")
        if self.building:
            # The root's own fields (a post's thread, its dates) are kept whatever its body holds.
            field = len(self.building) == 1
            if self.ignored or len(self.building) >= NESTING or (self.fields if field else self.kept) >= ELEMENTS:
                self.ignored += 1
                self.building[0][0].set(CUT, "1")
                return
            tag = self._tag(name)
            element = ET.SubElement(self.building[-1][0], tag)
            if field:
                self.fields += 1
            else:
                self.kept += 1
        else:
            tag = self._tag(name)
            if self.depth <= DEPTH and self.capture(tuple(self.path), tag):
                element = ET.Element(tag)
                self.started, self.kept, self.fields, self.chars = self._line(), 0, 0, 0
            else:
                if self.depth <= DEPTH and tag in self.markers:
                    self.ready.append(Start(self._line(), tuple(self.path), tag))
                if self.depth < DEPTH:
                    self.path.append(tag)
                self.depth += 1
                return
        for attr_name, value in attrs.items():
            element.set(self._tag(attr_name), value)
        self.building.append((element, _Text()))

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        if not self.building:
            self.depth -= 1
            if self.depth < DEPTH:
                self.path.pop()
            return
        if self.ignored:
            self.ignored -= 1
            return
        element, text = self.building.pop()
        element.text = text.value()
        for child in element:
            tail = self.tails.pop(id(child), None)
            if tail is not None:
                child.tail = tail.value()
        if not self.building:
            self.tails.clear()
            self.ready.append(Captured(self.started, tuple(self.path), element))

    def characters(self, content: str) -> None:
        if not self.building or self.ignored:
            return
        if self.chars + len(content) > TEXT_LIMIT:
            self.building[0][0].set(CUT, "1")
            content = content[: max(0, TEXT_LIMIT - self.chars)]
        self.chars += len(content)
        element, text = self.building[-1]
        if len(element):
            text = self.tails.setdefault(id(element[-1]), _Text())
        text.pieces.append(content)


def events(
    file: IO[bytes],
    label: str,
    namespaces: Mapping[str, str],
    capture: Callable[[tuple[str, ...], str], bool],
    markers: frozenset[str] = frozenset(),
    advance: Callable[[int], None] = lambda n: None,
    root: Callable[[Root], None] = lambda r: None,
) -> Iterator[Event]:
    """The captured subtrees and marker starts of ``file``, in document order. ``namespaces``
    maps a namespace URI, or the start of one, to its prefix; ``root`` sees the document
    element before anything else is read (and raises MalformedInput to refuse the file)."""

    def prefix(uri: str) -> str:
        if uri in namespaces:
            return namespaces[uri]
        for start, name in namespaces.items():
            if start.endswith("*") and uri.startswith(start[:-1]):
                return name
        return f"{{{uri}}}"

    builder = _Builder(prefix, capture, markers, label)
    parser = create_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    builder.locator = parser  # the parser is its own locator (setDocumentLocator comes only with parse())
    checked = False
    try:
        while chunk := file.read(CHUNK):
            parser.feed(chunk)
            advance(len(chunk))
            if not checked and builder.root is not None:
                root(builder.root)
                checked = True
            yield from builder.ready
            builder.ready.clear()
        parser.close()
        if not checked and builder.root is not None:
            root(builder.root)
        yield from builder.ready
    except SAXParseException as error:
        raise MalformedInput(
            f"{label}, line {error.getLineNumber()}, column {error.getColumnNumber()}: {error.getMessage()}"
        ) from None
    except DefusedXmlException as error:
        raise MalformedInput(
            f"{label}, line {parser.getLineNumber()}: refused {type(error).__name__} (entity declarations and "
            "external references are not read)"
        ) from None


def text(element: ET.Element, tag: str) -> str | None:
    """The text of ``element``'s child ``tag`` (None when it is missing)."""
    child = element.find(tag)
    if child is None:
        return None
    return "".join(child.itertext())
