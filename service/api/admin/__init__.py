"""The moderator API at /api/v1/admin: every route needs a moderator's bearer token."""

from __future__ import annotations

from .actions import blp as actions
from .queue import blp as queue

BLUEPRINTS = (queue, actions)
