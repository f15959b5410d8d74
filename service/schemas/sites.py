"""Sites as admins send and see them (``/api/v1/admin/sites``)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from ..domain import sites
from ..domain import trust
from ..domain.engagement import CommentOrder
from ..domain.engagement import ReviewOrder
from .fields import Text
from .fields import email
from .fields import site_id
from .fields import utc_datetime

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
MAX_ORIGINS = 50
MAX_WORDS = 1000


def _pem(value: str) -> None:
    if "BEGIN PUBLIC KEY" not in value:
        raise ValidationError("A PEM public key (-----BEGIN PUBLIC KEY-----).")


def _origin(value: str) -> None:
    if not _ORIGIN.match(value.rstrip("/")):
        raise ValidationError("An origin is scheme and host, e.g. https://news.example (no path).")


class Origin(fields.String):
    """``https://host[:port]``, without a trailing slash."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        _origin(text)
        return text.rstrip("/").lower()


_ONE_LINE = validate.Regexp(r"^[^\x00-\x1f\x7f]*\Z", error="One line, with no control characters.")


def _words(**kwargs: Any) -> fields.List[Any]:
    return fields.List(
        Text(validate=validate.Length(min=1, max=100)),
        allow_none=True,
        validate=validate.Length(max=MAX_WORDS),
        **kwargs,
    )


def _poll_seconds(value: int) -> None:
    if value != 0 and not sites.POLL_SECONDS_MIN <= value <= 86400:
        raise ValidationError(f"0 (never) or {sites.POLL_SECONDS_MIN} to 86400 seconds.")


class SiteSettingsIn(Schema):
    """What a site may set; ``null`` goes back to the deployment's setting."""

    moderation_mode = fields.String(allow_none=True, validate=validate.OneOf(["pre", "post"]))
    banned_words = _words(
        metadata={"description": "Words and phrases that mark a submission as spam (`default`: the built-in list)."}
    )
    suspect_words = _words(metadata={"description": "Words and phrases that hold a submission for a moderator."})
    max_links = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=1000))
    report_threshold = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=1000))
    trusted_after = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=100000))
    cache_max_age = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=86400))
    webhook_url = fields.Url(
        allow_none=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500)
    )
    webhook_secret = fields.String(allow_none=True, load_only=True, validate=validate.Length(min=16, max=200))
    who_may_comment = fields.String(allow_none=True, validate=validate.OneOf(sites.WHO_MAY_COMMENT))
    close_after_days = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=36500))
    reaction_label = Text(
        allow_none=True,
        validate=validate.Length(min=1, max=sites.REACTION_LABEL_MAX),
        metadata={"description": "The name of the one positive reaction in the widget (e.g. Respect)."},
    )
    comment_order = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(CommentOrder)),
        metadata={"description": "The order of comments when a request names none."},
    )
    review_order = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(ReviewOrder)),
        metadata={"description": "The order of reviews when a request names none."},
    )
    poll_seconds = fields.Integer(
        allow_none=True,
        strict=True,
        validate=_poll_seconds,
        metadata={"description": "How often a visible widget checks for new comments; 0: never."},
    )
    mail_from_name = Text(
        allow_none=True,
        validate=[validate.Length(min=1, max=100), _ONE_LINE],
        metadata={"description": "The name mails of this site come from (null: COMMENTS_MAIL_FROM's)."},
    )
    mail_from_address = email(
        allow_none=True,
        metadata={"description": "The address mails of this site come from (null: COMMENTS_MAIL_FROM's)."},
    )
    mail_language = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[a-z]{2}(-[A-Za-z]{2})?\Z", error="A language code like en or de."),
        metadata={"description": "The language of this site's mails' templates (null: COMMENTS_MAIL_LANGUAGE)."},
    )
    sso_secret = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=32, max=500),
        metadata={"description": "The HS256 key the site signs its readers' sign-in tokens with (never shown)."},
    )
    sso_public_key = fields.String(
        allow_none=True,
        validate=[validate.Length(max=10000), _pem],
        metadata={"description": "RS256: the PEM public key of the site's signing key."},
    )
    sso_issuer = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The `iss` every token must name (tokens name the site's id as `aud`)."},
    )
    login_url = fields.Url(
        allow_none=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500)
    )
    badges = fields.List(
        fields.String(validate=[validate.Length(min=1, max=trust.BADGE), validate.NoneOf([trust.MODERATOR_BADGE])]),
        allow_none=True,
        validate=validate.Length(max=50),
        metadata={"description": "The badge labels its tokens may carry, besides `staff`."},
    )
    ban_mode = fields.String(allow_none=True, validate=validate.OneOf([m.value for m in trust.BanMode]))
    edit_window_minutes = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=10080))


