"""Two sites on one service, tried as their moderators would: each moderator sees and
decides only their own site's queue; another site's entry is a 404 on every moderator
path, exactly like an id that does not exist; admins see everything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import ModerationEvent
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import add_moderator

ADMIN = f"{V1}/admin"


def add_site(client: FlaskClient, site: str) -> None:
    body = {"id": site, "name": site.title(), "origins": [f"https://{site}.example"]}
    response = client.post(f"{ADMIN}/sites", json=body, headers=ALICE)
    assert response.status_code == 201, response.get_json()


def comment(client: FlaskClient, site: str, article: str = "same-id", **fields: Any) -> int:
    body = {"author": "Ann", "body": f"A comment on {site}, {article} {fields!r}", **fields}
    response = client.post(f"{V1}/sites/{site}/articles/{article}/comments", json=body)
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["id"])


def queue_ids(client: FlaskClient, headers: dict[str, str], **query: Any) -> list[int]:
    response = client.get(f"{ADMIN}/queue", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


@pytest.fixture
def two_sites(client: FlaskClient) -> dict[str, Any]:
    add_site(client, "north")
    add_site(client, "south")
    return {
        "north": add_moderator(client, "Nora", "north")[1],
        "south": add_moderator(client, "Sam", "south")[1],
        "north_entries": [comment(client, "north"), comment(client, "north", "other")],
        "south_entries": [comment(client, "south")],
        "default_entry": comment(client, "default"),
    }


def test_each_moderator_sees_only_their_own_sites_queue(client: FlaskClient, two_sites: dict[str, Any]) -> None:
    north, south = two_sites["north"], two_sites["south"]
    assert queue_ids(client, north) == two_sites["north_entries"]
    assert queue_ids(client, south) == two_sites["south_entries"]
    assert queue_ids(client, north, site="north") == two_sites["north_entries"]
    everything = two_sites["north_entries"] + two_sites["south_entries"] + [two_sites["default_entry"]]
    assert sorted(queue_ids(client, ALICE)) == sorted(everything)
    assert queue_ids(client, ALICE, site="south") == two_sites["south_entries"]
    # Another site's queue, by name, is no site at all for them; so is one that does not exist.
    for site in ("south", "default", "nowhere"):
        response = client.get(f"{ADMIN}/queue", query_string={"site": site}, headers=north)
        assert response.status_code == 404, site
        assert str(two_sites["south_entries"][0]) not in response.get_data(as_text=True)


def test_another_sites_entry_is_a_404_on_every_moderator_path(
    app: Flask, client: FlaskClient, two_sites: dict[str, Any]
) -> None:
    north = two_sites["north"]
    theirs = two_sites["south_entries"][0]
    unknown = client.get(f"{ADMIN}/entries/999999", headers=north).get_json()
    for method, path, body in (
        ("GET", f"{ADMIN}/entries/{theirs}", None),
        ("POST", f"{ADMIN}/entries/{theirs}/approve", None),
        ("POST", f"{ADMIN}/entries/{theirs}/reject", {"code": "spam"}),
        ("POST", f"{ADMIN}/entries/{theirs}/spam", None),
        ("DELETE", f"{ADMIN}/entries/{theirs}", None),
    ):
        response = client.open(path, method=method, json=body, headers=north)
        assert response.status_code == 404, (method, path)
        assert response.get_json() == unknown, (method, path)  # the same answer as no entry at all
    bulk = client.post(f"{ADMIN}/entries/bulk", json={"action": "approve", "ids": [theirs]}, headers=north)
    assert bulk.status_code == 200
    assert bulk.get_json()["results"] == [
        {"id": theirs, "error": {"code": "not_found", "message": "No entry has this id."}}
    ]
    with app.app_context():
        assert db.session.get(Entry, theirs).status.value == "pending"  # type: ignore[union-attr]
        assert not db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.entry_id == theirs, ModerationEvent.moderator == "Nora")
        ).all()
    assert queue_ids(client, two_sites["south"]) == [theirs]


def test_each_moderator_decides_their_own_queue(app: Flask, client: FlaskClient, two_sites: dict[str, Any]) -> None:
    north, south = two_sites["north"], two_sites["south"]
    first, second = two_sites["north_entries"]
    (theirs,) = two_sites["south_entries"]
    approved = client.post(f"{ADMIN}/entries/{first}/approve", headers=north)
    assert approved.status_code == 200 and approved.get_json()["history"][-1]["moderator"] == "Nora"
    rejected = client.post(f"{ADMIN}/entries/{theirs}/reject", json={"code": "off-topic"}, headers=south)
    assert rejected.status_code == 200 and rejected.get_json()["history"][-1]["moderator"] == "Sam"
    results = client.post(f"{ADMIN}/entries/bulk", json={"action": "spam", "ids": [second, theirs]}, headers=north)
    assert [r.get("status") or r["error"]["code"] for r in results.get_json()["results"]] == ["spam", "not_found"]
    assert queue_ids(client, north) == [] and queue_ids(client, south) == []
    assert queue_ids(client, north, status="approved") == [first]
    assert queue_ids(client, south, status="rejected") == [theirs]
    # The same article id on both sites: separate threads and counts.
    north_thread = client.get(f"{V1}/sites/north/articles/same-id/comments").get_json()["items"]
    assert [c["id"] for c in north_thread] == [first]
    assert client.get(f"{V1}/sites/south/articles/same-id/counts").get_json()["comments"] == 0


def test_queue_sites_lists_what_each_one_may_see_with_pending_counts(
    client: FlaskClient, two_sites: dict[str, Any]
) -> None:
    def listing(headers: dict[str, str]) -> dict[str, Any]:
        response = client.get(f"{ADMIN}/queue/sites", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {i["site_id"]: (i["name"], i["pending"], i["more"]) for i in response.get_json()["items"]}

    assert listing(two_sites["north"]) == {"north": ("North", 2, False)}
    assert listing(two_sites["south"]) == {"south": ("South", 1, False)}
    assert listing(ALICE) == {
        "default": ("Default site", 1, False),
        "north": ("North", 2, False),
        "south": ("South", 1, False),
    }
    client.post(f"{ADMIN}/entries/{two_sites['north_entries'][0]}/approve", headers=two_sites["north"])
    assert listing(two_sites["north"])["north"][1] == 1


def test_a_moderators_sites_must_exist(client: FlaskClient, two_sites: dict[str, Any]) -> None:
    response = client.post(
        f"{ADMIN}/accounts", json={"name": "Ghost", "role": "moderator", "sites": ["east"]}, headers=ALICE
    )
    assert response.status_code == 422 and "sites" in response.get_json()["error"]["fields"]
    me = client.get(f"{ADMIN}/me", headers=two_sites["north"]).get_json()
    assert me == {"moderator": "Nora", "role": "moderator", "sites": ["north"]}


def test_a_moderator_may_not_manage_sites_or_act_across_sites(
    app: Flask, client: FlaskClient, two_sites: dict[str, Any]
) -> None:
    north = two_sites["north"]
    for method, path, body in (
        ("POST", f"{ADMIN}/sites", {"id": "east", "name": "East"}),
        ("PATCH", f"{ADMIN}/sites/north", {"name": "Mine now"}),
        ("GET", f"{ADMIN}/accounts", None),
        ("GET", f"{ADMIN}/webhooks", None),
        ("POST", f"{ADMIN}/webhooks/1/retry", None),
    ):
        response = client.open(path, method=method, json=body, headers=north)
        assert response.status_code == 403, (method, path)
    listed = client.get(f"{ADMIN}/sites", headers=north).get_json()["items"]
    assert [s["id"] for s in listed] == ["north"]
    assert client.get(f"{ADMIN}/sites/south", headers=north).status_code == 404
    assert client.get(f"{ADMIN}/stats/toxicity", query_string={"site": "south"}, headers=north).status_code == 404

    # Exports: only from their own sites, and they must say which.
    assert client.get(f"{ADMIN}/export", query_string={"email": "pat@x.org"}, headers=north).status_code == 422
    assert client.get(f"{ADMIN}/export", query_string={"site": "south"}, headers=north).status_code == 404
    assert client.get(f"{ADMIN}/export", query_string={"article_id": "same-id"}, headers=north).status_code == 404
    mine = client.get(f"{ADMIN}/export", query_string={"site": "north"}, headers=north)
    assert mine.status_code == 200
    lines = mine.get_data(as_text=True).splitlines()[1:]
    assert sorted(int(json.loads(line)["id"]) for line in lines) == sorted(two_sites["north_entries"])

    # An erasure by email covers their sites only.
    ours = comment(client, "north", "erase-me", email="pat@x.org")
    theirs = comment(client, "south", "erase-me", email="pat@x.org")
    erased = client.post(f"{ADMIN}/erasures", json={"email": "pat@x.org"}, headers=north)
    assert erased.status_code == 200 and erased.get_json() == {"erased": [ours]}
    with app.app_context():
        assert db.session.get(Entry, ours) is None and db.session.get(Entry, theirs) is not None
