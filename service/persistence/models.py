"""The tables. Entries of both kinds share one table and one moderation queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Enum
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import SmallInteger
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from ..domain import limits
from ..domain import sites
from ..domain import trust
from ..domain.accounts import TOKEN_LABEL
from ..domain.accounts import Role
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.outbox import Delivery
from .base import Base
from .base import utcnow


def _values(enum_cls: type[Kind] | type[Status] | type[Role]) -> list[str]:
    return [member.value for member in enum_cls]


StatusType = Enum(Status, native_enum=False, values_callable=_values, length=16, name="status")
KindType = Enum(Kind, native_enum=False, values_callable=_values, length=16, name="kind")


def site_column(**kwargs: Any) -> Mapped[str]:
    """The site a row belongs to (``domain/sites.py``): rows older than sites belong to
    the default one, which PostgreSQL adds as metadata only."""
    return mapped_column(
        String(sites.SLUG_MAX), default=sites.DEFAULT_SITE, server_default=sites.DEFAULT_SITE, **kwargs
    )


class Site(Base):
    """A site (a publication) the service holds comments for. The default site needs no
    row: without one, its settings are the deployment's (``COMMENTS_*``). ``settings``
    holds only what was set for the site (``domain.sites.SiteSettings`` field names)."""

    __tablename__ = "site"

    id: Mapped[str] = mapped_column(String(sites.SLUG_MAX), primary_key=True)
    name: Mapped[str] = mapped_column(String(sites.NAME_MAX))
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Entry(Base):
    """A comment or a review: what the reader sent, and its sanitized HTML for the public."""

    __tablename__ = "entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    kind: Mapped[Kind] = mapped_column(KindType)
    article_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[Status] = mapped_column(StatusType, default=Status.PENDING)
    # Replies: their parent, and the top-level comment of their thread (null for top level).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    root_id: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(limits.AUTHOR))
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    title: Mapped[str | None] = mapped_column(String(limits.TITLE))
    report_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Reports since a moderator last decided; at the threshold the entry is held again.
    open_reports: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Keyed hash of the client address (never the address) and hash of the author's edit token.
    client_hash: Mapped[str | None] = mapped_column(String(64))
    edit_token_hash: Mapped[str | None] = mapped_column(String(64))
    # What the duplicate check compares (``sanitizing.digest`` of ``body_source``); null in
    # rows older than migration 0006, which the check compares by text within its one day.
    body_digest: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Where an imported entry came from ("disqus:123"); null for entries sent to this service.
    origin: Mapped[str | None] = mapped_column(String(200))
    # How likely the text is abusive, 0 to 1, computed at submission (domain/toxicity.py);
    # null: unknown (not English, or sent before scoring existed). Never 0 for unknown.
    toxicity: Mapped[float | None] = mapped_column(Float)
    # Readers' reactions (rows of ``reaction``), changed in the transaction of each toggle.
    reactions: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Of a top-level comment: its visible replies, changed in the moderation transaction.
    reply_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # When a moderator made it an editors' pick; null when it is none.
    featured_at: Mapped[datetime | None] = mapped_column()
    # A signed-in author's user id on the site (never served to readers), the badge shown
    # next to the name, and when the author last edited the entry.
    author_id: Mapped[str | None] = mapped_column(String(trust.USER_ID))
    badge: Mapped[str | None] = mapped_column(String(trust.BADGE))
    edited_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        # Public reads: an article's approved top-level comments or reviews, in time order.
        # Partial, because neither database orders by the columns after an ``IS NULL``.
        # Every index an article's reads or a site's queue use leads with the site.
        Index(
            "ix_entry_public",
            "site_id",
            "article_id",
            "kind",
            "status",
            "created_at",
            "id",
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        # The public orders "most reactions" (comments; "most helpful" reviews), "most
        # replies" and "highest"/"lowest" rating: keyset ranges of one article's top-level
        # entries, read forwards or backwards.
        Index(
            "ix_entry_public_reactions",
            "site_id",
            "article_id",
            "kind",
            "status",
            "reactions",
            "id",
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        Index(
            "ix_entry_public_replies",
            "site_id",
            "article_id",
            "kind",
            "status",
            "reply_count",
            "id",
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        Index(
            "ix_entry_public_rating",
            "site_id",
            "article_id",
            "kind",
            "status",
            "rating",
            "id",
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        # A site's article's editors' picks: a few rows, so the index holds only them.
        Index(
            "ix_entry_featured",
            "site_id",
            "article_id",
            "featured_at",
            sqlite_where=text("featured_at IS NOT NULL"),
            postgresql_where=text("featured_at IS NOT NULL"),
        ),
        # The replies of one comment (reply trees, visibility of a subtree).
        Index("ix_entry_children", "parent_id", "status"),
        # Replies of the top-level comments on a page.
        Index("ix_entry_thread", "root_id", "status", "created_at", "id"),
        # The moderation queue and its filters, oldest first.
        Index("ix_entry_queue", "status", "created_at", "id"),
        Index("ix_entry_queue_kind", "status", "kind", "created_at", "id"),
        Index("ix_entry_queue_article", "site_id", "article_id", "status", "created_at", "id"),
        # One site's queue (a moderator of some sites), oldest first or most toxic first.
        Index("ix_entry_queue_site", "site_id", "status", "created_at", "id"),
        Index("ix_entry_queue_site_toxicity", "site_id", "status", "toxicity", "id"),
        # The queue "most likely toxic first": scanned backwards (score, then id, descending),
        # the unknown scores (null) read apart; and the filter by score.
        Index("ix_entry_queue_toxicity", "status", "toxicity", "id"),
        # Repeated submissions of one client on one article; an author's record and erasure.
        Index("ix_entry_client", "site_id", "client_hash", "article_id", "created_at"),
        # The duplicate check: one probe for the same text, at any number of earlier entries.
        Index("ix_entry_repeat", "site_id", "client_hash", "article_id", "body_digest", "created_at"),
        Index("ix_entry_email", "email"),
        # A signed-in author's entries (their edits, a ban's pending entries).
        Index("ix_entry_author", "site_id", "author_id"),
        # One review per email address per article.
        Index(
            "uq_entry_review_email",
            "site_id",
            "article_id",
            "email",
            unique=True,
            sqlite_where=text("kind = 'review'"),
            postgresql_where=text("kind = 'review'"),
        ),
        # One review per signed-in reader per article (their token may carry no email).
        Index(
            "uq_entry_review_author",
            "site_id",
            "article_id",
            "author_id",
            unique=True,
            sqlite_where=text("kind = 'review' AND author_id IS NOT NULL"),
            postgresql_where=text("kind = 'review' AND author_id IS NOT NULL"),
        ),
        Index("uq_entry_origin", "origin", unique=True),
    )


class ModerationEvent(Base):
    """The audit log. ``entry_id`` is no foreign key: events outlive an erased entry."""

    __tablename__ = "moderation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[Status | None] = mapped_column(StatusType)
    to_status: Mapped[Status | None] = mapped_column(StatusType)
    moderator: Mapped[str] = mapped_column(String(limits.MODERATOR))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """A reader's flag on an approved entry."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    client_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # One report per client and entry.
    __table_args__ = (Index("uq_report_client", "entry_id", "client_hash", unique=True),)


