"""Readers submit comments, reviews and reports. The auto-moderation rules decide each
submission's status in the transaction that stores it, and say why in the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import Any

from ..domain import automod
from ..domain import emails
from ..domain import sanitizing
from ..domain import trust
from ..domain.errors import Banned
from ..domain.errors import Closed
from ..domain.errors import Conflict
from ..domain.errors import Invalid
from ..domain.errors import NotFound
from ..domain.errors import SignInRequired
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import entries
from ..persistence import outbox
from ..persistence import queries
from ..persistence import trust as trust_store
from ..persistence.base import utcnow
from ..persistence.database import Duplicate
from ..persistence.database import Session
from ..persistence.database import write_transaction
from ..persistence.models import Entry
from ..persistence.models import Report
from ..schemas import events
from . import notify
from .lifecycle import Change
from .lifecycle import change_status
from .moderate import token_hash

AUTO_MODERATION = "auto-moderation"
READER_REPORTS = "reader-reports"
DUPLICATE_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Intake:
    """How a submission arrived: the rules in force, a keyed hash of the client's address
    (never the address), the form's honeypot field, and the toxicity scorer (``None``: no
    score; see domain/toxicity.py)."""

    policy: automod.Policy
    client: str | None = None
    honeypot: str | None = None
    webhooks: outbox.Subscriptions = outbox.NONE
    scorer: Callable[[str], float | None] | None = None
    site: str = DEFAULT_SITE  # whose article it is; ``policy`` and ``webhooks`` are that site's
    reader: trust.Reader | None = None  # signed in by the site's token
    signed_in_only: bool = False
    ban_mode: trust.BanMode = trust.BanMode.REFUSE
    close_after_days: int | None = None
    article_date: datetime | None = None  # what the thread's automatic closing counts from


@dataclass(frozen=True)
class Page:
    """The page a submission came from, as the widget saw it: canonical URL and title."""

    url: str | None = None
    title: str | None = None

    def remember(self, session: Session, site: str, article_id: str) -> None:
        title = sanitizing.plain_text(self.title) if self.title else None
        queries.remember_page(session, site, article_id, self.url or None, title or None)


NO_PAGE = Page()


@dataclass(frozen=True)
class Accepted:
    entry: Entry
    edit_token: str
    rule: str

    @property
    def public_status(self) -> Status:
        """What the submitter is told: a spam verdict is never revealed."""
        return Status.PENDING if self.entry.status == Status.SPAM else self.entry.status

    def __getattr__(self, name: str) -> Any:
        """The entry's fields, for ``schemas.public.SubmissionOut`` (the 202 body), with
        ``status`` as the submitter may know it."""
        if name == "status":
            return self.public_status
        return getattr(self.entry, name)


@dataclass(frozen=True)
class Text:
    """What the reader sent, cleaned: plain-text author/title, sanitized body."""

    author: str
    body_source: str
    body_html: str
    title: str | None
    toxicity: float | None = None  # of the title and text (never the name); None: unknown

    @property
    def body_digest(self) -> str:
        return sanitizing.digest(self.body_source)


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


def _score(text: Text, intake: Intake) -> Text:
    """The text with its toxicity score, computed once, before the transaction, whether or
    not a toxicity rule is on: the queue and the stats use the score too."""
    if intake.scorer is None:
        return text
    return replace(text, toxicity=intake.scorer("\n".join(filter(None, (text.title, text.body_source)))))


def _refuse_repeats(session: Session, article_id: str, text: Text, intake: Intake) -> None:
    """The same text from the same client on the same article within a day is a 409."""
    if intake.client is None:
        return
    since = utcnow() - DUPLICATE_WINDOW
    if queries.repeats(session, intake.site, intake.client, article_id, text.body_digest, text.body_source, since):
        raise Conflict("You have already posted this text here.", {"body": "Already posted."})


def _record(session: Session, email: str | None, intake: Intake) -> tuple[int, int]:
    """How many of the author's earlier entries on the site were approved, and how many refused."""
    if email is None or not intake.policy.trusted_after:
        return 0, 0
    counts = entries.statuses_of_email(session, intake.site, email)
    return counts.get(Status.APPROVED, 0), counts.get(Status.REJECTED, 0) + counts.get(Status.SPAM, 0)


