"""Signed-in readers, bans, closed threads, author records and edits belong to a site: the
same article id on two sites, two sites' tokens, moderators limited to one site."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient

from ..helpers import ALICE
from ..helpers import V1
from ..helpers import add_moderator

ADMIN = f"{V1}/admin"
NORTH_KEY = "north-signs-its-readers-with-this-key"
SOUTH_KEY = "south-signs-its-readers-with-another-key"


def token(site: str, key: str, sub: str = "u-1", **claims: Any) -> dict[str, str]:
    body = {"sub": sub, "name": "Sam Reader", "aud": site, "exp": int(time.time()) + 600, **claims}
    return {"X-Comments-SSO": jwt.encode(body, key, algorithm="HS256")}


def add_site(client: FlaskClient, site: str, **settings: Any) -> None:
    body = {"id": site, "name": site.title(), "settings": settings}
    response = client.post(f"{ADMIN}/sites", json=body, headers=ALICE)
    assert response.status_code == 201, response.get_json()


def post(client: FlaskClient, site: str, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    body = {"body": f"A comment on {site} {fields!r} {time.monotonic_ns()}", **fields}
    if not headers:
        body.setdefault("author", "Ann")
    return client.post(f"{V1}/sites/{site}/articles/same-id/comments", json=body, headers=headers or {})


@pytest.fixture
def sites(client: FlaskClient) -> None:
    add_site(client, "north", sso_secret=NORTH_KEY, login_url="https://north.example/login")
    add_site(client, "south", sso_secret=SOUTH_KEY, edit_window_minutes=0, badges=["member"])


def test_a_token_signed_for_one_site_is_a_401_on_another(client: FlaskClient, sites: None) -> None:
    north = token("north", NORTH_KEY)
    assert post(client, "north", north).status_code == 202
    for site in ("south", "default"):
        refused = post(client, site, north)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    # South's own key on a token naming north, and north's key on a token naming south.
    assert post(client, "north", token("north", SOUTH_KEY)).status_code == 401
    assert post(client, "south", token("south", NORTH_KEY)).status_code == 401
    # The same key on two sites still tells them apart by the audience.
    add_site(client, "east", sso_secret=NORTH_KEY)
    assert post(client, "east", north).status_code == 401
    assert post(client, "east", token("east", NORTH_KEY)).status_code == 202
    # Badges are the site's own labels.
    south = client.post(
        f"{V1}/sites/south/articles/same-id/comments",
        json={"body": "A member speaks"},
        headers=token("south", SOUTH_KEY, badge="member"),
    )
    assert south.status_code == 202 and south.get_json()["badge"] == "member"
    north_badge = post(client, "north", token("north", NORTH_KEY, sub="u-2", badge="member"))
    assert north_badge.status_code == 202 and north_badge.get_json()["badge"] is None


def test_site_settings_of_signed_in_readers_through_the_admin_api(client: FlaskClient, sites: None) -> None:
    shown = client.get(f"{ADMIN}/sites/north", headers=ALICE).get_json()["settings"]
    assert shown["sso_secret"] == "…" + NORTH_KEY[-4:] and NORTH_KEY not in str(shown)
    assert shown["sso_audience"] == "north" and shown["login_url"] == "https://north.example/login"
    assert shown["edit_window_minutes"] == 15 and shown["ban_mode"] == "refuse"
    # Signed-in commenting needs a key; a site without one is refused and nothing changes.
    add_site(client, "west")
    refused = client.patch(f"{ADMIN}/sites/west", json={"settings": {"who_may_comment": "signed-in"}}, headers=ALICE)
    assert refused.status_code == 422
    assert client.get(f"{ADMIN}/sites/west", headers=ALICE).get_json()["settings"]["who_may_comment"] == "anyone"
    # Signed-in only on north: anonymous posts there are refused, south still takes them.
    changed = client.patch(f"{ADMIN}/sites/north", json={"settings": {"who_may_comment": "signed-in"}}, headers=ALICE)
    assert changed.status_code == 200
    page = client.get(f"{V1}/sites/north/articles/same-id/comments").get_json()
    assert page["commenting"] == "signed-in" and page["login_url"] == "https://north.example/login"
    assert post(client, "north").status_code == 401
    assert post(client, "south").status_code == 202
    assert client.get(f"{V1}/sites/south/articles/same-id/comments").get_json()["commenting"] == "anyone"


def test_closing_bans_and_edits_on_one_site_do_not_reach_another(client: FlaskClient, sites: None) -> None:
    """The same article id and the same user id on two sites: each site's own."""
    _, nora = add_moderator(client, "Nora", "north")
    # Nora's only site is north: her close, without ?site=, closes north's thread.
    closed = client.post(f"{ADMIN}/articles/same-id/close", json={}, headers=nora)
    assert closed.status_code == 200 and closed.get_json()["site"] == "north"
    assert post(client, "north").get_json()["error"]["code"] == "closed"
    assert post(client, "south").status_code == 202
    assert client.get(f"{V1}/sites/north/articles/same-id/comments").get_json()["closed"] is True
    assert client.get(f"{V1}/sites/south/articles/same-id/comments").get_json()["closed"] is False
    assert client.get(f"{V1}/articles/same-id/comments").get_json()["closed"] is False
    reopened = client.post(f"{ADMIN}/articles/same-id/reopen", json={}, headers=nora)
    assert reopened.status_code == 200

    # A ban of user u-1 on north: north refuses them, south takes the same user id.
    banned = client.post(f"{ADMIN}/bans", json={"user_id": "u-1", "reason": "Abuse"}, headers=nora)
    assert banned.status_code == 201 and banned.get_json()["site"] == "north"
    refused = post(client, "north", token("north", NORTH_KEY))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "banned"
    south_entry = post(client, "south", token("south", SOUTH_KEY))
    assert south_entry.status_code == 202
    south_id = south_entry.get_json()["id"]
    detail = client.get(f"{ADMIN}/entries/{south_id}", headers=ALICE).get_json()
    assert detail["author_history"]["bans"] == []
    assert client.get(f"{ADMIN}/bans", query_string={"site": "south"}, headers=ALICE).get_json()["items"] == []
    assert len(client.get(f"{ADMIN}/bans", query_string={"site": "north"}, headers=ALICE).get_json()["items"]) == 1

    # Edits: south's window is 0 minutes, north's the default 15; an entry answers only on
    # its own site's paths.
    late = client.patch(
        f"{V1}/sites/south/entries/{south_id}", json={"body": "Changed"}, headers=token("south", SOUTH_KEY)
    )
    assert late.status_code == 403 and late.get_json()["error"]["code"] == "edit_window_closed"
    mine = token("north", NORTH_KEY, sub="u-9")
    north_id = post(client, "north", mine).get_json()["id"]
    assert (
        client.patch(f"{V1}/sites/north/entries/{north_id}", json={"body": "Better"}, headers=mine).status_code == 200
    )
    elsewhere = client.patch(f"{V1}/entries/{north_id}", json={"body": "Hijack"}, headers=mine)
    assert elsewhere.status_code == 401  # the default site does not sign readers in
    south_token = token("south", SOUTH_KEY, sub="u-9")
    assert (
        client.patch(f"{V1}/sites/south/entries/{north_id}", json={"body": "x"}, headers=south_token).status_code == 404
    )
    assert client.delete(f"{V1}/sites/south/entries/{north_id}", headers=south_token).status_code == 404
    assert client.delete(f"{V1}/sites/north/entries/{north_id}", headers=mine).status_code == 204


