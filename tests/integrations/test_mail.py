"""Mail: moderators act from their inbox, readers hear about replies. Every message goes
through the outbox worker to a real SMTP server on 127.0.0.1 (tests/mailserver.py), and
each test checks the messages' headers, both parts and their links, on both databases."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

import jwt
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy import update

from service.config import ConfigError
from service.config import EmailSettings
from service.config import TrustSettings
from service.config import email_from_environ
from service.domain import mail as rules
from service.extensions import db
from service.persistence.base import utcnow
from service.persistence.models import Entry
from service.persistence.models import MailAddress
from service.persistence.models import MailMessage
from service.persistence.models import ModerationEvent
from service.persistence.models import ModeratorMail
from service.persistence.models import ReplySubscription
from tests.helpers import ADMIN_TOKENS
from tests.helpers import ALICE
from tests.helpers import BOB
from tests.helpers import V1
from tests.helpers import Api
from tests.integrations.mail_helpers import OTHER_CLIENT
from tests.integrations.mail_helpers import PUBLIC
from tests.integrations.mail_helpers import address
from tests.integrations.mail_helpers import deliver
from tests.integrations.mail_helpers import links
from tests.integrations.mail_helpers import local
from tests.integrations.mail_helpers import parts
from tests.integrations.mail_helpers import set_mail
from tests.integrations.mail_helpers import token_of
from tests.mailserver import REFUSED
from tests.mailserver import MailServer
from tests.mailserver import TlsServers
from tests.servers import free_port


def check_headers(message: EmailMessage, to: str) -> None:
    assert message["From"] == "News comments <comments@news.example>"
    assert message["To"] == to
    assert message["Message-ID"].endswith("@news.example>")
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"


def test_a_moderator_gets_a_mail_per_entry_and_acts_from_its_link_once(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app()
    client = app.test_client()
    api = Api(client)
    inbox = address("alice")
    assert set_mail(client, ALICE, email=inbox.upper(), mode="each") == {
        "moderator": "alice",
        "email": inbox,
        "mode": "each",
        "digest_minutes": 60,
        "mail_configured": True,
    }
    assert client.get(f"{V1}/admin/me/notifications", headers=BOB).get_json()["mode"] == "off"
    earlier = api.comment("a1", author="Ann", email="ann@private.example")
    api.act(earlier["id"], "approve")
    entry = api.comment(
        "a1",
        author="Ann",
        email="ann@private.example",
        body="Is the bridge <b>open</b>?\n<script>x</script>",
        page_url="https://news.example/a1",
        page_title="Storm closes the bridge",
    )
    assert smtp_server.to(inbox) == []  # nothing is sent while the reader waits
    deliver(app, "mail: sent 1, retrying later 0, failed 0, dropped 1")  # the first entry was decided already

    (received,) = smtp_server.to(inbox)
    assert received.authenticated and received.rcpt_tos == [inbox]
    message = received.message
    check_headers(message, inbox)
    assert message["Subject"] == "New comment by Ann on Storm closes the bridge"
    text, html = parts(message)
    assert "Is the bridge <b>open</b>?\n<script>x</script>" in text  # the sent text, as text
    assert "Author's earlier entries: 1 approved, 0 rejected, 0 spam, 1 pending" in text
    assert "Storm closes the bridge <https://news.example/a1>" in text
    assert entry["body_html"] in html  # the sanitized preview
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert "ann@private.example" not in text + html
    found = {action: links(text, "/admin/act") for action in ("approve", "reject", "spam")}
    assert all(len(v) == 3 for v in found.values())
    approve, reject, spam = found["approve"]
    assert set(links(html.replace("&amp;", "&"), "/admin/act")) == {approve, reject, spam}

    # Opening the link changes nothing; it shows the entry and one button.
    page = client.get(local(approve))
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]
    body = page.get_data(as_text=True)
    assert "Approve this comment?" in body and 'method="post"' in body and "<script>" not in body.split("</pre>")[1]
    assert api.get(f"/admin/entries/{entry['id']}", headers=ALICE)["status"] == "pending"

    done = client.post("/admin/act", data={"t": token_of(approve)})
    assert done.status_code == 200 and "Approved" in done.get_data(as_text=True)
    detail = api.get(f"/admin/entries/{entry['id']}", headers=ALICE)
    assert detail["status"] == "approved" and detail["history"][-1]["moderator"] == "alice"

    # Once: the same link, and the mail's other links, are spent.
    assert client.post("/admin/act", data={"t": token_of(approve)}).status_code == 409
    assert client.post("/admin/act", data={"t": token_of(spam)}).status_code == 409
    assert client.get(local(reject)).status_code == 409
    assert api.get(f"/admin/entries/{entry['id']}", headers=ALICE)["status"] == "approved"
    # Bound to the moderator and the entry: an altered token is refused.
    forged = token_of(reject).replace(token_of(reject)[5], "A" if token_of(reject)[5] != "A" else "B", 1)
    assert client.post("/admin/act", data={"t": forged}).status_code == 400
    assert client.post("/admin/act", data={"t": ""}).status_code == 400


def test_an_entry_held_by_reader_reports_is_mailed_as_reported(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app({"REPORT_THRESHOLD": 1})
    client = app.test_client()
    api = Api(client)
    inbox = address("alice")
    entry_id = api.approved_comment("a1", author="Ann", body="Held by a report")
    set_mail(client, ALICE, email=inbox, mode="each")
    report = client.post(f"{V1}/entries/{entry_id}/reports", json={"reason": "rude"})
    assert report.status_code == 202
    deliver(app, "mail: sent 1,")
    (received,) = smtp_server.to(inbox)
    assert received.message["Subject"] == "Reported comment by Ann on a1"
    text, html = parts(received.message)
    assert "Readers reported this comment" in text and "Open reports: 1" in text
    assert "Held by a report" in text and "open reports: 1" in html


def test_a_link_works_only_for_a_current_moderator_and_expires(mail_app: Callable[..., Flask]) -> None:
    app = mail_app()
    secret = str(app.config["SECRET_KEY"])
    act = rules.Act("carol", 1, "approve", rules.nonce())
    client = app.test_client()
    Api(client).comment("a1")
    assert client.post("/admin/act", data={"t": act.token(secret)}).status_code == 400  # carol has no token
    alice = rules.Act("alice", 1, "approve", rules.nonce()).token(secret)
    with pytest.raises(rules.ExpiredLink):
        rules.Act.of(secret, alice, max_age=-1)
    with pytest.raises(rules.BadLink):
        rules.Act.of("another-secret", alice, max_age=60)
    with pytest.raises(rules.BadLink):  # a confirmation link is no action link
        rules.Act.of(secret, rules.sign(secret, "confirm", {"a": "x@y", "s": "default"}), max_age=60)


def test_a_digest_lists_what_came_in_since_the_last_one(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app()
    client = app.test_client()
    api = Api(client)
    inbox = address("bob")
    set_mail(client, BOB, email=inbox, mode="digest", digest_minutes=15)
    first = api.comment("a1", author="Ann")
    second = api.review("a2", author="Rae")
    deliver(app)
    assert smtp_server.to(inbox) == []  # 15 minutes have not passed
    with app.app_context():
        db.session.execute(update(ModeratorMail).values(digest_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    deliver(app, "mail: sent 1,")
    (received,) = smtp_server.to(inbox)
    message = received.message
    check_headers(message, inbox)
    assert message["Subject"] == "2 entries are waiting for a moderator"
    text, html = parts(message)
    assert "Comment by Ann" in text and "Review by Rae (4 of 5 stars)" in text
    assert first["body_html"] in html and second["body_html"] in html
    assert len(links(text, "/admin/act")) == 6
    deliver(app)
    assert len(smtp_server.to(inbox)) == 1  # nothing new: no digest


def test_a_reader_confirms_then_hears_of_each_published_reply_and_unsubscribes_in_one_post(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app()
    client = app.test_client()
    api = Api(client)
    reader = address("ann")
    comment = api.comment("a1", author="Ann", email=reader, notify_replies=True, page_url="https://news.example/a1")
    api.act(comment["id"], "approve")
    other = app.test_client()
    other.environ_base.update(OTHER_CLIENT)
    others = Api(other)

    # Unconfirmed: a reply sends nothing but the one confirmation.
    early = others.comment("a1", author="Bo", parent_id=comment["id"], body="First reply")
    api.act(early["id"], "approve")
    deliver(app)
    (confirmation,) = smtp_server.to(reader)
    message = confirmation.message
    check_headers(message, reader)
    assert message["Subject"] == "Confirm: mail me when someone replies"
    assert message["List-Unsubscribe"] is None
    text, html = parts(message)
    (confirm,) = links(text, "/mail/confirm")
    assert links(html.replace("&amp;", "&"), "/mail/confirm") == [confirm]
    assert "First reply" not in text + html
    assert client.get(local(confirm)).status_code == 200  # the page; nothing confirmed yet
    with app.app_context():
        assert db.session.scalar(select(MailAddress.confirmed_at)) is None
    assert client.post("/mail/confirm", data={"t": token_of(confirm)}).status_code == 200

    # A pending reply sends nothing; once approved, one mail.
    reply = others.comment("a1", author="Bo", parent_id=comment["id"], body="I was <i>there</i> too")
    deliver(app)
    assert len(smtp_server.to(reader)) == 1
    api.act(reply["id"], "approve")
    # Their own replies never: the same address, or the same client.
    own = api.comment("a1", author="Ann", email=reader, parent_id=comment["id"], body="Answering myself")
    same_client = api.comment("a1", author="Ann again", parent_id=comment["id"], body="From my browser")
    api.act(own["id"], "approve")
    api.act(same_client["id"], "approve")
    deliver(app, "mail: sent 1,")
    received = smtp_server.to(reader)
    assert len(received) == 2
    message = received[1].message
    check_headers(message, reader)
    assert message["Subject"] == "Bo replied to your comment on a1"
    (unsubscribe,) = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe.startswith(PUBLIC + "/mail/unsubscribe?t=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "I was <i>there</i> too" in text and reply["body_html"] in html
    assert comment["body_html"] in html and "https://news.example/a1" in text
    assert unsubscribe in text and unsubscribe in html.replace("&amp;", "&")

    # Rejected and approved again: told once.
    api.act(reply["id"], "reject")
    api.act(reply["id"], "approve")
    deliver(app)
    assert len(smtp_server.to(reader)) == 2

    # RFC 8058: one POST to the List-Unsubscribe URL, no page, no further step.
    gone = client.post(
        local(unsubscribe), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert gone.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ReplySubscription.entry_id)) is None
        assert db.session.scalar(select(MailAddress.id)) is None
    later = others.comment("a1", author="Cy", parent_id=comment["id"], body="Anyone?")
    api.act(later["id"], "approve")
    deliver(app)
    assert len(smtp_server.to(reader)) == 2
    page = client.get(local(unsubscribe))  # the page still answers, and still changes nothing
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)


def test_a_signed_in_reader_opts_in_with_the_address_of_the_sites_token(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    """No email field for a signed-in reader: the address is the one the site's token names."""
    secret = "a-site-secret-of-32-characters-or-more"
    app = mail_app({"TRUST": TrustSettings(sso_secret=secret)})
    reader = address("sam")
    claims = {"sub": "u-17", "name": "Sam Reader", "email": reader, "aud": "default", "exp": int(time.time()) + 600}
    headers = {"X-Comments-SSO": jwt.encode(claims, secret, algorithm="HS256")}
    client = app.test_client()
    sent = client.post(
        f"{V1}/articles/a1/comments", json={"body": "Signed in", "notify_replies": True}, headers=headers
    )
    assert sent.status_code == 202, sent.get_json()
    Api(client).act(sent.get_json()["id"], "approve")
    deliver(app)
    (confirmation,) = smtp_server.to(reader)
    check_headers(confirmation.message, reader)
    assert links(parts(confirmation.message)[0], "/mail/confirm")