class Reaction(Base):
    """One reader's reaction to one entry. ``reader`` is a keyed hash of the signed-in
    reader's site user id, else of the client (never its address)."""

    __tablename__ = "reaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()  # the site of its entry
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"))
    reader: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # One reaction per reader and entry.
    __table_args__ = (Index("uq_reaction_reader", "entry_id", "reader", unique=True),)


class ArticleStats(Base):
    """Counters of one article's approved entries, changed in the transaction of every
    moderation change, so counts never scan entries. ``version`` changes with any public
    change of the article and keys its ETags."""

    __tablename__ = "article_stats"

    site_id: Mapped[str] = site_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    comments: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    reviews: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_1: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_2: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_3: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_4: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_5: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    @property
    def histogram(self) -> tuple[int, int, int, int, int]:
        return (self.rating_1, self.rating_2, self.rating_3, self.rating_4, self.rating_5)


class ArticlePage(Base):
    """Where an article is read: the canonical URL and title the widget last sent with a
    submission (plain text, validated on write), so moderators see each entry in context."""

    __tablename__ = "article_page"

    site_id: Mapped[str] = site_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(limits.PAGE_URL))
    title: Mapped[str | None] = mapped_column(String(limits.PAGE_TITLE))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportedOrigin(Base):
    """Every origin ever imported, so that running an import again imports nothing twice.
    Unlike ``Entry.origin`` it outlives an erased entry: a later import does not bring an
    erased entry back."""

    __tablename__ = "imported_origin"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


DeliveryType = Enum(
    Delivery, native_enum=False, values_callable=lambda e: [m.value for m in e], length=16, name="delivery"
)


class WebhookEvent(Base):
    """The outbox: an event about an entry, written in the transaction of the change and
    POSTed afterwards by ``flask webhooks deliver``. ``payload`` (the entry as the receiver
    sees it) is dropped once delivered; what stays is the delivery record moderators see."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()  # whose webhook receives it
    event: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[Delivery] = mapped_column(DeliveryType, default=Delivery.PENDING)
    payload: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()
    last_status: Mapped[int | None] = mapped_column(SmallInteger)  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(String(300))

    # Due events, oldest first (the worker's claim).
    __table_args__ = (Index("ix_webhook_event_due", "state", "next_attempt_at", "id"),)


RoleType = Enum(Role, native_enum=False, values_callable=_values, length=16, name="role")


class ModeratorAccount(Base):
    """A named moderator: ``admin`` (every site) or ``moderator`` (the sites in
    ``ModeratorSite``). The audit log's ``moderator`` column holds its name."""

    __tablename__ = "moderator_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.MODERATOR), unique=True)
    role: Mapped[Role] = mapped_column(RoleType)
    # A disabled account's tokens are refused; it is kept so its name stays taken.
    disabled: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ModeratorSite(Base):
    """A site a moderator account may see and decide."""

    __tablename__ = "moderator_site"

    account_id: Mapped[int] = mapped_column(ForeignKey("moderator_account.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class ModeratorToken(Base):
    """An API token of an account, kept as its SHA-256 digest only (the token itself is
    shown once, when it is made). Revoked tokens stay, so the list shows when."""

    __tablename__ = "moderator_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("moderator_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(TOKEN_LABEL))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


# -- mail --------------------------------------------------------------------------------

DEFAULT_SITE = sites.DEFAULT_SITE


class ModeratorMail(Base):
    """A moderator's mail preference, beside the account: keyed by the name of the audit
    log (an account's, or a COMMENTS_ADMIN_TOKENS name): the address, and each / digest /
    off. It covers the sites the moderator may see (``ModeratorSite``; every site for an
    admin)."""

    __tablename__ = "moderator_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator: Mapped[str] = mapped_column(String(limits.MODERATOR))
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    mode: Mapped[str] = mapped_column(String(16), default="off")
    digest_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default=text("60"))
    # The last digest covered what changed up to this moment.
    digest_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("uq_moderator_mail_name", "moderator", unique=True),)


