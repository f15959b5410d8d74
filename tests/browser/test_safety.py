"""Reader-supplied text never runs as code: not in the widget, not on the moderation page,
and the widget needs no exception in a strict Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import shot
from .support import show_article
from .support import sign_in

BODY = (
    '<img src=x onerror="window.__canary=1;alert(1)"><script>window.__canary=2</script>'
    '<svg onload="window.__canary=3"></svg><a href="javascript:window.__canary=4">click me</a>'
    '<iframe srcdoc="<script>parent.__canary=5</script>"></iframe> <b onmouseover="window.__canary=6">bold</b>'
)
AUTHOR = '<img src=x onerror="window.__canary=7;alert(7)">'
TITLE = '"><svg onload="window.__canary=8">'
REASON = "<script>window.__canary=9</script>"


def canary(page: Page) -> object:
    return page.evaluate("window.__canary")


def test_payloads_stay_text_in_the_widget(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    comment = service.comment(article, author=AUTHOR, body=BODY)
    service.approve(comment)
    service.approve(service.review(article, author=AUTHOR, title=TITLE, body=BODY + " (review)", rating=1))
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator(".thread .who")).to_have_text(AUTHOR)
    expect(widget.locator(".reviews h3")).to_have_text(TITLE)
    expect(widget.locator(".reviews .who")).to_have_text(AUTHOR)
    expect(widget.locator(".body b").first).to_have_text("bold")
    assert widget.locator("img, svg, script, iframe, [onerror], [onload], [onmouseover]").count() == 0
    assert widget.locator("a[href^='javascript']").count() == 0
    widget.locator(".body b").first.hover()

    # The same payloads typed into the forms: the pending preview is the server's HTML too.
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill(AUTHOR)
    form.get_by_label("Comment").fill(BODY + " (typed)")
    form.get_by_role("button", name="Post comment").click()
    expect(widget.locator(".pending .who")).to_have_text(AUTHOR)
    widget.get_by_text("Write a review").click()
    review = widget.get_by_role("form", name="Write a review")
    review.get_by_title("3 stars").click()
    expect(review.get_by_role("radio", name="3 stars")).to_be_checked()
    review.get_by_label("Name").fill(AUTHOR)
    review.get_by_label("Title (optional)").fill(TITLE)
    review.get_by_label("Review", exact=True).fill(BODY + " (typed review)")
    review.get_by_role("button", name="Post review").click()
    expect(widget.locator(".reviews.mine .pending h3")).to_have_text(TITLE)
    page.wait_for_timeout(300)  # give a payload that got through time to run
    assert canary(page) is None
    assert widget.locator("img, svg, script, iframe").count() == 0
    shot(page, "xss-widget", full_page=True)
    assert_clean(page)


def test_payloads_stay_text_on_the_moderation_page(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    service.comment(article, author=AUTHOR, body=BODY, email="x@example.org")
    service.review(article, author=AUTHOR, title=TITLE, body=BODY + " (review)", rating=2)
    sign_in(page, service_url)
    show_article(page, article)
    items = page.locator(".item")
    expect(items).to_have_count(2)
    for i in range(2):
        expect(items.nth(i).locator(".raw")).to_have_text(BODY + ("", " (review)")[i])
        expect(items.nth(i).locator(".author")).to_have_text(AUTHOR)
    expect(items.nth(1).locator(".title")).to_have_text(TITLE)
    assert page.locator(".item img, .item svg, .item script, .item iframe, .item [onmouseover]").count() == 0
    page.locator(".preview b").first.hover()

    # A reason is moderator text, but it is shown as text all the same.
    page.keyboard.press("r")
    page.keyboard.press("Tab")
    page.keyboard.type(REASON)
    page.keyboard.press("Enter")
    expect(items).to_have_count(1)
    page.get_by_label("Status").select_option("rejected")
    expect(items).to_have_count(1)
    # The rejected list has loaded (the pending one also held one entry: the review).
    expect(items.first.locator(".raw")).to_have_text(BODY)
    items.first.get_by_role("button", name="History").click()
    expect(items.first.locator(".history q").last).to_have_text(REASON)
    page.wait_for_timeout(300)
    assert canary(page) is None
    shot(page, "xss-admin", full_page=True)
    assert_clean(page)


def test_the_widget_works_under_a_strict_csp(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    service.approve(service.comment(article, author="Ann", body="Visible under CSP."))
    url = host.article(service_url, article, badges=(article,), head="<script>window.__canary = 'inline ran'</script>")
    page.goto(url)
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator(".thread .body")).to_have_text("Visible under CSP.")
    expect(page.locator("[data-comments-count]")).to_have_text("1 comment")
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Ben")
    form.get_by_label("Comment").fill("Posted under CSP.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    expect(widget.locator(".pending .body")).to_have_text("Posted under CSP.")
    # The policy is really in force: the host's own inline script was refused (the only
    # violation), and Trusted Types refuse a plain string to innerHTML.
    assert canary(page) is None
    assert page.evaluate("window.__violations") == ["script-src-elem inline"]
    blocked = page.evaluate(
        "() => { try { document.body.innerHTML = '<i>x</i>'; return false } catch (e) { return true } }"
    )
    assert blocked
    assert page.evaluate("window.__alerts") == []


def test_the_moderation_page_sends_a_strict_policy_and_no_cors(context: BrowserContext, service_url: str) -> None:
    response = context.request.get(f"{service_url}/admin/", headers={"Origin": "http://evil.example"})
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert "access-control-allow-origin" not in response.headers
    api = context.request.get(f"{service_url}/api/v1/admin/queue", headers={"Origin": "http://evil.example"})
    assert api.status == 401 and "access-control-allow-origin" not in api.headers