def test_at_most_n_reply_mails_a_day_per_address(mail_app: Callable[..., Flask], smtp_server: MailServer) -> None:
    app = mail_app(replies_per_day=2)
    client = app.test_client()
    api = Api(client)
    reader = address("ann")
    comment = api.comment("a1", email=reader, notify_replies=True)
    api.act(comment["id"], "approve")
    deliver(app)
    (confirmation,) = smtp_server.to(reader)
    (confirm,) = links(parts(confirmation.message)[0], "/mail/confirm")
    client.post("/mail/confirm", data={"t": token_of(confirm)})
    other = app.test_client()
    other.environ_base.update(OTHER_CLIENT)
    for n in range(3):
        reply = Api(other).comment("a1", author="Bo", parent_id=comment["id"], body=f"Reply {n}")
        api.act(reply["id"], "approve")
    deliver(app, "mail: sent 2, retrying later 0, failed 0, dropped 1")
    assert len(smtp_server.to(reader)) == 3  # the confirmation and two replies
    listed = api.get("/admin/mail", headers=ALICE, query_string={"state": "dropped"})["items"]
    assert [m["last_error"] for m in listed] == ["daily limit of reply mails reached"]


def test_without_confirmation_or_for_spam_a_reader_gets_no_more_than_one_confirmation(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app()
    api = Api(app.test_client())
    reader = address("ann")
    first = api.comment("a1", email=reader, notify_replies=True)
    api.comment("a2", email=reader, notify_replies=True)  # within a day: no second confirmation
    deliver(app)
    assert len(smtp_server.to(reader)) == 1
    api.act(first["id"], "approve")
    other = app.test_client()
    other.environ_base.update(OTHER_CLIENT)
    reply = Api(other).comment("a1", author="Bo", parent_id=first["id"])
    api.act(reply["id"], "approve")
    deliver(app)
    assert len(smtp_server.to(reader)) == 1  # unconfirmed: nothing more
    bot = address("bot")
    api.comment("a3", email=bot, notify_replies=True, website="http://spam.example")  # the honeypot: spam
    deliver(app)
    assert smtp_server.to(bot) == []


def test_bad_input_is_refused_and_stores_nothing(mail_app: Callable[..., Flask]) -> None:
    app = mail_app()
    client = app.test_client()
    response = client.post(f"{V1}/articles/a1/comments", json={"author": "Ann", "body": "Hi", "notify_replies": True})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"notify_replies": "Give an email address to be told of replies."}
    response = client.post(
        f"{V1}/articles/a1/comments",
        json={"author": "Ann", "body": "Hi", "email": "a@b.example", "notify_replies": "maybe"},
    )
    assert response.status_code == 422 and "notify_replies" in response.get_json()["error"]["fields"]
    set_mail(client, ALICE, 422, mode="each")
    set_mail(client, ALICE, 422, email="x@news.example", mode="hourly")
    set_mail(client, ALICE, 422, email="x@news.example", mode="digest", digest_minutes=7)
    set_mail(client, ALICE, 422, email="not an address", mode="each")
    assert client.put(f"{V1}/admin/me/notifications", json={"mode": "off"}).status_code == 401
    for path in ("/mail/confirm", "/mail/unsubscribe", "/admin/act"):
        assert client.post(path, data={"t": "garbage"}).status_code == 400
        assert client.get(f"{path}?t=garbage").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Entry.id)) is None
        assert db.session.scalar(select(ModeratorMail.id)) is None
        assert db.session.scalar(select(MailMessage.id)) is None


