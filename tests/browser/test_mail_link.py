"""A moderator approves an entry from the link in the mail about it: the link opens the
confirmation page on /admin/ in Chromium, and its one button publishes the entry."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from service import create_app
from service.config import EmailSettings
from service.extensions import db

from ..helpers import ADMIN_TOKENS
from ..mailserver import PASSWORD
from ..mailserver import USER
from ..mailserver import MailServer
from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .support import ADMIN
from .support import HostSite
from .support import Service
from .support import article_id
from .support import assert_clean
from .support import axe_violations
from .support import shot
from .support import sign_in


@pytest.fixture(scope="module")
def mailing(
    tmp_path_factory: pytest.TempPathFactory, host: HostSite, smtp_server: MailServer
) -> Iterator[tuple[str, str]]:
    """A service that sends mail to the test SMTP server: its URL and its database."""
    database = migrated_sqlite(tmp_path_factory.mktemp("mail") / "comments.db")
    env = {
        **server_env(database),
        "COMMENTS_ALLOWED_ORIGINS": host.origin,
        "COMMENTS_SMTP_URL": f"smtp://{USER}:{PASSWORD}@{smtp_server.host}:{smtp_server.port}",
        "COMMENTS_PUBLIC_URL": "http://127.0.0.1",  # the worker below knows the real port
    }
    with gunicorn(env, workers=1) as base:
        yield base, database


def deliver(base: str, database: str, smtp_server: MailServer) -> None:
    """The outbox worker, as `flask webhooks deliver --once` beside the service."""
    settings = EmailSettings(
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_username=USER,
        smtp_password=PASSWORD,
        public_url=base,
        from_address="comments@news.example",
    )
    tokens = {token: name for name, token in ADMIN_TOKENS.items()}
    worker = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database,
            "EMBEDDED_DATABASE": False,
            "SECRET_KEY": "test-secret",
            "ADMIN_TOKENS": tokens,
            "EMAIL": settings,
        }
    )
    result = worker.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0 and "mail: sent 1," in result.output, result.output
    with worker.app_context():
        db.engine.dispose()


def test_a_moderator_approves_an_entry_from_the_mail_link(
    page: Page, mailing: tuple[str, str], smtp_server: MailServer
) -> None:
    base, database = mailing
    service = Service(base)
    inbox = f"alice-{article_id()}@news.example"
    # The moderator asks for a mail per entry on /admin/ ("My mail").
    sign_in(page, base)
    with page.expect_response(lambda r: r.url.endswith("/admin/me/notifications")):
        page.get_by_text("My mail").click()  # opening it loads the current choice
    mine = page.get_by_role("form", name="My mail")
    mine.get_by_label("Email").fill(inbox)
    mine.get_by_label("Send me").select_option("each")
    mine.get_by_role("button", name="Save").click()
    expect(mine.get_by_role("status")).to_have_text("Saved.")
    answer = service.http.get(f"{base}/api/v1/admin/me/notifications", headers=ADMIN, timeout=10).json()
    assert (answer["email"], answer["mode"]) == (inbox, "each")
    article = article_id()
    entry = service.comment(article, author="Dana", body="The ferry runs again from Monday.")
    deliver(base, database, smtp_server)

    (received,) = smtp_server.wait_for(inbox)
    text = received.message.get_body(("plain",))
    assert text is not None
    (approve,) = re.findall(r"^Approve: (\S+)$", text.get_content().replace("\r\n", "\n"), re.M)
    assert approve.startswith(f"{base}/admin/act?t=")

    page.goto(approve)
    expect(page.get_by_role("heading", name="Approve this comment?")).to_be_visible()
    expect(page.get_by_text("The ferry runs again from Monday.").first).to_be_visible()
    assert service.entry(entry)["status"] == "pending"  # opening the link changed nothing
    assert axe_violations(page) == []
    shot(page, "mail-link-confirm")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="Approved: the entry is published.")).to_be_visible()
    shot(page, "mail-link-done")
    detail = service.entry(entry)
    assert detail["status"] == "approved" and detail["history"][-1]["moderator"] == "alice"

    page.goto(approve)  # the link worked once
    expect(page.get_by_role("heading", name="Link already used")).to_be_visible()
    assert_clean(page)
