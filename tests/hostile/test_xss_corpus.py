"""Our XSS corpus (xss_vectors.txt) end to end: each vector is submitted through the API of
a real gunicorn as a comment body, a reply, an author name, a review title and a review
body, approved by a moderator, read back from the public API and rendered in headless
Chromium on a host page. Nothing may run, and author and title must arrive as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Dialog
from playwright.sync_api import Page
from playwright.sync_api import Request
from playwright.sync_api import Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from service.domain.sanitizing import plain_text

from .conftest import Server
from .conftest import fresh_database
from .conftest import serving
from .host import HostSite
from .safety import ALLOWED_TAGS
from .safety import violations

# Among the slowest (`make test` prints them, --durations). The tests of one database run on
# one xdist worker (conftest.py groups them), so each database's costly fixtures are built
# once, and the two databases' halves can run on different workers.
pytestmark = [pytest.mark.slow]

# How pages are rendered: "harness" (the widget's rules: body_html via innerHTML, author and
# title via textContent), "widget" (the real /embed.js of issue 3) and "fragment" (the
# service's server-rendered comments.html, included in the host page). All three run.
RENDERERS = ["harness", "widget", "fragment"]
PER_ARTICLE = 40  # within one page of the widget's list
ESCAPES = {"{NL}": "\n", "{CR}": "\r", "{TAB}": "\t", "{NUL}": "\x00", "{FF}": "\x0c"}
_CODEPOINT = re.compile(r"\{U\+([0-9A-Fa-f]{4,6})\}")


def load_vectors(path: Path) -> list[str]:
    vectors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        for token, char in ESCAPES.items():
            line = line.replace(token, char)
        vectors.append(_CODEPOINT.sub(lambda m: chr(int(m.group(1), 16)), line))
    return vectors


@dataclass
class Sent:
    """One submission of one vector, and what the public API must serve for it."""

    vector: int
    kind: str
    article: str
    author: str
    body: str
    title: str | None = None
    id: int | None = None
    parent_id: int | None = None


@dataclass
class Published:
    sent: list[Sent]
    refused_bodies: list[int] = field(default_factory=list)
    served: dict[int, dict[str, Any]] = field(default_factory=dict)
    articles: dict[tuple[str, str], int] = field(default_factory=dict)  # (article, kind) -> items to render


def _approve(server: Server, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        response = server.post(
            "/admin/entries/bulk", {"action": "approve", "ids": ids[start : start + 500]}, admin=True
        )
        assert response.status_code == 200, response.text
        assert all(r.get("status") == "approved" for r in response.json()["results"]), response.text


def _submit(server: Server, sent: Sent, published: Published) -> None:
    if sent.kind == "comments":
        body: dict[str, Any] = {"author": sent.author, "body": sent.body}
        if sent.parent_id is not None:
            body["parent_id"] = sent.parent_id
    else:
        body = {"author": sent.author, "body": sent.body, "title": sent.title, "rating": 1 + sent.vector % 5}
    response = server.post(f"/articles/{sent.article}/{sent.kind}", body)
    if response.status_code == 409 and "body" in response.json()["error"].get("fields", {}):
        # The same text once normalized as an earlier vector (say, with a NUL removed): the
        # service refuses repeats, so this one goes with a line of its own.
        sent.body = body["body"] = f"{sent.body}\n\n(vector {sent.vector})"
        response = server.post(f"/articles/{sent.article}/{sent.kind}", body)
    if response.status_code == 422 and sent.kind == "comments":
        # Markup only, nothing to show: refused as a whole, and only for the body.
        assert set(response.json()["error"]["fields"]) == {"body"}, (sent.vector, response.text)
        published.refused_bodies.append(sent.vector)
        return
    assert response.status_code == 202, (sent.vector, response.text)
    sent.id = response.json()["id"]
    published.sent.append(sent)


def _submit_all(server: Server, todo: list[Sent], published: Published) -> None:
    """Four at a time: gunicorn has two workers, keep both busy."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(_submit, server, sent, published) for sent in todo]:
            future.result()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def corpus_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, host: HostSite
) -> Iterator[Server]:
    """A server on a database of the corpus's own. On the suite's shared one, the
    Schemathesis test acts as a moderator at random, and a ban it takes by entry id also
    bans the client every test posts from: the corpus published after it was refused."""
    with fresh_database(request.param, tmp_path_factory) as url, serving(url, host) as server:
        yield server


