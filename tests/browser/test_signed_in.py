"""A reader signed in by the news site: posts without name or email, edits within the
window and not after, on another device too, is banned by a moderator on /admin/ and
refused; a closed thread shows no form."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import jwt
import pytest
import requests
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .conftest import new_context
from .support import ADMIN
from .support import HostSite
from .support import article_id
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import show_article
from .support import sign_in

# One worker runs the module (xdist_group): its gunicorn starts once, not once per worker.
pytestmark = pytest.mark.xdist_group("browser-signed-in")

SECRET = "the-news-site-signs-readers-with-this-key"


@pytest.fixture(scope="module")
def sso_service(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[tuple[str, str]]:
    database = migrated_sqlite(tmp_path_factory.mktemp("sso") / "comments.db")
    env = {
        **server_env(database),
        "COMMENTS_ALLOWED_ORIGINS": host.origin,
        "COMMENTS_SSO_SECRET": SECRET,
        "COMMENTS_BADGES": "subscriber",
    }
    with gunicorn(env, workers=1) as base:
        yield base, database.removeprefix("sqlite:///")


def widget_violations(page: Page) -> list[object]:
    """axe-core's findings inside the widget (the bare host page has no landmarks of its own)."""
    return [v for v in axe_violations(page) if any("data-comments-for" in n for n in v["nodes"])]


def reader_token(sub: str = "reader-1", name: str = "Sam Reader") -> str:
    claims = {"sub": sub, "name": name, "badge": "subscriber", "aud": "default"}
    claims["email"] = "sam@example.org"
    return jwt.encode({**claims, "exp": int(time.time()) + 3600}, SECRET, algorithm="HS256")


