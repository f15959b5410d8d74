"""The moderation state machine.

Every entry starts ``pending``. A moderator may move an entry from any status to
``approved``, ``rejected`` or ``spam``; repeating the current status changes nothing.
"""

from __future__ import annotations

import enum

from .errors import IllegalTransition as IllegalTransition


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"


class Kind(enum.StrEnum):
    COMMENT = "comment"
    REVIEW = "review"


class Action(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    ERASE = "erase"


class ReasonCode(enum.StrEnum):
    OFFENSIVE = "offensive"
    ABUSIVE = "abusive"
    SPAM = "spam"
    OFF_TOPIC = "off-topic"
    PERSONAL_DATA = "personal-data"
    OTHER = "other"


TARGET: dict[Action, Status] = {
    Action.APPROVE: Status.APPROVED,
    Action.REJECT: Status.REJECTED,
    Action.SPAM: Status.SPAM,
}


def transition(current: Status, action: Action) -> Status | None:
    """The status ``action`` leads to from ``current``, or ``None`` when nothing changes."""
    try:
        target = TARGET[action]
    except KeyError:
        raise IllegalTransition(f"{action.value} is not a status change") from None
    return None if target == current else target


def is_public(status: Status) -> bool:
    """Only approved entries are ever served or counted."""
    return status == Status.APPROVED