class MailAddress(Base):
    """A reader's address that asked for reply notifications: confirmed by its owner (double
    opt-in) or not yet, and how many reply mails it got today."""

    __tablename__ = "mail_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    email: Mapped[str] = mapped_column(String(limits.EMAIL))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    confirm_sent_at: Mapped[datetime | None] = mapped_column()
    sent_on: Mapped[str | None] = mapped_column(String(10))  # the UTC day of sent_today
    sent_today: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("uq_mail_address_email", "site_id", "email", unique=True),)


class ReplySubscription(Base):
    """ "Email me when someone replies" on one comment: goes with the comment."""

    __tablename__ = "reply_subscription"

    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[str] = site_column()
    email: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailMessage(Base):
    """The mail outbox: written in the transaction of the change it tells about, rendered
    and sent by the worker (``flask webhooks deliver``). The recipient and payload are
    dropped once sent."""

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    moderator: Mapped[str | None] = mapped_column(String(limits.MODERATOR))
    entry_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[str | None] = mapped_column(Text)
    state: Mapped[Delivery] = mapped_column(DeliveryType, default=Delivery.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_mail_message_due", "state", "next_attempt_at", "id"),
        Index("ix_mail_message_recipient", "recipient"),
        Index("ix_mail_message_site", "site_id", "id"),
    )


class MailNonce(Base):
    """A moderator's mail link that was used: each works once."""

    __tablename__ = "mail_nonce"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ThreadState(Base):
    """Whether an article's thread takes submissions: closed or reopened by a moderator,
    and what its automatic closing counts from (its first entry, or the article's date)."""

    __tablename__ = "thread_state"

    site_id: Mapped[str] = site_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), default=trust.ThreadMode.AUTO, server_default=trust.ThreadMode.AUTO)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(limits.MODERATOR))
    first_entry_at: Mapped[datetime | None] = mapped_column()
    article_date: Mapped[datetime | None] = mapped_column()


class EntryRevision(Base):
    """The text of an entry before an author's edit, for moderators."""

    __tablename__ = "entry_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(limits.TITLE))
    toxicity: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when it was replaced


class Ban(Base):
    """A reader a moderator banned: by the site's user id, an email address or the client
    hash behind an anonymous entry; until ``expires_at`` (null: for good) or lifted. A ban
    taken from an anonymous entry with an email also holds the entry's client hash, so
    the same reader posting without the address is banned too."""

    __tablename__ = "ban"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(trust.BAN_VALUE))
    entry_id: Mapped[int | None] = mapped_column(Integer)  # the entry it was made from
    author: Mapped[str | None] = mapped_column(String(limits.AUTHOR))  # that entry's name
    reason: Mapped[str] = mapped_column(String(1000))
    moderator: Mapped[str] = mapped_column(String(limits.MODERATOR))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    lifted_at: Mapped[datetime | None] = mapped_column()
    lifted_by: Mapped[str | None] = mapped_column(String(limits.MODERATOR))
    client_hash: Mapped[str | None] = mapped_column(String(64))  # also banned; never served

    __table_args__ = (
        Index("ix_ban_identity", "site_id", "kind", "value"),
        Index("ix_ban_client", "site_id", "client_hash"),
    )


class AuthorRecord(Base):
    """An author's moderation record on a site, moved in the transaction of every status
    change (``usecases/lifecycle.py``), so the queue never counts entries."""

    __tablename__ = "author_record"

    site_id: Mapped[str] = site_column(primary_key=True)
    author_key: Mapped[str] = mapped_column(String(trust.AUTHOR_KEY), primary_key=True)
    approved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rejected: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    spam: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    always_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class AuditEvent(Base):
    """What moderators did beyond entries: closing and reopening threads, bans, holds."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = site_column()
    subject: Mapped[str] = mapped_column(String(trust.AUTHOR_KEY + 16))  # "article:x", "ban:3"
    action: Mapped[str] = mapped_column(String(32))
    moderator: Mapped[str] = mapped_column(String(limits.MODERATOR))
    reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_audit_event_subject", "site_id", "subject"),)
