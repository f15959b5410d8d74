"""Moderator accounts and tokens as admins send and see them. A token's value appears in
exactly one shape, the answer that creates it (``IssuedTokenOut``, ``CreatedAccountOut``);
its digest in none."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from ..domain import accounts as rules
from ..domain import limits
from ..domain.accounts import Role
from .fields import Text
from .fields import site_id
from .fields import utc_datetime

Sites = validate.Length(max=200)


class TokenOut(Schema):
    id = fields.Integer(required=True)
    label = fields.String(allow_none=True, required=True)
    created_at = utc_datetime(required=True)
    last_used_at = utc_datetime(allow_none=True, required=True)  # written at most once a minute
    revoked_at = utc_datetime(allow_none=True, required=True)


class AccountOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "What the audit log records for its decisions."})
    role = fields.Enum(Role, by_value=True, required=True)
    sites = fields.List(
        fields.String(), required=True, metadata={"description": "A moderator's sites; empty for an admin (all)."}
    )
    disabled = fields.Boolean(required=True)
    created_at = utc_datetime(required=True)
    last_used_at = utc_datetime(allow_none=True, required=True)
    tokens = fields.List(fields.Nested(TokenOut), required=True)


class AccountsOut(Schema):
    items = fields.List(fields.Nested(AccountOut), required=True)


class AccountIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=limits.MODERATOR))
    role = fields.Enum(Role, by_value=True, required=True)
    sites = fields.List(site_id(), load_default=list, validate=Sites, metadata={"description": "For a moderator."})
    label = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=rules.TOKEN_LABEL),
        metadata={"description": "A note on the first token, e.g. where it is used."},
    )


class AccountPatchIn(Schema):
    role = fields.Enum(Role, by_value=True)
    sites = fields.List(site_id(), validate=Sites)
    disabled = fields.Boolean(metadata={"description": "A disabled account's tokens are refused."})


class TokenIn(Schema):
    label = Text(load_default=None, allow_none=True, validate=validate.Length(max=rules.TOKEN_LABEL))


class IssuedTokenOut(TokenOut):
    token = fields.String(required=True, metadata={"description": "The token itself: shown only in this answer."})


class CreatedAccountOut(Schema):
    account = fields.Nested(AccountOut, required=True)
    token = fields.Nested(IssuedTokenOut, required=True)


class SiteQueueOut(Schema):
    site_id = fields.String(required=True)
    name = fields.String(required=True)
    pending = fields.Integer(required=True, metadata={"description": "Entries waiting, counted up to 999."})
    more = fields.Boolean(required=True, metadata={"description": "More than `pending` wait."})


class SiteQueuesOut(Schema):
    items = fields.List(fields.Nested(SiteQueueOut), required=True)
