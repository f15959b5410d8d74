"""The context a moderator needs on /admin/: which article (title linked to its page, as the
widget sent it with the submission), which comment a reply answers, who is signed in."""

from __future__ import annotations

from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from .support import HostSite
from .support import Service
from .support import article_id
from .support import show_article
from .support import sign_in

CANONICAL = "https://news.example/2026/12/the-bridge"


def test_the_queue_shows_the_article_page_the_parent_and_the_moderator(
    page: Page, context: BrowserContext, host: HostSite, service: Service, service_url: str
) -> None:
    article = article_id()
    parent = service.comment(article, author="Pia", body="The <i>bridge</i> is long overdue.")
    service.approve(parent)
    head = f'<link rel="canonical" href="{CANONICAL}"><meta property="og:title" content="The bridge, at last">'
    page.goto(host.article(service_url, article, head=head))
    widget = page.locator(f'[data-comments-for="{article}"]')
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Nadia")
    form.get_by_label("Comment").fill("Finally some good news for the harbour.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")
    reply = service.comment(article, author="Rhea", body="Agreed.", parent_id=parent)

    moderator = context.new_page()
    sign_in(moderator, service_url)
    expect(moderator.get_by_text("Signed in as alice")).to_be_visible()
    show_article(moderator, article)
    items = moderator.locator(".item")
    expect(items).to_have_count(2)
    link = items.first.get_by_role("link", name="The bridge, at last")
    expect(link).to_have_attribute("href", CANONICAL)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    second = moderator.locator(f'.item[data-id="{reply}"]')
    expect(second.locator(".parent")).to_have_text(f"#{parent} by PiaThe bridge is long overdue.")
