"""What moderators send and see."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import post_dump
from marshmallow import validate
from marshmallow import validates_schema

from ..domain.moderation import Kind
from ..domain.moderation import QueueOrder
from ..domain.moderation import ReasonCode
from ..domain.moderation import Status
from ..domain.outbox import Delivery
from .fields import MAX_ID
from .fields import PageArgs
from .fields import Text
from .fields import article_id
from .fields import email
from .fields import entry_id
from .fields import site_id
from .fields import utc_datetime

Reason = validate.Length(max=1000)


class QueueArgs(PageArgs):
    site = site_id(
        load_default=None,
        metadata={"description": "Only this site's entries (default: every site the moderator may see)."},
    )
    status = fields.Enum(Status, by_value=True, load_default=Status.PENDING)
    kind = fields.Enum(Kind, by_value=True, load_default=None)
    article_id = article_id(
        load_default=None,
        metadata={"description": "Only this article's entries (of `site`; default: the default site)."},
    )
    reported = fields.Boolean(
        load_default=False, metadata={"description": "Only entries with reports no moderator has seen yet."}
    )
    min_toxicity = fields.Float(
        load_default=None,
        validate=validate.Range(min=0, max=1),
        metadata={"description": "Only entries with a toxicity score at least this (unknown scores never pass)."},
    )
    order = fields.Enum(
        QueueOrder,
        by_value=True,
        load_default=QueueOrder.OLDEST,
        metadata={
            "description": "`oldest` first, or `toxicity`: most likely toxic first (score descending, "
            "ties newest first, unknown scores last)."
        },
    )


class ReportOut(Schema):
    reason = fields.String(allow_none=True)
    created_at = utc_datetime()


class ParentOut(Schema):
    author = fields.String(required=True)
    body_html = fields.String(required=True, metadata={"description": "Sanitized HTML."})


class BanSummaryOut(Schema):
    id = fields.Integer(required=True)
    reason = fields.String(required=True)
    expires_at = utc_datetime(allow_none=True, metadata={"description": "Null: for good."})


class AuthorHistoryOut(Schema):
    approved = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    spam = fields.Integer(required=True)
    first_seen_at = utc_datetime(allow_none=True, metadata={"description": "The author's first entry on this site."})
    always_hold = fields.Boolean(required=True, metadata={"description": "Every entry of the author is held."})
    bans = fields.List(fields.Nested(BanSummaryOut), required=True, metadata={"description": "Bans in force."})


class RevisionOut(Schema):
    body_source = fields.String(required=True, metadata={"description": "What the author had sent, as text."})
    body_html = fields.String(required=True)
    title = fields.String(allow_none=True)
    toxicity = fields.Float(allow_none=True)
    created_at = utc_datetime(required=True, metadata={"description": "When the author replaced it."})


class QueueItemOut(Schema):
    id = fields.Integer(required=True)
    site = fields.String(required=True, attribute="site_id", metadata={"description": "The site it belongs to."})
    kind = fields.String(required=True)
    article_id = fields.String(required=True)
    status = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)
    author = fields.String(required=True)
    email = fields.String(allow_none=True)
    body = fields.String(required=True, metadata={"description": "What the reader sent, as text."})
    body_html = fields.String(required=True, metadata={"description": "The sanitized HTML the public would see."})
    rating = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    created_at = utc_datetime(required=True)
    updated_at = utc_datetime(required=True)
    report_count = fields.Integer(required=True)
    open_reports = fields.Integer(required=True, metadata={"description": "Reports since a moderator last decided."})
    reports = fields.List(fields.Nested(ReportOut), required=True)
    history_length = fields.Integer(required=True)
    reactions = fields.Integer(required=True, metadata={"description": "Readers' reactions."})
    featured_at = utc_datetime(allow_none=True, required=True)  # when it became an editors' pick; null: none
    toxicity = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "How likely the text is abusive, 0 to 1, computed here; null: unknown (not English)."},
    )
    article_url = fields.String(
        allow_none=True, required=True, metadata={"description": "The article's page, as the widget last sent it."}
    )
    article_title = fields.String(
        allow_none=True, required=True, metadata={"description": "The article's title (plain text), likewise."}
    )
    parent = fields.Nested(
        ParentOut, allow_none=True, required=True, metadata={"description": "The comment a reply answers."}
    )
    author_id = fields.String(allow_none=True, metadata={"description": "The signed-in author's user id on the site."})
    badge = fields.String(allow_none=True)
    edited_at = utc_datetime(allow_none=True)
    author_history = fields.Nested(
        AuthorHistoryOut,
        allow_none=True,
        metadata={"description": "The author's record on this site (null: nothing identifies the author)."},
    )


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueueItemOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EventOut(Schema):
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    moderator = fields.String(required=True)
    code = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    created_at = utc_datetime(required=True)


class EntryDetailOut(QueueItemOut):
    history = fields.List(fields.Nested(EventOut), required=True)
    revisions = fields.List(
        fields.Nested(RevisionOut), metadata={"description": "Texts the author's edits replaced, oldest first."}
    )


class AuditOut(Schema):
    action = fields.String(required=True)
    moderator = fields.String(required=True)
    reason = fields.String(allow_none=True)
    created_at = utc_datetime(required=True)


class ThreadStateOut(Schema):
    site = fields.String(required=True)
    article_id = fields.String(required=True)
    closed = fields.Boolean(required=True)
    mode = fields.String(
        required=True,
        metadata={"description": "`auto` (closes by itself if the site says so), `closed` or `open` (reopened)."},
    )
    closes_at = utc_datetime(allow_none=True, metadata={"description": "When it closes by itself; null: never."})
    history = fields.List(fields.Nested(AuditOut), required=True)


class SiteArgs(Schema):
    site = site_id(
        load_default=None,
        metadata={
            "description": "The site (default: the moderator's only site, else the default site); "
            "another site than the moderator's is a 404."
        },
    )


class ThreadModeIn(Schema):
    reason = Text(load_default=None, allow_none=True, validate=Reason)


class BanIn(Schema):
    site = site_id(
        load_default=None,
        metadata={"description": "The site to ban from (default: the entry's site, else as `SiteArgs`)."},
    )
    entry_id = entry_id(
        load_default=None,
        allow_none=True,
        metadata={"description": "Ban the author of this entry (its user id, else its email, else its client)."},
    )
    user_id = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=128))
    email = email(load_default=None, allow_none=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))
    days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=36600),
        metadata={"description": "How long; null or absent: for good."},
    )
    reject_pending = fields.Boolean(
        load_default=False, metadata={"description": "Reject every entry of theirs awaiting moderation."}
    )

    @validates_schema
    def one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [k for k in ("entry_id", "user_id", "email") if data.get(k) is not None]
        if len(given) != 1:
            raise ValidationError("Give exactly one of entry_id, user_id or email.", "entry_id")


class BanOut(Schema):
    id = fields.Integer(required=True)
    site = fields.String(required=True, attribute="site_id", metadata={"description": "The site it bans from."})
    kind = fields.String(required=True, metadata={"description": "`user`, `email` or `client` (an anonymous author)."})
    identity = fields.String(
        allow_none=True, required=True, metadata={"description": "The user id or email; null for a client."}
    )
    entry_id = fields.Integer(allow_none=True, metadata={"description": "The entry the ban was made from."})
    covers_client = fields.Boolean(
        metadata={
            "description": "An email ban from an anonymous entry also bans the client behind it (never shown), "
            "so leaving the address out does not get round it."
        }
    )
    author = fields.String(allow_none=True, metadata={"description": "That entry's author name."})
    reason = fields.String(required=True)
    moderator = fields.String(required=True)
    created_at = utc_datetime(required=True)
    expires_at = utc_datetime(allow_none=True)
    lifted_at = utc_datetime(allow_none=True)
    lifted_by = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    rejected = fields.List(fields.Integer(), metadata={"description": "Pending entries this ban rejected."})
    history = fields.List(fields.Nested(AuditOut), required=True)


class BansArgs(SiteArgs):
    all = fields.Boolean(load_default=False, metadata={"description": "Lifted and expired bans too."})
    limit = fields.Integer(validate=validate.Range(min=1), load_default=None)
    before = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), load_default=None, metadata={"description": "Bans with lower ids."}
    )


class BansOut(Schema):
    items = fields.List(fields.Nested(BanOut), required=True)


class AlwaysHoldIn(Schema):
    hold = fields.Boolean(load_default=True, metadata={"description": "false: stop holding the author."})
    reason = Text(load_default=None, allow_none=True, validate=Reason)


class ReplyIn(Schema):
    body = Text(required=True, validate=validate.Length(min=1, max=10_000))


class ToxicityStatsArgs(Schema):
    site = site_id(load_default=None, metadata={"description": "Only this site's entries (default: every site)."})
    days = fields.Integer(
        load_default=30, validate=validate.Range(min=1, max=3660), metadata={"description": "The last N days."}
    )
    threshold = fields.Float(
        load_default=None,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"description": "The score to judge; default: the hold rule's (COMMENTS_TOXICITY_HOLD)."},
    )


class ToxicityStatsOut(Schema):
    days = fields.Integer(required=True)
    threshold = fields.Float(
        required=True, allow_none=True, metadata={"description": "Null when the hold rule is off and none was given."}
    )
    precision = fields.Float(
        required=True, allow_none=True, metadata={"description": "Of the entries held, the share moderators refused."}
    )
    recall = fields.Float(
        required=True, allow_none=True, metadata={"description": "Of the entries moderators refused, the share held."}
    )
    decided = fields.Integer(
        required=True, metadata={"description": "Entries a moderator decided in these days (their last decision)."}
    )
    unscored = fields.Integer(required=True, metadata={"description": "Of those, entries with no score (unknown)."})
    tp = fields.Integer(required=True, metadata={"description": "Score at or over the threshold, refused."})
    fp = fields.Integer(required=True, metadata={"description": "Score at or over the threshold, approved."})
    fn = fields.Integer(required=True, metadata={"description": "Score under the threshold, refused."})
    tn = fields.Integer(required=True, metadata={"description": "Score under the threshold, approved."})


class MeOut(Schema):
    moderator = fields.String(required=True, metadata={"description": "The name the bearer token belongs to."})
    role = fields.String(
        required=True, metadata={"description": "`admin` (every site, sites and accounts) or `moderator`."}
    )
    sites = fields.List(
        fields.String(),
        allow_none=True,
        required=True,
        metadata={"description": "The sites a moderator may see; null for an admin (every site)."},
    )


class DecisionIn(Schema):
    reason = Text(load_default=None, allow_none=True, validate=Reason)


class RejectIn(DecisionIn):
    code = fields.Enum(ReasonCode, by_value=True, load_default=None, allow_none=True)


class BulkIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["approve", "reject", "spam"]))
    ids = fields.List(entry_id(), required=True, validate=validate.Length(min=1, max=500))
    code = fields.Enum(ReasonCode, by_value=True, load_default=None, allow_none=True)
    reason = Text(load_default=None, allow_none=True, validate=Reason)


class BulkError(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class BulkResult(Schema):
    """One id's outcome: its new ``status``, or the ``error`` that left it unchanged."""

    id = fields.Integer(required=True)
    status = fields.String()
    error = fields.Nested(BulkError)

    @post_dump
    def either(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class BulkOut(Schema):
    results = fields.List(fields.Nested(BulkResult), required=True)


class ErasureIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ErasureOut(Schema):
    erased = fields.List(fields.Integer(), required=True, metadata={"description": "Ids of the erased entries."})


class ExportArgs(Schema):
    email = email(load_default=None, metadata={"description": "Every entry of this address."})
    article_id = article_id(load_default=None, metadata={"description": "Every entry of this article (of `site`)."})
    site = site_id(
        load_default=None,
        metadata={"description": "Every entry of this site, or with `article_id` or `email`, of those its own."},
    )

    @validates_schema
    def one_scope(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("site") is not None and (data.get("email") is None or data.get("article_id") is None):
            return
        if (data.get("email") is None) == (data.get("article_id") is None):
            raise ValidationError("Give either email or article_id.", "email")


class WebhookArgs(Schema):
    state = fields.Enum(Delivery, by_value=True, load_default=None)
    limit = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Default 50, at most 200."})
    before = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "`next_before` of the previous page."}
    )


