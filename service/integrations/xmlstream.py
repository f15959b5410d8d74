"""Streaming, safe XML: a file is fed to a SAX parser a chunk at a time, and only the
subtrees a reader asks for are built (as small ElementTree elements), each handed over and
forgotten. Memory stays bounded by the largest single subtree, whatever the file's size.

defusedxml's parser refuses entity declarations and external references (billion
laughs, XXE). Tags are ``prefix:local`` with the prefixes the caller gives its namespaces.
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


class _Builder(ContentHandler):
    def __init__(
        self,
        prefixes: Callable[[str], str],
        capture: Callable[[tuple[str, ...], str], bool],
        markers: frozenset[str],
    ) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.capture = capture
        self.markers = markers
        self.path: list[str] = []
        self.building: list[ET.Element] = []
        self.started = 0
        self.ready: list[Event] = []
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802  (SAX's name)
        self.locator = locator

    def _line(self) -> int:
        return int(self.locator.getLineNumber()) if self.locator else 0

    def _tag(self, name: tuple[str | None, str]) -> str:
        uri, local = name
        prefix = self.prefixes(uri) if uri else ""
        return f"{prefix}:{local}" if prefix else local

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802
        tag = self._tag(name)
        if self.building:
            element = ET.SubElement(self.building[-1], tag)
        elif self.capture(tuple(self.path), tag):
            element = ET.Element(tag)
            self.started = self._line()
        else:
            if tag in self.markers:
                self.ready.append(Start(self._line(), tuple(self.path), tag))
            self.path.append(tag)
            return
        for attr_name, value in attrs.items():
            element.set(self._tag(attr_name), value)
        self.building.append(element)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        if not self.building:
            self.path.pop()
            return
        element = self.building.pop()
        if not self.building:
            self.ready.append(Captured(self.started, tuple(self.path), element))

    def characters(self, content: str) -> None:
        if not self.building:
            return
        element = self.building[-1]
        if len(element):
            last = element[-1]
            last.tail = (last.tail or "") + content
        else:
            element.text = (element.text or "") + content


def events(
    file: IO[bytes],
    label: str,
    namespaces: Mapping[str, str],
    capture: Callable[[tuple[str, ...], str], bool],
    markers: frozenset[str] = frozenset(),
    advance: Callable[[int], None] = lambda n: None,
) -> Iterator[Event]:
    """The captured subtrees and marker starts of ``file``, in document order. ``namespaces``
    maps a namespace URI, or the start of one, to its prefix."""

    def prefix(uri: str) -> str:
        if uri in namespaces:
            return namespaces[uri]
        for start, name in namespaces.items():
            if start.endswith("*") and uri.startswith(start[:-1]):
                return name
        return f"{{{uri}}}"

    builder = _Builder(prefix, capture, markers)
    parser = create_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    builder.locator = parser  # the parser is its own locator (setDocumentLocator comes only with parse())
    try:
        while chunk := file.read(CHUNK):
            parser.feed(chunk)
            advance(len(chunk))
            yield from builder.ready
            builder.ready.clear()
        parser.close()
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
