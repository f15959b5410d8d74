"""Where a webhook event or a mail stands in its delivery, and what a delivery round did."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import fields


class Delivery(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry; a moderator may retry it
    DROPPED = "dropped"  # its entry was erased before delivery


@dataclass
class Tally:
    """What delivery rounds did with the events (or mails) they claimed: ``delivered`` were
    POSTed with a 2xx (sent, for a mail)."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retrying + self.failed + self.dropped

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
