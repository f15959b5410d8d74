"""The per-site settings of reactions, orders and the widget's check for new comments, read
in one place (``settings``: the site's ``SiteSettings``), and the orders the public lists use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domain.engagement import CommentOrder
from ...domain.engagement import ReviewOrder
from ...domain.sites import SiteSettings
from .. import sites


def settings() -> SiteSettings:
    """The settings of the site this request addresses (its ``reaction_label``,
    ``comment_order``, ``review_order``, ``poll_seconds``; the default site falls back to
    COMMENTS_REACTION_LABEL, COMMENTS_COMMENT_ORDER, COMMENTS_REVIEW_ORDER and
    COMMENTS_POLL_SECONDS)."""
    return sites.settings()


def comment_order(args: Mapping[str, Any]) -> CommentOrder:
    """The order a request names, else the site's."""
    return CommentOrder(args["order"]) if args.get("order") else settings().comment_order


def review_order(args: Mapping[str, Any]) -> ReviewOrder:
    return ReviewOrder(args["order"]) if args.get("order") else settings().review_order


def comment_variant(order: CommentOrder | None = None) -> str:
    """What a page's validator adds for its order and the site's settings the body shows:
    nothing for the API's defaults, so a deployment that sets none keeps its ETags."""
    found = settings()
    order = order or found.comment_order
    base = "" if order == CommentOrder.OLDEST else order.value
    shown = _shown(found)
    return f"{base}|{shown}" if shown else base


def review_variant(order: ReviewOrder | None = None) -> str:
    order = order or settings().review_order
    return "" if order == ReviewOrder.NEWEST else order.value


_BUILT_IN = (
    SiteSettings.reaction_label,
    SiteSettings.poll_seconds,
    SiteSettings.comment_order,
    SiteSettings.review_order,
)


def _shown(found: SiteSettings) -> str:
    """The settings a thread's body carries (``settings``), when any differs from the
    built-in ones; a site's change then changes the page's ETag too."""
    mine = (found.reaction_label, found.poll_seconds, found.comment_order, found.review_order)
    if mine == _BUILT_IN:
        return ""
    return "settings:" + "|".join(str(v) for v in mine)


def widget_settings() -> dict[str, Any]:
    """``schemas.public.WidgetSettingsOut``: what the widget needs of the site's settings."""
    found = settings()
    return {
        "reaction_label": found.reaction_label,
        "poll_seconds": found.poll_seconds,
        "comment_order": found.comment_order.value,
        "review_order": found.review_order.value,
    }
