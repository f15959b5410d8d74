"""Many sites on one service: each site's articles, counts, caches, rules and origins are its
own; the default site keeps every path it had; admins manage sites through the admin API."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.domain.errors import NotFound
from service.domain.errors import SiteNotFound
from service.domain.moderation import Action
from service.domain.moderation import Status
from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import WebhookEvent
from service.usecases import moderate
from service.usecases import read
from service.usecases.lifecycle import Change
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api
from tests.helpers import SiteApi
from tests.helpers import add_site
from tests.helpers import stored_entries

BUGLE = "https://bugle.example"
PLANET = "https://planet.example"


@pytest.fixture
def two_sites(client: FlaskClient) -> tuple[SiteApi, SiteApi]:
    add_site(client, "bugle", origins=[BUGLE])
    add_site(client, "planet", origins=[PLANET])
    return SiteApi(client, "bugle"), SiteApi(client, "planet")


def test_the_same_article_id_on_two_sites_holds_two_threads_and_two_counts(
    api: Api, two_sites: tuple[SiteApi, SiteApi]
) -> None:
    bugle, planet = two_sites
    on_default = api.approved_comment("a1")
    on_bugle = [bugle.approved_comment("a1"), bugle.approved_comment("a1")]
    planet.approved_review("a1", rating=2)

    assert [c["id"] for c in api.thread("a1")["items"]] == [on_default]
    assert [c["id"] for c in bugle.thread("a1")["items"]] == on_bugle
    assert planet.thread("a1")["items"] == []
    assert (api.counts("a1")["comments"], bugle.counts("a1")["comments"], planet.counts("a1")["comments"]) == (1, 2, 0)
    assert planet.counts("a1")["rating"]["count"] == 1 and api.counts("a1")["rating"]["count"] == 0
    assert [r["rating"] for r in planet.get("/articles/a1/reviews")["items"]] == [2]
    batch = "/counts?article_id=a1&article_id=a2"
    assert bugle.get(batch)["counts"]["a1"]["comments"] == 2
    assert api.get(batch)["counts"]["a1"]["comments"] == 1
    posted = api.client.post(f"{V1}/sites/bugle/counts", json={"article_ids": ["a1"]})
    assert posted.get_json()["counts"]["a1"]["comments"] == 2

    # Separate validators: an ETag of one site's page never answers 304 for the other's.
    etags = {
        site: api.client.get(f"{V1}/sites/{site}/articles/a1/comments").headers["ETag"]
        for site in ("default", "bugle", "planet")
    }
    assert len(set(etags.values())) == 3
    again = api.client.get(f"{V1}/sites/planet/articles/a1/comments", headers={"If-None-Match": etags["bugle"]})
    assert again.status_code == 200
    same = api.client.get(f"{V1}/sites/bugle/articles/a1/comments", headers={"If-None-Match": etags["bugle"]})
    assert same.status_code == 304
    html = api.client.get(f"{V1}/sites/bugle/articles/a1/comments.html").get_data(as_text=True)
    assert f"comments-entry-{on_bugle[0]}" in html and f"comments-entry-{on_default}" not in html


def test_the_default_site_answers_at_its_old_paths_and_under_sites_default(api: Api) -> None:
    entry = api.approved_comment("a1")
    old = api.client.get(f"{V1}/articles/a1/comments")
    new = api.client.get(f"{V1}/sites/default/articles/a1/comments")
    assert old.get_json() == new.get_json() and [c["id"] for c in old.get_json()["items"]] == [entry]
    assert old.headers["ETag"] == new.headers["ETag"]
    assert api.get("/sites/default/articles/a1/counts")["comments"] == 1


@pytest.mark.parametrize("site", ["nowhere", "Bad_Slug", "-x"])
def test_an_unknown_site_is_a_404_and_stores_nothing(app: Flask, api: Api, site: str) -> None:
    for method, path, body in [
        ("GET", "/articles/a1/comments", None),
        ("GET", "/counts?article_id=a1", None),
        ("POST", "/articles/a1/comments", {"author": "Ann", "body": "Hello there"}),
        ("POST", "/entries/1/reports", {}),
        ("OPTIONS", "/articles/a1/comments", None),
    ]:
        response = api.client.open(f"{V1}/sites/{site}{path}", method=method, json=body)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "site_not_found"
    with app.app_context():
        assert stored_entries() == 0


def test_each_site_applies_its_own_rules(client: FlaskClient, api: Api) -> None:
    add_site(client, "open", settings={"moderation_mode": "post", "max_links": 0, "report_threshold": 1})
    add_site(client, "strict", settings={"banned_words": ["kumquat"], "suspect_words": ["durian"]})
    open_site, strict = SiteApi(client, "open"), SiteApi(client, "strict")

    assert open_site.comment()["status"] == "approved"  # post-moderation there
    assert api.comment()["status"] == "pending"  # the default site is still pre-moderated
    linked = open_site.comment(body='See <a href="https://x.example">this</a>')
    assert linked["status"] == "pending"  # its link limit is 0
    assert api.comment(body='See <a href="https://x.example">this</a>')["status"] == "pending"

    held = strict.comment(body="I like durian a lot")
    assert held["status"] == "pending"
    detail = api.get(f"/admin/entries/{held['id']}", headers=ALICE)
    assert detail["history"][0]["code"] == "suspect-words"
    spam = strict.comment(body="kumquat kumquat")
    assert api.get(f"/admin/entries/{spam['id']}", headers=ALICE)["status"] == "spam"
    default_detail = api.get(f"/admin/entries/{api.comment(body='kumquat here')['id']}", headers=ALICE)
    assert default_detail["status"] == "pending"

    # One report holds an entry again on "open"; on the default site it takes three.
    published = open_site.comment()["id"]
    response = client.post(f"{V1}/sites/open/entries/{published}/reports", json={})
    assert response.status_code == 202
    assert api.get(f"/admin/entries/{published}", headers=ALICE)["status"] == "pending"


def test_reports_and_withdrawals_answer_only_on_the_entrys_own_site(
    api: Api, two_sites: tuple[SiteApi, SiteApi]
) -> None:
    bugle, _ = two_sites
    entry = bugle.approved_comment()
    sent = bugle.comment()
    token, mine = sent["edit_token"], sent["id"]
    for path in (f"{V1}/entries/{entry}/reports", f"{V1}/sites/planet/entries/{entry}/reports"):
        assert api.client.post(path, json={}).status_code == 404
    assert api.client.post(f"{V1}/sites/bugle/entries/{entry}/reports", json={}).status_code == 202
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.delete(f"{V1}/sites/planet/entries/{mine}", headers=headers).status_code == 404
    assert api.client.delete(f"{V1}/entries/{mine}", headers=headers).status_code == 404
    assert api.client.delete(f"{V1}/sites/bugle/entries/{mine}", headers=headers).status_code == 204


def test_a_sites_paths_answer_cors_only_to_its_own_origins(
    client: FlaskClient, two_sites: tuple[SiteApi, SiteApi]
) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for site, own, other in (("bugle", BUGLE, PLANET), ("planet", PLANET, BUGLE)):
        path = f"{V1}/sites/{site}/articles/a1/comments"
        allowed = client.options(path, headers={"Origin": own, **preflight})
        assert allowed.headers["Access-Control-Allow-Origin"] == own
        assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
        refused = client.options(path, headers={"Origin": other, **preflight})
        assert "Access-Control-Allow-Origin" not in refused.headers  # the browser sends no POST
        assert client.get(path, headers={"Origin": own}).headers["Access-Control-Allow-Origin"] == own
        read_elsewhere = client.get(path, headers={"Origin": other})
        assert "Access-Control-Allow-Origin" not in read_elsewhere.headers  # nor reads the answer
        assert "Origin" in read_elsewhere.headers["Vary"]
    # The default site keeps COMMENTS_ALLOWED_ORIGINS, and a site's origin is not one of them.
    default = client.options(f"{V1}/articles/a1/comments", headers={"Origin": BUGLE, **preflight})
    assert "Access-Control-Allow-Origin" not in default.headers
    news = client.get(f"{V1}/articles/a1/comments", headers={"Origin": "http://news.example"})
    assert news.headers["Access-Control-Allow-Origin"] == "http://news.example"
    assert (
        "Access-Control-Allow-Origin"
        not in client.get(f"{V1}/sites/bugle/articles/a1/comments", headers={"Origin": "http://news.example"}).headers
    )


def test_cache_max_age_is_the_sites_own(client: FlaskClient, api: Api) -> None:
    add_site(client, "slow", settings={"cache_max_age": 120})
    assert "max-age=120," in client.get(f"{V1}/sites/slow/articles/a1/counts").headers["Cache-Control"]
    assert "max-age=10," in client.get(f"{V1}/articles/a1/counts").headers["Cache-Control"]


def test_a_sites_events_go_to_its_own_webhook_only(app: Flask, client: FlaskClient, api: Api) -> None:
    secret = "s" * 20
    add_site(client, "hooked", settings={"webhook_url": "https://hooks.example/in", "webhook_secret": secret})
    SiteApi(client, "hooked").comment()
    api.comment()  # the default site has no webhook
    with app.app_context():
        events = db.session.execute(select(WebhookEvent.site_id, WebhookEvent.event)).all()
    assert [tuple(e) for e in events] == [("hooked", "entry.pending")]


# -- the admin API of sites ---------------------------------------------------------------


def test_admins_add_read_list_and_change_sites(client: FlaskClient) -> None:
    secret = "0123456789abcdefWXYZ"
    made = add_site(
        client,
        "daily-bugle",
        origins=["https://Bugle.example/"],
        settings={"moderation_mode": "post", "webhook_url": "https://hooks.example/x", "webhook_secret": secret},
    )
    assert made["origins"] == ["https://bugle.example"]
    assert made["settings"]["moderation_mode"] == "post" and made["settings"]["max_links"] == 2
    assert made["settings"]["webhook_secret"] == "…WXYZ"
    assert set(made["custom"]) == {"moderation_mode", "webhook_url", "webhook_secret"}
    listed = client.get(f"{V1}/admin/sites", headers=ALICE).get_json()["items"]
    assert [s["id"] for s in listed] == ["default", "daily-bugle"]
    assert secret not in client.get(f"{V1}/admin/sites/daily-bugle", headers=ALICE).get_data(as_text=True)
    assert listed[0]["origins"] == ["http://news.example"]  # COMMENTS_ALLOWED_ORIGINS

    patched = client.patch(
        f"{V1}/admin/sites/daily-bugle",
        json={"name": "The Bugle", "settings": {"moderation_mode": None, "close_after_days": 30}},
        headers=ALICE,
    ).get_json()
    assert patched["name"] == "The Bugle"
    assert patched["settings"]["moderation_mode"] == "pre"  # back to the deployment's
    assert patched["settings"]["close_after_days"] == 30
    assert patched["settings"]["who_may_comment"] == "anyone"
    assert patched["origins"] == ["https://bugle.example"]  # not sent: unchanged


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "Bad Slug", "name": "x"}, "id"),
        ({"id": "-x", "name": "x"}, "id"),
        ({"id": "x" * 65, "name": "x"}, "id"),
        ({"id": "ok", "name": ""}, "name"),
        ({"id": "ok", "name": "x", "origins": ["https://x.example/path"]}, "origins.0"),
        ({"id": "ok", "name": "x", "settings": {"moderation_mode": "sometimes"}}, "settings.moderation_mode"),
        ({"id": "ok", "name": "x", "settings": {"max_links": -1}}, "settings.max_links"),
        ({"id": "ok", "name": "x", "settings": {"colour": "red"}}, "settings.colour"),
        ({"id": "ok", "name": "x", "settings": {"webhook_url": "ftp://x.example"}}, "settings.webhook_url"),
        ({"id": "ok", "name": "x", "settings": {"webhook_url": "https://x.example"}}, "settings.webhook_secret"),
        ({"id": "ok", "name": "x", "settings": {"webhook_secret": "short"}}, "settings.webhook_secret"),
    ],
)
def test_a_site_that_cannot_work_is_a_422_and_stores_nothing(client: FlaskClient, body: Any, field: str) -> None:
    response = client.post(f"{V1}/admin/sites", json=body, headers=ALICE)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    ids = [s["id"] for s in client.get(f"{V1}/admin/sites", headers=ALICE).get_json()["items"]]
    assert ids == ["default"]


def test_a_taken_site_id_is_a_409_and_an_unknown_one_a_404(client: FlaskClient) -> None:
    add_site(client, "bugle")
    assert add_site(client, "bugle", expect=409)["error"]["code"] == "conflict"
    for response in (
        client.get(f"{V1}/admin/sites/nope", headers=ALICE),
        client.patch(f"{V1}/admin/sites/nope", json={"name": "x"}, headers=ALICE),
        client.get(f"{V1}/admin/queue?site=nope", headers=ALICE),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "site_not_found"
    bad = client.patch(f"{V1}/admin/sites/default", json={"origins": ["https://x.example"]}, headers=ALICE)
    assert bad.status_code == 422
    assert client.get(f"{V1}/admin/sites", headers={}).status_code == 401


# -- per-site moderation: the visibility the accounts feature passes ---------------------------


def test_queue_items_and_entries_name_their_site(api: Api, two_sites: tuple[SiteApi, SiteApi]) -> None:
    bugle, planet = two_sites
    ids = {"bugle": bugle.comment()["id"], "planet": planet.review()["id"], "default": api.comment()["id"]}
    items = api.get("/admin/queue", headers=ALICE)["items"]
    assert {i["id"]: i["site"] for i in items} == {entry: site for site, entry in ids.items()}
    assert [i["site"] for i in api.get("/admin/queue?site=planet", headers=ALICE)["items"]] == ["planet"]
    assert api.get(f"/admin/entries/{ids['bugle']}", headers=ALICE)["site"] == "bugle"
    assert api.act(ids["planet"], "approve")["site"] == "planet"
    assert api.get(f"/admin/entries/{ids['default']}", headers=ALICE)["site"] == "default"


def test_the_queue_filters_by_site_and_a_moderator_of_some_sites_sees_only_theirs(
    app: Flask, api: Api, two_sites: tuple[SiteApi, SiteApi]
) -> None:
    bugle, planet = two_sites
    mine, theirs, default = bugle.comment()["id"], planet.comment()["id"], api.comment()["id"]
    assert [i["id"] for i in api.get("/admin/queue?site=bugle", headers=ALICE)["items"]] == [mine]
    assert [i["id"] for i in api.get("/admin/queue", headers=ALICE)["items"]] == [mine, theirs, default]
    assert [i["id"] for i in api.get("/admin/queue?site=default&article_id=a1", headers=ALICE)["items"]] == [default]

    only_bugle = frozenset({"bugle"})
    with app.test_request_context():
        page = read.queue(b"k", Status.PENDING, None, None, 50, None, sites=only_bugle)
        assert [m.id for m in page.items] == [mine]
        with pytest.raises(SiteNotFound):
            read.queue(b"k", Status.PENDING, None, None, 50, None, sites=only_bugle, site="planet")
        assert read.entry_detail(mine, only_bugle).id == mine
        with pytest.raises(NotFound):
            read.entry_detail(theirs, only_bugle)
        approve = Change(Action.APPROVE, "alice")
        with pytest.raises(NotFound):
            moderate.decide(theirs, approve, sites=only_bugle)
        outcomes = moderate.decide_each([mine, theirs], approve, sites=only_bugle)
        assert [(o.status, type(o.error)) for o in outcomes] == [(Status.APPROVED, type(None)), (None, NotFound)]
        with pytest.raises(NotFound):
            moderate.erase(theirs, "alice", only_bugle)
        untouched = db.session.get(Entry, theirs)
        assert untouched is not None and untouched.status == Status.PENDING
