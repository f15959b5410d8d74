"""Authors' edits, closed threads, bans and author records: one function per intent, each
owning its transaction. Every status change still goes through ``lifecycle.change_status``."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any

from ..domain import automod
from ..domain import emails
from ..domain import trust
from ..domain.errors import Closed
from ..domain.errors import EditWindowClosed
from ..domain.errors import Invalid
from ..domain.errors import NotFound
from ..domain.errors import SiteNotFound
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import outbox
from ..persistence import queries
from ..persistence import trust as store
from ..persistence.base import utcnow
from ..persistence.database import Session
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import Ban
from ..persistence.models import Entry
from ..persistence.models import ModerationEvent
from . import read
from .lifecycle import Change
from .lifecycle import change_status
from .moderate import AUTHOR
from .moderate import _erase_locked
from .moderate import token_hash
from .submit import AUTO_MODERATION
from .submit import Intake
from .submit import _clean
from .submit import _score

EDIT = "edit"
NO_ENTRY = "No entry has this id and edit token."


# -- threads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadState:
    """Whether an article's thread takes submissions (``schemas.admin.ThreadStateOut``)."""

    site: str
    article_id: str
    closed: bool
    mode: str
    closes_at: datetime | None
    history: list[Any] = field(default_factory=list)


def thread_version(site_id: str, article_id: str, close_after_days: int | None) -> tuple[int, bool]:
    """The article's moderation version and whether its thread is closed now: one statement."""
    version, mode, first, date = store.version_and_state(site_id, article_id, dates=bool(close_after_days))
    return version, trust.is_closed(mode, first, date, close_after_days, utcnow())


def thread_state(site_id: str, article_id: str, close_after_days: int | None) -> ThreadState:
    with read_transaction() as session:
        state = store.thread_row(session, site_id, article_id)
        mode = state.mode if state else trust.ThreadMode.AUTO.value
        first = state.first_entry_at if state else None
        date = state.article_date if state else None
        history = store.audit_of(session, site_id, [f"article:{article_id}"])
        return ThreadState(
            site_id,
            article_id,
            trust.is_closed(mode, first, date, close_after_days, utcnow()),
            mode,
            trust.closes_at(mode, first, date, close_after_days),
            history,
        )


def set_thread_mode(
    site_id: str,
    article_id: str,
    mode: trust.ThreadMode,
    moderator: str,
    reason: str | None,
    close_after_days: int | None,
) -> ThreadState:
    """A moderator closes a thread, or reopens it (for good: it no longer closes by itself)."""
    with write_transaction() as session:
        store.set_mode(session, site_id, article_id, mode.value, moderator)
        action = "close" if mode == trust.ThreadMode.CLOSED else "reopen"
        store.audit(session, site_id, f"article:{article_id}", action, moderator, reason)
    return thread_state(site_id, article_id, close_after_days)


# -- edits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Editor:
    """Who edits: the holder of the entry's edit token, or the signed-in author."""

    edit_token: str | None = None
    user_id: str | None = None

    def owns(self, entry: Entry) -> bool:
        if self.edit_token is not None:
            return hmac.compare_digest(entry.edit_token_hash or "", token_hash(self.edit_token))
        return self.user_id is not None and entry.author_id is not None and self.user_id == entry.author_id


def _owned(session: Session, entry_id: int, editor: Editor, site: str) -> Entry:
    """The entry of ``site`` the editor owns; another site's entry is the same 404."""
    entry = queries.lock_entry(session, entry_id)
    if entry is None or entry.site_id != site or not editor.owns(entry):
        raise NotFound(NO_ENTRY)
    return entry


