"""The widget as a reader meets it: embedded on a page of another origin (which sends a
strict CSP), talking to a real gunicorn."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import Request
from playwright.sync_api import expect

from .support import ACTIVE
from .support import HOSTILE_CSS
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import shot
from .support import show_article
from .support import sign_in


def test_comment_awaits_moderation_and_appears_once_approved(
    page: Page, context: BrowserContext, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.get_by_text("No comments yet. Start the conversation.")).to_be_visible()

    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Nadia")
    form.get_by_label("Email (optional, never shown)").fill("nadia@example.org")
    form.get_by_label("Comment").fill("The bridge is <b>long</b> overdue.")
    form.get_by_role("button", name="Post comment").click()

    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    expect(widget.locator(".pending")).to_contain_text("Awaiting moderation")
    expect(widget.locator(".pending .body b")).to_have_text("long")
    expect(form.get_by_label("Comment")).to_have_value("")
    shot(page, "comment-awaiting-moderation")

    moderator = context.new_page()
    sign_in(moderator, service_url)
    show_article(moderator, article)
    item = moderator.locator(".item")
    expect(item).to_have_count(1)
    expect(item.locator(".raw")).to_have_text("The bridge is <b>long</b> overdue.")
    expect(item.locator(".preview b")).to_have_text("long")
    expect(item).to_contain_text("nadia@example.org")
    shot(moderator, "admin-one-pending")
    item.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("Nothing is waiting. The queue is clear.")).to_be_visible()

    page.reload()  # within the 10 s max-age: the widget must still revalidate
    comment = widget.locator(".thread > li.c")
    expect(comment).to_have_count(1)
    expect(comment.locator(".who")).to_have_text("Nadia")
    expect(comment.locator(".body b")).to_have_text("long")
    expect(widget.get_by_role("heading", name="Comments (1)")).to_be_visible()
    expect(widget.locator(".pending")).to_have_count(0)
    shot(page, "comment-approved")
    assert_clean(page)
    assert_clean(moderator)


def test_reply_is_nested_under_its_parent(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    parent = service.comment(article, author="Omar", body="Who pays for it?")
    service.approve(parent)
    # A chain of replies deeper than the widget indents.
    chain = [parent]
    for depth in range(1, 7):
        reply = service.comment(article, author=f"Level {depth}", body=f"Reply at depth {depth}.", parent_id=chain[-1])
        service.approve(reply)
        chain.append(reply)

    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    omar = widget.locator(f'li.c[data-id="{parent}"]')
    omar.locator("> article").get_by_role("button", name="Reply").click()
    form = widget.get_by_role("form", name="Reply to Omar")
    expect(form.get_by_label("Name")).to_be_focused()
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill("The city and the region, half each.")
    form.get_by_role("button", name="Post reply").click()

    pending = omar.locator("> ol.replies > li.pending")
    expect(pending).to_contain_text("Awaiting moderation")
    expect(pending).to_be_focused()
    expect(form).to_have_count(0)
    [entry] = [e for e in service.queue(article) if e["author"] == "Lena"]
    assert entry["parent_id"] == parent
    service.approve(entry["id"])

    page.reload()
    expect(omar.locator("> ol.replies > li.c", has_text="Lena")).to_be_visible()
    expect(omar.locator("> ol.replies > li.c", has_text="Lena").locator(".body")).to_have_text(
        "The city and the region, half each."
    )
    # Indentation stops growing at a readable depth; the deepest replies say whom they answer.
    x = [widget.locator(f'li.c[data-id="{i}"] > article').bounding_box()["x"] for i in chain]  # type: ignore[index]
    assert x[0] < x[1] < x[2] < x[3] < x[4]
    assert x[4] == x[5] == x[6]
    expect(widget.locator(f'li.c[data-id="{chain[6]}"] > article')).to_contain_text("replying to Level 5")
    shot(page, "reply-nested", full_page=True)
    assert_clean(page)


def test_review_with_keyboard_stars_updates_the_histogram(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    service.approve(service.review(article, rating=5, author="Ada"), service.review(article, rating=5, author="Bo"))
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    summary = widget.locator(".summary")
    expect(summary.locator(".big")).to_have_text("5.0")
    expect(summary).to_contain_text("2 reviews")
    expect(summary.locator('[data-stars="5"] .hc')).to_have_text("2")
    expect(summary.locator('[data-stars="2"] .hc')).to_have_text("0")

    widget.get_by_text("Write a review").click()
    form = widget.get_by_role("form", name="Write a review")
    form.get_by_role("radio", name="1 star", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(form.get_by_role("radio", name="2 stars")).to_be_checked()
    expect(form.locator(".si label.on")).to_have_count(2)
    form.get_by_label("Name").fill("Cleo")
    form.get_by_label("Title (optional)").fill("Too optimistic")
    form.get_by_label("Review", exact=True).fill("The costs will double again.")
    form.get_by_role("button", name="Post review").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    expect(widget.locator(".reviews.mine .pending")).to_contain_text("Too optimistic")
    expect(form.locator(".si label.on")).to_have_count(0)

    [entry] = service.queue(article)
    assert (entry["rating"], entry["title"]) == (2, "Too optimistic")
    service.approve(entry["id"])
    page.reload()
    expect(summary.locator(".big")).to_have_text("4.0")
    expect(summary).to_contain_text("3 reviews")
    expect(summary.locator('[data-stars="2"] .hc')).to_have_text("1")
    two = summary.locator('[data-stars="2"] .bar > span').bounding_box()
    five = summary.locator('[data-stars="5"] .bar > span').bounding_box()
    assert two and five and 0.45 <= two["width"] / five["width"] <= 0.55  # 1 of 2: half as long
    review = widget.locator("li.r", has_text="Too optimistic")
    expect(review.get_by_role("img", name="2 out of 5 stars")).to_be_visible()
    expect(review.locator("h3")).to_have_text("Too optimistic")
    shot(page, "reviews-histogram")
    assert_clean(page)


def test_badges_are_filled_by_one_batch_request(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    many, one, none = article_id(), article_id(), article_id()
    service.approve(*[service.comment(many, body=f"Comment {i}") for i in range(12)])
    service.approve(service.comment(one))
    url = host.article(service_url, "unused", badges=(many, one, none, many, "not a valid id!"), widget=False)

    to_service: list[str] = []

    def record(request: Request) -> None:
        if request.url.startswith(service_url):
            to_service.append(request.url.removeprefix(service_url))

    page.on("request", record)
    page.goto(url)
    badges = page.locator("[data-comments-count]")
    expect(badges.nth(0)).to_have_text("12 comments")
    expect(badges.nth(1)).to_have_text("1 comment")
    expect(badges.nth(2)).to_have_text("No comments yet")
    expect(badges.nth(3)).to_have_text("12 comments")
    expect(badges.nth(4)).to_have_text("Comments")  # the host's own text stays on an invalid id
    page.wait_for_load_state("networkidle")
    assert len(to_service) == 2, to_service
    assert to_service[0] == "/embed.js"
    assert to_service[1].startswith("/api/v1/counts?")
    assert sorted(re.findall(r"article_id=([^&]+)", to_service[1])) == sorted([many, one, none])
    assert_clean(page)


def test_field_errors_from_the_browser_and_from_the_server(page: Page, host: HostSite, service_url: str) -> None:
    article = article_id()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    form = widget.get_by_role("form", name="Comments")
    name, email, body = (
        form.get_by_label("Name"),
        form.get_by_label("Email (optional, never shown)"),
        form.get_by_label("Comment"),
    )

    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Please correct the marked fields.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Please fill in this field.")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    body.fill("x" * 10_001)
    name.fill("Ann")
    form.get_by_role("button", name="Post comment").click()
    expect(body).to_have_accessible_description(re.compile("Please use at most 10,000 characters"))
    assert posts == []  # nothing was sent while the browser could tell

    # Limits the browser cannot check: the server answers 422 with field errors.
    email.fill("ann@example")
    body.fill("Fine text")
    form.get_by_role("button", name="Post comment").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Not a valid email address.")
    expect(body).not_to_have_attribute("aria-invalid", "true")
    email.fill("ann@example.org")
    body.fill("<b> </b>")
    form.get_by_role("button", name="Post comment").click()
    expect(body).to_have_accessible_description(re.compile("nothing left to show"))
    expect(body).to_have_value("<b> </b>")
    expect(name).to_have_value("Ann")
    assert len(posts) == 2
    shot(page, "field-errors")
    assert_clean(page)


def test_load_more_follows_the_cursor(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    service.approve(*[service.comment(article, body=f"Number {i}.") for i in range(23)])
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    comments = widget.locator(".thread > li.c")
    expect(comments).to_have_count(20)
    widget.get_by_role("button", name="Load more comments").click()
    expect(comments).to_have_count(23)
    expect(comments.last.locator(".body")).to_have_text("Number 22.")
    expect(widget.get_by_role("button", name="Load more comments")).to_be_hidden()
    expect(widget.get_by_role("heading", name="Comments (23)")).to_be_visible()


def test_keyboard_alone_posts_a_comment_and_a_review(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.get_by_role("form", name="Comments")).to_be_visible()

    def tab_to(name: str, limit: int = 40) -> dict[str, str]:
        for _ in range(limit):
            page.keyboard.press("Tab")
            active = page.evaluate(ACTIVE)
            if active and (active["name"] == name or active["text"] == name):
                return active  # type: ignore[no-any-return]
        raise AssertionError(f"{name} is not reachable with Tab")

    assert tab_to("author")["outline"] != "none"  # focus is visible
    page.keyboard.type("Kim")
    assert tab_to("email", 1)
    assert tab_to("notify_replies", 1)  # "Email me when someone replies", beside the email
    assert tab_to("body", 2)  # past the formatting toolbar, one tab stop
    page.keyboard.type("Typed without a mouse.")
    submit = tab_to("Post comment", 1)
    assert submit["tag"] == "button" and submit["outline"] != "none"
    page.keyboard.press("Enter")
    expect(widget.get_by_role("form", name="Comments").get_by_role("status")).to_contain_text("awaits moderation")

    tab_to("Write a review")
    page.keyboard.press("Enter")
    assert tab_to("rating", 1)["type"] == "radio"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert tab_to("author", 1)
    page.keyboard.type("Kim")
    assert tab_to("email", 1)
    assert tab_to("title", 1)
    assert tab_to("body", 2)
    page.keyboard.type("Four stars from the keyboard.")
    tab_to("Post review", 1)
    page.keyboard.press("Enter")
    expect(widget.get_by_role("form", name="Write a review").get_by_role("status")).to_contain_text("awaits moderation")
    entries = {e["kind"]: e for e in service.queue(article)}
    assert entries["comment"]["body"] == "Typed without a mouse."
    assert entries["review"]["rating"] == 4
    assert_clean(page)


def test_readable_at_320_px_in_dark_mode_whatever_the_host_css(
    browser_context_320_dark: BrowserContext, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    parent = service.comment(
        article, author="A very long name without any spaces at all, really", body="https://example.org/" + "x" * 120
    )
    service.approve(parent)
    reply = service.comment(article, author="Bea", body="Short reply.", parent_id=parent)
    service.approve(reply, service.review(article, rating=3, title="Middling"))
    host.put("/hostile.css", HOSTILE_CSS, "text/css")
    url = host.article(service_url, article, head='<link rel="stylesheet" href="/hostile.css">')
    page = browser_context_320_dark.new_page()
    page.goto(url)
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator(".thread > li.c")).to_have_count(1)
    expect(widget.locator(".summary .big")).to_have_text("3.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    button = widget.get_by_role("button", name="Post comment")
    expect(button).to_be_visible()
    style = button.evaluate(
        "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.fontFamily, s.visibility, s.display]; }"
    )
    assert style[0] == "rgb(61, 220, 132)"  # the host's --comments-accent-dark theme
    assert "Comic" not in style[1] and style[2] == "visible" and style[3] != "inline"
    text = widget.locator(".cw").evaluate("el => [getComputedStyle(el).color, getComputedStyle(el).fontSize]")
    assert text == ["rgb(230, 237, 243)", "16px"]  # dark-mode text; the host's 30px does not leak in
    shot(page, "widget-320px-dark", full_page=True)
    assert_clean(page)


def test_texts_and_times_follow_the_page_language(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    service.approve(service.comment(article, author="Jonas"))
    texts = '{"comments": "Kommentare", "post": "Kommentar senden", "name": "Name", "reply": "Antworten"}'
    head = f'<script type="application/json" data-comments-texts>{texts}</script>'
    url = host.article(service_url, article, head=head, attrs=' data-comments-lang="de"')
    page.goto(url)
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.get_by_role("heading", name="Kommentare (1)")).to_be_visible()
    expect(widget.get_by_role("button", name="Kommentar senden")).to_be_visible()
    expect(widget.get_by_role("button", name="Antworten")).to_be_visible()
    when = widget.locator(".thread time")
    expect(when).to_have_text("jetzt")
    expect(when).to_have_attribute("title", re.compile(r"\d{4}"))  # the exact time on hover
    assert_clean(page)


def test_a_reader_reports_a_comment(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    entry = service.comment(article, author="Troll", body="Something nasty.")
    service.approve(entry)
    page.goto(host.article(service_url, article))
    comment = page.locator(f'[data-comments-for="{article}"] li.c[data-id="{entry}"]')
    comment.get_by_role("button", name="Report").click()
    reason = comment.get_by_label("Reason (optional)")
    expect(reason).to_be_focused()
    reason.fill("Insults other readers")
    page.keyboard.press("Enter")
    expect(comment.get_by_role("status")).to_have_text("Reported. Thank you; a moderator will take a look.")
    reports = service.entry(entry)["reports"]
    assert [r["reason"] for r in reports] == ["Insults other readers"]
    assert_clean(page)
