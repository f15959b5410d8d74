"""The moderator API: auth, queue, decisions, history, bulk and erasure."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import ModerationEvent
from service.persistence.models import Report
from tests.helpers import ALICE
from tests.helpers import BOB
from tests.helpers import V1
from tests.helpers import Api
from tests.helpers import stored_entries
from tests.helpers import stored_events


def test_admin_needs_a_valid_bearer_token(client: FlaskClient) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic YWxpY2U6eA=="},
        {"Authorization": "Bearer "},
        {"Authorization": ALICE["Authorization"].replace("Bearer", "Token")},
    ):
        response = client.get(f"{V1}/admin/queue", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{V1}/admin/queue", headers=ALICE).status_code == 200


def test_admin_is_closed_without_configured_tokens(make_app: Callable[..., Flask]) -> None:
    response = make_app(ADMIN_TOKENS={}).test_client().get(f"{V1}/admin/queue", headers=ALICE)
    assert response.status_code == 401


def test_queue_is_oldest_first_and_shows_what_a_moderator_needs(api: Api) -> None:
    first = api.comment(author="Ann", body="<script>x</script>raw <b>text</b>", email="ann@x.org")["id"]
    second = api.review(rating=3, title="T")["id"]
    item = api.get("/admin/queue", headers=ALICE)["items"][0]
    assert item["id"] == first
    assert item["body"] == "<script>x</script>raw <b>text</b>"
    assert item["body_html"] == "<p>xraw <b>text</b></p>"
    assert item["email"] == "ann@x.org"
    assert item["status"] == "pending" and item["kind"] == "comment" and item["article_id"] == "a1"
    assert item["history_length"] == 1 and item["reports"] == []  # the auto-moderation verdict
    assert [i["id"] for i in api.get("/admin/queue", headers=ALICE)["items"]] == [first, second]


def test_queue_filters_and_pages(api: Api) -> None:
    c1 = api.comment("a1")["id"]
    r1 = api.review("a1")["id"]
    c2 = api.comment("a2")["id"]
    done = api.comment("a2")["id"]
    api.act(done, "spam")

    def ids(query: str) -> list[int]:
        return [i["id"] for i in api.get(f"/admin/queue?{query}", headers=ALICE)["items"]]

    assert ids("") == [c1, r1, c2]
    assert ids("kind=comment") == [c1, c2]
    assert ids("kind=review") == [r1]
    assert ids("article_id=a2") == [c2]
    assert ids("status=spam") == [done]
    assert ids("status=approved") == []
    page = api.get("/admin/queue?limit=2", headers=ALICE)
    assert [i["id"] for i in page["items"]] == [c1, r1]
    rest = api.get(f"/admin/queue?limit=2&cursor={page['next_cursor']}", headers=ALICE)
    assert [i["id"] for i in rest["items"]] == [c2] and rest["next_cursor"] is None
    api.get(f"/admin/queue?limit=2&kind=comment&cursor={page['next_cursor']}", headers=ALICE, expect=400)
    for bad in ("status=deleted", "kind=poll", "article_id=bad%20id", "limit=0"):
        api.get(f"/admin/queue?{bad}", headers=ALICE, expect=400)


def test_every_decision_is_recorded_with_the_moderator(api: Api) -> None:
    entry = api.comment()["id"]
    api.act(entry, "approve", reason="fine")
    api.act(entry, "reject", headers=BOB, code="off-topic", reason="not about the article")
    api.act(entry, "spam")
    detail = api.get(f"/admin/entries/{entry}", headers=ALICE)
    assert detail["status"] == "spam"
    assert [(h["action"], h["from_status"], h["to_status"], h["moderator"]) for h in detail["history"]] == [
        ("submit", None, "pending", "auto-moderation"),
        ("approve", "pending", "approved", "alice"),
        ("reject", "approved", "rejected", "bob"),
        ("spam", "rejected", "spam", "alice"),
    ]
    assert detail["history"][0]["code"] == "pre-moderation"
    assert detail["history"][1]["reason"] == "fine"
    assert detail["history"][2]["code"] == "off-topic"
    assert detail["history_length"] == 4


def test_repeating_the_current_status_is_a_harmless_no_op(api: Api, app: Flask) -> None:
    entry = api.comment()["id"]
    api.act(entry, "approve")
    body = api.act(entry, "approve")
    assert body["status"] == "approved"
    assert api.counts()["comments"] == 1
    with app.app_context():
        assert stored_events() == 2  # submitted, approved


def test_reject_validates_its_reason_code(api: Api, app: Flask) -> None:
    entry = api.comment()["id"]
    error = api.act(entry, "reject", expect=422, code="because")["error"]
    assert "code" in error["fields"]
    api.act(entry, "approve", expect=422, reason="x" * 1001)
    with app.app_context():
        assert stored_events() == 1  # the submission's only


def test_unknown_entries_are_404(api: Api) -> None:
    for action in ("approve", "reject", "spam"):
        assert api.act(424242, action, expect=404)["error"]["code"] == "not_found"
    api.get("/admin/entries/424242", headers=ALICE, expect=404)
    assert api.client.delete(f"{V1}/admin/entries/424242", headers=ALICE).status_code == 404


def test_bulk_answers_per_id(api: Api) -> None:
    a = api.comment()["id"]
    b = api.review(rating=5)["id"]
    response = api.client.post(
        f"{V1}/admin/entries/bulk", json={"action": "approve", "ids": [a, 999, b]}, headers=ALICE
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0] == {"id": a, "status": "approved"}
    assert results[1]["id"] == 999 and results[1]["error"]["code"] == "not_found"
    assert results[2] == {"id": b, "status": "approved"}
    assert api.counts()["comments"] == 1 and api.counts()["reviews"] == 1


def test_bulk_takes_1_to_500_ids(api: Api) -> None:
    for body in (
        {"action": "approve", "ids": []},
        {"action": "approve", "ids": list(range(1, 502))},
        {"action": "delete", "ids": [1]},
        {"action": "approve"},
    ):
        response = api.client.post(f"{V1}/admin/entries/bulk", json=body, headers=ALICE)
        assert response.status_code == 422
    response = api.client.post(
        f"{V1}/admin/entries/bulk", json={"action": "spam", "ids": list(range(1, 501))}, headers=ALICE
    )
    assert response.status_code == 200
    assert len(response.get_json()["results"]) == 500


def test_erasure_removes_personal_data_fixes_counters_and_keeps_an_audit_event(api: Api, app: Flask) -> None:
    parent = api.approved_comment(email="parent@x.org", author="Parent")
    reply = api.approved_comment(parent_id=parent)
    deeper = api.approved_comment(parent_id=reply)
    api.client.post(f"{V1}/entries/{parent}/reports", json={"reason": "rude"})
    review = api.approved_review(rating=5, email="rev@x.org")
    assert api.counts()["comments"] == 3
    assert api.client.delete(f"{V1}/admin/entries/{parent}", headers=ALICE).status_code == 204
    assert api.client.delete(f"{V1}/admin/entries/{review}", headers=ALICE).status_code == 204
    counts = api.counts()
    assert (counts["comments"], counts["reviews"], counts["rating"]["count"]) == (2, 0, 0)
    thread = api.thread()["items"]
    assert [c["id"] for c in thread] == [reply]  # the reply moved up and keeps its own reply
    assert [c["id"] for c in thread[0]["replies"]] == [deeper]
    with app.app_context():
        assert db.session.get(Entry, parent) is None
        assert db.session.scalars(select(Report)).all() == []
        events = db.session.scalars(select(ModerationEvent).where(ModerationEvent.entry_id == parent)).all()
        assert [(e.action, e.moderator) for e in events] == [
            ("submit", "auto-moderation"),
            ("approve", "alice"),
            ("erase", "alice"),
        ]
        assert stored_entries() == 2
    # the same address may review again once its review is erased
    api.review(email="rev@x.org")


def test_reports_need_a_published_entry(api: Api, app: Flask) -> None:
    pending = api.comment()["id"]
    published = api.approved_comment()
    assert api.client.post(f"{V1}/entries/{pending}/reports", json={}).status_code == 404
    assert api.client.post(f"{V1}/entries/999/reports", content_type="application/json").status_code == 404
    assert api.client.post(f"{V1}/entries/{published}/reports", content_type="application/json").status_code == 202
    other_reader = {"REMOTE_ADDR": "192.0.2.7"}
    response = api.client.post(
        f"{V1}/entries/{published}/reports", json={"reason": "off topic"}, environ_overrides=other_reader
    )
    assert response.status_code == 202
    item = api.get(f"/admin/entries/{published}", headers=ALICE)
    assert item["report_count"] == 2
    assert [r["reason"] for r in item["reports"]] == [None, "off topic"]
    assert api.client.post(f"{V1}/entries/{published}/reports", json={"reason": "x" * 501}).status_code == 422