def edit(entry_id: int, editor: Editor, body: str, title: str | None, intake: Intake, window: timedelta) -> Entry:
    """The author replaces the text of an entry within ``window`` of sending it. The new text
    is sanitized and scored like a submission and meets the rules again: a published entry
    that now hits one goes back to the queue. The old text stays for moderators."""
    text = _score(_clean("-", body, title), intake)
    with write_transaction(autoflush=False) as session:
        entry = _owned(session, entry_id, editor, intake.site)
        if not trust.may_edit(entry.created_at, window, utcnow()):
            minutes = int(window.total_seconds() // 60)
            raise EditWindowClosed(f"Entries can be edited for {minutes} minutes after they are sent.")
        # A closed thread takes no new text, from anyone: what it says when it closed stays.
        state = store.lock_thread(session, intake.site, entry.article_id)
        if state is not None and trust.is_closed(
            state.mode, state.first_entry_at, state.article_date, intake.close_after_days, utcnow()
        ):
            raise Closed("Comments on this article are closed: entries can no longer be edited.")
        # A review keeps its title unless the edit sends one ("" removes it).
        new_title = (entry.title if title is None else text.title) if entry.kind == Kind.REVIEW else None
        if entry.body_source == text.body_source and entry.title == new_title:
            return entry
        site_id = store.site_of(entry)
        store.add_revision(session, entry)
        entry.body_source, entry.body_html, entry.title = text.body_source, text.body_html, new_title
        entry.body_digest, entry.toxicity, entry.edited_at = text.body_digest, text.toxicity, utcnow()
        bans = store.open_bans(
            session, site_id, trust.identities(entry.author_id, entry.email, entry.client_hash), utcnow()
        )
        key = store.key_of(entry)
        verdict = automod.decide(
            automod.Submission(
                entry.author,
                text.body_source,
                text.body_html,
                new_title,
                toxicity=text.toxicity,
                banned=bool(bans),
                always_hold=key is not None and store.always_hold(session, site_id, key),
            ),
            intake.policy,
        )
        session.add(
            ModerationEvent(
                entry_id=entry.id,
                action=EDIT,
                from_status=entry.status,
                to_status=entry.status,
                moderator=AUTHOR,
                reason_code=verdict.rule,
                reason=verdict.detail,
            )
        )
        if entry.status == Status.APPROVED:
            if automod.hits_a_rule(verdict):
                change_status(
                    session, entry, Change(Action.HOLD, AUTO_MODERATION, verdict.rule, verdict.detail), intake.webhooks
                )
            else:
                queries.lock_article(session, site_id, entry.article_id)  # the public text changed: a new version
        session.flush()
        return entry


@dataclass(frozen=True)
class Editable:
    """An entry its signed-in author may still edit (``schemas.public.EditableOut``)."""

    id: int
    editable_until: datetime
    body: str


def editable_by(
    user_id: str, site: str, article_id: str, window: timedelta, close_after_days: int | None
) -> list[Editable]:
    """The entries of one article of ``site`` that its signed-in author ``user_id`` may
    still edit, whatever device sent them: sent within ``window``, in a thread that is not
    closed (a closed one: none). Nobody else's entries are ever named."""
    now = utcnow()
    with read_transaction() as session:
        state = store.thread_row(session, site, article_id)
        if state is not None and trust.is_closed(
            state.mode, state.first_entry_at, state.article_date, close_after_days, now
        ):
            return []
        rows = store.own_entries_since(session, site, user_id, article_id, now - window)
    return [Editable(i, sent + window, body) for i, sent, body in rows if trust.may_edit(sent, window, now)]


def withdraw_as(entry_id: int, user_id: str, site: str) -> None:
    """The signed-in author withdraws an entry of ``site`` (as with the edit token)."""
    with write_transaction() as session:
        entry = _owned(session, entry_id, Editor(user_id=user_id), site)
        _erase_locked(session, entry, AUTHOR)


# -- moderators' replies ----------------------------------------------------------------


def moderator_reply(
    parent_id: int,
    moderator: str,
    body: str,
    webhooks: Callable[[str], outbox.Subscriptions],
    sites: read.Visibility = None,
) -> read.Moderated:
    """A moderator answers a published comment of a site they may see; the reply is
    published at once, on the comment's site, and marked as a moderator's."""
    text = _clean(moderator, body)
    with write_transaction(autoflush=False) as session:
        parent = queries.lock_entry(session, parent_id)
        if (
            parent is None
            or not read.visible(sites, parent.site_id)
            or parent.kind != Kind.COMMENT
            or parent.status != Status.APPROVED
        ):
            raise NotFound("No published comment has this id.")
        entry = Entry(
            site_id=parent.site_id,
            kind=Kind.COMMENT,
            article_id=parent.article_id,
            parent_id=parent.id,
            root_id=parent.root_id or parent.id,
            author=text.author,
            body_source=text.body_source,
            body_html=text.body_html,
            body_digest=text.body_digest,
            badge=trust.MODERATOR_BADGE,
        )
        change_status(
            session,
            entry,
            Change(Action.SUBMIT, moderator, "moderator-reply", verdict=Status.APPROVED),
            webhooks(parent.site_id),
            new=True,
        )
        session.flush()
        return read.detail_of(entry)


# -- bans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BanRequest:
    """Who to ban: the author of an entry, a site's user id, or an email address."""

    reason: str
    entry_id: int | None = None
    user_id: str | None = None
    email: str | None = None
    days: int | None = None  # None: for good
    reject_pending: bool = False


@dataclass(frozen=True)
class BanView:
    """A ban as moderators see it (``schemas.admin.BanOut``); the client hash behind an
    anonymous author is never shown, only the entry it was taken from."""

    ban: Ban
    history: list[Any] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)

    @property
    def identity(self) -> str | None:
        return None if self.ban.kind == trust.BanKind.CLIENT else self.ban.value

    @property
    def covers_client(self) -> bool:
        return self.ban.client_hash is not None

    @property
    def active(self) -> bool:
        b = self.ban
        return b.lifted_at is None and (b.expires_at is None or b.expires_at > utcnow())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ban, name)


