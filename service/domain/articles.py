"""Article ids: the embedding site's own id for a page."""

from __future__ import annotations

import re

ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}")


def is_valid(article_id: str) -> bool:
    return ARTICLE_ID.fullmatch(article_id) is not None