def test_a_signed_in_reader_posts_edits_and_is_banned(page: Page, host: HostSite, sso_service: tuple[str, str]) -> None:
    service, database = sso_service
    article = article_id()
    page.goto(host.article(service, article, attrs=f' data-comments-sso="{reader_token()}"'))
    widget = page.locator(f'[data-comments-for="{article}"]')
    form = widget.get_by_role("form", name="Comments")
    expect(form.get_by_text("Commenting as Sam Reader")).to_be_visible()
    expect(form.get_by_label("Name")).to_be_hidden()
    form.get_by_label("Comment").fill("Signed in and posting.")
    # Reply mail goes to the address the site's token names: no email field is asked for.
    form.get_by_label("Email me when someone replies").check()
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    mine = widget.locator(".pending")
    expect(mine.locator(".who")).to_have_text("Sam Reader")
    expect(mine.locator(".bdg")).to_have_text("Subscriber")

    # Within the window: Edit, change the text, Save.
    mine.get_by_role("button", name="Edit").click()
    editor = mine.get_by_role("form", name="Edit")
    expect(editor.get_by_label("Comment")).to_have_value("Signed in and posting.")
    editor.get_by_label("Comment").fill("Signed in, posting, and edited.")
    editor.get_by_role("button", name="Save").click()
    expect(mine.locator(".body").first).to_have_text("Signed in, posting, and edited.")
    shot(page, "signed-in-edited")
    assert widget_violations(page) == []

    # Past the window (the entry made 20 minutes older): the service refuses the edit.
    entry_id = int(mine.get_attribute("data-id") or 0)
    with sqlite3.connect(database) as conn:
        past = (datetime.now(UTC) - timedelta(minutes=20)).replace(tzinfo=None)
        conn.execute("UPDATE entry SET created_at = ? WHERE id = ?", (past.isoformat(sep=" "), entry_id))
    mine.get_by_role("button", name="Edit").click()
    editor.get_by_label("Comment").fill("Too late to change this.")
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_role("status")).to_have_text("Entries can be edited for 15 minutes after they are sent.")
    expect(mine.locator(".body").first).to_have_text("Signed in, posting, and edited.")

    # A moderator bans the author of that entry on /admin/.
    admin = page.context.new_page()
    sign_in(admin, service)
    show_article(admin, article)
    item = admin.locator(f'li.item[data-id="{entry_id}"]')
    expect(item.get_by_text("0 approved · 0 rejected · 0 spam")).to_be_visible()
    item.get_by_role("button", name="Ban author…").click()
    item.get_by_label("Reason for the ban").fill("Personal attacks")
    item.get_by_role("button", name="Ban", exact=True).click()
    expect(admin.locator("#status")).to_contain_text("Banned the author of #")
    admin.locator("#bans summary").click()
    expect(admin.locator("#bans-list")).to_contain_text("reader-1")
    shot(admin, "admin-bans")
    assert axe_violations(admin) == []
    admin.close()

    # The banned reader's next post is refused, with the reason why.
    page.reload()
    form.get_by_label("Comment").fill("Trying again after the ban.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.locator(".status")).to_contain_text("banned")


def test_a_closed_thread_shows_no_form(page: Page, host: HostSite, sso_service: tuple[str, str]) -> None:
    service, _ = sso_service
    article = article_id()
    # A moderator closes the thread on /admin/.
    admin = page.context.new_page()
    sign_in(admin, service)
    admin.locator("#threads summary").click()
    panel = admin.get_by_role("form", name="Close or reopen a thread")
    panel.get_by_label("Article id").fill(article)
    panel.get_by_label("Reason (optional)").fill("Legal advice")
    panel.get_by_role("button", name="Close thread").click()
    expect(admin.locator("#thread-status")).to_have_text(f"Thread {article} is closed: new comments are refused.")
    assert axe_violations(admin) == []
    thread = requests.get(f"{service}/api/v1/admin/articles/{article}/thread", headers=ADMIN, timeout=10).json()
    assert thread["closed"] is True and thread["history"][-1]["reason"] == "Legal advice"
    admin.close()
    page.goto(host.article(service, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.get_by_text("Comments are closed.")).to_be_visible()
    expect(widget.get_by_role("form", name="Comments")).to_be_hidden()
    expect(widget.locator("details.write")).to_be_hidden()
    shot(page, "closed-thread")
    assert widget_violations(page) == []


def test_a_signed_in_reader_edits_on_another_device(
    page: Page, browser: Browser, host: HostSite, sso_service: tuple[str, str]
) -> None:
    """The edit token stays in the browser that posted; signed in, the reader finds Edit on
    their entry in a browser that never saw it, and nobody else does."""
    service, _ = sso_service
    article = article_id()
    kim = reader_token("reader-kim", "Kim Writer")
    page.goto(host.article(service, article, attrs=f' data-comments-sso="{kim}"'))
    form = page.locator(f'[data-comments-for="{article}"]').get_by_role("form", name="Comments")
    form.get_by_label("Comment").fill("Posted on the phone, with <b>bold</b> words.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    entry_id = page.locator(f'[data-comments-for="{article}"] .pending').get_attribute("data-id")
    approved = requests.post(
        f"{service}/api/v1/admin/entries/bulk",
        json={"action": "approve", "ids": [int(entry_id or 0)]},
        headers=ADMIN,
        timeout=10,
    )
    assert approved.status_code == 200, approved.text

    def open_as(token: str | None) -> tuple[Page, list[str], list[object]]:
        """The article in a new browser context (another device: nothing in its storage),
        and, signed in, the ids the service named as the reader's own."""
        context = new_context(browser)
        other = context.new_page()
        errors: list[str] = []
        other.on("pageerror", lambda error: errors.append(str(error)))
        if token is None:
            other.goto(host.article(service, article))
            return other, errors, []
        with other.expect_response(lambda r: r.url.endswith("/mine") and r.request.method == "GET") as asked:
            other.goto(host.article(service, article, attrs=f' data-comments-sso="{token}"'))
        assert asked.value.status == 200 and "no-store" in asked.value.headers["cache-control"]
        return other, errors, [i["id"] for i in asked.value.json()["items"]]

    laptop, errors, mine = open_as(kim)
    assert mine == [int(entry_id or 0)]
    widget = laptop.locator(f'[data-comments-for="{article}"]')
    item = widget.locator(f'.thread li.c[data-id="{entry_id}"]')
    text = item.locator("article > .body")
    expect(text).to_have_text("Posted on the phone, with bold words.")
    assert laptop.evaluate("Object.keys(localStorage).length") == 0
    item.get_by_role("button", name="Edit").click()
    editor = item.get_by_role("form", name="Edit")
    # The text as it was sent, markup included, not as it reads.
    expect(editor.get_by_label("Comment")).to_have_value("Posted on the phone, with <b>bold</b> words.")
    editor.get_by_label("Comment").fill("Posted on the phone, corrected on the laptop.")
    editor.get_by_role("button", name="Save").click()
    expect(text).to_have_text("Posted on the phone, corrected on the laptop.")
    expect(editor).to_have_count(0)
    shot(laptop, "signed-in-edit-elsewhere")
    assert widget_violations(laptop) == []
    laptop.reload()
    expect(text).to_have_text("Posted on the phone, corrected on the laptop.")
    expect(item.locator(".meta")).to_contain_text("edited")
    expect(item.get_by_role("button", name="Withdraw")).to_be_visible()
    assert_clean(laptop)
    assert errors == []
    laptop.context.close()

    # Another signed-in reader, and an anonymous one, see the entry without Edit or Withdraw.
    for token in (reader_token("reader-pat", "Pat Other"), None):
        stranger, errors, mine = open_as(token)
        assert mine == []
        theirs = stranger.locator(f'[data-comments-for="{article}"] .thread li.c[data-id="{entry_id}"]')
        expect(theirs.locator("article > .body")).to_have_text("Posted on the phone, corrected on the laptop.")
        expect(theirs.get_by_role("button", name="Report")).to_be_visible()
        expect(theirs.get_by_role("button", name="Edit")).to_have_count(0)
        expect(theirs.get_by_role("button", name="Withdraw")).to_have_count(0)
        assert errors == []
        stranger.context.close()
