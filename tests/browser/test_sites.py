"""One page, badges of several sites: each badge counts its own site's article of the same
id, a widget with ``data-comments-site`` shows and posts to its site, and a site that does
not list the page's origin answers the page nothing (its badge keeps the host's text)."""

from __future__ import annotations

import time
import uuid

import requests
from playwright.sync_api import Page
from playwright.sync_api import expect

from .support import ADMIN
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean


def add_site(service: Service, origins: list[str]) -> str:
    site = f"s-{uuid.uuid4().hex[:10]}"
    response = service.http.post(
        f"{service.base}/api/v1/admin/sites", json={"id": site, "name": site, "origins": origins}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    # Every worker knows a new site within about a second (api/sites.py): wait, bounded.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        codes = {requests.get(f"{service.base}/api/v1/sites/{site}/counts?article_id=x", timeout=5).status_code}
        codes |= {requests.get(f"{service.base}/api/v1/sites/{site}/counts?article_id=y", timeout=5).status_code}
        if codes == {200}:
            return site
        time.sleep(0.2)
    raise AssertionError(f"site {site} unknown to the workers")


def comment_on(service: Service, site: str, article: str, body: str) -> int:
    return int(service._post(f"/sites/{site}/articles/{article}/comments", {"author": "Ann", "body": body})["id"])


def test_badges_and_widgets_of_several_sites_share_a_page(
    page: Page, host: HostSite, service: Service, service_url: str
) -> None:
    art = article_id()
    first, second = add_site(service, [host.origin]), add_site(service, [host.origin])
    elsewhere = add_site(service, ["https://elsewhere.example"])
    service.approve(
        comment_on(service, first, art, "First site, one."),
        comment_on(service, first, art, "First site, two."),
        comment_on(service, second, art, "Second site."),
        comment_on(service, elsewhere, art, "Another origin's site."),
    )
    badge = f'<a href="#" data-comments-count="{art}">Comments</a>'
    url = host.put(
        f"/{uuid.uuid4().hex[:8]}.html",
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sites</title><link rel="icon" href="data:,"></head>
<body><h1>Three sites, one page</h1>
<p id="default">{badge}</p>
<p id="first" data-comments-site="{first}">{badge}</p>
<p id="second" data-comments-site="{second}">{badge}</p>
<p id="elsewhere" data-comments-site="{elsewhere}">{badge}</p>
<div data-comments-for="{art}" data-comments-site="{first}"></div>
<script src="{service_url}/embed.js" async></script>
</body></html>""",
    )
    page.goto(url)
    expect(page.locator("#first a")).to_have_text("2 comments")
    expect(page.locator("#second a")).to_have_text("1 comment")
    expect(page.locator("#default a")).to_have_text("No comments yet")
    widget = page.locator(f'[data-comments-for="{art}"]')
    expect(widget.locator("li.c")).to_have_count(2)
    expect(widget.locator("li.c").first).to_contain_text("First site, one.")
    # The site that does not list this origin: the browser lets the page read nothing.
    expect(page.locator("#elsewhere a")).to_have_text("Comments")

    form = widget.locator('form[aria-label="Comments"]')
    form.locator("textarea[name=body]").fill("Posted from the page to the first site.")
    form.locator("input[name=author]").fill("Kim")
    form.locator("[type=submit]").click()
    expect(widget.locator("li.c.pending")).to_have_count(1)
    queue = service.http.get(
        f"{service.base}/api/v1/admin/queue", params={"site": first, "article_id": art}, headers=ADMIN, timeout=10
    ).json()["items"]
    assert [i["author"] for i in queue] == ["Kim"]
    assert_clean(page)
