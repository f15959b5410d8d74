"""Issue 20 in the widget: a reader reacts, sorts and sees the editors' picks first, and a
comment approved while the page is open appears without a reload, with the reader's place
and half-written reply kept."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Page
from playwright.sync_api import Response
from playwright.sync_api import expect

from .support import ADMIN
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import show_article
from .support import sign_in

PAGE_RULES = {"landmark-one-main", "region", "page-has-heading-one"}


def reaction_stored(response: Response) -> bool:
    """The widget's PUT of a reaction: the button turns at once, the API has it once this
    is answered."""
    return response.url.endswith("/reaction") and response.request.method == "PUT"


def thread_item(page: Page, article: str, entry_id: int) -> str:
    return f'[data-comments-for="{article}"] section.comments > ol.thread > li[data-id="{entry_id}"]'


def test_a_reader_reacts_sorts_and_sees_the_editors_picks(page: Page, host: HostSite, service: Service) -> None:
    article = article_id()
    first, second, third = (service.comment(article, body=f"Comment number {i}.") for i in range(3))
    service.approve(first, second, third)
    # A moderator makes the third an editors' pick on /admin/.
    sign_in(page, service.base)
    page.locator("select[name=status]").select_option("approved")
    show_article(page, article)
    pick = page.locator(f'.item[data-id="{third}"]').get_by_role("button", name="Editors' pick")
    expect(pick).to_have_attribute("aria-pressed", "false")
    pick.click()
    expect(page.locator(f'.item[data-id="{third}"]').get_by_role("button", name="Editors' pick")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert service.entry(third)["featured_at"] is not None
    page.goto(host.article(service.base, article))
    widget = page.locator(f'[data-comments-for="{article}"]')

    picks = widget.locator("section.picks")
    expect(picks.get_by_role("heading", name="Editors' picks")).to_be_visible()
    expect(picks.locator("li.c")).to_have_count(1)
    expect(picks).to_contain_text("Comment number 2.")

    button = page.locator(thread_item(page, article, second) + " > article .react")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_have_accessible_name("Respect")
    with page.expect_response(reaction_stored) as stored:
        button.click()
    assert stored.value.ok
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Respect 1")
    thread = service.http.get(f"{service.base}/api/v1/articles/{article}/comments", timeout=10).json()
    assert {c["id"]: c["reactions"] for c in thread["items"]} == {first: 0, second: 1, third: 0}

    menu = widget.locator("section.comments select")
    expect(menu).to_have_value("oldest")
    menu.select_option("reactions")
    expect(page.locator(f'[data-comments-for="{article}"] section.comments > ol.thread > li').first).to_have_attribute(
        "data-id", str(second)
    )
    shot(page, "engagement-sorted")
    # The test's host page has no landmarks of its own; the widget's controls must pass.
    assert [v for v in axe_violations(page) if v["id"] not in PAGE_RULES] == []

    # The choice and the reader's own reaction are remembered by this browser.
    page.reload()
    expect(menu).to_have_value("reactions")
    expect(page.locator(f'[data-comments-for="{article}"] section.comments > ol.thread > li').first).to_have_attribute(
        "data-id", str(second)
    )
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()  # and taken back
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_have_text("Respect")
    assert_clean(page)


def test_a_new_comment_appears_without_a_reload_keeping_the_readers_place(
    page: Page, host: HostSite, service: Service
) -> None:
    article = article_id()
    long = " ".join(["A paragraph long enough to take a few lines of the page."] * 6)
    ids = [service.comment(article, body=f"Old comment {i}. {long}") for i in range(8)]
    service.approve(*ids)
    page.goto(host.article(service.base, article, attrs=' data-comments-poll="1"'))
    page.evaluate("window.__notReloaded = true")
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator("section.comments > ol.thread > li")).to_have_count(8)

    # A reader starts a reply to the fourth comment, halfway down the page.
    page.locator(thread_item(page, article, ids[3]) + " > article").get_by_role("button", name="Reply").click()
    reply = widget.locator("form textarea[name=body]").nth(1)
    reply.fill("Half-written thoughts")
    place = reply.evaluate("el => el.getBoundingClientRect().top")

    fresh = service.comment(article, body="Just approved while you read.")
    service.approve(fresh)
    banner = widget.get_by_role("button", name="1 new comment")
    expect(banner).to_be_visible(timeout=8000)
    expect(widget.locator("p.sr[role=status]")).to_have_text("1 new comment")
    assert reply.evaluate("el => el.getBoundingClientRect().top") == place  # nothing moved yet

    banner.click()
    expect(widget.locator(f'section.comments > ol.thread > li[data-id="{fresh}"]')).to_contain_text("Just approved")
    expect(widget.locator("p.sr[role=status]")).to_have_text("1 new comment shown")
    expect(banner).to_be_hidden()
    expect(reply).to_have_value("Half-written thoughts")
    moved = reply.evaluate("el => el.getBoundingClientRect().top") - place
    assert abs(moved) <= 2, f"the reader's place moved by {moved}px"
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "engagement-new-comment")
    assert_clean(page)


def test_a_sites_widget_reacts_and_sees_new_comments_at_its_sites_paths(
    page: Page, host: HostSite, service: Service
) -> None:
    from .test_sites import comment_on

    site = f"s-{uuid.uuid4().hex[:10]}"
    made = service.http.post(
        f"{service.base}/api/v1/admin/sites",
        json={"id": site, "name": site, "origins": [host.origin], "settings": {"reaction_label": "Like"}},
        headers=ADMIN,
    )
    assert made.status_code == 201, made.text
    deadline = time.monotonic() + 10  # every worker knows a new site within about a second
    while service.http.get(f"{service.base}/api/v1/sites/{site}/counts?article_id=x", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, f"site {site} unknown to the workers"
        time.sleep(0.2)
    article = article_id()
    mine = comment_on(service, site, article, "On the site's article.")
    service.approve(mine, service.comment(article, body="The default site's article of the same id."))
    page.goto(host.article(service.base, article, attrs=f' data-comments-site="{site}" data-comments-poll="1"'))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator("section.comments > ol.thread > li")).to_have_count(1)

    button = page.locator(thread_item(page, article, mine) + " > article .react")
    expect(button).to_have_accessible_name("Like")
    with page.expect_response(reaction_stored) as stored:
        button.click()
    assert stored.value.ok
    expect(button).to_have_attribute("aria-pressed", "true")
    on_site = service.http.get(f"{service.base}/api/v1/sites/{site}/articles/{article}/comments", timeout=10).json()
    assert [c["reactions"] for c in on_site["items"]] == [1]
    default = service.http.get(f"{service.base}/api/v1/articles/{article}/comments", timeout=10).json()
    assert [c["reactions"] for c in default["items"]] == [0]

    # New comments on the default site's article of that id are not this widget's.
    service.approve(service.comment(article, body="Another on the default site."))
    service.approve(comment_on(service, site, article, "New on the site while you read."))
    banner = widget.get_by_role("button", name="1 new comment")
    expect(banner).to_be_visible(timeout=8000)
    banner.click()
    expect(widget.locator("section.comments > ol.thread > li")).to_have_count(2)
    expect(widget.locator("section.comments > ol.thread:not(.mine)")).to_contain_text("New on the site while you read.")
    assert_clean(page)
