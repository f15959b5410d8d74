"""A large export is read in bounded memory: the readers keep one record at a time."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from typing import Any

import pytest

from service.integrations import disqus
from service.integrations import wordpress
from service.integrations import xmlstream
from service.integrations.records import TOO_LARGE
from service.integrations.records import Gone
from service.integrations.records import MalformedInput
from service.integrations.records import Record

from .samples import DisqusPost
from .samples import DisqusThread
from .samples import WpComment
from .samples import WpPost
from .samples import disqus_xml
from .samples import wxr

POSTS = 6_000
LIMIT = 4 * 1024 * 1024  # bytes of Python objects alive at the peak


def _peak(path: Path, read: Callable[[IO[bytes]], Iterator[Record | Gone]]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        with path.open("rb") as file:
            n = sum(1 for r in read(file) if isinstance(r, Record))
        return n, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_disqus_export_is_read_in_bounded_memory(tmp_path: Path) -> None:
    threads = [DisqusThread(i, f"https://news.example/story-{i}/") for i in range(1, 51)]
    body = "<p>" + "A comment long enough to matter. " * 100 + "</p>"
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as out:  # written in pieces, like the test itself reads
        head, _, _ = disqus_xml(threads, []).rpartition("</disqus>")
        out.write(head)
        for start in range(0, POSTS, 1000):
            chunk = [
                DisqusPost(100_000 + k, 1 + k % 50, body, "2024-05-01T09:00:00Z", f"Reader {k}", f"r{k}@x.org")
                for k in range(start, start + 1000)
            ]
            xml = disqus_xml([], chunk)
            out.write(xml[xml.index("<post ") : xml.rindex("</disqus>")])
        out.write("</disqus>\n")
    assert path.stat().st_size > 4 * LIMIT
    n, peak = _peak(path, disqus.read)
    assert n == POSTS
    assert peak < LIMIT, f"peak {peak / 1e6:.1f} MB while reading a {path.stat().st_size / 1e6:.0f} MB file"


def test_a_large_wordpress_export_is_read_in_bounded_memory(tmp_path: Path) -> None:
    body = "A comment long enough to matter. " * 100
    posts = [
        WpPost(
            p,
            f"https://news.example/{p}/",
            comments=[WpComment(p * 1000 + k, body, "2024-05-01 09:00:00") for k in range(60)],
        )
        for p in range(1, 51)
    ]
    path = tmp_path / "big.xml"
    path.write_text(wxr(posts), encoding="utf-8")
    assert path.stat().st_size > 2 * LIMIT
    n, peak = _peak(path, wordpress.read)
    assert n == 50 * 60
    assert peak < LIMIT


# Hostile shapes (issue 12, item 8): linear time, bounded memory, the live limits applied.

NESTED = 200_000


def _disqus_with(tmp_path: Path, inside: str, outside: str = "") -> Path:
    head = disqus_xml([DisqusThread(1, "https://news.example/story/")], [])
    head = head[: head.rindex("</disqus>")]
    post = DisqusPost(501, 1, "A fine comment.", "2024-05-01T09:00:00Z", "Fay")
    good = disqus_xml([], [post])
    good = good[good.index("<post ") : good.rindex("</disqus>")]
    hostile = good.replace("501", "502").replace("<message>", f"<message>{inside}", 1)
    path = tmp_path / "hostile.xml"
    path.write_text(head + outside + good + hostile + "</disqus>\n", encoding="utf-8")
    return path


@pytest.mark.timeout(120)  # before the fix: minutes (the open-element path copied per element)
def test_deeply_nested_elements_are_refused_in_linear_time_and_bounded_memory(tmp_path: Path) -> None:
    deep = "<x>" * NESTED + "</x>" * NESTED
    for path in (_disqus_with(tmp_path, inside="", outside=f"<junk>{deep}</junk>"), _disqus_with(tmp_path, deep)):
        assert path.stat().st_size > 1_400_000
        looked: list[int] = []
        original = xmlstream._Builder.__init__

        def spying(self: Any, *args: Any, looked: list[int] = looked, original: Any = original) -> None:
            original(self, *args)
            capture = self.capture

            def counted(where: tuple[str, ...], tag: str) -> bool:
                looked.append(len(where))
                return bool(capture(where, tag))

            self.capture = counted

        xmlstream._Builder.__init__ = spying  # type: ignore[method-assign,assignment]
        tracemalloc.start()
        try:
            with path.open("rb") as file, pytest.raises(MalformedInput, match="elements nested more than 1000 deep"):
                list(disqus.read(file))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            xmlstream._Builder.__init__ = original  # type: ignore[method-assign]
        assert max(looked) <= xmlstream.DEPTH  # never a path as deep as the document
        assert peak < LIMIT


def test_an_entry_over_the_reading_limits_is_skipped_and_counted(tmp_path: Path) -> None:
    many = "<b>x</b>" * (xmlstream.ELEMENTS + 10)
    with _disqus_with(tmp_path, many).open("rb") as file:
        read = list(disqus.read(file))
    assert [type(r).__name__ for r in read] == ["Record", "Gone"] and read[1].reason == TOO_LARGE  # type: ignore[union-attr]


def test_a_huge_message_is_read_in_bounded_memory_and_skipped(tmp_path: Path) -> None:
    path = _disqus_with(tmp_path, inside="spam " * 2_500_000)  # a 12.5 MB <message>
    n, peak = _peak(path, disqus.read)
    assert n == 1
    assert peak < LIMIT, f"peak {peak / 1e6:.1f} MB"
