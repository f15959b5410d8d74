"""Webhooks: signed events for new pending entries and moderation changes reach a receiver
on 127.0.0.1 through the outbox; a receiver that is down or slow never holds up a
submission, and its failures are retried and visible to moderators."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.config import ConfigError
from service.config import from_environ
from service.domain import webhooks as signing
from service.extensions import db
from service.persistence.models import WebhookEvent
from service.usecases import webhooks
from tests.helpers import ALICE
from tests.helpers import Api
from tests.servers import free_port

from .conftest import SECRET
from .conftest import Receiver

pytestmark = pytest.mark.usefixtures("own_tables")
V1 = "/api/v1"


@pytest.fixture
def hooked(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    def make(url: str, **overrides: Any) -> Flask:
        return make_app(WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET, WEBHOOK_TIMEOUT=0.5, **overrides)

    return make


def deliver(app: Flask, expect: str = "") -> str:
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 10
    assert expect in result.output
    return result.output


def status(client: FlaskClient, **query: Any) -> dict[str, Any]:
    response = client.get(f"{V1}/admin/webhooks", query_string=query, headers=ALICE)
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_signed_events_reach_the_receiver_for_new_pending_entries_and_decisions(
    hooked: Callable[..., Flask], receiver: Receiver
) -> None:
    app = hooked(receiver.url)
    api = Api(app.test_client())
    entry = api.comment("a1", author="Ann", email="ann@private.example", body="Is the bridge <b>open</b>?")
    assert receiver.received == []  # nothing is sent while the reader waits
    deliver(app, "delivered 1,")

    (first,) = receiver.received
    assert signing.verify(SECRET, first.headers[signing.SIGNATURE_HEADER], first.body)
    assert not signing.verify(SECRET, first.headers[signing.SIGNATURE_HEADER], first.body.replace(b"Ann", b"Bob"))
    assert not signing.verify(SECRET, first.headers[signing.SIGNATURE_HEADER], first.body, now=time.time() + 600)
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers[signing.EVENT_HEADER] == "entry.pending"
    event = first.json
    assert event["event"] == "entry.pending" and event["id"] == int(first.headers[signing.DELIVERY_HEADER])
    assert event["entry"]["id"] == entry["id"] and event["entry"]["status"] == "pending"
    assert event["entry"]["article_id"] == "a1" and event["entry"]["author"] == "Ann"
    assert event["entry"]["body_html"] == entry["body_html"]
    assert event["text"] == "New comment awaiting moderation on a1 by Ann"
    assert b"private.example" not in first.body and entry["edit_token"].encode() not in first.body

    api.act(entry["id"], "approve")
    api.client.post(f"{V1}/entries/{entry['id']}/reports", json={"reason": "wrong"})
    review = api.review("a1", author="Rae")["id"]
    api.act(review, "reject", code="off-topic")
    api.act(review, "spam")  # entry.spam is not sent unless chosen
    api.comment("a1", website="http://bot.example")  # a bot: auto-moderation says spam
    deliver(app, "delivered 4,")
    assert [(e["event"], e["entry"]["status"]) for e in receiver.events()[1:]] == [
        ("entry.approved", "approved"),
        ("entry.reported", "approved"),
        ("entry.pending", "pending"),
        ("entry.rejected", "rejected"),
    ]
    seen = status(app.test_client())
    assert seen["configured"] and seen["endpoint"] == receiver.url.split("/hooks")[0]
    assert seen["totals"]["delivered"] == 5 and seen["totals"]["pending"] == 0
    assert all(i["state"] == "delivered" and i["last_status"] == 200 for i in seen["items"])


def test_slack_control_characters_in_a_name_are_shown_not_obeyed(
    hooked: Callable[..., Flask], receiver: Receiver
) -> None:
    """Slack reads ``<!channel>`` as a ping of everyone and ``<url|label>`` as a link: a
    reader's name in ``text`` must reach Slack with its ``&``, ``<`` and ``>`` as entities
    (shown as typed), while ``entry`` keeps the data as stored for other receivers."""
    app = hooked(receiver.url)
    author = "<!channel> <https://phish.example|Click to approve> & <@U123>"
    Api(app.test_client()).comment("a1", author=author)
    deliver(app, "delivered 1,")
    (event,) = receiver.events()
    assert event["text"] == (
        "New comment awaiting moderation on a1 by "
        "&lt;!channel&gt; &lt;https://phish.example|Click to approve&gt; &amp; &lt;@U123&gt;"
    )
    assert "<" not in event["text"] and ">" not in event["text"]
    assert event["entry"]["author"] == author


def test_slack_escaping_leaves_text_without_control_characters_alone() -> None:
    assert signing.slack_escape('Ann O\'Neil "*bold*" 5 € ünïcode') == 'Ann O\'Neil "*bold*" 5 € ünïcode'
    assert signing.slack_escape("AT&amp;T <3") == "AT&amp;amp;T &lt;3"


def test_a_receiver_that_is_down_or_slow_never_holds_up_a_submission(
    hooked: Callable[..., Flask], receiver: Receiver
) -> None:
    down = hooked(f"http://127.0.0.1:{free_port()}/hook")
    api = Api(down.test_client())
    started = time.monotonic()
    entry = api.comment("a1")
    assert time.monotonic() - started < 2
    deliver(down, "retrying later 1")
    (item,) = status(down.test_client())["items"]
    assert item["state"] == "pending" and item["attempts"] == 1 and item["last_status"] is None
    assert "refused" in item["last_error"].lower()
    assert item["next_attempt_at"] > item["created_at"]  # backoff: not due again at once
    deliver(down, "delivered 0, retrying later 0")

    receiver.delay = 3.0  # slower than the 0.5 s timeout
    slow = hooked(receiver.url)
    client = slow.test_client()
    assert client.post(f"{V1}/admin/webhooks/{item['id']}/retry", headers=ALICE).status_code == 200
    started = time.monotonic()
    deliver(slow, "retrying later 1")
    assert time.monotonic() - started < 3
    (item,) = status(client)["items"]
    assert item["attempts"] == 1 and "timed out" in item["last_error"]

    receiver.delay = 0
    assert client.post(f"{V1}/admin/webhooks/{item['id']}/retry", headers=ALICE).status_code == 200
    deliver(slow, "delivered 1,")
    assert [e["entry"]["id"] for e in receiver.events()[-1:]] == [entry["id"]]
    assert status(client, state="delivered")["items"][0]["state"] == "delivered"
    assert client.post(f"{V1}/admin/webhooks/{item['id']}/retry", headers=ALICE).status_code == 409


def test_after_the_last_attempt_an_event_is_failed_until_a_moderator_retries(
    hooked: Callable[..., Flask], receiver: Receiver
) -> None:
    receiver.status = 500
    app = hooked(receiver.url, WEBHOOK_MAX_ATTEMPTS=1)
    Api(app.test_client()).comment("a1")
    deliver(app, "failed 1")
    (item,) = status(app.test_client(), state="failed")["items"]
    assert item["last_status"] == 500 and item["last_error"] == "HTTP 500" and item["next_attempt_at"] is None
    receiver.status = 204
    assert app.test_client().post(f"{V1}/admin/webhooks/{item['id']}/retry", headers=ALICE).status_code == 200
    deliver(app, "delivered 1,")
    assert len(receiver.received) == 2


def test_an_entry_erased_before_delivery_is_never_sent(hooked: Callable[..., Flask], receiver: Receiver) -> None:
    app = hooked(receiver.url, WEBHOOK_MAX_ATTEMPTS=1)
    api = Api(app.test_client())
    entry = api.comment("a1", body="My phone number is 555-0100")
    assert api.client.delete(f"{V1}/admin/entries/{entry['id']}", headers=ALICE).status_code == 204
    deliver(app, "dropped 1")
    assert receiver.received == []

    receiver.status = 503
    failed = api.comment("a1", body="My address is 1 Main Street")
    deliver(app, "failed 1")
    assert api.client.delete(f"{V1}/admin/entries/{failed['id']}", headers=ALICE).status_code == 204
    deliver(app)  # each run first forgets what an erasure left in the outbox
    items = status(app.test_client())["items"]
    assert [i["state"] for i in items] == ["dropped", "dropped"]
    with app.app_context():
        assert db.session.scalars(select(WebhookEvent.payload)).all() == [None, None]


def test_several_workers_deliver_each_event_once(hooked: Callable[..., Flask], receiver: Receiver) -> None:
    app = hooked(receiver.url)
    api = Api(app.test_client())
    for _ in range(12):
        api.comment("a1")
    settings = webhooks.Settings.of(app.config)
    assert settings is not None
    tallies: list[webhooks.Tally] = []

    def worker() -> None:
        with app.app_context():
            tallies.append(webhooks.run(settings, once=True, batch=3))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(t.delivered for t in tallies) == 12
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == len(set(ids)) == 12


def test_without_a_webhook_url_nothing_is_queued(app: Flask, api: Api) -> None:
    api.comment("a1")
    seen = status(api.client)
    assert seen["configured"] is False and seen["endpoint"] is None and seen["items"] == []
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 1 and "COMMENTS_WEBHOOK_URL is not set" in result.output
    assert api.client.get(f"{V1}/admin/webhooks").status_code == 401


def test_webhook_settings_are_checked_at_start() -> None:
    with pytest.raises(ConfigError, match="COMMENTS_WEBHOOK_SECRET"):
        from_environ({"COMMENTS_WEBHOOK_URL": "https://hooks.example/x"})
    with pytest.raises(ConfigError, match="COMMENTS_WEBHOOK_URL"):
        from_environ({"COMMENTS_WEBHOOK_URL": "hooks.example/x", "COMMENTS_WEBHOOK_SECRET": SECRET})
    with pytest.raises(ConfigError, match="COMMENTS_WEBHOOK_EVENTS"):
        from_environ({"COMMENTS_WEBHOOK_EVENTS": "entry.pending,entry.deleted"})
    config = from_environ(
        {
            "COMMENTS_WEBHOOK_URL": "https://hooks.example/x",
            "COMMENTS_WEBHOOK_SECRET": SECRET,
            "COMMENTS_WEBHOOK_EVENTS": "entry.pending, entry.spam",
        }
    )
    assert config["WEBHOOK_EVENTS"] == {"entry.pending", "entry.spam"}
    assert json.dumps(sorted(config["WEBHOOK_EVENTS"]))
