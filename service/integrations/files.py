"""Export files as the parsers read them: a gzipped file (as Disqus sends its exports) is
read as it is, with progress in bytes of the file itself."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from typing import cast

from .records import Gone
from .records import MalformedInput
from .records import Record

Reader = Callable[[Callable[[int], None]], Iterable[Record | Gone]]


def records_of(
    path: Path, read: Callable[[IO[bytes], Callable[[int], None]], Iterable[Record | Gone]]
) -> Callable[[Callable[[int], None]], Iterable[Record | Gone]]:
    """The file's records; a gzipped file (as Disqus sends its exports) is read as it is."""

    def records(advance: Callable[[int], None]) -> Iterator[Record | Gone]:
        with path.open("rb") as raw:
            if raw.read(2) != b"\x1f\x8b":
                raw.seek(0)
                yield from read(raw, advance)
                return
            raw.seek(0)
            done = 0

            def compressed(_: int) -> None:  # progress in bytes of the file itself
                nonlocal done
                advance(raw.tell() - done)
                done = raw.tell()

            try:
                with gzip.GzipFile(fileobj=raw) as file:
                    yield from read(cast(IO[bytes], file), compressed)
            except (OSError, EOFError, zlib.error) as error:
                raise MalformedInput(f"{path.name}: not a readable gzip file ({error})") from None

    return records