def test_failures_retry_with_backoff_and_are_visible_without_readers_addresses(
    make_app: Callable[..., Flask], mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    down = EmailSettings(smtp_host="127.0.0.1", smtp_port=free_port(), public_url=PUBLIC, timeout=2.0, max_attempts=2)
    app = make_app(EMAIL=down)
    client = app.test_client()
    api = Api(client)
    set_mail(client, ALICE, email="alice@news.example", mode="each")
    set_mail(client, BOB, email=f"bob@{REFUSED}", mode="each")
    reader = f"ann@{REFUSED}"
    api.comment("a1", email=reader, notify_replies=True)
    deliver(app, "mail: sent 0, retrying later 3,")
    listed = api.get("/admin/mail", headers=ALICE)
    assert listed["configured"] is True and listed["totals"]["pending"] == 3
    assert all(m["attempts"] == 1 and m["last_error"] and m["next_attempt_at"] for m in listed["items"])
    with app.app_context():  # the backoff is over
        db.session.execute(update(MailMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
    # The server is up again: alice's mails go; bob's address is refused by the server.
    up = mail_app(max_attempts=2)
    deliver(up, "mail: sent 1, retrying later 0, failed 2,")
    failed = api.get("/admin/mail", headers=ALICE, query_string={"state": "failed"})
    assert failed["totals"] == {"pending": 0, "delivered": 1, "failed": 2, "dropped": 0}
    kinds = sorted((m["kind"], m["moderator"]) for m in failed["items"])
    assert kinds == [("confirm", None), ("moderation", "bob")]
    assert all(m["last_error"] == "recipient refused (SMTP 550)" and m["attempts"] == 2 for m in failed["items"])
    served = str(failed) + str(api.get("/admin/mail", headers=ALICE))
    assert REFUSED not in served and "news.example" not in served
    # A moderator sends a failed mail again.
    retried = client.post(f"{V1}/admin/mail/{failed['items'][0]['id']}/retry", headers=ALICE)
    assert retried.status_code == 200 and retried.get_json()["state"] == "pending"
    assert client.post(f"{V1}/admin/mail/999999/retry", headers=ALICE).status_code == 404
    assert client.get(f"{V1}/admin/mail", query_string={"state": "lost"}, headers=ALICE).status_code == 400


def test_erasure_removes_subscriptions_and_exports_include_them(
    mail_app: Callable[..., Flask], smtp_server: MailServer
) -> None:
    app = mail_app()
    client = app.test_client()
    api = Api(client)
    reader = address("ann")
    comment = api.comment("a1", email=reader, notify_replies=True)
    exported = client.get(f"{V1}/admin/export", query_string={"email": reader}, headers=ALICE)
    lines = exported.get_data(as_text=True).splitlines()
    assert len(lines) == 3
    assert '"subscription":"replies"' in lines[2] and f'"entry":"comments:{comment["id"]}"' in lines[2]
    assert '"confirmed":false' in lines[2]
    response = client.post(f"{V1}/admin/erasures", json={"email": reader}, headers=ALICE)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ReplySubscription.entry_id)) is None
        assert db.session.scalar(select(MailAddress.id)) is None
        assert db.session.scalar(select(MailMessage.recipient).where(MailMessage.recipient == reader)) is None
        assert db.session.scalar(select(ModerationEvent.id).where(ModerationEvent.action == "erase")) is not None
    deliver(app)
    assert smtp_server.to(reader) == []  # the confirmation was never sent


def test_an_erased_entry_takes_its_subscription_and_mails_with_it(mail_app: Callable[..., Flask]) -> None:
    app = mail_app()
    client = app.test_client()
    api = Api(client)
    set_mail(client, ALICE, email=address("alice"), mode="each")
    comment = api.comment("a1", email=address("ann"), notify_replies=True)
    assert client.delete(f"{V1}/admin/entries/{comment['id']}", headers=ALICE).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(ReplySubscription.entry_id)) is None
        states = set(db.session.scalars(select(MailMessage.state)))
        recipients = set(db.session.scalars(select(MailMessage.recipient)))
    assert {s.value for s in states} == {"dropped"} and recipients == {None}
    assert "dropped 0" in deliver(app)


