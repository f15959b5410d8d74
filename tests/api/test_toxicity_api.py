"""The toxicity score through the API (issue 19): scored at submission and stored, the hold
rule with its audit text, the queue's filter and order "most likely toxic first" with keyset
pages, and the stats of the hold rule against moderators' decisions. On both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.domain import automod
from service.extensions import db
from service.persistence.models import Entry
from tests.helpers import ALICE
from tests.helpers import BOB
from tests.helpers import Api

TOXIC = "You are a stupid idiot and everyone here hates you"
RUDE = "This is a dumb take"
FINE = "Thanks for the thoughtful article about the city budget."
GERMAN = "Das ist ein sehr schöner Artikel und ich danke dir für die Arbeit"
# Texts of many scores, none with a word of a word list; each is sent to two articles, so
# that equal scores (ties) occur.
TEXTS = [
    TOXIC,
    RUDE,
    FINE,
    GERMAN,
    "What a moron, shut up you pathetic loser",
    "I disagree with the author about the new bridge",
    "The council meeting ran late again",
    "Your argument is weak and your facts are wrong",
    "Great reporting, thank you",
    "Nous aimons beaucoup cet article, merci pour le travail",
]


def post_mode(make_app: Callable[..., Flask], **policy: Any) -> Api:
    """An app in post-moderation with no word lists: only the toxicity rules hold."""
    app = make_app(MODERATION_POLICY=automod.Policy(mode=automod.Mode.POST, **policy))
    return Api(app.test_client())


def queue(api: Api, **query: Any) -> list[dict[str, Any]]:
    """Every page of the queue, followed by its cursors (at most 50 pages)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        page = api.get("/admin/queue", headers=ALICE, query_string={**query, **({"cursor": cursor} if cursor else {})})
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the queue did not end within 50 pages")


def most_toxic_first(items: list[dict[str, Any]]) -> list[int]:
    """The order the issue asks for, computed here: score descending (ties newest first,
    that is id descending), unknown scores last (also newest first)."""
    ranked = sorted(items, key=lambda i: (i["toxicity"] is None, -(i["toxicity"] or 0), -i["id"]))
    return [i["id"] for i in ranked]


def test_a_toxic_comment_is_held_in_post_moderation_and_the_audit_log_says_why(
    make_app: Callable[..., Flask],
) -> None:
    api = post_mode(make_app)
    held = api.comment(body=TOXIC)
    published = api.comment(body=FINE)
    assert held["status"] == "pending"
    assert published["status"] == "approved"
    detail = api.get(f"/admin/entries/{held['id']}", headers=ALICE)
    assert detail["toxicity"] >= 0.99
    (event,) = detail["history"]
    assert event["moderator"] == "auto-moderation" and event["code"] == "toxicity"
    assert event["reason"] == f"toxicity {detail['toxicity']:.2f} >= 0.8"
    assert api.get(f"/admin/entries/{published['id']}", headers=ALICE)["toxicity"] < 0.1


def test_a_review_is_scored_on_its_title_and_text_not_the_name(make_app: Callable[..., Flask]) -> None:
    api = post_mode(make_app)
    rude_title = api.review(title="Stupid idiot", body="I read it twice.")
    rude_name = api.review("a2", author="Stupid Idiot", body="I read it twice.")
    assert rude_title["status"] == "pending"
    assert rude_name["status"] == "approved"
    assert api.get(f"/admin/entries/{rude_name['id']}", headers=ALICE)["toxicity"] < 0.1


def test_the_refuse_threshold_marks_spam_and_the_hold_threshold_off_still_scores(
    make_app: Callable[..., Flask],
) -> None:
    api = post_mode(make_app, toxicity_hold=None, toxicity_refuse=0.999)
    refused = api.comment(body=TOXIC)
    assert refused["status"] == "pending"  # spam, answered like any 202
    detail = api.get(f"/admin/entries/{refused['id']}", headers=ALICE)
    assert detail["status"] == "spam" and detail["history"][0]["code"] == "toxicity-refuse"
    rude = api.comment(body=RUDE)  # 0.999 > its score (0.994) > 0.8: the hold rule is off
    assert rude["status"] == "approved"
    assert api.get(f"/admin/entries/{rude['id']}", headers=ALICE)["toxicity"] > 0.8  # scored all the same


