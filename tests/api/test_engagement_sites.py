"""Reactions, orders, editors' picks and their settings belong to a site: the same article id
on two sites is two articles, whose reactions, reply counts, orders and picks never meet."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Reaction
from service.persistence.models import WebhookEvent
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api
from tests.helpers import SiteApi
from tests.helpers import add_moderator
from tests.helpers import add_site

JSON = {"Content-Type": "application/json"}


def react(client: FlaskClient, prefix: str, entry_id: int, reader: str, on: bool = True, expect: int = 200) -> Any:
    method = client.put if on else client.delete
    response = method(f"{prefix}/entries/{entry_id}/reaction", headers=JSON, environ_base={"REMOTE_ADDR": reader})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def ids(page: dict[str, Any], key: str = "items") -> list[int]:
    return [c["id"] for c in page[key]]


def test_reactions_replies_orders_and_picks_of_one_site_do_not_leak_into_another(
    app: Flask, client: FlaskClient, api: Api
) -> None:
    add_site(client, "bugle")
    bugle = SiteApi(client, "bugle")
    home = [api.approved_comment("a1"), api.approved_comment("a1")]
    away = [bugle.approved_comment("a1"), bugle.approved_comment("a1")]
    bugle.approved_comment("a1", parent_id=away[0])

    # A reaction is made on the entry's own site only; elsewhere the entry is unknown.
    assert react(client, f"{V1}/sites/bugle", away[1], "10.9.0.1")["reactions"] == 1
    assert react(client, V1, away[1], "10.9.0.2", expect=404)["error"]["code"] == "not_found"
    assert react(client, f"{V1}/sites/bugle", home[0], "10.9.0.1", expect=404)["error"]["code"] == "not_found"
    assert react(client, f"{V1}/sites/default", home[0], "10.9.0.1")["reactions"] == 1
    with app.app_context():
        rows = db.session.execute(select(Reaction.site_id, Reaction.entry_id).order_by(Reaction.id)).all()
    assert [tuple(r) for r in rows] == [("bugle", away[1]), ("default", home[0])]

    # Each site's orders list its own article only, with its own counts.
    for order in ("oldest", "newest", "reactions", "replies"):
        assert sorted(ids(api.thread("a1", order=order))) == sorted(home), order
        assert sorted(ids(bugle.thread("a1", order=order))) == sorted(away), order
    assert ids(bugle.thread("a1", order="reactions")) == [away[1], away[0]]
    assert ids(bugle.thread("a1", order="replies")) == [away[0], away[1]]
    assert {c["id"]: c["reply_count"] for c in bugle.thread("a1")["items"]} == {away[0]: 1, away[1]: 0}
    assert all(c["reply_count"] == 0 for c in api.thread("a1")["items"])
    bugle.approved_review("a1", rating=5)
    assert api.get("/articles/a1/reviews", query_string={"order": "highest"})["items"] == []

    # A pick is its site's article's, in the API and the HTML fragment.
    api.act(away[1], "feature")
    assert ids(bugle.thread("a1"), "featured") == [away[1]]
    assert api.thread("a1")["featured"] == []
    assert "comments-featured" not in client.get(f"{V1}/articles/a1/comments.html").get_data(as_text=True)
    assert "comments-featured" in client.get(f"{V1}/sites/bugle/articles/a1/comments.html").get_data(as_text=True)


def test_a_moderator_of_another_site_cannot_feature_and_the_event_is_the_sites(
    app: Flask, client: FlaskClient, api: Api
) -> None:
    add_site(client, "bugle", settings={"webhook_url": "https://hooks.example/in", "webhook_secret": "s" * 20})
    add_site(client, "planet")
    _, planet_moderator = add_moderator(client, "Pia", "planet")
    bugle = SiteApi(client, "bugle")
    entry = bugle.approved_comment("a1")
    assert api.act(entry, "feature", expect=404, headers=planet_moderator)["error"]["code"] == "not_found"
    assert api.act(entry, "unfeature", expect=404, headers=planet_moderator)["error"]["code"] == "not_found"
    assert bugle.thread("a1")["featured"] == []
    assert api.act(entry, "feature")["featured_at"] is not None
    with app.app_context():
        events = db.session.execute(
            select(WebhookEvent.site_id, WebhookEvent.entry_id).where(WebhookEvent.event == "comment.featured")
        ).all()
    assert [tuple(e) for e in events] == [("bugle", entry)]


def test_the_reaction_label_orders_and_poll_interval_are_site_settings(client: FlaskClient, api: Api) -> None:
    made = add_site(
        client,
        "bugle",
        settings={"reaction_label": "Like", "comment_order": "newest", "review_order": "highest", "poll_seconds": 0},
    )
    assert {k: made["settings"][k] for k in ("reaction_label", "comment_order", "review_order", "poll_seconds")} == {
        "reaction_label": "Like",
        "comment_order": "newest",
        "review_order": "highest",
        "poll_seconds": 0,
    }
    bugle = SiteApi(client, "bugle")
    older, newer = bugle.approved_comment("a1"), bugle.approved_comment("a1")
    page = client.get(f"{V1}/sites/bugle/articles/a1/comments")
    body = page.get_json()
    assert body["order"] == "newest" and ids(body) == [newer, older]
    assert body["settings"] == {
        "reaction_label": "Like",
        "poll_seconds": 0,
        "comment_order": "newest",
        "review_order": "highest",
    }
    assert bugle.get("/articles/a1/reviews")["order"] == "highest"
    default = api.thread("a1")
    assert default["order"] == "oldest" and default["settings"]["reaction_label"] == "Respect"
    assert default["settings"]["poll_seconds"] == 30

    # A change is seen at once, and the page's ETag changes with it.
    patched = client.patch(
        f"{V1}/admin/sites/bugle", json={"settings": {"reaction_label": "Respekt", "poll_seconds": None}}, headers=ALICE
    )
    assert patched.status_code == 200, patched.get_json()
    again = client.get(f"{V1}/sites/bugle/articles/a1/comments", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 200
    assert again.get_json()["settings"]["reaction_label"] == "Respekt"
    assert again.get_json()["settings"]["poll_seconds"] == 30  # back to the deployment's


def test_bad_engagement_settings_are_a_422_and_change_nothing(client: FlaskClient) -> None:
    add_site(client, "bugle")
    for settings, field in (
        ({"comment_order": "best"}, "settings.comment_order"),
        ({"review_order": "replies"}, "settings.review_order"),
        ({"poll_seconds": 2}, "settings.poll_seconds"),
        ({"poll_seconds": "30"}, "settings.poll_seconds"),
        ({"reaction_label": "x" * 41}, "settings.reaction_label"),
        ({"reaction_label": ""}, "settings.reaction_label"),
    ):
        response = client.patch(f"{V1}/admin/sites/bugle", json={"settings": settings}, headers=ALICE)
        assert response.status_code == 422, (settings, response.get_json())
        assert field in response.get_json()["error"]["fields"], response.get_json()
    shown = client.get(f"{V1}/admin/sites/bugle", headers=ALICE).get_json()
    assert shown["custom"] == [] and shown["settings"]["comment_order"] == "oldest"


def test_a_sites_origin_may_send_its_reactions(client: FlaskClient) -> None:
    add_site(client, "bugle", origins=["https://bugle.example"])
    preflight = {
        "Origin": "https://bugle.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = client.options(f"{V1}/sites/bugle/entries/1/reaction", headers=preflight)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://bugle.example"
    assert "PUT" in allowed.headers["Access-Control-Allow-Methods"]
    refused = client.options(
        f"{V1}/sites/bugle/entries/1/reaction", headers={**preflight, "Origin": "https://x.example"}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
