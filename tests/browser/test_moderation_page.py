"""The moderation page as issue 17 found it: button names a screen reader can say, a reload
that fails without emptying the queue, and a phone where the bulk bar stays small."""

from __future__ import annotations

import re

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import Route
from playwright.sync_api import expect

from .conftest import new_context
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import shot
from .support import show_article
from .support import sign_in


def test_names_context_and_a_failed_reload_keeps_the_queue(page: Page, service: Service, service_url: str) -> None:
    article = article_id()
    parent = service.comment(article, author="Ann", body="What does the bridge cost?")
    service.approve(parent)
    service.comment(article, author="Bo", body="Less than the ferry.", parent_id=parent)
    service.review(article, author="Cy", rating=3, body="Fair.")
    sign_in(page, service_url)
    show_article(page, article)
    items = page.locator(".item")
    expect(items).to_have_count(2)
    reply = items.filter(has_text="Less than the ferry.")
    expect(reply.locator(".parent")).to_contain_text("by Ann")
    expect(reply.locator(".parent q")).to_have_text("What does the bridge cost?")
    # Names without the shortcut letters; the shortcut is announced as such.
    expect(reply.get_by_role("button", name="Approve", exact=True)).to_have_attribute("aria-keyshortcuts", "a")
    expect(page.get_by_role("button", name="Approve selected", exact=True)).to_be_visible()
    expect(reply.get_by_role("group", name=re.compile("^Sent text"))).to_have_attribute("tabindex", "0")

    def fail(route: Route) -> None:
        route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error": {"code": "unavailable", "message": "The database is not answering."}}',
        )

    page.route(re.compile(r".*/api/v1/admin/queue\?.*"), fail)
    page.keyboard.press("g")
    expect(page.locator("#status")).to_have_text(
        "Could not reload the queue: The database is not answering. Still showing the 2 entries loaded before."
    )
    expect(items).to_have_count(2)
    page.unroute(re.compile(r".*/api/v1/admin/queue\?.*"))
    page.keyboard.press("g")
    expect(page.locator("#status")).to_have_text(f"2 pending entries on {article}.")
    assert_clean(page)


def test_on_a_phone_the_bulk_bar_is_small_and_hides_no_selected_entry(
    browser: Browser, service: Service, service_url: str
) -> None:
    article = article_id()
    for i in range(12):
        service.comment(article, body=f"Entry {i} " + "words " * 40)
    context = new_context(browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in(page, service_url)
    show_article(page, article)
    expect(page.locator(".item")).to_have_count(12)
    bar = page.locator("#bulk").bounding_box()
    assert bar and bar["height"] <= 100, bar
    for _ in range(6):
        page.keyboard.press("j")
        page.keyboard.press("x")
    current = page.locator(".item.current")
    expect(current).to_contain_text("Entry 6")
    box, bar = current.bounding_box(), page.locator("#bulk").bounding_box()
    assert box and bar and box["y"] >= bar["y"] + bar["height"], (box, bar)
    # No keyboard on a touch screen: no shortcut hints.
    expect(page.locator(".item kbd").first).to_be_hidden()
    expect(page.get_by_role("button", name="Approve selected", exact=True)).to_be_enabled()
    shot(page, "admin-phone")
    context.close()