def _target(
    session: Session, site_id: str | None, request: BanRequest, sites: read.Visibility
) -> tuple[str, trust.BanKind, str, Entry | None]:
    """(site, kind, value, entry) of a ban: an entry's ban is on the entry's site."""
    if request.entry_id is not None:
        entry = queries.lock_entry(session, request.entry_id)
        if entry is None or site_id not in (None, entry.site_id) or not read.visible(sites, entry.site_id):
            raise NotFound("No entry has this id.")
        found = trust.identities(entry.author_id, entry.email, entry.client_hash)
        if not found:
            raise Invalid("Nothing identifies this entry's author.", {"entry_id": "No user id, email or client."})
        kind, value = found[0]
        return entry.site_id, kind, value, entry
    site_id = site_id or DEFAULT_SITE
    if not read.visible(sites, site_id):
        raise SiteNotFound("No site has this id.")
    if request.user_id:
        return site_id, trust.BanKind.USER, request.user_id, None
    if request.email:
        return site_id, trust.BanKind.EMAIL, emails.canonical(request.email), None
    raise Invalid("Name whom to ban.", {"entry_id": "Give entry_id, user_id or email."})


def _also_client(kind: trust.BanKind, entry: Entry | None) -> str | None:
    """The client hash an entry's ban also holds: an anonymous author banned by the email
    they typed must not come back by leaving the address out."""
    if entry is None or kind != trust.BanKind.EMAIL or entry.author_id:
        return None
    return entry.client_hash


def ban(
    site_id: str | None,
    moderator: str,
    request: BanRequest,
    webhooks: Callable[[str], outbox.Subscriptions],
    sites: read.Visibility = None,
) -> BanView:
    """Ban a reader from a site the moderator may see: the named entry's site, else
    ``site_id`` (``None``: the default site). With ``reject_pending`` every entry of theirs
    waiting on that site is rejected in the same transaction; an audit event records it."""
    with write_transaction(autoflush=False) as session:
        site_id, kind, value, entry = _target(session, site_id, request, sites)
        client = _also_client(kind, entry)
        expires = utcnow() + timedelta(days=request.days) if request.days else None
        made = store.add_ban(
            session,
            Ban(
                site_id=site_id,
                kind=kind.value,
                value=value,
                entry_id=entry.id if entry else None,
                author=entry.author if entry else None,
                reason=request.reason,
                moderator=moderator,
                expires_at=expires,
                client_hash=client,
            ),
        )
        rejected: list[int] = []
        if request.reject_pending:
            pending_ids = set(store.pending_ids_of(session, site_id, kind, value))
            if client:
                pending_ids.update(store.pending_ids_of(session, site_id, trust.BanKind.CLIENT, client))
            for pending_id in sorted(pending_ids):
                pending = queries.lock_entry(session, pending_id)
                if pending is not None and pending.status == Status.PENDING:
                    change_status(
                        session, pending, Change(Action.REJECT, moderator, "banned", request.reason), webhooks(site_id)
                    )
                    rejected.append(pending_id)
        what = f"{len(rejected)} pending entries rejected. " if request.reject_pending else ""
        until = f"until {expires.isoformat()}" if expires else "for good"
        store.audit(session, site_id, f"ban:{made.id}", "ban", moderator, f"{until}. {what}{request.reason}")
        session.flush()
        history = store.audit_of(session, site_id, [f"ban:{made.id}"])
        return BanView(made, history, rejected)


def lift(ban_id: int, moderator: str, reason: str | None, sites: read.Visibility = None) -> BanView:
    """Lift a ban of a site the moderator may see (another site's is the same 404)."""
    with write_transaction() as session:
        found = store.lock_ban(session, ban_id)
        if found is None or not read.visible(sites, found.site_id):
            raise NotFound("No ban has this id.")
        site_id = found.site_id
        if found.lifted_at is None:
            found.lifted_at, found.lifted_by = utcnow(), moderator
            store.audit(session, site_id, f"ban:{ban_id}", "lift", moderator, reason)
        session.flush()
        return BanView(found, store.audit_of(session, site_id, [f"ban:{ban_id}"]))


def list_bans(
    site_id: str, only_open: bool, limit: int, before: int | None, sites: read.Visibility = None
) -> list[BanView]:
    if not read.visible(sites, site_id):
        raise SiteNotFound("No site has this id.")
    with read_transaction() as session:
        found = store.bans(session, site_id, only_open, utcnow(), limit, before)
        events = store.audit_of(session, site_id, [f"ban:{b.id}" for b in found]) if found else []
        by_ban: dict[str, list[Any]] = {}
        for event in events:
            by_ban.setdefault(event.subject, []).append(event)
        return [BanView(b, by_ban.get(f"ban:{b.id}", [])) for b in found]


# -- author records ---------------------------------------------------------------------


def set_always_hold(
    entry_id: int, hold: bool, moderator: str, reason: str | None, sites: read.Visibility = None
) -> read.Moderated:
    """Hold every future entry of this entry's author on the entry's site (a rule of the
    automatic moderation), or stop doing so. Another site's entry is a 404."""
    with write_transaction() as session:
        entry = queries.lock_entry(session, entry_id)
        if entry is None or not read.visible(sites, entry.site_id):
            raise NotFound("No entry has this id.")
        site_id = entry.site_id
        key = store.key_of(entry)
        if key is None:
            raise Invalid("Nothing identifies this entry's author.", {"entry_id": "No user id, email or client."})
        store.set_always_hold(session, site_id, key, hold)
        store.audit(session, site_id, f"author:{key}", "always-hold" if hold else "no-hold", moderator, reason)
        session.flush()
        return read.detail_of(entry)
