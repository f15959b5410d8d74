"""Entries as JSON Lines (``integrations/jsonl.py``): everything, one article's, or one
email address's (a data access request). Read in pages of ids, so memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ..domain import emails
from ..domain.sites import DEFAULT_SITE
from ..integrations import jsonl
from ..persistence import entries as stored
from ..persistence import mail
from ..persistence.base import utcnow
from ..persistence.database import read_transaction
from ..persistence.models import Entry
from ..schemas import exports

PAGE = 500


class Exported(NamedTuple):
    entry: Entry
    parent_origin: str | None


def entries(article_id: str | None = None, email: str | None = None, site: str | None = None) -> Iterator[Exported]:
    """Every entry (of one site, one article of it, or one email address), in id order."""
    if article_id is not None and site is None:
        site = DEFAULT_SITE
    canonical = emails.canonical(email) if email is not None else None
    after = 0
    while True:
        with read_transaction() as session:  # no snapshot or connection held between pages
            page = [Exported(*row) for row in stored.export_page(session, after, PAGE, article_id, canonical, site)]
            session.expunge_all()
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].entry.id


def lines(article_id: str | None = None, email: str | None = None, site: str | None = None) -> Iterator[str]:
    """The header line, then one line per entry, each ending in a newline."""
    scope = {k: v for k, v in (("site", site), ("article_id", article_id), ("email", email)) if v is not None}
    yield jsonl.header(utcnow(), scope) + "\n"
    for row in entries(article_id, email, site):
        yield jsonl.line(exports.line(row.entry, row.parent_origin)) + "\n"
    if email is not None:  # a data access request: the address's reply subscriptions too
        with read_transaction() as session:
            subscriptions = mail.subscriptions_of(session, emails.canonical(email), site)
        for sub in subscriptions:
            yield jsonl.line(exports.subscription_line(sub, email)) + "\n"
