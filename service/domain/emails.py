"""Email addresses are stored and compared trimmed and in lower case."""

from __future__ import annotations


def canonical(address: str) -> str:
    """The address as stored and looked up (empty for a blank one, which matches nothing)."""
    return address.strip().lower()
