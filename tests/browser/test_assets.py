"""How /embed.js is served, and the demo site a newcomer opens after `make run`."""

from __future__ import annotations

import gzip
import re

import requests
from playwright.sync_api import Page
from playwright.sync_api import expect

from service.widget.assets import STATIC

from .support import Service
from .support import assert_clean
from .support import shot
from .support import show_article
from .support import sign_in

# 18 KB since issue 20 (reactions, orders, editors' picks, new comments while reading: +2.8 KB);
# 20 KB since issue 15 joined it (sign-in, editing, closed threads, badges: 20,333 bytes measured)
GZIP_BUDGET = 20 * 1024


def test_embed_js_is_small_and_cached(service_url: str) -> None:
    plain = requests.get(f"{service_url}/embed.js", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert plain.status_code == 200
    assert plain.headers["Content-Type"].startswith("text/javascript")
    assert len(gzip.compress(plain.content)) < GZIP_BUDGET
    assert "__CSS__" not in plain.text  # the stylesheet is inlined: one file, one request

    zipped = requests.get(f"{service_url}/embed.js", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    raw = zipped.raw.read(decode_content=False)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(raw) < GZIP_BUDGET
    assert gzip.decompress(raw) == plain.content

    for response in (plain, zipped):
        max_age = re.search(r"max-age=(\d+)", response.headers["Cache-Control"])
        assert max_age and int(max_age.group(1)) >= 86400
        assert "Accept-Encoding" in response.headers["Vary"]
        again = requests.get(
            f"{service_url}/embed.js",
            headers={
                "If-None-Match": response.headers["ETag"],
                "Accept-Encoding": response.request.headers["Accept-Encoding"],
            },
            timeout=10,
        )
        assert again.status_code == 304 and again.content == b""


def test_the_demo_shows_the_whole_flow(page: Page, service: Service, service_url: str) -> None:
    page.goto(f"{service_url}/demo/")
    badge = page.locator('[data-comments-count="demo-3"]')
    expect(badge).to_have_text(re.compile(r"^(No comments yet|1 comment|\d+ comments)$"))
    before = badge.inner_text()
    shot(page, "demo-front-page")
    page.get_by_role("link", name="Two schools merge to keep small classes in the valley").click()
    widget = page.locator('[data-comments-for="demo-3"]')
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Newcomer")
    form.get_by_label("Comment").fill("Trying the demo.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaits moderation")

    sign_in(page, service_url)
    show_article(page, "demo-3")
    expect(page.locator(".item")).to_have_count(1)
    page.keyboard.press("a")
    expect(page.get_by_text("Nothing is waiting. The queue is clear.")).to_be_visible()

    page.goto(f"{service_url}/demo/articles/demo-3")
    expect(widget.locator(".thread li.c", has_text="Trying the demo.")).to_be_visible()
    page.goto(f"{service_url}/demo/")
    expect(badge).not_to_have_text(before)
    assert_clean(page)


def test_every_language_has_every_text(service_url: str) -> None:
    source = (STATIC / "embed.js").read_text("utf-8")
    english = source[source.index("var EN = {") : source.index("};", source.index("var EN = {"))]
    keys = set(re.findall(r"(?:^|[{,\s])(\w+): (?=[\"{])", english)) - {"one", "other"}
    assert {"comments", "moreLeft", "skipReviews", "nStars"} <= keys
    for code in ("de", "fr", "es", "it", "pt", "nl", "pl", "sv", "tr"):
        response = requests.get(f"{service_url}/embed-texts/{code}.json", timeout=10)
        assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
        texts = response.json()
        assert set(texts) == keys, (code, keys ^ set(texts))
        for key, text in texts.items():
            assert text and (isinstance(text, str) or "other" in text), (code, key)
    assert requests.get(f"{service_url}/embed-texts/xx.json", timeout=10).status_code == 404
