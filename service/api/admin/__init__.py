"""The moderator API at /api/v1/admin: every route needs a moderator's bearer token."""

from __future__ import annotations

from .accounts import blp as accounts
from .actions import blp as actions
from .exports import blp as exports
from .mail import blp as mail
from .picks import blp as picks
from .queue import blp as queue
from .sites import blp as sites
from .trust import blp as trust
from .webhooks import blp as webhooks

BLUEPRINTS = (queue, actions, webhooks, exports, trust, sites, accounts, picks, mail)