@pytest.fixture(scope="session")
def published(corpus_server: Server) -> Published:
    """The corpus, published once per database, however the worker orders the tests."""
    server = corpus_server
    vectors = load_vectors(Path(__file__).with_name("xss_vectors.txt"))
    assert len(vectors) >= 500
    assert len(set(vectors)) == len(vectors), "a vector is in the corpus twice"
    published = Published(sent=[])
    todo = []
    for i, vector in enumerate(vectors):
        chunk = i // PER_ARTICLE
        todo.append(Sent(i, "comments", f"xss-c{chunk}", ("A " + vector)[:80], vector))
        review = Sent(i, "reviews", f"xss-r{chunk}", vector[:80], "Review: " + vector, title=vector[:120])
        if not plain_text(review.author):
            review.author = "R " + review.author[:78]
        todo.append(review)
    _submit_all(server, todo, published)
    _approve(server, [s.id for s in published.sent if s.id is not None])

    # Every seventh vector again, as a reply to the first comment of its article.
    firsts: dict[str, int] = {}
    for s in sorted(published.sent, key=lambda s: s.id or 0):
        if s.kind == "comments":
            firsts.setdefault(s.article, s.id or 0)
    replies = [
        Sent(s.vector, "comments", s.article, "Re " + s.author[:70], "Re: " + s.body, parent_id=firsts[s.article])
        for s in published.sent
        if s.kind == "comments" and s.vector % 7 == 0
    ]
    before = len(published.sent)
    _submit_all(server, replies, published)
    _approve(server, [s.id for s in published.sent[before:] if s.id is not None])

    for s in published.sent:
        published.articles[(s.article, s.kind)] = published.articles.get((s.article, s.kind), 0) + 1
    for article, kind in published.articles:
        response = server.get(f"/articles/{article}/{kind}", limit=200)
        assert response.status_code == 200
        stack = list(response.json()["items"])
        while stack:
            item = stack.pop()
            published.served[item["id"]] = item
            stack.extend(item.get("replies", []))
    return published


def test_the_api_serves_every_vector_as_safe_html_and_plain_text(published: Published) -> None:
    assert len(published.served) == len(published.sent)
    for s in published.sent:
        assert s.id is not None
        item = published.served[s.id]
        assert violations(item["body_html"]) == [], (s.vector, s.body, item["body_html"])
        # Names and titles are served as the text the reader typed (cleaned), never as HTML:
        # not escaped, not unescaped, not linkified.
        assert item["author"] == plain_text(s.author), s.vector
        if s.kind == "reviews":
            assert item["title"] == (plain_text(s.title or "") or None), s.vector
    # Markup-only bodies were refused, not stored empty; there are some in the corpus.
    assert published.refused_bodies


# Where each renderer puts an entry, its id, body, author and title.
SHAPES: dict[str, dict[str, str]] = {
    "harness": {"item": "[data-id]", "id": "data-id", "body": ".body", "author": ".who", "title": "h3"},
    "widget": {"item": "[data-id]", "id": "data-id", "body": ".body", "author": ".who", "title": "h3"},
    "fragment": {
        "item": "[id^=comments-entry-]",
        "id": "id",
        "body": ".comments-body",
        "author": ".comments-author",
        "title": ".comments-title",
    },
}

# Everything under a body must be allowlisted markup; authors and titles must be text.
AUDIT = """([allowed, shape]) => {
  const roots = [document];
  for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
  const idOf = (item) => item.getAttribute(shape.id).replace("comments-entry-", "");
  const problems = [], names = {}, titles = {};
  let bodies = 0;
  for (const root of roots) {
    for (const body of root.querySelectorAll(shape.item + " " + shape.body)) {
      bodies += 1;
      const id = idOf(body.closest(shape.item));
      for (const el of body.querySelectorAll("*")) {
        const where = id + ": " + el.outerHTML.slice(0, 160);
        if (el.namespaceURI !== "http://www.w3.org/1999/xhtml" || !allowed.includes(el.localName))
          problems.push("element " + where);
        for (const a of el.attributes)
          if (!(el.localName === "a" && ["href", "title", "rel"].includes(a.name))) problems.push("attribute " + where);
        if (el.localName === "a" && el.hasAttribute("href")) {
          if (!["http:", "https:", "mailto:"].includes(el.protocol)) problems.push("scheme " + where);
          if (!el.relList.contains("nofollow")) problems.push("rel " + where);
        }
      }
    }
    for (const item of root.querySelectorAll(shape.item)) {
      const who = item.querySelector(shape.author);
      if (!who) continue;
      if (who.children.length) problems.push("markup in author " + idOf(item));
      names[idOf(item)] = who.textContent;
      const title = item.querySelector(shape.title);
      if (title && title.children.length) problems.push("markup in title " + idOf(item));
      if (title) titles[idOf(item)] = title.textContent;
    }
    for (const script of root.querySelectorAll("main script"))
      if (script.type !== "application/ld+json") problems.push("script " + script.outerHTML.slice(0, 160));
  }
  return {bodies, problems, names, titles, pwned: window.__pwned, calls: window.__calls, url: location.href};
}"""

