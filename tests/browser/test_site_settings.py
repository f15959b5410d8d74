"""An admin changes a site's rules on /admin/ (Sites, "Edit settings"): the form shows the
settings in force and which are the deployment's, names the API's errors at their fields,
never shows a secret, and what it saves is what the site then does, to that site alone."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect

from .support import ADMIN
from .support import Service
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import sign_in
from .test_site_moderators import add_site

WORD = "grumbleberry"
POLL = "Check for new comments every (seconds)"


def submit(service: Service, site: str, body: str) -> str:
    """A comment on ``site`` and the status it got, as moderators see it (spam included)."""
    response = service.http.post(
        f"{service.base}/api/v1/sites/{site}/articles/front-page/comments",
        json={"author": "Ann", "body": body},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return str(service.entry(int(response.json()["id"]))["status"])


def eventually(service: Service, site: str, body: str, status: str) -> str:
    """What a comment on ``site`` gets once every worker applies a change saved through one
    of them (each reloads the sites at least every 10 s: api/sites.py); tries for 15 s."""
    deadline = time.monotonic() + 15
    tries = 0
    while True:
        tries += 1
        got = submit(service, site, f"{body} (try {tries})")
        if got == status or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


def site(service: Service, site_id: str) -> dict[str, Any]:
    response = service.http.get(f"{service.base}/api/v1/admin/sites/{site_id}", headers=ADMIN, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def open_settings(page: Page, name: str, site_id: str) -> Locator:
    page.get_by_role("button", name=f"Edit settings of {name}").click()
    form = page.get_by_role("form", name=f"Edit the site {site_id}")
    expect(form.get_by_label("Name", exact=True)).to_be_focused()
    return form


def test_an_admin_changes_a_sites_banned_words_and_moderation_mode_and_only_that_site_follows(
    page: Page, service: Service, service_url: str
) -> None:
    tag = uuid.uuid4().hex[:6]
    north, south, name = f"north-{tag}", f"south-{tag}", f"North Post {tag}"
    add_site(service, north, name)
    add_site(service, south, f"South Star {tag}")

    sign_in(page, service_url)
    page.get_by_role("link", name="Sites").click()
    form = open_settings(page, name, north)
    mode = form.get_by_label("Moderation mode", exact=True)
    mode_default = form.get_by_label("Use the deployment default for Moderation mode")
    expect(mode).to_have_value("pre")
    expect(mode_default).to_be_checked()
    expect(form.get_by_label("Not set for Webhook secret")).to_be_checked()

    # A value the API refuses: its message at the field, in the form's status, focus on it.
    poll = form.get_by_label(POLL, exact=True)
    poll.fill("3")
    form.get_by_role("button", name="Save").click()
    expect(poll).to_be_focused()
    expect(poll).to_have_attribute("aria-invalid", "true")
    expect(poll).to_have_accessible_description("0: never; else 5 or more. 0 (never) or 5 to 86400 seconds.")
    expect(form.get_by_role("status")).to_have_text(f"Not saved. {POLL}: 0 (never) or 5 to 86400 seconds.")
    assert axe_violations(page) == []
    shot(page, "admin-site-settings-error", full_page=True)
    assert site(service, north)["custom"] == []

    # Back to the deployment's for the poll; post-moderation and the site's own banned word.
    form.get_by_label(f"Use the deployment default for {POLL}").check()
    expect(poll).to_have_value("30")
    mode.select_option("post")
    expect(mode_default).not_to_be_checked()
    form.get_by_label("Banned words", exact=True).fill(f"{WORD}\n")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#sites-status")).to_have_text(f"Saved the site {name}.")
    expect(page.get_by_role("heading", name=f"{name} {north}")).to_be_focused()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=f"{name} {north}"))
    own = card.locator("dt", has_text="Own settings").locator("xpath=following-sibling::dd")
    expect(own).to_have_text("Banned words, Moderation mode")
    saved = site(service, north)
    assert saved["custom"] == ["banned_words", "moderation_mode"]
    assert (saved["settings"]["moderation_mode"], saved["settings"]["banned_words"]) == ("post", [WORD])
    assert saved["settings"]["poll_seconds"] == 30

    assert eventually(service, north, f"Lovely ferry timetable ({tag})", "approved") == "approved"
    assert eventually(service, north, f"Try our {WORD} jam ({tag})", "spam") == "spam"
    # The other site keeps the deployment's rules: held for a moderator, the word included.
    assert submit(service, south, f"Lovely ferry timetable ({tag})") == "pending"
    assert submit(service, south, f"Try our {WORD} jam ({tag})") == "pending"

    # Each entry of the queue names its site (the admin sees several).
    page.get_by_role("link", name="Queue").click()
    page.locator("#site-bar").get_by_role("button", name=f"South Star {tag} ({south})").click()
    expect(page.locator("#status")).to_have_text(f"2 pending entries of South Star {tag} ({south}).")
    expect(page.locator(".item .site-fact")).to_have_text([f"SiteSouth Star {tag} ({south})"] * 2)

    # Moderation mode back to the deployment's; a webhook whose secret is never shown again.
    page.get_by_role("link", name="Sites").click()
    form = open_settings(page, name, north)
    expect(mode).to_have_value("post")
    expect(mode_default).not_to_be_checked()
    expect(form.get_by_label("Banned words", exact=True)).to_have_value(WORD)
    mode_default.check()
    secret = f"hook-secret-{tag}-0123456789"
    form.get_by_label("Webhook URL", exact=True).fill("http://127.0.0.1:9/hooks")
    form.get_by_label("Webhook secret", exact=True).fill(secret)
    form.get_by_label("Webhook secret", exact=True).press("Enter")
    expect(page.locator("#sites-status")).to_have_text(f"Saved the site {name}.")
    expect(own).to_have_text("Banned words, Webhook secret, Webhook URL")
    form = open_settings(page, name, north)
    expect(mode).to_have_value("pre")
    expect(mode_default).to_be_checked()
    expect(form.get_by_label("Webhook secret", exact=True)).to_have_value("")
    expect(form.get_by_label("Not set for Webhook secret")).not_to_be_checked()
    expect(form.locator(f"#set-{north}-webhook_secret-note")).to_have_text(
        "Set. 16 characters or more; signs every event. Type a new one to replace it."
    )
    shown = page.content()
    assert secret not in shown and secret[-4:] not in shown
    assert site(service, north)["custom"] == ["banned_words", "webhook_secret", "webhook_url"]
    assert eventually(service, north, f"Another timetable ({tag})", "pending") == "pending"
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name=f"Edit settings of {name}")).to_be_focused()
    assert_clean(page)
