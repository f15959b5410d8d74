"""Metrics (``/metrics``) and structured request logs. Being built under issue 5; until
then nothing is mounted."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount ``/metrics`` and the request-log hooks (issue 5)."""