COUNT_BODIES = """(shape) => {
  let n = 0;
  const roots = [document];
  for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
  for (const root of roots) n += root.querySelectorAll(shape.item + " " + shape.body).length;
  return n;
}"""

# The widget pages its lists ("Load more"); the harness shows everything at once.
MORE = """() => {
  for (const el of document.querySelectorAll("*"))
    if (el.shadowRoot) for (const b of el.shadowRoot.querySelectorAll("button.more:not([hidden])")) b.click();
}"""


def _show_all(page: Page, shape: dict[str, str], expected: int) -> None:
    """Wait for the first items, then ask for more until all are shown (bounded)."""
    page.wait_for_function(f"(shape) => ({COUNT_BODIES})(shape) > 0", arg=shape, timeout=15_000)
    for _ in range(expected):
        shown = page.evaluate(COUNT_BODIES, shape)
        if shown >= expected:
            return
        page.evaluate(MORE)
        try:
            page.wait_for_function(f"(shape) => ({COUNT_BODIES})(shape) > {shown}", arg=shape, timeout=10_000)
        except PlaywrightTimeout:
            break
    raise AssertionError(f"{page.evaluate(COUNT_BODIES, shape)} of {expected} items rendered")


# Whatever handler could have survived gets its event: pointer, mouse, focus, animation.
PROVOKE = """() => {
  const roots = [document];
  for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
  for (const root of roots) for (const el of root.querySelectorAll("main *, [data-id] *")) {
    for (const type of ["pointerover", "mouseover", "mouseenter", "focus", "focusin", "animationstart", "toggle"])
      el.dispatchEvent(new Event(type, {bubbles: true}));
  }
}"""


@pytest.mark.parametrize("renderer", RENDERERS)
def test_nothing_in_the_corpus_runs_in_chromium(
    published: Published, corpus_server: Server, host: HostSite, chromium: Browser, renderer: str
) -> None:
    server = corpus_server
    context = chromium.new_context()
    outside: list[str] = []

    def loopback_only(route: Route, request: Request) -> None:
        if request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", loopback_only)
    dialogs: list[str] = []
    try:
        page = context.new_page()

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        # One page per kind shows all its articles, one after the other (a front page
        # with many threads): every vector is rendered, in a page load or two rather than
        # one per article.
        for kind in ("comments", "reviews"):
            articles = sorted(article for article, of in published.articles if of == kind)
            expected = sum(published.articles[(article, kind)] for article in articles)
            url = host.page(renderer, server.base, articles, kind)
            page.goto(url)
            _show_all(page, SHAPES[renderer], expected)
            page.evaluate(PROVOKE)
            page.wait_for_timeout(150)  # image errors, animations, timers
            result = page.evaluate(AUDIT, [sorted(ALLOWED_TAGS), SHAPES[renderer]])
            where = f"{renderer} {kind} of {len(articles)} articles on {server.dialect}"
            assert result["bodies"] == expected, where
            assert result["problems"] == [], where
            assert result["pwned"] == 0 and result["calls"] == [], (where, result["calls"])
            assert result["url"] == url, where
            for entry_id, shown in result["names"].items():
                assert shown == published.served[int(entry_id)]["author"], (where, entry_id)
            for entry_id, shown in result["titles"].items():
                assert shown == published.served[int(entry_id)]["title"], (where, entry_id)
            if kind == "reviews":
                for article in articles:  # the titles were shown at all
                    titled = [s.id for s in published.sent if s.article == article and s.kind == kind and s.title]
                    shown_titles = [i for i in titled if str(i) in result["titles"]]
                    assert len(shown_titles) >= len(titled) * 0.9, (where, article)
        assert dialogs == []
        # Sanitized links are never followed: nothing asked for another host.
        assert outside == []
    finally:
        context.close()