def signed_in(author: str | None, email: str | None, intake: Intake) -> tuple[str, str | None]:
    """The name and email of a submission: a signed-in reader's come from the site's token;
    anyone else sends a name (or, on a site for signed-in readers only, may not post)."""
    if intake.reader is not None:
        return intake.reader.name, intake.reader.email
    if intake.signed_in_only:
        raise SignInRequired("Sign in to comment on this site.")
    if not author:
        raise Invalid("The submission failed validation.", {"author": "Missing data for required field."})
    return author, email


def _admit(session: Session, article_id: str, email: str | None, intake: Intake) -> tuple[bool, bool]:
    """Before storing a submission: a closed thread refuses it, and so does a ban (or, on a
    site that holds banned readers' entries, it is held). Returns (banned and held, always
    hold). The thread remembers its first entry and the article's date."""
    state = trust_store.lock_thread(session, intake.site, article_id)
    now = utcnow()
    if state is not None and trust.is_closed(
        state.mode, state.first_entry_at, state.article_date, intake.close_after_days, now
    ):
        raise Closed("Comments on this article are closed.")
    if state is None or intake.article_date is not None:
        trust_store.note_entry(session, intake.site, article_id, intake.article_date)
        if intake.article_date is not None and trust.is_closed(
            state.mode if state else None, None, intake.article_date, intake.close_after_days, now
        ):
            raise Closed("Comments on this article are closed.")
    reader = intake.reader
    author_id = reader.user_id if reader else None
    bans = trust_store.open_bans(session, intake.site, trust.identities(author_id, email, intake.client), now)
    # A refusal tells the sender they are banned: only for identities they proved (the
    # site's token, their own client). A typed email address proves nothing, so a ban on it
    # alone holds silently: nobody learns whether someone else's address is banned.
    proven = [
        b
        for b in bans
        if b.kind != trust.BanKind.EMAIL or reader is not None or (intake.client and b.client_hash == intake.client)
    ]
    if proven and intake.ban_mode == trust.BanMode.REFUSE:
        until = [b.expires_at for b in proven]
        when = "for good" if None in until else f"until {max(u for u in until if u).strftime('%Y-%m-%d %H:%M')} UTC"
        raise Banned(f"A moderator has banned you from commenting here ({when}).")
    key = trust.author_key(author_id, email, intake.client)
    hold = key is not None and trust_store.always_hold(session, intake.site, key)
    return bool(bans), hold


def _store(session: Session, entry: Entry, text: Text, intake: Intake) -> Accepted:
    banned, always_hold = _admit(session, entry.article_id, entry.email, intake)
    if intake.reader is not None:
        entry.author_id = intake.reader.user_id
        entry.badge = intake.reader.badge
    approved, refused = _record(session, entry.email, intake)
    verdict = automod.decide(
        automod.Submission(
            text.author,
            text.body_source,
            text.body_html,
            text.title,
            intake.honeypot,
            approved,
            refused,
            toxicity=text.toxicity,
            banned=banned,
            always_hold=always_hold,
        ),
        intake.policy,
    )
    token = secrets.token_urlsafe(24)
    entry.client_hash = intake.client
    entry.body_digest = text.body_digest
    entry.toxicity = text.toxicity
    entry.edit_token_hash = token_hash(token)
    change = Change(Action.SUBMIT, AUTO_MODERATION, verdict.rule, verdict.detail, verdict=verdict.status)
    change_status(session, entry, change, intake.webhooks, new=True)
    return Accepted(entry, token, verdict.rule)


