"""An admin adds a site and a moderator for it in /admin/; that moderator signs in with the
token shown once and sees, and decides, only that site's queue."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Page
from playwright.sync_api import expect

from .support import ADMIN
from .support import Service
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import show_article
from .support import sign_in


def add_site(service: Service, site: str, name: str) -> None:
    response = service.http.post(
        f"{service.base}/api/v1/admin/sites", json={"id": site, "name": name}, headers=ADMIN, timeout=10
    )
    assert response.status_code == 201, response.text


def site_comment(service: Service, site: str, body: str) -> int:
    """A comment on ``site``; a worker learns of a site added through another within a
    second or so (api/sites.py), so a 404 is tried again, for at most 5 s."""
    deadline = time.monotonic() + 5
    while True:
        response = service.http.post(
            f"{service.base}/api/v1/sites/{site}/articles/front-page/comments",
            json={"author": "Ann", "body": body},
            timeout=10,
        )
        if response.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def test_an_admin_adds_a_site_moderator_who_sees_only_that_sites_queue(
    page: Page, service: Service, service_url: str
) -> None:
    tag = uuid.uuid4().hex[:6]
    north, south, name = f"north-{tag}", f"south-{tag}", f"Nora {tag}"
    add_site(service, south, f"South Star {tag}")
    site_comment(service, south, f"Not for Nora ({tag}).")

    sign_in(page, service_url)
    page.get_by_role("link", name="Sites").click()
    form = page.locator("#site-form")
    form.get_by_label("Site id").fill(north)
    form.get_by_label("Name").fill(f"North Post {tag}")
    form.get_by_label("Origins").fill("https://north.example")
    form.get_by_role("button", name="Create site").click()
    expect(page.locator("#sites-status")).to_have_text(f"Created the site North Post {tag}.")
    expect(page.locator("#site-list")).to_contain_text("https://north.example")
    page.get_by_role("button", name=f"Edit settings of North Post {tag}").click()
    edit = page.get_by_role("form", name=f"Edit the site {north}")
    edit.get_by_label("Origins").fill("https://north.example\nhttps://www.north.example")
    assert axe_violations(page) == []
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#sites-status")).to_have_text(f"Saved the site North Post {tag}.")
    expect(page.locator("#site-list")).to_contain_text("https://north.example, https://www.north.example")
    ours = site_comment(service, north, f"The ferry timetable ({tag}).")
    page.get_by_role("link", name="Accounts").click()
    accounts = page.locator("#accounts")
    expect(accounts.get_by_role("heading", name="Moderator accounts")).to_be_visible()
    accounts.get_by_label("Name").fill(name)
    expect(accounts.get_by_label("Role")).to_have_value("moderator")
    accounts.get_by_label(f"North Post {tag} ({north})").check()
    accounts.get_by_label("Token note").fill("night desk")
    accounts.get_by_role("button", name="Create account").click()
    shown = accounts.get_by_role("textbox", name="New token", exact=True)
    expect(shown).to_be_focused()
    token = shown.input_value()
    assert token.startswith("cmt_")
    expect(accounts.get_by_role("list", name="Accounts").get_by_role("heading", name=name)).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "admin-accounts-token-shown-once")
    accounts.get_by_role("button", name="Done").click()
    expect(shown).to_be_hidden()
    # shown once: gone from the page
    assert page.locator("#new-token-value").input_value() == "" and token not in accounts.inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    expect(page.locator("#who")).to_have_text(f"Signed in as {name}")
    expect(page.get_by_role("link", name="Accounts")).to_be_hidden()
    expect(page.locator("#site-bar")).to_contain_text(f"North Post {tag}")
    expect(page.locator("#site-bar")).to_contain_text("1 pending")
    expect(page.locator("#site-bar")).not_to_contain_text(south)
    items = page.locator(".item")
    expect(items).to_have_count(1)
    expect(items.first.locator(".raw")).to_have_text(f"The ferry timetable ({tag}).")
    assert axe_violations(page) == []
    shot(page, "admin-site-moderator-queue")
    show_article(page, "front-page")  # an article id of their site, not the default one's
    expect(items).to_have_count(1)
    expect(page.locator("#status")).to_have_text("1 pending entry on front-page.")
    items.first.focus()

    page.keyboard.press("a")
    expect(page.get_by_text("Nothing is waiting. The queue is clear.")).to_be_visible()
    event = service.entry(ours)["history"][-1]
    assert (event["moderator"], event["action"]) == (name, "approve")
    assert_clean(page)
