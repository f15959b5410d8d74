"""A page of many badges with long article ids (issue 12, attack 2): their ids do not fit a
GET's 8 KiB request line, so the widget asks for their counts with the POST, and every badge
is filled; a page of a few short ids keeps the cacheable GET."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import Request
from playwright.sync_api import expect

from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean


def counts_requests(page: Page) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def note(request: Request) -> None:
        if "/api/v1/counts" in request.url:
            seen.append((request.method, request.headers.get("content-type", "")))

    page.on("request", note)
    return seen


def test_many_long_ids_get_their_counts_through_the_post(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    stem = article_id()
    ids = tuple(f"{stem}-{n:03d}-" + "x" * (120 - len(stem) - 5) for n in range(100))
    assert all(len(i) == 120 for i in ids) and len("&".join(f"article_id={i}" for i in ids)) > 8190
    service.approve(service.comment(ids[-1]), service.comment(ids[-1]))
    seen = counts_requests(page)
    page.goto(host.article(service_url, ids[0], badges=ids))
    expect(page.locator(f'[data-comments-count="{ids[-1]}"]')).to_have_text("2 comments")
    expect(page.locator(f'[data-comments-count="{ids[0]}"]')).to_have_text("No comments yet")
    expect(page.locator('[data-comments-count]:text-is("Comments")')).to_have_count(0)
    assert seen and all(method == "POST" and "application/json" in kind for method, kind in seen)
    assert_clean(page)


def test_a_few_short_ids_keep_the_cacheable_get(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    ids = tuple(article_id() for _ in range(3))
    service.approve(service.comment(ids[1]))
    seen = counts_requests(page)
    page.goto(host.article(service_url, ids[0], badges=ids))
    expect(page.locator(f'[data-comments-count="{ids[1]}"]')).to_have_text("1 comment")
    assert seen and {method for method, _ in seen} == {"GET"}