def test_without_smtp_nothing_is_queued(app: Flask) -> None:
    client = app.test_client()
    assert set_mail(client, ALICE, email="alice@news.example", mode="each")["mail_configured"] is False
    Api(client).comment("a1", email="ann@news.example", notify_replies=True)
    with app.app_context():
        assert db.session.scalar(select(MailMessage.id)) is None
        assert db.session.scalar(select(ReplySubscription.entry_id)) is None
    assert "nowhere to deliver" in app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"]).output


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_starttls_or_tls_with_authentication(
    make_app: Callable[..., Flask], tls_smtp_servers: TlsServers, security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", tls_smtp_servers.cert)  # trust the test certificate
    server: MailServer = getattr(tls_smtp_servers, security)
    settings = server.settings(smtp_security=security, public_url=PUBLIC, timeout=5.0)
    app = make_app(EMAIL=settings)
    client = app.test_client()
    inbox = address("alice")
    set_mail(client, ALICE, email=inbox, mode="each")
    Api(client).comment("a1", author="Ann")
    deliver(app, "mail: sent 1, retrying later 0,")
    (received,) = server.to(inbox)
    assert received.authenticated  # the server takes credentials only over TLS
    assert received.message["Subject"] == "New comment by Ann on a1"
    # Without the encryption the server asks for, nothing is sent.
    plain = make_app(EMAIL=EmailSettings(smtp_host=server.host, smtp_port=server.port, public_url=PUBLIC, timeout=2.0))
    Api(plain.test_client()).comment("a2", author="Bo")
    deliver(plain, "mail: sent 0, retrying later 1,")


def test_smtp_settings_from_the_environment() -> None:
    base = {"COMMENTS_PUBLIC_URL": "https://comments.news.example/"}
    settings = email_from_environ(
        {
            **base,
            "COMMENTS_SMTP_URL": "smtp://mailer:p%40ss@mail.news.example:2525?starttls=1",
            "COMMENTS_MAIL_FROM": "News comments <comments@news.example>",
            "COMMENTS_MAIL_REPLIES_PER_DAY": "3",
        }
    )["EMAIL"]
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("mail.news.example", 2525, "starttls")
    assert (settings.smtp_username, settings.smtp_password) == ("mailer", "p@ss")
    assert (settings.from_name, settings.from_address) == ("News comments", "comments@news.example")
    assert settings.public_url == "https://comments.news.example" and settings.replies_per_day == 3
    tls = email_from_environ({**base, "COMMENTS_SMTP_URL": "smtps://mail.news.example", "COMMENTS_SMTP_USER": "u"})
    assert (tls["EMAIL"].smtp_port, tls["EMAIL"].smtp_security, tls["EMAIL"].smtp_username) == (465, "tls", "u")
    assert email_from_environ({}) == {}
    for bad in (
        {"COMMENTS_SMTP_URL": "smtp://mail.news.example"},  # no public URL for links
        {**base, "COMMENTS_SMTP_URL": "http://mail.news.example"},
        {**base, "COMMENTS_SMTP_URL": "smtp://h:port"},
        {**base, "COMMENTS_SMTP_URL": "smtp://h", "COMMENTS_MAIL_FROM": "nobody"},
        {**base, "COMMENTS_SMTP_URL": "smtp://h", "COMMENTS_SMTP_SECURITY": "ssl3"},
        {**base, "COMMENTS_SMTP_URL": "smtp://h", "COMMENTS_MAIL_LINK_HOURS": "0"},
    ):
        with pytest.raises(ConfigError):
            email_from_environ(bad)
    assert ADMIN_TOKENS  # the moderators' names key their preferences