class SiteIn(Schema):
    id = site_id(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=sites.NAME_MAX))
    origins = fields.List(Origin(), load_default=list, validate=validate.Length(max=MAX_ORIGINS))
    settings = fields.Nested(SiteSettingsIn, load_default=dict)


class SitePatch(Schema):
    name = Text(validate=validate.Length(min=1, max=sites.NAME_MAX))
    origins = fields.List(Origin(), validate=validate.Length(max=MAX_ORIGINS))
    settings = fields.Nested(SiteSettingsIn)


class SiteSettingsOut(Schema):
    """The settings in force (the site's own, else the deployment's)."""

    moderation_mode = fields.String(required=True)
    banned_words = fields.List(
        fields.String(), allow_none=True, required=True, metadata={"description": "Null: the deployment's list."}
    )
    suspect_words = fields.List(
        fields.String(), allow_none=True, required=True, metadata={"description": "Null: the deployment's list."}
    )
    max_links = fields.Integer(required=True)
    report_threshold = fields.Integer(required=True)
    trusted_after = fields.Integer(required=True)
    cache_max_age = fields.Integer(required=True)
    webhook_url = fields.String(allow_none=True, required=True)
    webhook_secret = fields.Function(
        lambda s: sites.masked(s.webhook_secret),
        required=True,
        allow_none=True,
        metadata={"description": "Never shown: its last four characters only, or null.", "type": "string"},
    )
    who_may_comment = fields.String(required=True)
    close_after_days = fields.Integer(allow_none=True, required=True)
    reaction_label = fields.String(required=True)
    comment_order = fields.String(required=True)
    review_order = fields.String(required=True)
    poll_seconds = fields.Integer(required=True)
    mail_from_name = fields.String(allow_none=True, required=True, metadata={"description": "Null: mail is off."})
    mail_from_address = fields.String(allow_none=True, required=True, metadata={"description": "Null: mail is off."})
    mail_language = fields.String(allow_none=True, required=True, metadata={"description": "Null: mail is off."})
    sso_secret = fields.Function(
        lambda s: sites.masked(s.sso_secret),
        required=True,
        allow_none=True,
        metadata={"description": "Never shown: its last four characters only, or null.", "type": "string"},
    )
    sso_public_key = fields.String(allow_none=True, required=True)
    sso_audience = fields.String(required=True, metadata={"description": "The `aud` its tokens must name."})
    sso_issuer = fields.String(allow_none=True, required=True)
    login_url = fields.String(allow_none=True, required=True)
    badges = fields.List(fields.String(), required=True)
    ban_mode = fields.String(required=True, metadata={"description": "`refuse` (a 403) or `hold` (silently)."})
    edit_window_minutes = fields.Integer(required=True)


class SiteOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    origins = fields.List(fields.String(), required=True)
    settings = fields.Nested(SiteSettingsOut, required=True)
    custom = fields.List(
        fields.String(), required=True, metadata={"description": "The settings this site sets itself."}
    )
    created_at = utc_datetime(allow_none=True, required=True)


class SitesOut(Schema):
    items = fields.List(fields.Nested(SiteOut), required=True)
