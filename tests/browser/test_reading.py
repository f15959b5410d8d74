"""What issue 17 found a reader trips over: loading and empty texts that agree with each
other, focus that goes somewhere deliberate, layout at 390 px whatever the text, the
formatting toolbar and its preview, translations, and a hint for the host's developer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser
from playwright.sync_api import ConsoleMessage
from playwright.sync_api import Page
from playwright.sync_api import Route
from playwright.sync_api import expect

from .conftest import new_context
from .support import ACTIVE
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import scroll_width
from .support import shot


def focused(page: Page) -> dict[str, str]:
    active = page.evaluate(ACTIVE)
    assert active, "nothing has focus"
    return active  # type: ignore[no-any-return]


def in_view(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => { const [host, inner] = sel.split(" >>> ");
            const el = document.querySelector(host).shadowRoot.querySelector(inner);
            const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }""",
            selector,
        )
    )


def test_loading_line_then_no_contradictory_empty_texts(page: Page, host: HostSite, service_url: str) -> None:
    article = article_id()
    held: list[Route] = []
    page.route(re.compile(r".*/comments\?limit=.*"), lambda route: held.append(route))
    page.route(re.compile(r".*/reviews\?limit=.*"), lambda route: route.fulfill(status=500, body="{}"))
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    loading = widget.locator(".comments .loading")
    expect(loading).to_have_text("Loading comments…")
    expect(loading).to_have_attribute("aria-live", "polite")
    # A failed reviews request speaks of reviews, not comments.
    expect(widget.get_by_text("Reviews could not be loaded.")).to_be_visible()
    expect(widget.get_by_text("Comments could not be loaded.")).to_have_count(0)
    page.unroute(re.compile(r".*/comments\?limit=.*"))
    for route in held:
        route.continue_()
    expect(loading).to_be_hidden()
    expect(widget.get_by_text("No comments yet. Start the conversation.")).to_be_visible()

    page.unroute(re.compile(r".*/reviews\?limit=.*"))
    widget.get_by_role("button", name="Try again").click()
    expect(widget.get_by_text("No reviews yet.")).to_be_visible()

    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Pia")
    form.get_by_label("Comment", exact=True).fill("First!")
    form.get_by_role("button", name="Post comment").click()
    expect(widget.locator(".pending")).to_contain_text("Awaiting moderation")
    expect(widget.get_by_text("No comments yet. Start the conversation.")).to_have_count(0)

    widget.get_by_text("Write a review").click()
    review = widget.get_by_role("form", name="Write a review")
    review.locator("label[title='4 stars']").click()
    review.get_by_label("Name").fill("Pia")
    review.get_by_label("Review", exact=True).fill("Good piece.")
    review.get_by_role("button", name="Post review").click()
    expect(review.get_by_role("status")).to_contain_text("awaits moderation")
    expect(widget.get_by_text("No reviews yet.")).to_have_count(0)
    assert_clean(page)


