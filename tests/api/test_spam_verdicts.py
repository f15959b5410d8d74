"""Silent spam verdicts stay silent (issue 12, attack 7): the queue-depth gauge does not
move after a honeypot submission, so /metrics needs COMMENTS_METRICS_TOKEN when one is set,
and nothing else a submitter sees tells a held entry from one refused as spam."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api

TOKEN = "metrics-token-0123456789"


def test_metrics_need_the_token_when_one_is_set(make_app: Callable[..., Flask]) -> None:
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 404
        assert response.get_json() == client.get("/no-such-page").get_json()
        assert b"comments_queue_depth" not in response.data
    scraped = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200 and b"comments_queue_depth" in scraped.data


def test_without_a_token_only_this_machine_reads_the_metrics(app: Flask) -> None:
    client = app.test_client()
    for address in ("203.0.113.7", "10.0.0.2", "2001:db8::1"):
        response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 404
        assert b"comments_queue_depth" not in response.data
    for address in ("127.0.0.1", "::1"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 200


def public_view(api: Api, answer: dict[str, Any]) -> dict[str, Any]:
    """All a submitter sees of an entry: its 202 (volatile values left out), the counts,
    the thread, and whether it can report or withdraw it."""
    entry = answer["id"]
    report = api.client.post(f"{V1}/entries/{entry}/reports", json={})
    return {
        "answer": {k: v for k, v in answer.items() if k not in ("id", "edit_token", "created_at", "body_html")},
        "counts": api.counts("a1"),
        "thread": api.thread("a1"),
        "report": (report.status_code, report.get_json()),
    }


def test_a_spam_verdict_looks_like_a_held_entry_to_its_submitter(api: Api) -> None:
    held = api.comment(author="Ann", body="Buy cheap pills at a shop", website="")
    before = public_view(api, held)
    spam = api.comment(author="Ann", body="Buy cheap pills at a shop!", website="http://bot.example")
    after = public_view(api, spam)
    assert before["answer"] == after["answer"] and before["answer"]["status"] == "pending"
    assert after["counts"] == before["counts"] and after["thread"] == before["thread"]
    assert after["report"] == before["report"]
    statuses = {i["id"]: i["status"] for i in api.get("/admin/queue?status=spam", headers=ALICE)["items"]}
    assert statuses == {spam["id"]: "spam"}
    withdrawn = api.client.delete(
        f"{V1}/entries/{spam['id']}", headers={"Authorization": f"Bearer {spam['edit_token']}"}
    )
    assert withdrawn.status_code == 204