def test_an_operator_can_turn_scoring_off_and_nothing_is_scored_or_held(make_app: Callable[..., Flask]) -> None:
    app = make_app(MODERATION_POLICY=automod.Policy(mode=automod.Mode.POST), TOXICITY_SCORING=False)
    api = Api(app.test_client())
    rude = api.comment(body=RUDE)
    assert rude["status"] == "approved"  # the hold rule needs a score
    assert api.get(f"/admin/entries/{rude['id']}", headers=ALICE)["toxicity"] is None


def test_text_the_model_cannot_read_is_unknown_never_zero(make_app: Callable[..., Flask], app: Flask) -> None:
    api = post_mode(make_app)
    german = api.comment(body=GERMAN)
    french = api.comment(body="Nous aimons beaucoup cet article, merci pour le travail")
    assert german["status"] == french["status"] == "approved"
    for entry_id in (german["id"], french["id"]):
        assert api.get(f"/admin/entries/{entry_id}", headers=ALICE)["toxicity"] is None
    with app.app_context():
        stored = db.session.scalars(select(Entry.toxicity).where(Entry.id.in_([german["id"], french["id"]])))
        assert list(stored) == [None, None]  # NULL in the database, not 0


def _fill(api: Api) -> list[dict[str, Any]]:
    for article in ("a1", "a2"):
        for text in TEXTS:
            api.comment(article, body=text)
    items = queue(api, status="pending", limit=200)
    assert len(items) == 2 * len(TEXTS)
    return items


def test_the_queue_orders_most_likely_toxic_first_with_ties_and_pages(api: Api) -> None:
    items = _fill(api)  # pre-moderation: everything waits
    scores = [i["toxicity"] for i in items]
    assert any(scores.count(s) == 2 for s in scores if s is not None)  # ties exist
    assert scores.count(None) == 4  # German and French, twice each
    expected = most_toxic_first(items)
    for limit in (1, 3, 7, 50):
        assert [i["id"] for i in queue(api, order="toxicity", limit=limit)] == expected
    assert [i["id"] for i in queue(api, order="oldest", limit=4)] == sorted(i["id"] for i in items)


def test_the_queue_filters_by_score_in_both_orders(api: Api) -> None:
    items = _fill(api)
    over = [i for i in items if i["toxicity"] is not None and i["toxicity"] >= 0.8]
    assert 2 <= len(over) < len(items)
    filtered = queue(api, min_toxicity=0.8, order="toxicity", limit=3)
    assert [i["id"] for i in filtered] == most_toxic_first(over)
    assert [i["id"] for i in queue(api, min_toxicity=0.8, limit=3)] == sorted(i["id"] for i in over)
    only_a2 = queue(api, min_toxicity=0.8, order="toxicity", article_id="a2", limit=2)
    assert [i["id"] for i in only_a2] == most_toxic_first([i for i in over if i["article_id"] == "a2"])


def test_a_cursor_of_one_order_or_filter_is_refused_by_another(api: Api) -> None:
    _fill(api)
    cursor = api.get("/admin/queue", headers=ALICE, query_string={"order": "toxicity", "limit": 2})["next_cursor"]
    assert cursor
    for other in ({"order": "oldest"}, {"order": "toxicity", "min_toxicity": 0.5}):
        response = api.client.get("/api/v1/admin/queue", headers=ALICE, query_string={**other, "cursor": cursor})
        assert response.status_code == 400
        assert response.get_json()["error"]["fields"]["cursor"] == "cursor belongs to another list"


