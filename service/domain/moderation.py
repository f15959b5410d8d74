"""The moderation state machine.

A new entry gets the status auto-moderation decides (``submit``) or an import brings along
(``import``). A moderator may move an entry from any status to ``approved``, ``rejected`` or
``spam``; repeating the current status changes nothing. Reader reports ``hold`` a published
entry: it goes back to ``pending`` until a moderator decides. Every status change of every
entry goes through ``transition``.
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


class QueueOrder(enum.StrEnum):
    """The moderation queue's orders."""

    OLDEST = "oldest"
    TOXICITY = "toxicity"  # most likely toxic first: score descending (ties newest first), unknown last


class Action(enum.StrEnum):
    SUBMIT = "submit"
    IMPORT = "import"
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    HOLD = "hold"
    ERASE = "erase"


# What a moderator may do to an entry (the admin API's actions).
DECISIONS = (Action.APPROVE, Action.REJECT, Action.SPAM)


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


def transition(current: Status | None, action: Action, verdict: Status | None = None) -> Status | None:
    """The status ``action`` leads to from ``current`` (``None``: a new entry), or ``None``
    when nothing changes. ``verdict`` is the status a new entry gets (``submit``, ``import``)."""
    if action in (Action.SUBMIT, Action.IMPORT):
        if current is not None or verdict is None:
            raise IllegalTransition(f"{action.value} gives a new entry its first status")
        return verdict
    if current is None:
        raise IllegalTransition(f"{action.value} needs an existing entry")
    if action == Action.HOLD:
        if current != Status.APPROVED:
            raise IllegalTransition("only a published entry can be held for review")
        return Status.PENDING
    try:
        target = TARGET[action]
    except KeyError:
        raise IllegalTransition(f"{action.value} is not a status change") from None
    return None if target == current else target


def is_public(status: Status) -> bool:
    """Only approved entries are ever served or counted."""
    return status == Status.APPROVED