def test_own_entries_are_listed_on_their_site_only(client: FlaskClient, sites: None) -> None:
    """The same user id on two sites is two readers: each site's token lists that site's
    entries, on that site's path only."""
    north, south = token("north", NORTH_KEY, sub="u-9"), token("south", SOUTH_KEY, sub="u-9")
    north_id = post(client, "north", north).get_json()["id"]
    assert post(client, "south", south).status_code == 202  # south's window is 0 minutes
    path = "articles/same-id/mine"
    listed = client.get(f"{V1}/sites/north/{path}", headers=north)
    assert listed.status_code == 200 and [i["id"] for i in listed.get_json()["items"]] == [north_id]
    assert listed.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"{V1}/sites/south/{path}", headers=south).get_json() == {"items": []}
    for site_path, headers in ((f"sites/south/{path}", north), (path, north), (f"sites/north/{path}", south)):
        refused = client.get(f"{V1}/{site_path}", headers=headers)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token", site_path
    assert client.get(f"{V1}/sites/nowhere/{path}", headers=north).status_code == 404


def test_a_moderator_gets_404_for_another_sites_bans_threads_and_entries(client: FlaskClient, sites: None) -> None:
    _, nora = add_moderator(client, "Nora", "north")
    south_entry = post(client, "south").get_json()["id"]
    south_ban = client.post(f"{ADMIN}/bans", json={"user_id": "u-5", "reason": "Spam", "site": "south"}, headers=ALICE)
    assert south_ban.status_code == 201 and south_ban.get_json()["site"] == "south"
    ban_id = south_ban.get_json()["id"]
    for method, path, body, query in (
        ("POST", f"/bans/{ban_id}/lift", {}, {}),
        ("GET", "/bans", None, {"site": "south"}),
        ("POST", "/bans", {"user_id": "u-5", "reason": "x", "site": "south"}, {}),
        ("POST", "/bans", {"entry_id": south_entry, "reason": "x"}, {}),
        ("POST", f"/entries/{south_entry}/always-hold", {"hold": True}, {}),
        ("POST", "/articles/same-id/close", {}, {"site": "south"}),
        ("GET", "/articles/same-id/thread", None, {"site": "south"}),
    ):
        response = client.open(f"{ADMIN}{path}", method=method, json=body, query_string=query, headers=nora)
        assert response.status_code == 404, (method, path, response.get_json())
    # Nothing changed on south.
    bans = client.get(f"{ADMIN}/bans", query_string={"site": "south"}, headers=ALICE).get_json()["items"]
    assert [b["id"] for b in bans] == [ban_id] and bans[0]["active"] is True
    assert client.get(f"{V1}/sites/south/articles/same-id/comments").get_json()["closed"] is False
    # A ban by entry is on the entry's site.
    by_entry = client.post(f"{ADMIN}/bans", json={"entry_id": south_entry, "reason": "Abuse"}, headers=ALICE)
    assert by_entry.status_code == 201 and by_entry.get_json()["site"] == "south"


