"""The embeddable widget (``/embed.js``), the moderation page (``/admin/``) and the demo
pages (``/demo/``). Being built under issue 3; until then nothing is mounted."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount the widget, moderation page and demo blueprints (issue 3)."""
