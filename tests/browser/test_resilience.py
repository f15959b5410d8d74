"""When the service says "slow down" or cannot be reached, the reader gets a polite message
and keeps what they typed."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import expect

from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .support import HostSite
from .support import article_id
from .support import assert_clean
from .support import shot


def test_rate_limit_and_network_failure_keep_the_text(page: Page, host: HostSite, tmp_path: Path) -> None:
    article = article_id()
    env = {
        **server_env(migrated_sqlite(tmp_path / "limited.db")),
        "COMMENTS_ALLOWED_ORIGINS": host.origin,
        "COMMENTS_RATE_LIMIT": "1/minute",
    }
    with gunicorn(env, workers=1) as limited:
        page.goto(host.article(limited, article))
        widget = page.locator(f'[data-comments-for="{article}"]')
        form = widget.get_by_role("form", name="Comments")
        status = form.get_by_role("status")
        form.get_by_label("Name").fill("Pat")
        form.get_by_label("Comment").fill("First one.")
        form.get_by_role("button", name="Post comment").click()
        expect(status).to_contain_text("awaits moderation")

        form.get_by_label("Name").fill("Pat")
        form.get_by_label("Comment").fill("A second, carefully written comment.")
        form.get_by_role("button", name="Post comment").click()
        expect(status).to_have_text(
            "You are posting faster than we can take it. Please wait a minute and send again; your text is still here."
        )
        expect(form.get_by_label("Comment")).to_have_value("A second, carefully written comment.")
        expect(form.get_by_role("button", name="Post comment")).to_be_enabled()
        shot(page, "rate-limited")

    # The server is gone now.
    form.get_by_role("button", name="Post comment").click()
    expect(status).to_have_text(
        "We could not reach the comment service. Please check your connection and send again; your text is still here."
    )
    expect(form.get_by_label("Comment")).to_have_value("A second, carefully written comment.")
    expect(form.get_by_label("Name")).to_have_value("Pat")
    assert_clean(page)
