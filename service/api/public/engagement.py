"""The per-site settings of reactions, orders and the widget's check for new comments, read
in one place (``settings``), and the orders the public lists use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from ...config import Engagement
from ...domain.engagement import CommentOrder
from ...domain.engagement import ReviewOrder


def settings() -> Engagement:
    """This site's settings (COMMENTS_REACTION_LABEL, COMMENTS_COMMENT_ORDER,
    COMMENTS_REVIEW_ORDER, COMMENTS_POLL_SECONDS)."""
    found: Engagement = current_app.config["ENGAGEMENT"]
    return found


def comment_order(args: Mapping[str, Any]) -> CommentOrder:
    """The order a request names, else the site's."""
    return CommentOrder(args["order"]) if args.get("order") else settings().comment_order


def review_order(args: Mapping[str, Any]) -> ReviewOrder:
    return ReviewOrder(args["order"]) if args.get("order") else settings().review_order


def comment_variant(order: CommentOrder | None = None) -> str:
    """What a page's validator adds for its order: nothing for the API's default."""
    order = order or settings().comment_order
    return "" if order == CommentOrder.OLDEST else order.value


def review_variant(order: ReviewOrder | None = None) -> str:
    order = order or settings().review_order
    return "" if order == ReviewOrder.NEWEST else order.value


def widget_settings() -> dict[str, Any]:
    """``schemas.public.WidgetSettingsOut``: what the widget needs of the site's settings."""
    found = settings()
    return {
        "reaction_label": found.reaction_label,
        "poll_seconds": found.poll_seconds,
        "comment_order": found.comment_order.value,
        "review_order": found.review_order.value,
    }