@pytest.mark.parametrize("query", [{"min_toxicity": "1.5"}, {"min_toxicity": "x"}, {"order": "worst"}])
def test_bad_queue_arguments_are_a_clear_400(api: Api, query: dict[str, str]) -> None:
    response = api.client.get("/api/v1/admin/queue", headers=ALICE, query_string=query)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == set(query)


def test_stats_measure_the_hold_rule_against_moderators_decisions(api: Api) -> None:
    empty = api.get("/admin/stats/toxicity", headers=ALICE)
    assert empty == {
        "days": 30,
        "threshold": 0.8,
        "precision": None,
        "recall": None,
        "decided": 0,
        "unscored": 0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "tn": 0,
    }
    ids = {text: api.comment(body=text)["id"] for text in TEXTS}
    # Moderators' decisions (pre-moderation: the auto-moderation's holds do not count).
    api.act(ids[TOXIC], "reject", code="abusive")  # held and refused: true positive
    api.act(ids[RUDE], "approve")  # held but fine: false positive
    api.act(ids["Your argument is weak and your facts are wrong"], "spam")  # refused (score under 0.8?)
    api.act(ids[FINE], "spam", headers=BOB)
    api.act(ids[FINE], "approve", headers=BOB)  # the last decision counts: approved, true negative
    api.act(ids[GERMAN], "reject")  # unknown score: counted apart
    api.act(ids["The council meeting ran late again"], "approve")  # true negative
    detail = {i: api.get(f"/admin/entries/{i}", headers=ALICE)["toxicity"] for i in ids.values()}
    decided = {
        ids[TOXIC]: True,
        ids[RUDE]: False,
        ids["Your argument is weak and your facts are wrong"]: True,
        ids[FINE]: False,
        ids["The council meeting ran late again"]: False,
    }
    # The expected counts, from the scores the API shows and the decisions made above.
    tp = sum(toxic and detail[i] >= 0.8 for i, toxic in decided.items())
    fp = sum(not toxic and detail[i] >= 0.8 for i, toxic in decided.items())
    fn = sum(toxic and detail[i] < 0.8 for i, toxic in decided.items())
    tn = sum(not toxic and detail[i] < 0.8 for i, toxic in decided.items())
    assert (tp, fp) == (1, 1)  # TOXIC and RUDE are both over 0.8
    stats = api.get("/admin/stats/toxicity", headers=ALICE, query_string={"days": 7})
    assert stats == {
        "days": 7,
        "threshold": 0.8,
        "precision": tp / (tp + fp),
        "recall": tp / (tp + fn),
        "decided": 6,
        "unscored": 1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }
    lenient = api.get("/admin/stats/toxicity", headers=ALICE, query_string={"threshold": 0.001})
    assert lenient["fp"] == 3 and lenient["tp"] == 2 and lenient["recall"] == 1.0


def test_stats_need_a_moderator_and_good_arguments(api: Api) -> None:
    assert api.client.get("/api/v1/admin/stats/toxicity").status_code == 401
    for query in ({"days": "0"}, {"days": "x"}, {"threshold": "0"}, {"threshold": "2"}):
        response = api.client.get("/api/v1/admin/stats/toxicity", headers=ALICE, query_string=query)
        assert response.status_code == 400
        assert set(response.get_json()["error"]["fields"]) == set(query)


def test_stats_leave_out_decisions_older_than_the_window(api: Api, app: Flask) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from service.persistence.base import utcnow
    from service.persistence.models import ModerationEvent

    old = api.comment(body=TOXIC)["id"]
    api.act(old, "reject")
    with app.app_context():
        db.session.execute(
            update(ModerationEvent)
            .where(ModerationEvent.entry_id == old)
            .values(created_at=utcnow() - timedelta(days=31))
        )
        db.session.commit()
    assert api.get("/admin/stats/toxicity", headers=ALICE)["decided"] == 0
    assert api.get("/admin/stats/toxicity", headers=ALICE, query_string={"days": 32})["tp"] == 1
