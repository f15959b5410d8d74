"""Where a webhook event stands in its delivery."""

from __future__ import annotations

import enum


class Delivery(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry; a moderator may retry it
    DROPPED = "dropped"  # its entry was erased before delivery
