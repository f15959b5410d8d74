"""Moderator accounts through the admin API: admins create them (the token shown once),
change and delete them, issue and revoke tokens; a moderator cannot; revoked, disabled and
deleted accounts' tokens are refused; tokens are never served again, nor their digests."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import ModerationEvent
from service.persistence.models import ModeratorAccount
from service.persistence.models import ModeratorToken
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

ACCOUNTS = f"{V1}/admin/accounts"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create(client: FlaskClient, expect: int = 201, headers: dict[str, str] = ALICE, **body: Any) -> dict[str, Any]:
    response = client.post(ACCOUNTS, json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def moderator(client: FlaskClient, name: str = "Mo", sites: tuple[str, ...] = ("default",)) -> tuple[int, str]:
    """A moderator account: its id and its token."""
    made = create(client, name=name, role="moderator", sites=list(sites))
    return made["account"]["id"], made["token"]["token"]


def stored(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def digests(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ModeratorToken.token_hash)))


def test_an_admin_creates_an_account_and_its_token_is_shown_once(app: Flask, client: FlaskClient) -> None:
    made = create(client, name="Night desk", role="moderator", sites=["default"], label="laptop")
    account, token = made["account"], made["token"]
    assert account["name"] == "Night desk" and account["role"] == "moderator" and account["sites"] == ["default"]
    assert account["disabled"] is False and account["last_used_at"] is None
    assert token["token"].startswith("cmt_") and token["label"] == "laptop" and token["revoked_at"] is None
    assert [t["id"] for t in account["tokens"]] == [token["id"]]
    assert "token" not in account["tokens"][0]

    me = client.get(f"{V1}/admin/me", headers=bearer(token["token"])).get_json()
    assert me == {"moderator": "Night desk", "role": "moderator", "sites": ["default"]}
    assert client.get(f"{V1}/admin/me", headers=ALICE).get_json() == {
        "moderator": "alice",
        "role": "admin",
        "sites": None,
    }

    # Never again: not in the list, not in the account, and the digest nowhere either.
    (digest,) = digests(app)
    for path in (ACCOUNTS, f"{ACCOUNTS}/{account['id']}"):
        body = client.get(path, headers=ALICE).get_data(as_text=True)
        assert token["token"] not in body and digest not in body
        assert token["token"][4:20] not in body
    listed = client.get(ACCOUNTS, headers=ALICE).get_json()["items"]
    assert [a["name"] for a in listed] == ["Night desk"]
    assert listed[0]["last_used_at"] is not None  # the /me above used it


def test_an_admin_account_can_do_what_the_environments_admins_do(client: FlaskClient, api: Api) -> None:
    admin = bearer(create(client, name="Ada", role="admin")["token"]["token"])
    assert client.get(f"{V1}/admin/me", headers=admin).get_json() == {
        "moderator": "Ada",
        "role": "admin",
        "sites": None,
    }
    made = create(client, headers=admin, name="Bo", role="moderator", sites=["default"])
    assert made["account"]["name"] == "Bo"
    entry = api.comment()["id"]
    api.act(entry, "approve", headers=admin)
    history = api.get(f"/admin/entries/{entry}", headers=admin)["history"]
    assert history[-1]["moderator"] == "Ada"


def test_decisions_are_recorded_with_the_account_name(app: Flask, client: FlaskClient, api: Api) -> None:
    _, token = moderator(client, "Mia Moderator")
    entry = api.comment()["id"]
    api.act(entry, "reject", headers=bearer(token), code="off-topic")
    with app.app_context():
        names = db.session.scalars(select(ModerationEvent.moderator).where(ModerationEvent.entry_id == entry)).all()
    assert names[-1] == "Mia Moderator"


def test_a_moderator_may_not_manage_accounts(app: Flask, client: FlaskClient) -> None:
    account_id, token = moderator(client)
    other_id, _ = moderator(client, "Other")
    headers = bearer(token)
    before = (stored(app, ModeratorAccount), stored(app, ModeratorToken))
    for method, path, body in (
        ("GET", ACCOUNTS, None),
        ("POST", ACCOUNTS, {"name": "Sneaky", "role": "admin"}),
        ("GET", f"{ACCOUNTS}/{other_id}", None),
        ("PATCH", f"{ACCOUNTS}/{account_id}", {"role": "admin"}),
        ("PATCH", f"{ACCOUNTS}/{other_id}", {"disabled": True}),
        ("DELETE", f"{ACCOUNTS}/{other_id}", None),
        ("POST", f"{ACCOUNTS}/{account_id}/tokens", {}),
        ("DELETE", f"{ACCOUNTS}/{other_id}/tokens/1", None),
    ):
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "forbidden"
    assert (stored(app, ModeratorAccount), stored(app, ModeratorToken)) == before
    assert client.get(f"{V1}/admin/me", headers=headers).get_json()["role"] == "moderator"


def test_tokens_are_issued_and_revoked(app: Flask, client: FlaskClient) -> None:
    account_id, first = moderator(client)
    issued = client.post(f"{ACCOUNTS}/{account_id}/tokens", json={"label": "phone"}, headers=ALICE)
    assert issued.status_code == 201
    second = issued.get_json()
    assert second["token"].startswith("cmt_") and second["token"] != first and second["label"] == "phone"
    for token in (first, second["token"]):
        assert client.get(f"{V1}/admin/queue", headers=bearer(token)).status_code == 200

    revoked = client.delete(f"{ACCOUNTS}/{account_id}/tokens/{second['id']}", headers=ALICE)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"] is not None
    refused = client.get(f"{V1}/admin/queue", headers=bearer(second["token"]))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get(f"{V1}/admin/queue", headers=bearer(first)).status_code == 200
    again = client.delete(f"{ACCOUNTS}/{account_id}/tokens/{second['id']}", headers=ALICE)
    assert again.status_code == 200 and again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]
    tokens = client.get(f"{ACCOUNTS}/{account_id}", headers=ALICE).get_json()["tokens"]
    assert [(t["label"], t["revoked_at"] is not None) for t in tokens] == [(None, False), ("phone", True)]

    other_id, _ = moderator(client, "Other")
    for path in (f"{ACCOUNTS}/{other_id}/tokens/{second['id']}", f"{ACCOUNTS}/{account_id}/tokens/999999"):
        assert client.delete(path, headers=ALICE).status_code == 404
    assert client.post(f"{ACCOUNTS}/999999/tokens", json={}, headers=ALICE).status_code == 404


def test_disabled_and_deleted_accounts_are_refused(app: Flask, client: FlaskClient) -> None:
    account_id, token = moderator(client)
    disabled = client.patch(f"{ACCOUNTS}/{account_id}", json={"disabled": True}, headers=ALICE)
    assert disabled.status_code == 200 and disabled.get_json()["disabled"] is True
    assert client.get(f"{V1}/admin/me", headers=bearer(token)).status_code == 401
    client.patch(f"{ACCOUNTS}/{account_id}", json={"disabled": False}, headers=ALICE)
    assert client.get(f"{V1}/admin/me", headers=bearer(token)).status_code == 200
    assert client.delete(f"{ACCOUNTS}/{account_id}", headers=ALICE).status_code == 204
    assert client.get(f"{V1}/admin/me", headers=bearer(token)).status_code == 401
    assert client.get(f"{ACCOUNTS}/{account_id}", headers=ALICE).status_code == 404
    assert client.delete(f"{ACCOUNTS}/{account_id}", headers=ALICE).status_code == 404
    assert stored(app, ModeratorToken) == 0


def add_sites(client: FlaskClient, *sites: str) -> None:
    for site in sites:
        response = client.post(f"{V1}/admin/sites", json={"id": site, "name": site.title()}, headers=ALICE)
        assert response.status_code == 201, response.get_json()


def test_role_and_sites_are_changed(client: FlaskClient) -> None:
    add_sites(client, "north", "south", "east")
    account_id, token = moderator(client, sites=("north", "south"))
    unknown = client.patch(f"{ACCOUNTS}/{account_id}", json={"sites": ["north", "west"]}, headers=ALICE)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {
        "sites": "No site has the id 'west'."
    }
    changed = client.patch(f"{ACCOUNTS}/{account_id}", json={"sites": ["south", "east"]}, headers=ALICE).get_json()
    assert changed["sites"] == ["east", "south"]
    assert client.get(f"{V1}/admin/me", headers=bearer(token)).get_json()["sites"] == ["east", "south"]
    promoted = client.patch(f"{ACCOUNTS}/{account_id}", json={"role": "admin"}, headers=ALICE).get_json()
    assert (promoted["role"], promoted["sites"]) == ("admin", [])
    assert client.get(f"{ACCOUNTS}", headers=bearer(token)).status_code == 200  # an admin now
    refused = client.patch(f"{ACCOUNTS}/{account_id}", json={"role": "moderator"}, headers=ALICE)
    assert refused.status_code == 422 and "sites" in refused.get_json()["error"]["fields"]
    demoted = client.patch(f"{ACCOUNTS}/{account_id}", json={"role": "moderator", "sites": ["north"]}, headers=ALICE)
    assert demoted.get_json()["sites"] == ["north"]
    assert client.get(f"{ACCOUNTS}", headers=bearer(token)).status_code == 403


def test_an_admin_account_does_not_lock_itself_out(client: FlaskClient) -> None:
    made = create(client, name="Ada", role="admin")
    own, headers = made["account"]["id"], bearer(made["token"]["token"])
    for method, body in (
        ("PATCH", {"disabled": True}),
        ("PATCH", {"role": "moderator", "sites": ["x"]}),
        ("DELETE", None),
    ):
        response = client.open(f"{ACCOUNTS}/{own}", method=method, json=body, headers=headers)
        assert response.status_code == 409, (method, body)
    assert client.get(f"{V1}/admin/me", headers=headers).get_json()["role"] == "admin"
    assert client.delete(f"{ACCOUNTS}/{own}", headers=ALICE).status_code == 204  # another admin can


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"role": "moderator", "sites": ["default"]}, 422, "name"),
        ({"name": "Mo", "sites": ["default"]}, 422, "role"),
        ({"name": "Mo", "role": "owner", "sites": ["default"]}, 422, "role"),
        ({"name": "Mo", "role": "moderator"}, 422, "sites"),
        ({"name": "Mo", "role": "moderator", "sites": []}, 422, "sites"),
        ({"name": "Mo", "role": "admin", "sites": ["default"]}, 422, "sites"),
        ({"name": "Mo", "role": "moderator", "sites": ["Not A Slug"]}, 422, "sites.0"),
        ({"name": "Mo", "role": "moderator", "sites": ["nowhere"]}, 422, "sites"),
        ({"name": "Mo", "role": "moderator", "sites": "default"}, 422, "sites"),
        ({"name": "", "role": "admin"}, 422, "name"),
        ({"name": "x" * 81, "role": "admin"}, 422, "name"),
        ({"name": "<b>Mo</b>", "role": "admin"}, 422, "name"),
        ({"name": "auto-moderation", "role": "admin"}, 422, "name"),
        ({"name": "Mo", "role": "admin", "label": "l" * 81}, 422, "label"),
        ({"name": "Mo", "role": "admin", "token": "cmt_mine"}, 422, "token"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, body: dict[str, Any], status: int, field: str
) -> None:
    response = client.post(ACCOUNTS, json=body, headers=ALICE)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert field in error.get("fields", {}), error
    assert stored(app, ModeratorAccount) == 0 and stored(app, ModeratorToken) == 0


def test_names_are_unique_ignoring_case(app: Flask, client: FlaskClient) -> None:
    moderator(client, "Mo")
    for name in ("Mo", "mo", "MO"):
        response = client.post(ACCOUNTS, json={"name": name, "role": "admin"}, headers=ALICE)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    assert stored(app, ModeratorAccount) == 1
    assert client.post(ACCOUNTS, data="name=x", headers=ALICE).status_code == 415


def test_last_used_is_written_at_most_once_a_minute(app: Flask, client: FlaskClient) -> None:
    account_id, token = moderator(client)
    assert client.get(f"{ACCOUNTS}/{account_id}", headers=ALICE).get_json()["last_used_at"] is None
    client.get(f"{V1}/admin/me", headers=bearer(token))
    with app.app_context():
        first = db.session.scalar(select(ModeratorToken.last_used_at))
    assert first is not None
    for _ in range(3):
        assert client.get(f"{V1}/admin/queue", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ModeratorToken.last_used_at)) == first


def test_a_token_of_the_right_shape_but_unknown_is_refused_and_throttled(make_app: Any) -> None:
    app = make_app(RATE_LIMIT="100/minute", RATELIMIT_KEY_PREFIX=f"test-accounts-{secrets.token_hex(4)}")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    guess = bearer("cmt_" + "A" * 43)
    statuses = [client.get(f"{V1}/admin/queue", headers=guess).status_code for _ in range(10)]
    assert statuses == [401] * 10
    assert client.get(f"{V1}/admin/queue", headers=guess).status_code == 429


def test_tokens_never_reach_the_application_log(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    loggers = [logging.getLogger(name) for name in ("service", "werkzeug", "flask_smorest", "sqlalchemy")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        account_id, token = moderator(client)
        issued = client.post(f"{ACCOUNTS}/{account_id}/tokens", json={}, headers=ALICE).get_json()["token"]
        for used in (token, issued, token + "x"):
            client.get(f"{V1}/admin/queue", headers=bearer(used))
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)
    assert token not in caplog.text and issued not in caplog.text
