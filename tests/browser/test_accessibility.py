"""axe-core (from npm, see tests/browser/package.json) on the pages people use: the demo
article with the widget and its comments, the demo front page, and /admin/ with a queue, in
light and dark, on a desktop and a phone. One browser context per combination; the three
pages share it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from .conftest import new_context
from .support import Service
from .support import axe_violations
from .support import scroll_width
from .support import show_article
from .support import sign_in

DEMO_ARTICLE = "demo-1"  # one of the demo site's stories (service/widget/demo.py)
QUEUE = "a11y-queue"


@pytest.fixture(scope="module")
def content(service: Service) -> None:
    """Published comments with a reply and a review on the demo story; a moderation queue
    with a comment, a reply (its parent published), a review and a reported entry."""
    first = service.comment(DEMO_ARTICLE, author="Margit Olsen", body="The ferry was always <b>full</b> at 8.")
    service.approve(first)
    service.approve(
        service.comment(DEMO_ARTICLE, author="Tomasz", body="Who pays? https://example.org/budget", parent_id=first)
    )
    service.approve(service.review(DEMO_ARTICLE, author="Ines", rating=4, title="Worth it", body="Finally."))
    parent = service.comment(QUEUE, author="Ana", body="The first comment.")
    service.approve(parent)
    service.comment(QUEUE, author="Ben", body="A reply, <i>waiting</i>.", parent_id=parent)
    service.review(QUEUE, author="Cy", rating=2, title="Too long", body="Could be shorter.")
    service.comment(
        QUEUE,
        author="Dee",
        body="Line one\n\nLine two " + "long " * 200,
        page_url="https://news.example/2026/12/" + "a-very-long-headline-" * 8,
        page_title="Council approves the new river bridge after a late-night vote " * 2,
    )


VIEWS = [
    pytest.param(("light", 1280, 800), id="light-desktop"),
    pytest.param(("dark", 1280, 800), id="dark-desktop"),
    pytest.param(("light", 390, 844), id="light-phone"),
    pytest.param(("dark", 390, 844), id="dark-phone"),
]


@pytest.fixture(params=VIEWS)
def view(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    scheme, width, height = request.param
    context = new_context(browser, viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    yield page, width
    context.close()


def test_axe_finds_nothing_on_the_demo_site_and_the_moderation_page(
    view: tuple[Page, int], content: None, service_url: str
) -> None:
    page, width = view
    page.goto(f"{service_url}/demo/articles/{DEMO_ARTICLE}")
    widget = page.locator(f'[data-comments-for="{DEMO_ARTICLE}"]')
    expect(widget.locator(".thread li.c").first).to_be_visible()
    expect(widget.locator("li.r").first).to_be_visible()
    widget.get_by_text("Write a review").click()  # the review form too
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Comment", exact=True).fill("A <b>bold</b> claim")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".pv b")).to_have_text("bold")
    assert axe_violations(page) == []
    assert scroll_width(page) <= width

    page.goto(f"{service_url}/demo/")
    expect(page.locator("[data-comments-count]").first).not_to_have_text("Comments")
    assert axe_violations(page) == []
    assert scroll_width(page) <= width

    sign_in(page, service_url)
    show_article(page, QUEUE)
    expect(page.locator(".item")).to_have_count(3)
    expect(page.locator(".item .parent q")).to_have_text("The first comment.")
    history = page.locator(".item").first.get_by_role("button", name=re.compile(r"^History \(\d+\)$"))
    history.click()
    expect(history).to_have_attribute("aria-expanded", "true")
    assert axe_violations(page) == []
    assert scroll_width(page) <= width