class WebhookEventOut(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True, metadata={"example": "entry.pending"})
    entry_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "pending, delivered, failed or dropped."})
    attempts = fields.Integer(required=True)
    created_at = utc_datetime(required=True)
    next_attempt_at = utc_datetime(allow_none=True, required=True)
    delivered_at = utc_datetime(allow_none=True, required=True)
    last_status = fields.Integer(
        allow_none=True, required=True, metadata={"description": "The receiver's HTTP status."}
    )
    last_error = fields.String(allow_none=True, required=True)

    @post_dump(pass_original=True)
    def due_only_while_pending(self, data: dict[str, Any], event: Any, **kwargs: Any) -> dict[str, Any]:
        """A next attempt is shown only for an event that will have one."""
        if event.state != Delivery.PENDING:
            data["next_attempt_at"] = None
        return data


class WebhooksOut(Schema):
    configured = fields.Boolean(required=True)
    endpoint = fields.String(
        allow_none=True, required=True, metadata={"description": "Scheme and host of COMMENTS_WEBHOOK_URL."}
    )
    events = fields.List(fields.String(), required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    items = fields.List(fields.Nested(WebhookEventOut), required=True)
    next_before = fields.Integer(allow_none=True, required=True)


class MailPreferenceIn(Schema):
    email = email(load_default=None, allow_none=True, metadata={"description": "Where the moderator's mail goes."})
    mode = fields.String(
        required=True,
        validate=validate.OneOf(["each", "digest", "off"]),
        metadata={
            "description": "`each`: a mail per entry that needs a moderator; `digest`: one every "
            "`digest_minutes`; `off`: none."
        },
    )
    digest_minutes = fields.Integer(
        load_default=60,
        validate=validate.OneOf([5, 15, 30, 60, 180, 720, 1440]),
        metadata={"description": "5, 15, 30, 60, 180, 720 or 1440."},
    )


class MailPreferenceOut(Schema):
    moderator = fields.String(required=True)
    email = fields.String(allow_none=True, required=True)
    mode = fields.String(required=True, metadata={"example": "each"})
    digest_minutes = fields.Integer(required=True)
    mail_configured = fields.Boolean(
        required=True, metadata={"description": "Whether this service sends mail (COMMENTS_SMTP_URL)."}
    )


class MailArgs(Schema):
    state = fields.Enum(Delivery, by_value=True, load_default=None)
    limit = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Default 50, at most 200."})
    before = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "`next_before` of the previous page."}
    )


class MailMessageOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "moderation, digest, confirm or reply."})
    moderator = fields.String(
        allow_none=True, required=True, metadata={"description": "The moderator a moderation mail or digest is for."}
    )
    entry_id = fields.Integer(allow_none=True, required=True)
    state = fields.String(required=True, metadata={"description": "pending, delivered, failed or dropped."})
    attempts = fields.Integer(required=True)
    created_at = utc_datetime(required=True)
    next_attempt_at = utc_datetime(allow_none=True, required=True)
    sent_at = utc_datetime(allow_none=True, required=True)
    last_error = fields.String(allow_none=True, required=True, metadata={"description": "No addresses in it."})

    @post_dump(pass_original=True)
    def due_only_while_pending(self, data: dict[str, Any], message: Any, **kwargs: Any) -> dict[str, Any]:
        if message.state != Delivery.PENDING:
            data["next_attempt_at"] = None
        return data


class MailOut(Schema):
    configured = fields.Boolean(required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    items = fields.List(fields.Nested(MailMessageOut), required=True)
    next_before = fields.Integer(allow_none=True, required=True)