def test_stats_rebuild_keeps_each_sites_author_records_apart(client: FlaskClient, sites: None) -> None:
    """One email on two sites is two records; a rebuild of one site leaves the other."""
    kim: dict[str, Any] = {"author": "Kim", "email": "kim@example.org"}
    north = [post(client, "north", **kim).get_json()["id"] for _ in range(2)]
    south = post(client, "south", **kim).get_json()["id"]
    for entry in north:
        assert client.post(f"{ADMIN}/entries/{entry}/approve", json={}, headers=ALICE).status_code == 200
    assert client.post(f"{ADMIN}/entries/{south}/spam", json={}, headers=ALICE).status_code == 200

    def history(entry: int) -> dict[str, Any]:
        return client.get(f"{ADMIN}/entries/{entry}", headers=ALICE).get_json()["author_history"]  # type: ignore[no-any-return]

    assert (history(north[0])["approved"], history(north[0])["spam"]) == (2, 0)
    assert (history(south)["approved"], history(south)["spam"]) == (0, 1)
    runner = client.application.test_cli_runner()
    for args in (["stats", "rebuild", "--site", "south"], ["stats", "rebuild"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert (history(north[0])["approved"], history(north[0])["spam"]) == (2, 0)
        assert (history(south)["approved"], history(south)["spam"]) == (0, 1)
    assert "records of 1 authors" in runner.invoke(args=["stats", "rebuild", "--site", "north"]).output