def test_focus_after_posting_and_after_load_more(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    service.approve(*[service.comment(article, body=f"Number {i}.") for i in range(23)])
    page.set_viewport_size({"width": 1000, "height": 500})
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    more = widget.get_by_role("button", name="Load more comments (3 left)")
    expect(more).to_be_visible()
    more.click()
    expect(widget.locator(".thread > li.c")).to_have_count(23)
    new = focused(page)
    assert new["tag"] == "article" and "Number 20." in new["text"]  # the first newly loaded comment
    expect(more).to_be_hidden()
    page.keyboard.press("Tab")  # the next Tab continues inside the new comments
    assert focused(page)["text"] == "Reply"

    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Ola")
    form.get_by_label("Comment", exact=True).fill("Thanks for the numbers.")
    page.mouse.wheel(0, 4000)
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    assert "awaits moderation" in focused(page)["text"]
    assert in_view(page, f'[data-comments-for="{article}"] >>> form .status.ok')
    assert_clean(page)


def test_escape_closes_a_reply_form_and_skip_links_jump_between_sections(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    service.approve(*[service.comment(article, author="Lea", body=f"Comment {i}.") for i in range(30)])
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    reply = widget.locator(".thread > li.c").first.get_by_role("button", name="Reply")
    reply.click()
    expect(widget.get_by_role("form", name="Reply to Lea")).to_be_visible()
    page.keyboard.type("Half a thought")
    page.keyboard.press("Escape")
    expect(widget.get_by_role("form", name="Reply to Lea")).to_have_count(0)
    expect(reply).to_be_focused()
    expect(reply).to_have_attribute("aria-expanded", "false")

    page.goto(host.article(service_url, article))
    expect(widget.locator(".thread > li.c")).to_have_count(20)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to reviews"
    page.keyboard.press("Enter")
    heading = focused(page)
    assert (heading["tag"], heading["text"]) == ("h2", "Reviews")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["text"] == "Back to comments"
    page.keyboard.press("Enter")
    heading = focused(page)
    assert (heading["tag"], heading["text"]) == ("h2", "Comments (30)")
    assert_clean(page)


def test_nothing_widens_a_390_px_page(browser: Browser, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    long_name = "Maximiliane" + "x" * 68
    parent = service.comment(article, author=long_name, body="https://example.org/" + "path/" * 60)
    service.approve(parent)
    chain = [parent]
    for depth in range(6):
        reply = service.comment(article, author=long_name[: 70 + depth], body=f"Deeper {depth}.", parent_id=chain[-1])
        service.approve(reply)
        chain.append(reply)
    service.approve(service.comment(article, author="Q", body="<blockquote>" * 300 + "deep" + "</blockquote>" * 300))
    service.approve(service.review(article, author=long_name, rating=5, title="T" * 120, body="W" * 400))
    context = new_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.locator("li.r h3")).to_have_text("T" * 120)
    expect(widget.locator(".ctx").first).to_be_visible()
    widget.locator(".thread > li.c").first.get_by_role("button", name="Reply").first.click()
    expect(widget.locator("form .ctx")).to_contain_text("replying to Maximiliane")
    widget.get_by_text("Write a review").click()
    assert scroll_width(page) <= 390
    shot(page, "widget-390px-long-texts", full_page=True)
    assert_clean(page)
    context.close()


def test_toolbar_writes_allowed_markup_and_the_preview_shows_it(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    form = widget.get_by_role("form", name="Comments")
    body = form.get_by_label("Comment", exact=True)
    body.fill("Read this report")
    body.evaluate("el => el.setSelectionRange(5, 9)")
    form.get_by_role("button", name="Bold").click()
    body.press("End")
    page.keyboard.type(" now")
    body.press("Control+a")
    form.get_by_role("button", name="Quote").click()
    expect(body).to_have_value("<blockquote>Read <b>this</b> report now</blockquote>")
    form.get_by_role("button", name="Preview").click()
    preview = form.get_by_role("region", name="Preview")
    expect(preview.locator("blockquote b")).to_have_text("this")
    body.fill('<img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a> <i>ok</i>')
    expect(preview.locator("i")).to_have_text("ok")
    expect(preview.locator("img")).to_have_count(0)
    expect(preview.locator("a")).not_to_have_attribute("href", re.compile("javascript"))
    body.fill("Plain <b>bold</b> text")
    form.get_by_label("Name").fill("Uma")
    form.get_by_role("button", name="Post comment").click()
    expect(widget.locator(".pending .body b")).to_have_text("bold")
    assert service.queue(article)[0]["body"] == "Plain <b>bold</b> text"
    assert_clean(page)


def test_a_german_and_a_polish_widget(page: Page, host: HostSite, service: Service, service_url: str) -> None:
    article = article_id()
    service.approve(service.comment(article, author="Jonas"), *[service.review(article, rating=5) for _ in range(2)])
    page.goto(host.article(service_url, article, attrs=' data-comments-lang="de"'))
    widget = page.locator(f'[data-comments-for="{article}"]')
    expect(widget.get_by_role("heading", name="Kommentare (1)")).to_be_visible()
    expect(widget.get_by_role("button", name="Kommentar senden")).to_be_visible()
    expect(widget.get_by_role("button", name="Antworten")).to_be_visible()
    expect(widget.get_by_label("E-Mail (optional, wird nie angezeigt)").first).to_be_visible()
    expect(widget.get_by_text("2 Bewertungen")).to_be_visible()
    expect(widget.get_by_role("heading", name="Bewertungen")).to_be_visible()
    expect(widget.locator(".thread time")).to_have_text("jetzt")

    page.goto(host.article(service_url, article, attrs=' data-comments-lang="pl"'))
    expect(widget.get_by_text("2 recenzje")).to_be_visible()  # Intl.PluralRules' "few"
    expect(widget.get_by_role("button", name="Odpowiedz")).to_be_visible()
    assert_clean(page)


def test_a_refused_origin_is_named_in_the_console(browser: Browser, host: HostSite, service_url: str) -> None:
    # The same host site under another name: an origin the service does not allow.
    port = urlsplit(host.origin).port
    url = host.article(service_url, article_id(), csp=False).replace("127.0.0.1", "localhost", 1)
    assert f":{port}/" in url
    context = new_context(browser)
    page = context.new_page()
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    page.goto(url)
    expect(page.locator("[data-comments-for]").get_by_text("Comments could not be loaded.")).to_be_visible()
    for _ in range(50):  # the hint follows a second, no-cors request
        if any("COMMENTS_ALLOWED_ORIGINS" in e for e in errors):
            break
        page.wait_for_timeout(100)
    hint = [e for e in errors if "COMMENTS_ALLOWED_ORIGINS" in e]
    assert hint and f"http://localhost:{port}" in hint[0], errors
    context.close()


def contrast(rgb_a: str, rgb_b: str) -> float:
    """WCAG contrast ratio of two computed `rgb(r, g, b)` colours."""

    def luminance(rgb: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_unselected_rating_stars_stand_out_in_light_and_dark(page: Page, host: HostSite, service_url: str) -> None:
    article = article_id()
    page.goto(host.article(service_url, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    widget.get_by_text("Write a review").click()
    star = widget.get_by_role("form", name="Write a review").locator(".si label").last
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.mouse.move(0, 0)  # no hover colouring
        colour = star.evaluate("el => getComputedStyle(el).color")
        surface = star.evaluate("el => getComputedStyle(el.closest('form')).backgroundColor")
        assert contrast(colour, surface) >= 3, (scheme, colour, surface)
