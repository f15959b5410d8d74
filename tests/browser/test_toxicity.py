"""Issue 19 in Chromium: on a post-moderated service a reader's toxic comment is held and a
benign one published; in /admin/ each entry wears its toxicity badge, "Most likely toxic
first" puts the worst first, the score filter keeps only high scores, and the page stays
axe-clean in light and dark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .conftest import new_context
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import show_article
from .support import sign_in

# One worker runs the module (xdist_group): its gunicorn starts once, not once per worker.
pytestmark = pytest.mark.xdist_group("browser-toxicity")

TOXIC = "You are a stupid idiot and everyone here hates you"  # 0.99999
RUDE = "This is a dumb take"  # 0.994: held too, but less likely toxic
BENIGN = "Thanks for the thoughtful article about the city budget."  # 0.002


@pytest.fixture(scope="module")
def post_moderated(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[str]:
    database = migrated_sqlite(tmp_path_factory.mktemp("toxicity") / "comments.db")
    env = {
        **server_env(database),
        "COMMENTS_ALLOWED_ORIGINS": host.origin,
        "COMMENTS_MODERATION_MODE": "post",
        "COMMENTS_SUSPECT_WORDS": "none",  # only the toxicity rule may hold
    }
    with gunicorn(env, workers=1) as base:
        yield base


def post(page: Page, host: HostSite, service: str, article: str, text: str) -> str:
    """A reader's comment through the widget; what the widget answers."""
    page.goto(host.article(service, article))
    form = page.locator(f'[data-comments-for="{article}"]').get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Reader")
    form.get_by_label("Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("Thank you!")
    return status.inner_text()


def test_a_toxic_comment_is_held_badged_and_first(page: Page, host: HostSite, post_moderated: str) -> None:
    article = article_id()
    service = Service(post_moderated)
    rude = service.comment(article, body=RUDE)  # older than the toxic one: oldest first puts it first
    assert "published" not in post(page, host, post_moderated, article, TOXIC)
    assert post(page, host, post_moderated, article, BENIGN) == "Thank you! It is published."
    toxic = next(e["id"] for e in service.queue(article) if e["body"] == TOXIC)
    assert service.entry(toxic)["history"][0]["reason"].startswith("toxicity 1.00 >= 0.8")

    sign_in(page, post_moderated)
    show_article(page, article)
    items = page.locator(".item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-id", str(rude))  # oldest first
    page.get_by_label("Order").select_option(label="Most likely toxic first")
    expect(items.nth(0)).to_have_attribute("data-id", str(toxic))
    expect(items.nth(0).locator(".tox")).to_have_text("Toxicity 1.00 · likely toxic")
    expect(items.nth(1).locator(".tox")).to_have_text("Toxicity 0.99 · likely toxic")
    expect(items.nth(1)).to_have_attribute("data-id", str(rude))
    shot(page, "admin-most-likely-toxic-first")

    page.get_by_label("Status").select_option("approved")
    expect(items).to_have_count(1)
    expect(items.nth(0).locator(".tox")).to_have_text("Toxicity 0.00 · unlikely toxic")
    page.get_by_label("Toxicity").select_option(label="0.8 or more")
    expect(page.get_by_text("No entries match these filters.")).to_be_visible()
    assert_clean(page)


def test_the_badges_and_controls_are_axe_clean_in_light_and_dark(
    browser: Browser, host: HostSite, post_moderated: str
) -> None:
    article = article_id()
    service = Service(post_moderated)
    service.comment(article, body=TOXIC)
    service.comment(article, body="Das ist ein sehr schöner Artikel und ich danke dir für die Arbeit")
    service.comment(article, body="This article is garbage")  # 0.77: published, "possibly toxic"
    for scheme in ("light", "dark"):
        context = new_context(browser, color_scheme=scheme)
        try:
            page = context.new_page()
            sign_in(page, post_moderated)
            page.get_by_label("Status").select_option("approved")
            show_article(page, article)
            expect(page.locator(".item .tox")).to_have_count(2)
            expect(page.locator(".tox.unknown")).to_have_text("Toxicity unknown")
            expect(page.locator(".tox.mid")).to_have_text("Toxicity 0.77 · possibly toxic")
            page.get_by_label("Status").select_option("pending")
            expect(page.locator(".item .tox.high")).to_have_count(1)
            assert axe_violations(page) == [], scheme
        finally:
            context.close()
