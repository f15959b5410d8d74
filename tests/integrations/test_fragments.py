"""SEO: an article's approved comments and reviews as a cacheable HTML fragment that a site
includes server-side, with the rating as schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

from tests.helpers import Api

PATH = "/api/v1/articles/{}/comments.html"


class Outline(HTMLParser):
    """The elements of a fragment, as (depth, tag, class) and the text of each."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.elements: list[tuple[int, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((self.depth, tag, dict(attrs).get("class") or ""))
        self._in_script = tag == "script"
        if tag != "br":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def fragment(client: FlaskClient, article: str = "a1", **kwargs: Any) -> str:
    response = client.get(PATH.format(article), **kwargs)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def test_the_fragment_shows_approved_comments_and_reviews_safely(api: Api) -> None:
    first = api.approved_comment(author="<b>Ann</b>", body="Hello <i>there</i> & welcome")
    reply = api.comment(author="Bo", parent_id=first, body="A reply")["id"]
    api.act(reply, "approve")
    api.comment(author="Cy", body="Still waiting for a moderator")
    api.approved_review(author="Rae", rating=5, title='<script>alert("t")</script>', body="Clear and fair")
    api.approved_review(author="Sam", rating=4, body="Good")

    html = fragment(api.client)
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html  # author and title are text
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<p>Hello <i>there</i> &amp; welcome</p>" in html  # body_html as sanitized on write
    assert "Still waiting" not in html  # pending entries are never served
    assert "Rated 4.5 out of 5 by 2 readers" in html

    outline = Outline()
    outline.feed(html)
    comment_depth = {d for d, tag, cls in outline.elements if cls == "comments-comment"}
    assert len(comment_depth) == 2  # the reply is nested in its parent's list
    assert [cls for _, tag, cls in outline.elements if tag == "ol"] == ["comments-thread", "comments-replies"]
    (rating,) = [json.loads(s) for s in outline.scripts]
    assert rating == {
        "@context": "https://schema.org",
        "@type": "AggregateRating",
        "itemReviewed": {"@type": "CreativeWork", "identifier": "a1"},
        "ratingValue": 4.5,
        "ratingCount": 2,
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_the_fragment_is_cacheable_and_changes_with_the_article(api: Api) -> None:
    api.approved_comment(author="Ann")
    response = api.client.get(PATH.format("a1"))
    etag = response.headers["ETag"]
    assert re.search(r"max-age=\d+", response.headers["Cache-Control"])
    again = api.client.get(PATH.format("a1"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    api.approved_comment(author="Bo")
    changed = api.client.get(PATH.format("a1"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and "Bo" in changed.get_data(as_text=True)


def test_an_article_without_entries_and_paging(api: Api) -> None:
    html = fragment(api.client, "nothing-yet")
    assert "No comments yet." in html and "application/ld+json" not in html and "Reviews" not in html
    for name in ("Ann", "Bo", "Cy"):
        api.approved_comment("paged", author=name)
    first = fragment(api.client, "paged", query_string={"limit": 2})
    cursor = re.search(r'data-next-cursor="([^"]+)"', first)
    assert cursor and "Cy" not in first
    second = fragment(api.client, "paged", query_string={"limit": 2, "cursor": cursor[1]})
    assert "Cy" in second and "Ann" not in second and "data-next-cursor" not in second


def test_errors_are_json_and_the_path_is_documented(client: FlaskClient) -> None:
    bad = client.get(PATH.format("-not-an-id"))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"
    assert client.get(PATH.format("a1"), query_string={"cursor": "tampered"}).status_code == 400
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/articles/{article_id}/comments.html"]["get"]
    assert "text/html" in operation["responses"]["200"]["content"]
    assert {"/api/v1/admin/webhooks", "/api/v1/admin/export"} <= set(spec["paths"])
