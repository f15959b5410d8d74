"""On a service in post-moderation mode, a reader's comment is published at once and the
widget says so instead of promising a moderator's look."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .support import HostSite
from .support import article_id


@pytest.fixture(scope="module")
def post_moderated(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[str]:
    database = migrated_sqlite(tmp_path_factory.mktemp("post") / "comments.db")
    env = {**server_env(database), "COMMENTS_ALLOWED_ORIGINS": host.origin, "COMMENTS_MODERATION_MODE": "post"}
    with gunicorn(env, workers=1) as base:
        yield base


def test_a_published_comment_is_shown_as_published(page: Page, host: HostSite, post_moderated: str) -> None:
    article = article_id()
    page.goto(host.article(post_moderated, article))
    widget = page.locator(f'[data-comments-for="{article}"]')
    form = widget.get_by_role("form", name="Comments")
    form.get_by_label("Name").fill("Omar")
    form.get_by_label("Comment").fill("Published straight away.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Thank you! It is published.")
    expect(widget.locator(".pending .badge")).to_have_text("Published")
    page.reload()
    expect(widget.locator(".thread > li.c .body")).to_have_text("Published straight away.")
