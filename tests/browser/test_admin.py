"""The moderation page: signing in once, the queue and its filters, and clearing a queue of
50 entries with the keyboard alone."""

from __future__ import annotations

import time

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from .conftest import new_context
from .support import ACTIVE
from .support import TOKEN
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import shot
from .support import show_article
from .support import sign_in


def test_a_queue_of_50_is_cleared_with_the_keyboard_alone(page: Page, service: Service, service_url: str) -> None:
    article = article_id()
    ids = [
        service.review(article, rating=1 + i % 5, body=f"Entry {i}")
        if i % 5 == 4
        else service.comment(article, body=f"Entry {i}")
        for i in range(50)
    ]
    sign_in(page, service_url)
    show_article(page, article)
    items = page.locator(".item")
    expect(items).to_have_count(50)
    expect(items.first).to_be_focused()
    expect(items.first.locator(".raw")).to_have_text("Entry 0")  # oldest first
    shot(page, "admin-queue-of-50")

    started = time.monotonic()
    expected: dict[int, str] = {}
    page.keyboard.press("j")
    page.keyboard.press("k")  # and back: next/previous
    for i, entry_id in enumerate(ids):
        expect(page.locator(".item.current .raw")).to_have_text(f"Entry {i}")
        if i % 10 == 9:
            page.keyboard.press("r")
            expect(page.locator(".item.current").get_by_label("Reason code")).to_be_focused()
            page.keyboard.press("o")  # "offensive", chosen by its first letter
            page.keyboard.press("Tab")
            page.keyboard.type("Insults another reader.")
            page.keyboard.press("Enter")
            expected[entry_id] = "rejected"
        elif i % 10 == 8:
            page.keyboard.press("s")
            expected[entry_id] = "spam"
        else:
            page.keyboard.press("a")
            expected[entry_id] = "approved"
    expect(page.get_by_text("Nothing is waiting. The queue is clear.")).to_be_visible()
    assert time.monotonic() - started < 60
    shot(page, "admin-queue-cleared")

    assert service.queue(article) == []
    for status in ("approved", "rejected", "spam"):
        got = {e["id"] for e in service.queue(article, status)}
        assert got == {i for i, s in expected.items() if s == status}
    event = service.entry(ids[9])["history"][-1]
    assert (event["moderator"], event["code"], event["reason"]) == ("alice", "offensive", "Insults another reader.")
    assert_clean(page)


def test_bulk_actions_with_checkboxes(page: Page, service: Service, service_url: str) -> None:
    article = article_id()
    ids = [service.comment(article, body=f"Bulk {i}") for i in range(5)]
    sign_in(page, service_url)
    show_article(page, article)
    expect(page.locator(".item")).to_have_count(5)
    for key in ("x", "j", "x", "j", "x"):
        page.keyboard.press(key)
    expect(page.get_by_text("3 selected")).to_be_visible()
    page.keyboard.press("Shift+S")
    expect(page.locator(".item")).to_have_count(2)
    expect(page.locator("#status")).to_have_text("Marked as spam: 3 entries.")
    page.get_by_label("Select all").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("Nothing is waiting. The queue is clear.")).to_be_visible()
    assert [e["id"] for e in service.queue(article, "spam")] == ids[:3]
    assert [e["id"] for e in service.queue(article, "approved")] == ids[3:]


def test_filters_details_history_and_the_session_token(
    browser: Browser, page: Page, service: Service, service_url: str
) -> None:
    article = article_id()
    parent = service.comment(article, author="Parent", body="First.")
    service.approve(parent)
    reply = service.comment(article, author="Rhea", body="A reply.", parent_id=parent, email="rhea@example.org")
    service.review(article, author="Ravi", rating=4, title="Good", body="A review.")
    page.goto(f"{service_url}/admin/")
    page.get_by_label("Moderator token").fill("wrong-token")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("That token was not accepted.")
    page.get_by_label("Moderator token").fill(TOKEN)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    show_article(page, article)
    items = page.locator(".item")
    expect(items).to_have_count(2)
    first = items.first
    expect(first.locator(".kind")).to_have_text("Reply")
    expect(first).to_contain_text("Reply to#" + str(parent))
    expect(first).to_contain_text("rhea@example.org")
    page.get_by_label("Kind").select_option("review")
    expect(items).to_have_count(1)
    expect(items.first.get_by_role("img", name="4 out of 5 stars")).to_be_visible()
    expect(items.first.locator(".title")).to_have_text("Good")
    page.get_by_label("Status").select_option("approved")
    page.get_by_label("Kind").select_option("")
    expect(items).to_have_count(1)
    expect(items.first.locator(".author")).to_have_text("Parent")
    items.first.get_by_role("button", name="History").click()
    expect(items.first.locator(".history")).to_contain_text("alice · approve (pending → approved)")

    page.reload()  # the token is kept for the browser session
    expect(page.get_by_label("Moderator token")).to_be_hidden()
    expect(page.locator(".item").first).to_be_visible()
    other = new_context(browser)  # another session asks again
    try:
        fresh = other.new_page()
        fresh.goto(f"{service_url}/admin/")
        expect(fresh.get_by_label("Moderator token")).to_be_visible()
    finally:
        other.close()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Moderator token")).to_be_focused()
    assert page.evaluate("sessionStorage.length") == 0
    assert service.entry(reply)["status"] == "pending"
    assert page.evaluate(ACTIVE)["name"] == "token"
    assert_clean(page)
