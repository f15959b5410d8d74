"""``GET /demo/``: a pretend news site that embeds the widget the way a real one would, so a
newcomer sees the whole flow: post, moderate on ``/admin/``, reload. Its article ids match
``flask --app wsgi demo-data``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint
from flask import Response
from flask import abort
from flask import make_response
from flask import render_template
from flask import request

from . import assets

bp = Blueprint("demo", __name__, url_prefix="/demo", template_folder="templates")

# The policy a careful news site would send: the widget needs nothing looser.
CSP = assets.strict_csp("comments-widget")


@dataclass(frozen=True)
class Story:
    id: str
    section: str
    headline: str
    standfirst: str
    paragraphs: tuple[str, ...]


STORIES = (
    Story(
        "demo-1",
        "City",
        "Council approves the new river bridge after a late-night vote",
        "The crossing will link the old harbour to the northern estates by 2029.",
        (
            "After four hours of debate the council voted 31 to 28 to fund the bridge, "
            "ending a dispute that has run for most of a decade.",
            "Supporters say the crossing will cut commutes by twenty minutes; opponents point "
            "to the cost, which has doubled since the first plans were drawn up.",
            "Construction is expected to begin next spring. The ferry will keep running until the bridge opens.",
        ),
    ),
    Story(
        "demo-2",
        "Weather",
        "Flood defences hold as the river peaks a metre above normal",
        "Residents along the embankment were told to stay alert overnight.",
        ("The new barriers were tested for the first time this week and held.",),
    ),
    Story(
        "demo-3",
        "Schools",
        "Two schools merge to keep small classes in the valley",
        "Parents voted in favour at a meeting on Tuesday.",
        ("The merged school opens in September with 240 pupils.",),
    ),
    Story(
        "demo-4",
        "Culture",
        "The old cinema reopens with a festival of local films",
        "Volunteers spent three years restoring the 1930s building.",
        ("Tickets for the opening weekend sold out within an hour.",),
    ),
    Story(
        "demo-5",
        "Housing",
        "Rents rose faster than wages for the fifth year running",
        "A new report asks what the city can still do.",
        ("The report suggests building on three disused rail yards.",),
    ),
)
BY_ID = {story.id: story for story in STORIES}


def _page(html: str) -> Response:
    response = make_response(html)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
def index() -> Response:
    return _page(render_template("demo/index.html", stories=STORIES))


@bp.get("/articles/<article_id>")
def article(article_id: str) -> Response:
    story = BY_ID.get(article_id) or abort(404)
    others = [s for s in STORIES if s.id != article_id]
    return _page(render_template("demo/article.html", story=story, others=others))


@lru_cache(maxsize=1)
def _stylesheet() -> assets.Asset:
    return assets.read("demo.css", "text/css")


@bp.get("/demo.css")
def stylesheet() -> Response:
    return _stylesheet().response(request, "no-cache")
