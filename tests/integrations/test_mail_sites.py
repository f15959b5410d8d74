"""Mail on several sites: a site's readers' subscriptions, links and sender are its own,
and a moderator account gets mail about, and acts from a link on, only the sites it may see
(the COMMENTS_ADMIN_TOKENS admins: every site). Site A's article and site B's article have
the same id; nothing of one reaches the other. Both databases, a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import add_moderator
from tests.integrations.mail_helpers import OTHER_CLIENT
from tests.integrations.mail_helpers import PUBLIC
from tests.integrations.mail_helpers import address
from tests.integrations.mail_helpers import deliver
from tests.integrations.mail_helpers import links
from tests.integrations.mail_helpers import local
from tests.integrations.mail_helpers import parts
from tests.integrations.mail_helpers import set_mail
from tests.integrations.mail_helpers import token_of
from tests.mailserver import MailServer

ADMIN = f"{V1}/admin"
ARTICLE = "same-id"


@pytest.fixture
def app(mail_app: Callable[..., Flask]) -> Flask:
    return mail_app()


def add_site(client: FlaskClient, site: str, **settings: Any) -> None:
    body = {"id": site, "name": site.title(), "origins": [f"https://{site}.example"], "settings": settings}
    response = client.post(f"{ADMIN}/sites", json=body, headers=ALICE)
    assert response.status_code == 201, response.get_json()


def comment(client: FlaskClient, site: str, expect: int = 202, **fields: Any) -> int:
    body = {"author": "Ann", "body": f"On {site}: {fields!r}", **fields}
    response = client.post(f"{V1}/sites/{site}/articles/{ARTICLE}/comments", json=body)
    assert response.status_code == expect, response.get_json()
    return int(response.get_json()["id"]) if expect == 202 else 0


def approve(client: FlaskClient, entry_id: int) -> None:
    response = client.post(f"{ADMIN}/entries/{entry_id}/approve", headers=ALICE)
    assert response.status_code == 200, response.get_json()


def test_mail_of_site_a_does_not_leak_into_site_b(app: Flask, smtp_server: MailServer) -> None:
    client = app.test_client()
    add_site(client, "north", mail_from_name="North Talk", mail_from_address="talk@north.example")
    add_site(client, "south")
    nora_id, nora = add_moderator(client, "Nora", "north")
    _, sam = add_moderator(client, "Sam", "south")
    inboxes = {"nora": address("nora"), "sam": address("sam"), "alice": address("alice")}
    set_mail(client, nora, email=inboxes["nora"], mode="each")
    set_mail(client, sam, email=inboxes["sam"], mode="each")
    set_mail(client, ALICE, email=inboxes["alice"], mode="each")

    # A reader on north asks for replies; a reader of the same article id on south too.
    reader = address("reader")
    mine = comment(client, "north", email=reader, notify_replies=True)
    deliver(app)
    approve(client, mine)
    # Moderator mail: the north moderator and the admin, never the south moderator.
    assert len(smtp_server.to(inboxes["nora"])) == 1 and len(smtp_server.to(inboxes["alice"])) == 1
    assert smtp_server.to(inboxes["sam"]) == []
    (confirmation,) = smtp_server.to(reader)
    assert confirmation.message["From"] == "North Talk <talk@north.example>"  # the site's sender
    (confirm,) = links(parts(confirmation.message)[0], "/sites/north/mail/confirm")
    # Another site's page (the default's, south's) does not know the link.
    for page in ("/mail/confirm", "/sites/south/mail/confirm", "/sites/nowhere/mail/confirm"):
        assert client.post(page, data={"t": token_of(confirm)}).status_code == 404, page
    assert client.post(local(confirm), data={"t": token_of(confirm)}).status_code == 200

    # A reply to the same article id on south, published: nothing for the north reader.
    other = app.test_client()
    other.environ_base.update(OTHER_CLIENT)
    south_top = comment(other, "south", email=address("sid"))
    deliver(app)
    approve(client, south_top)
    south_reply = comment(other, "south", parent_id=south_top, body="South reply")
    deliver(app)
    approve(client, south_reply)
    comment(other, "south", parent_id=mine, expect=422)  # a north comment is no parent on south
    deliver(app)
    assert len(smtp_server.to(reader)) == 1
    # South's moderator heard of south's entries only; north's of north's only.
    assert len(smtp_server.to(inboxes["sam"])) == 2 and len(smtp_server.to(inboxes["nora"])) == 1

    # A reply on north: one mail, from north's sender, unsubscribing under north's path.
    reply = comment(other, "north", parent_id=mine, body="North reply")
    approve(client, reply)
    deliver(app)
    received = smtp_server.to(reader)
    assert len(received) == 2
    message = received[1].message
    assert message["From"] == "North Talk <talk@north.example>"
    (unsubscribe,) = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe.startswith(PUBLIC + "/sites/north/mail/unsubscribe?t=")
    assert client.post("/mail/unsubscribe", data={"t": token_of(unsubscribe)}).status_code == 404
    gone = client.post(
        local(unsubscribe), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert gone.status_code == 200

    # The outbox as each moderator sees it: their sites' mails only.
    listed = client.get(f"{ADMIN}/mail", headers=sam).get_json()
    assert listed["items"] and all(m["moderator"] in ("Sam", "alice", None) for m in listed["items"])
    assert {m["entry_id"] for m in listed["items"]} <= {south_top, south_reply}
    north_mail = client.get(f"{ADMIN}/mail", headers=nora).get_json()["items"][0]["id"]
    assert client.post(f"{ADMIN}/mail/{north_mail}/retry", headers=sam).status_code == 404

    # A link bound to Nora and a north entry: once Nora moderates only south, it is a 404
    # (like an id that does not exist) and changes nothing; the admin's link still works.
    waiting = comment(other, "north", body="Held for a moderator")
    deliver(app)
    (approve_link, *_) = links(parts(smtp_server.to(inboxes["nora"])[-1].message)[0], "/admin/act")
    (admin_link, *_) = links(parts(smtp_server.to(inboxes["alice"])[-1].message)[0], "/admin/act")
    assert client.get(local(approve_link)).status_code == 200
    moved = client.patch(f"{ADMIN}/accounts/{nora_id}", json={"sites": ["south"]}, headers=ALICE)
    assert moved.status_code == 200, moved.get_json()
    assert client.get(local(approve_link)).status_code == 404
    assert client.post("/admin/act", data={"t": token_of(approve_link)}).status_code == 404
    assert client.get(f"{ADMIN}/entries/{waiting}", headers=ALICE).get_json()["status"] == "pending"
    assert client.post("/admin/act", data={"t": token_of(admin_link)}).status_code == 200
    assert client.get(f"{ADMIN}/entries/{waiting}", headers=ALICE).get_json()["status"] == "approved"


def test_a_sites_sender_is_checked_and_falls_back_to_the_deployments(app: Flask) -> None:
    client = app.test_client()
    for bad in (
        {"mail_from_name": "North\r\nBcc: x@y.example"},
        {"mail_from_address": "not an address"},
        {"mail_language": "english"},
    ):
        body = {"id": "north", "name": "North", "settings": bad}
        response = client.post(f"{ADMIN}/sites", json=body, headers=ALICE)
        assert response.status_code == 422, bad
    assert client.get(f"{ADMIN}/sites/north", headers=ALICE).status_code == 404  # nothing stored
    add_site(client, "north", mail_from_name="North Talk")
    settings = client.get(f"{ADMIN}/sites/north", headers=ALICE).get_json()["settings"]
    assert settings["mail_from_name"] == "North Talk"
    assert settings["mail_from_address"] == "comments@news.example" and settings["mail_language"] == "en"
    reset = client.patch(f"{ADMIN}/sites/north", json={"settings": {"mail_from_name": None}}, headers=ALICE)
    assert reset.status_code == 200 and reset.get_json()["settings"]["mail_from_name"] == "News comments"


def test_a_sites_sender_is_set_from_the_command_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["sites", "add", "bugle", "--name", "The Bugle", "mail_from_name=The Bugle", "mail_language=de"]
    )
    assert added.exit_code == 0, added.output
    assert "mail from The Bugle <comments@news.example>, language de" in added.output
    bad = runner.invoke(args=["sites", "set", "bugle", "mail_from_address=nobody"])
    assert bad.exit_code != 0 and "mail_from_address" in bad.output