def submit_comment(
    article_id: str,
    author: str | None,
    body: str,
    email: str | None,
    parent_id: int | None,
    intake: Intake,
    page: Page = NO_PAGE,
    notify_replies: bool = False,
) -> Accepted:
    author, email = signed_in(author, email, intake)
    text = _score(_clean(author, body), intake)
    if notify_replies and not email:
        raise Invalid(
            "Reply notifications need an email address.",
            {"notify_replies": "Give an email address to be told of replies."},
        )
    with write_transaction(autoflush=False) as session:
        root_id = None
        if parent_id is not None:
            parent = session.get(Entry, parent_id)
            if (
                parent is None
                or parent.site_id != intake.site
                or parent.kind != Kind.COMMENT
                or parent.article_id != article_id
                or parent.status != Status.APPROVED
            ):
                raise Invalid(
                    "A reply must answer a published comment of the same article.",
                    {"parent_id": "No published comment of this article has this id."},
                )
            root_id = parent.root_id or parent.id
        _refuse_repeats(session, article_id, text, intake)
        entry = Entry(
            site_id=intake.site,
            kind=Kind.COMMENT,
            article_id=article_id,
            parent_id=parent_id,
            root_id=root_id,
            author=text.author,
            email=emails.canonical(email or "") or None,
            body_source=text.body_source,
            body_html=text.body_html,
        )
        accepted = _store(session, entry, text, intake)
        if notify_replies and intake.webhooks.mail and entry.email:
            notify.subscribe(session, entry, entry.email)
        page.remember(session, intake.site, article_id)
    return accepted


def submit_review(
    article_id: str,
    author: str | None,
    rating: int,
    body: str,
    title: str | None,
    email: str | None,
    intake: Intake,
    page: Page = NO_PAGE,
) -> Accepted:
    author, email = signed_in(author, email, intake)
    text = _score(_clean(author, body, title), intake)
    email = emails.canonical(email or "") or None
    reader = intake.reader
    duplicate = (
        Conflict("You have already reviewed this article.", {"rating": "One review per reader and article."})
        if reader is not None
        else Conflict(
            "This email address has already reviewed this article.",
            {"email": "Already used for a review of this article."},
        )
    )
    try:
        with write_transaction(autoflush=False) as session:
            if reader is not None and entries.has_review_by(session, intake.site, article_id, reader.user_id):
                raise duplicate
            if email is not None and entries.has_review(session, intake.site, article_id, email):
                raise duplicate
            _refuse_repeats(session, article_id, text, intake)
            entry = Entry(
                site_id=intake.site,
                kind=Kind.REVIEW,
                article_id=article_id,
                author=text.author,
                email=email,
                body_source=text.body_source,
                body_html=text.body_html,
                rating=rating,
                title=text.title,
            )
            accepted = _store(session, entry, text, intake)
            page.remember(session, intake.site, article_id)
    except Duplicate:
        raise duplicate from None  # a concurrent review by the same reader or address won the race
    return accepted


def report(
    entry_id: int,
    reason: str | None,
    client: str | None,
    threshold: int,
    webhooks: outbox.Subscriptions = outbox.NONE,
    site: str = DEFAULT_SITE,
) -> None:
    """A reader flags a published entry of ``site``; one report per client and entry
    counts. At ``threshold`` open reports the entry goes back to the queue until a
    moderator decides."""
    with write_transaction() as session:
        entry = queries.lock_entry(session, entry_id)
        if entry is None or entry.site_id != site or entry.status != Status.APPROVED:
            raise NotFound("No published entry has this id.")
        if client is not None and entries.has_report(session, entry_id, client):
            return  # already counted: reporting twice changes nothing
        session.add(Report(entry_id=entry_id, client_hash=client, reason=sanitizing.plain_text(reason or "") or None))
        entry.report_count += 1
        entry.open_reports += 1
        if threshold and entry.open_reports >= threshold:
            hold = Change(Action.HOLD, READER_REPORTS, "reports", f"{entry.open_reports} reader reports.")
            change_status(session, entry, hold, webhooks, event="entry.reported")
        else:
            outbox.emit(session, entry, webhooks, events.snapshot, "entry.reported")
