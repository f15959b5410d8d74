"""The documented rules, without a database: article ids from URLs, signatures, backoff."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from service.domain import articles
from service.domain import webhooks
from service.integrations.articles import ArticleRule
from service.integrations.records import Page


def test_article_ids_come_from_the_url_path_by_default() -> None:
    rule = ArticleRule()
    cases = {
        "https://news.example/2024/05/storm-hits/?utm_source=feed#comments": "2024-05-storm-hits",
        "https://news.example/index.php?p=12": "index.php-p-12",
        "https://news.example/?p=12": "p-12",
        "https://news.example/": "home",
        "/2024/05/storm-hits/": "2024-05-storm-hits",  # Isso keeps paths
        "https://news.example/caf%C3%A9/what's new/": "cafe-what-s-new",
    }
    assert {url: rule(Page(url=url)) for url in cases} == cases
    long = rule(Page(url="https://news.example/" + "/".join(f"section-{i}" for i in range(40))))
    assert long is not None and len(long) == 128 and articles.is_valid(long)
    assert ArticleRule("slug")(Page(url="https://news.example/2024/05/storm-hits/")) == "storm-hits"


def test_identifiers_and_mappings_override_the_path() -> None:
    page = Page(url="https://news.example/2024/05/storm-hits/", identifier="storm-2024")
    assert ArticleRule("identifier")(page) == "storm-2024"
    assert ArticleRule("identifier")(Page(url=page.url, identifier="12 https://news.example/?p=12")) == (
        "2024-05-storm-hits"  # not a valid article id: the path rule
    )
    mapped = ArticleRule("path", {"/2024/05/storm-hits/": "storm"})
    assert mapped(page) == "storm"
    assert ArticleRule()(Page(article_id="has space")) is None


def test_signatures_are_bound_to_body_and_time() -> None:
    now = int(time.time())
    header = webhooks.signature("s" * 20, now, b'{"a":1}')
    assert webhooks.verify("s" * 20, header, b'{"a":1}')
    assert not webhooks.verify("t" * 20, header, b'{"a":1}')
    assert not webhooks.verify("s" * 20, header.replace(f"t={now}", f"t={now + 1}"), b'{"a":1}')
    assert not webhooks.verify("s" * 20, header, b'{"a":1}', now=now + 301)
    assert not webhooks.verify("s" * 20, "garbage", b"")


def test_retries_back_off_to_a_ceiling() -> None:
    rng = random.Random(1)
    waits = [webhooks.backoff(n, rng) for n in range(1, 13)]
    assert timedelta(seconds=24) <= waits[0] <= timedelta(seconds=36)
    assert all(w <= webhooks.LAST_RETRY * 1.2 for w in waits)
    assert waits[10] >= webhooks.LAST_RETRY * 0.8
    assert webhooks.backoff(10_000) <= webhooks.LAST_RETRY * 1.2
