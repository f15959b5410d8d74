"""The documented rule from a page's URL or identifier to an article id.

``path`` (the default): the URL's path, its segments joined by ``-``, characters outside
the article id alphabet replaced by ``-``: ``https://news.example/2024/05/storm-hits/?utm=x``
becomes ``2024-05-storm-hits``. The query is dropped unless the path is empty or names a
script (``/index.php?p=12`` becomes ``index.php-p-12``); an empty path is ``home``.
``slug``: the last segment of the path only (``storm-hits``).
``identifier``: the source's own page identifier (Disqus' ``disqus_identifier``,
WordPress' post id), where it is a valid article id; otherwise the path rule.
A mapping file (CSV ``source,article_id``, where source is a URL, a path or an identifier)
overrides all of them, page by page.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

from ..domain import articles
from .records import MalformedInput
from .records import Page

RULES = ("path", "slug", "identifier")
_OUTSIDE = re.compile(r"[^A-Za-z0-9._:~-]+")
_SCRIPT = re.compile(r"\.(php|aspx?|cgi|jsp)$", re.I)
MAX = 128


def _tidy(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")  # café: cafe
    value = _OUTSIDE.sub("-", value)
    value = re.sub(r"-{2,}", "-", value).strip("-.")
    value = re.sub(r"^[^A-Za-z0-9]+", "", value)
    if len(value) > MAX:  # long but distinct paths stay distinct
        digest = hashlib.blake2b(value.encode(), digest_size=6).hexdigest()
        value = f"{value[: MAX - 13].rstrip('-.')}-{digest}"
    return value


def _parts(url: str) -> tuple[str, str]:
    split = urlsplit(url.strip())
    return unquote(split.path), unquote(split.query)


def from_path(url: str) -> str:
    path, query = _parts(url)
    segments = [s for s in path.split("/") if s]
    value = "-".join(segments)
    if query and (not segments or _SCRIPT.search(segments[-1])):
        value = f"{value}-{query}" if value else query
    return _tidy(value) or "home"


def from_slug(url: str) -> str:
    path, _ = _parts(url)
    segments = [s for s in path.split("/") if s]
    return _tidy(segments[-1]) if segments else from_path(url)


class ArticleRule:
    def __init__(self, rule: str = "path", mapping: Mapping[str, str] | None = None) -> None:
        if rule not in RULES:
            raise ValueError(f"unknown article id rule {rule!r}: one of {', '.join(RULES)}")
        self.rule = rule
        self.mapping = dict(mapping or {})

    def __call__(self, page: Page) -> str | None:
        """The article id of ``page``, or None when none can be made."""
        if page.article_id is not None and not self.mapping:
            return page.article_id if articles.is_valid(page.article_id) else None
        keys = [page.article_id, page.identifier, page.url, _parts(page.url)[0] if page.url else None]
        for key in keys:
            if key is not None and key.strip() in self.mapping:
                return self.mapping[key.strip()]
        if page.article_id is not None:
            return page.article_id if articles.is_valid(page.article_id) else None
        if self.rule == "identifier" and page.identifier and articles.is_valid(page.identifier.strip()):
            return page.identifier.strip()
        if not page.url:
            return None
        value = from_slug(page.url) if self.rule == "slug" else from_path(page.url)
        return value if articles.is_valid(value) else None


def read_mapping(path: Path) -> dict[str, str]:
    """``source,article_id`` per line; blank lines and lines starting with ``#`` are skipped."""
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as file:
        for number, row in enumerate(csv.reader(file), start=1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) != 2:
                raise MalformedInput(f"{path.name}, line {number}: expected two columns, source,article_id")
            source, article_id = row[0].strip(), row[1].strip()
            if not articles.is_valid(article_id):
                if number == 1:
                    continue  # a header line
                raise MalformedInput(f"{path.name}, line {number}: {article_id!r} is not a valid article id")
            mapping[source] = article_id
    return mapping
