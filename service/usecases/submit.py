"""Readers submit comments, reviews and reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..domain import sanitizing
from ..domain.errors import Conflict
from ..domain.errors import Invalid
from ..domain.errors import NotFound
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..persistence.models import Entry
from ..persistence.models import Report
from . import write_transaction


@dataclass(frozen=True)
class Text:
    """What the reader sent, cleaned: plain-text author/title, sanitized body."""

    author: str
    body_source: str
    body_html: str
    title: str | None


def _clean(author: str, body: str, title: str | None = None) -> Text:
    fields: dict[str, str] = {}
    clean_author = sanitizing.plain_text(author)
    if not clean_author:
        fields["author"] = "The name has no visible characters."
    source = sanitizing.normalize(body).strip()
    body_html = sanitizing.to_safe_html(source)
    if not sanitizing.has_visible_text(body_html):
        fields["body"] = "The text has nothing left to show once markup is removed."
    clean_title = sanitizing.plain_text(title) if title else None
    if fields:
        raise Invalid("The submission failed validation.", fields)
    return Text(clean_author, source, body_html, clean_title or None)


def _email(email: str | None) -> str | None:
    return email.strip().lower() or None if email else None


def submit_comment(article_id: str, author: str, body: str, email: str | None, parent_id: int | None) -> Entry:
    text = _clean(author, body)
    with write_transaction() as session:
        root_id = None
        if parent_id is not None:
            parent = session.get(Entry, parent_id)
            if (
                parent is None
                or parent.kind != Kind.COMMENT
                or parent.article_id != article_id
                or parent.status != Status.APPROVED
            ):
                raise Invalid(
                    "A reply must answer a published comment of the same article.",
                    {"parent_id": "No published comment of this article has this id."},
                )
            root_id = parent.root_id or parent.id
        entry = Entry(
            kind=Kind.COMMENT,
            article_id=article_id,
            status=Status.PENDING,
            parent_id=parent_id,
            root_id=root_id,
            author=text.author,
            email=_email(email),
            body_source=text.body_source,
            body_html=text.body_html,
        )
        session.add(entry)
    return entry


def submit_review(article_id: str, author: str, rating: int, body: str, title: str | None, email: str | None) -> Entry:
    text = _clean(author, body, title)
    email = _email(email)
    duplicate = Conflict(
        "This email address has already reviewed this article.", {"email": "Already used for a review of this article."}
    )
    try:
        with write_transaction() as session:
            if email is not None and session.scalar(
                select(Entry.id).where(Entry.article_id == article_id, Entry.kind == Kind.REVIEW, Entry.email == email)
            ):
                raise duplicate
            entry = Entry(
                kind=Kind.REVIEW,
                article_id=article_id,
                status=Status.PENDING,
                author=text.author,
                email=email,
                body_source=text.body_source,
                body_html=text.body_html,
                rating=rating,
                title=text.title,
            )
            session.add(entry)
    except IntegrityError:
        raise duplicate from None  # a concurrent review by the same address won the race
    return entry


def report(entry_id: int, reason: str | None) -> Report:
    with write_transaction() as session:
        entry = session.get(Entry, entry_id)
        if entry is None or entry.status != Status.APPROVED:
            raise NotFound("No published entry has this id.")
        flag = Report(entry_id=entry_id, reason=sanitizing.plain_text(reason) or None if reason else None)
        session.add(flag)
        session.execute(update(Entry).where(Entry.id == entry_id).values(report_count=Entry.report_count + 1))
    return flag
