"""Signed-in readers, badges, bans, author records, closed threads and authors' edits,
through the HTTP API on both databases."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from sqlalchemy import text

from service.config import TrustSettings
from service.domain import automod
from service.domain.trust import BanMode
from service.domain.trust import Commenting
from service.extensions import db
from service.persistence.models import Entry

from ..helpers import ALICE
from ..helpers import V1
from ..helpers import Api
from ..helpers import stored_entries

SECRET = "a-site-secret-of-32-characters-or-more"
SETTINGS = TrustSettings(sso_secret=SECRET, badges=("subscriber",))


def token(claims: dict[str, Any] | None = None, key: Any = SECRET, alg: str = "HS256", **extra: Any) -> str:
    body: dict[str, Any] = {"sub": "u-17", "name": "Sam Reader", "email": "sam@example.org", "aud": "default"}
    body["exp"] = int(time.time()) + 600
    body.update(claims or {})
    body.update(extra)
    return jwt.encode(body, key, algorithm=alg)


def unsigned(claims: dict[str, Any]) -> str:
    """A token with ``alg: none``."""
    return jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]


def signed(tok: str) -> dict[str, str]:
    return {"X-Comments-SSO": tok}


def post(api: Api, path: str, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> Any:
    return api.client.post(f"{V1}{path}", json=body, headers=headers or {})


def app_api(make_app: Callable[..., Flask], **trust: Any) -> Api:
    policy = trust.pop("policy", None)
    overrides: dict[str, Any] = {"TRUST": TrustSettings(**{"sso_secret": SECRET, **trust})}
    if policy is not None:
        overrides["MODERATION_POLICY"] = policy
    return Api(make_app(**overrides).test_client())


# -- closing threads -----------------------------------------------------------------------


def test_a_moderator_closes_and_reopens_a_thread(api: Api) -> None:
    published = api.approved_comment("a1")
    assert api.thread("a1")["closed"] is False
    closed = post(api, "/admin/articles/a1/close", {"reason": "Off-topic flood"}, ALICE)
    assert closed.status_code == 200 and closed.get_json()["closed"] is True
    refused = post(api, "/articles/a1/comments", {"author": "Ann", "body": "Late to the party"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "closed"
    reply = post(api, "/articles/a1/comments", {"author": "Ann", "body": "A reply", "parent_id": published})
    assert reply.status_code == 403
    review = post(api, "/articles/a1/reviews", {"author": "Rae", "body": "Late review", "rating": 3})
    assert review.status_code == 403 and review.get_json()["error"]["code"] == "closed"
    thread = api.thread("a1")
    assert thread["closed"] is True and [c["id"] for c in thread["items"]] == [published]
    assert api.counts("a1")["comments"] == 1
    assert api.thread("a2")["closed"] is False  # other articles are not affected
    reopened = post(api, "/admin/articles/a1/reopen", None, ALICE).get_json()
    assert reopened["closed"] is False and reopened["mode"] == "open"
    assert [e["action"] for e in reopened["history"]] == ["close", "reopen"]
    assert reopened["history"][0]["moderator"] == "alice" and reopened["history"][0]["reason"] == "Off-topic flood"
    api.comment("a1")
    assert api.thread("a1")["closed"] is False


def test_a_thread_closed_before_its_first_entry_reads_closed(api: Api) -> None:
    """The thread page reads the article's counters and its state in one statement; an
    article with no entry has no counters, and its closing must still show."""
    assert post(api, "/admin/articles/quiet/close", {"reason": "No comments here"}, ALICE).status_code == 200
    thread = api.thread("quiet")
    assert thread["closed"] is True and thread["items"] == []
    refused = post(api, "/articles/quiet/comments", {"author": "Ann", "body": "First!"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "closed"


def test_the_thread_etag_changes_when_it_closes(api: Api) -> None:
    api.approved_comment("a1")
    first = api.client.get(f"{V1}/articles/a1/comments")
    etag = first.headers["ETag"]
    assert api.client.get(f"{V1}/articles/a1/comments", headers={"If-None-Match": etag}).status_code == 304
    post(api, "/admin/articles/a1/close", None, ALICE)
    again = api.client.get(f"{V1}/articles/a1/comments", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.get_json()["closed"] is True


def test_threads_close_by_themselves_after_the_article_date_or_first_entry(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app, close_after_days=2)
    old = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    refused = post(api, "/articles/old/comments", {"author": "Ann", "body": "Hello", "article_date": old})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "closed"
    with api.client.application.app_context():
        assert stored_entries() == 0
    fresh = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert (
        post(api, "/articles/new/comments", {"author": "Ann", "body": "Hello", "article_date": fresh}).status_code
        == 202
    )
    assert api.thread("new")["closed"] is False
    # Counted from the first entry: open for now, closed once it is two days old.
    api.comment("plain")
    state = api.get("/admin/articles/plain/thread", headers=ALICE)
    assert state["closed"] is False and state["closes_at"] is not None
    with api.client.application.app_context():
        db.session.execute(
            text("UPDATE thread_state SET first_entry_at = :t WHERE article_id = 'plain'"),
            {"t": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3)},
        )
        db.session.commit()
    assert api.thread("plain")["closed"] is True
    assert post(api, "/articles/plain/comments", {"author": "Ann", "body": "Late"}).status_code == 403
    post(api, "/admin/articles/plain/reopen", None, ALICE)
    assert api.thread("plain")["closed"] is False
    assert post(api, "/articles/plain/comments", {"author": "Ann", "body": "Reopened"}).status_code == 202


# -- editing ---------------------------------------------------------------------------------


def _edit(api: Api, entry_id: int, body: dict[str, Any], edit_token: str | None, **headers: str) -> Any:
    if edit_token:
        headers["Authorization"] = f"Bearer {edit_token}"
    return api.client.patch(f"{V1}/entries/{entry_id}", json=body, headers=headers)


def test_an_author_edits_with_the_edit_token_and_moderators_see_the_old_text(api: Api) -> None:
    sent = api.comment(body="First <b>take</b>")
    api.act(sent["id"], "approve")
    version = api.client.get(f"{V1}/articles/a1/comments").headers["ETag"]
    edited = _edit(api, sent["id"], {"body": "Second take <script>x</script>"}, sent["edit_token"])
    assert edited.status_code == 200, edited.get_json()
    out = edited.get_json()
    assert out["status"] == "approved" and "<script>" not in out["body_html"] and out["edited_at"]
    thread = api.thread()
    assert thread["items"][0]["body_html"] == out["body_html"] and thread["items"][0]["edited_at"]
    assert api.client.get(f"{V1}/articles/a1/comments").headers["ETag"] != version
    detail = api.get(f"/admin/entries/{sent['id']}", headers=ALICE)
    assert detail["revisions"][0]["body_source"] == "First <b>take</b>"
    assert detail["history"][-1]["action"] == "edit" and detail["history"][-1]["moderator"] == "author"


def test_an_edit_that_breaks_a_rule_sends_a_published_entry_back_to_the_queue(api: Api) -> None:
    sent = api.comment()
    api.act(sent["id"], "approve")
    assert api.counts()["comments"] == 1
    links = " ".join(f'<a href="https://spam{i}.example.com/">deal {i}</a>' for i in range(5))
    out = _edit(api, sent["id"], {"body": f"Buy now {links}"}, sent["edit_token"]).get_json()
    assert out["status"] == "pending"
    assert api.counts()["comments"] == 0 and api.thread()["items"] == []
    history = api.get(f"/admin/entries/{sent['id']}", headers=ALICE)["history"]
    assert [h["action"] for h in history][-2:] == ["edit", "hold"] and history[-1]["code"] == "links"


def test_edits_are_refused_without_the_token_with_a_wrong_one_and_after_the_window(
    api: Api, make_app: Callable[..., Flask]
) -> None:
    sent = api.comment()
    assert _edit(api, sent["id"], {"body": "New"}, None).status_code == 403
    wrong = _edit(api, sent["id"], {"body": "New"}, "not-the-token")
    assert wrong.status_code == 404
    assert _edit(api, sent["id"], {"body": ""}, sent["edit_token"]).status_code == 422
    late = app_api(make_app, edit_window_minutes=0)
    again = late.comment(body="Another text")
    closed = _edit(late, again["id"], {"body": "Too late"}, again["edit_token"])
    assert closed.status_code == 403 and closed.get_json()["error"]["code"] == "edit_window_closed"
    with late.client.application.app_context():
        assert db.session.get(Entry, again["id"]).body_source != "Too late"  # type: ignore[union-attr]


def test_a_closed_thread_takes_no_edits_and_keeps_what_it_said(api: Api) -> None:
    sent = api.comment(body="Before the close")
    api.act(sent["id"], "approve")
    assert post(api, "/admin/articles/a1/close", {}, ALICE).status_code == 200
    refused = _edit(api, sent["id"], {"body": "After the close"}, sent["edit_token"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "closed"
    assert "Before the close" in api.thread()["items"][0]["body_html"]
    assert post(api, "/admin/articles/a1/reopen", {}, ALICE).status_code == 200
    assert _edit(api, sent["id"], {"body": "After the reopening"}, sent["edit_token"]).status_code == 200


# -- signed-in readers -------------------------------------------------------------------------


def test_a_signed_in_reader_posts_without_name_or_email_and_nobody_sees_the_user_id(
    make_app: Callable[..., Flask],
) -> None:
    api = app_api(make_app)
    tok = token(badge="subscriber")
    sent = post(api, "/articles/a1/comments", {"body": "Signed in"}, signed(tok))
    assert sent.status_code == 202, sent.get_json()
    out = sent.get_json()
    assert out["author"] == "Sam Reader" and out["badge"] == "subscriber"
    api.act(out["id"], "approve")
    raw = api.client.get(f"{V1}/articles/a1/comments").get_data(as_text=True)
    item = json.loads(raw)["items"][0]
    assert item["badge"] == "subscriber" and item["moderator"] is False
    assert "u-17" not in raw and "sam@example.org" not in raw and "author_id" not in raw
    detail = api.get(f"/admin/entries/{out['id']}", headers=ALICE)
    assert detail["author_id"] == "u-17" and detail["email"] == "sam@example.org"
    # The signed-in author edits and withdraws without the edit token.
    edited = api.client.patch(f"{V1}/entries/{out['id']}", json={"body": "Edited by me"}, headers=signed(tok))
    assert edited.status_code == 200
    other = token({"sub": "u-99"})
    assert (
        api.client.patch(f"{V1}/entries/{out['id']}", json={"body": "Not mine"}, headers=signed(other)).status_code
        == 404
    )
    assert api.client.delete(f"{V1}/entries/{out['id']}", headers=signed(tok)).status_code == 204


def _mine(api: Api, headers: dict[str, str], article: str = "a1") -> Any:
    return api.client.get(f"{V1}/articles/{article}/mine", headers=headers)


def test_a_signed_in_reader_finds_their_own_editable_entries_on_any_device(make_app: Callable[..., Flask]) -> None:
    """No edit token needed: the service names the reader's entries still in the window,
    and nobody else's."""
    api = app_api(make_app)
    tok, other = token(), token({"sub": "u-99", "name": "Pat Other"})
    comment = post(api, "/articles/a1/comments", {"body": "Mine, <b>bold</b>"}, signed(tok)).get_json()
    api.act(comment["id"], "approve")
    review = post(api, "/articles/a1/reviews", {"body": "My review", "rating": 4}, signed(tok)).get_json()
    old = post(api, "/articles/a1/comments", {"body": "Mine, long ago"}, signed(tok)).get_json()
    theirs = post(api, "/articles/a1/comments", {"body": "Not mine"}, signed(other)).get_json()
    api.comment("a1", author="Sam Reader")  # anonymous, under the same name
    elsewhere = post(api, "/articles/a2/comments", {"body": "Another article"}, signed(tok)).get_json()
    with api.client.application.app_context():
        db.session.execute(
            text("UPDATE entry SET created_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=16), "id": old["id"]},
        )
        db.session.commit()
    thread = api.client.get(f"{V1}/articles/a1/comments")

    found = _mine(api, signed(tok))
    assert found.status_code == 200, found.get_json()
    assert found.headers["Cache-Control"] == "private, no-store" and "ETag" not in found.headers
    items = found.get_json()["items"]
    assert [i["id"] for i in items] == [comment["id"], review["id"]]
    assert items[0]["body"] == "Mine, <b>bold</b>"
    until = datetime.fromisoformat(items[0]["editable_until"])
    assert until - datetime.fromisoformat(comment["created_at"]) == timedelta(minutes=15)
    raw = found.get_data(as_text=True)
    assert "Not mine" not in raw and "u-17" not in raw and "sam@example.org" not in raw
    assert [i["id"] for i in _mine(api, signed(other)).get_json()["items"]] == [theirs["id"]]
    assert [i["id"] for i in _mine(api, signed(tok), "a2").get_json()["items"]] == [elsewhere["id"]]
    assert _mine(api, signed(tok), "a3").get_json() == {"items": []}
    # What is listed, the signed-in author may edit; the list then has the new text.
    edited = api.client.patch(f"{V1}/entries/{review['id']}", json={"body": "Changed"}, headers=signed(tok))
    assert edited.status_code == 200
    assert _mine(api, signed(tok)).get_json()["items"][1]["body"] == "Changed"

    # The public thread's caching is untouched: same ETag, still a 304, still shareable.
    again = api.client.get(f"{V1}/articles/a1/comments", headers={"If-None-Match": thread.headers["ETag"]})
    assert again.status_code == 304 and "public" in again.headers["Cache-Control"]

    # A closed thread takes no edits, so none are offered.
    assert post(api, "/admin/articles/a1/close", {}, ALICE).status_code == 200
    assert _mine(api, signed(tok)).get_json() == {"items": []}


def test_own_entries_need_a_valid_sign_in_token(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app)
    assert post(api, "/articles/a1/comments", {"body": "Mine"}, signed(token())).status_code == 202
    for headers in ({}, {"X-Comments-SSO": " "}, {"Authorization": "Bearer not-a-reader"}):
        refused = _mine(api, headers)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
        assert "items" not in refused.get_json()
    for bad in (token(exp=int(time.time()) - 60), token(aud="another-site"), token(key="x" * 40)):
        refused = _mine(api, signed(bad))
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    assert _mine(api, signed(token()), "-bad-").status_code == 400


@pytest.mark.parametrize(
    "make_token",
    [
        lambda: token(exp=int(time.time()) - 3600),  # expired
        lambda: token(key="another-secret-of-32-characters-or-more"),  # wrongly signed
        lambda: unsigned({"sub": "u", "name": "N", "aud": "default", "exp": int(time.time()) + 60}),
        lambda: token(aud="another-site"),  # another site's
        lambda: "not.a.token",
        lambda: token({"sub": ""}),
    ],
    ids=["expired", "wrong-signature", "alg-none", "other-site", "garbage", "no-sub"],
)
def test_bad_sign_in_tokens_are_a_401_and_store_nothing(
    make_app: Callable[..., Flask], make_token: Callable[[], str]
) -> None:
    api = app_api(make_app)
    refused = post(api, "/articles/a1/comments", {"author": "X", "body": "Hello"}, signed(make_token()))
    assert refused.status_code == 401, refused.get_json()
    assert refused.get_json()["error"]["message"]
    with api.client.application.app_context():
        assert stored_entries() == 0


def test_a_signed_in_reader_reviews_an_article_once_even_without_an_email(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app)
    sam = signed(token(email=None))
    first = post(api, "/articles/a1/reviews", {"rating": 4, "body": "Good piece"}, sam)
    assert first.status_code == 202, first.get_json()
    again = post(api, "/articles/a1/reviews", {"rating": 1, "body": "Changed my mind"}, sam)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert "already reviewed" in again.get_json()["error"]["message"]
    assert post(api, "/articles/a2/reviews", {"rating": 5, "body": "Another article"}, sam).status_code == 202
    other = signed(token(sub="u-18", email=None))
    assert post(api, "/articles/a1/reviews", {"rating": 2, "body": "Someone else"}, other).status_code == 202
    with api.client.application.app_context():
        assert stored_entries() == 3


def test_rs256_tokens_and_the_issuer_are_checked(make_app: Callable[..., Flask]) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    api = app_api(make_app, sso_secret=None, sso_public_key=public, sso_issuer="https://news.example")
    good = token(key=private, alg="RS256", iss="https://news.example")
    assert post(api, "/articles/a1/comments", {"body": "RSA"}, signed(good)).status_code == 202
    wrong_iss = token(key=private, alg="RS256", iss="https://other.example")
    assert post(api, "/articles/a1/comments", {"body": "RSA 2"}, signed(wrong_iss)).status_code == 401
    # Only RS256 is configured: an HS256 token is refused, whatever its key.
    hs256 = token(key=SECRET, iss="https://news.example")
    assert post(api, "/articles/a1/comments", {"body": "HS"}, signed(hs256)).status_code == 401


def test_sites_for_signed_in_readers_only_refuse_anonymous_submissions(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app, commenting=Commenting.SIGNED_IN, login_url="https://news.example/login")
    refused = post(api, "/articles/a1/comments", {"author": "Anon", "body": "Hi"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "sign_in_required"
    nameless = post(api, "/articles/a1/comments", {"body": "Hi"})
    assert nameless.status_code == 401 and nameless.get_json()["error"]["code"] == "sign_in_required"
    thread = api.thread()
    assert thread["commenting"] == "signed-in" and thread["login_url"] == "https://news.example/login"
    assert post(api, "/articles/a1/comments", {"body": "Hi"}, signed(token())).status_code == 202


def test_a_moderator_reply_is_published_and_marked(api: Api) -> None:
    parent = api.approved_comment()
    reply = post(api, f"/admin/entries/{parent}/reply", {"body": "Thanks, fixed."}, ALICE)
    assert reply.status_code == 201, reply.get_json()
    item = api.thread()["items"][0]["replies"][0]
    assert item["author"] == "alice" and item["moderator"] is True and item["badge"] is None
    assert api.counts()["comments"] == 2
    # A reader's token cannot claim the moderator's mark.
    assert post(api, "/articles/a1/comments", {"author": "X", "body": "Y"}).status_code == 202


# -- bans ------------------------------------------------------------------------------------


def test_banning_the_anonymous_author_of_an_entry_refuses_their_next_post(api: Api) -> None:
    first = api.comment()
    second = api.comment()
    made = post(api, "/admin/bans", {"entry_id": first["id"], "reason": "Abuse", "reject_pending": True}, ALICE)
    assert made.status_code == 201, made.get_json()
    ban = made.get_json()
    assert ban["kind"] == "client" and ban["identity"] is None and ban["active"] is True
    assert sorted(ban["rejected"]) == sorted([first["id"], second["id"]])
    assert "client_hash" not in json.dumps(ban) and ban["history"][0]["action"] == "ban"
    refused = post(api, "/articles/a1/comments", {"author": "Ann", "body": "Again"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "banned"
    assert "banned" in refused.get_json()["error"]["message"]
    listed = api.get("/admin/bans", headers=ALICE)["items"]
    assert [b["id"] for b in listed] == [ban["id"]]
    lifted = post(api, f"/admin/bans/{ban['id']}/lift", {"reason": "Apologised"}, ALICE).get_json()
    assert lifted["active"] is False and [e["action"] for e in lifted["history"]] == ["ban", "lift"]
    assert api.get("/admin/bans", headers=ALICE)["items"] == []
    assert len(api.get("/admin/bans?all=true", headers=ALICE)["items"]) == 1
    api.comment()


def test_banning_an_anonymous_author_by_the_email_they_typed_also_bans_their_client(api: Api) -> None:
    """Found by hand: banning the author of an anonymous entry with an email banned only the
    address, so the same reader got through by leaving it out."""
    elsewhere = {"REMOTE_ADDR": "192.0.2.44"}
    first = api.comment(author="Troll", email="troll@example.org")
    waiting = post(api, "/articles/a2/comments", {"author": "Troll", "body": "Queued, no email"})
    assert waiting.status_code == 202
    other = api.client.post(f"{V1}/articles/a1/comments", json={"author": "Bo", "body": "Hi"}, environ_base=elsewhere)
    made = post(api, "/admin/bans", {"entry_id": first["id"], "reason": "Abuse", "reject_pending": True}, ALICE)
    assert made.status_code == 201, made.get_json()
    ban = made.get_json()
    assert (ban["kind"], ban["identity"], ban["covers_client"]) == ("email", "troll@example.org", True)
    assert sorted(ban["rejected"]) == sorted([first["id"], waiting.get_json()["id"]])
    assert api.get(f"/admin/entries/{other.get_json()['id']}", headers=ALICE)["status"] == "pending"
    with api.client.application.app_context():
        before = stored_entries()
    for body in ({"author": "Troll", "body": "No email now"}, {"author": "T", "body": "x", "email": "new@example.org"}):
        refused = post(api, "/articles/a1/comments", body)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "banned"
    with api.client.application.app_context():
        assert stored_entries() == before
    # The address stays banned from another client, silently as any typed address.
    typed = api.client.post(
        f"{V1}/articles/a1/comments",
        json={"author": "T", "body": "From elsewhere", "email": "troll@example.org"},
        environ_base=elsewhere,
    )
    assert typed.status_code == 202 and typed.get_json()["status"] == "pending"
    assert (
        api.client.post(
            f"{V1}/articles/a1/comments", json={"author": "Bo", "body": "Still fine"}, environ_base=elsewhere
        ).status_code
        == 202
    )
    listed = api.get("/admin/bans", headers=ALICE)["items"]
    assert [b["id"] for b in listed] == [ban["id"]] and "client_hash" not in json.dumps(listed)
    # Moderators see the ban on the queue entry the reader sent without an address.
    queued = api.get(f"/admin/entries/{waiting.get_json()['id']}", headers=ALICE)["author_history"]
    assert [b["id"] for b in queued["bans"]] == [ban["id"]]
    post(api, f"/admin/bans/{ban['id']}/lift", {"reason": "Appeal"}, ALICE)
    assert post(api, "/articles/a1/comments", {"author": "Troll", "body": "Back"}).status_code == 202


def test_bans_by_user_id_and_email_for_a_time_and_held_silently(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app)
    made = post(api, "/admin/bans", {"user_id": "u-17", "reason": "Trolling", "days": 7}, ALICE).get_json()
    assert made["identity"] == "u-17" and made["expires_at"]
    assert post(api, "/articles/a1/comments", {"body": "Hi"}, signed(token())).status_code == 403
    post(api, "/admin/bans", {"email": "Troll@Example.org", "reason": "Spam"}, ALICE)
    # A typed address proves nothing: its ban holds silently, so nobody can probe addresses.
    typed = post(api, "/articles/a1/comments", {"author": "T", "body": "x", "email": "troll@example.org"})
    assert typed.status_code == 202 and typed.get_json()["status"] == "pending"
    assert api.get(f"/admin/entries/{typed.get_json()['id']}", headers=ALICE)["history"][0]["code"] == "banned"
    bad = post(api, "/admin/bans", {"reason": "Who?"}, ALICE)
    assert bad.status_code == 422
    held = app_api(make_app, ban_mode=BanMode.HOLD, policy=automod.Policy(mode=automod.Mode.POST))
    post(held, "/admin/bans", {"user_id": "u-17", "reason": "Trolling"}, ALICE)
    sent = post(held, "/articles/a1/comments", {"body": "Held"}, signed(token()))
    assert sent.status_code == 202 and sent.get_json()["status"] == "pending"
    history = held.get(f"/admin/entries/{sent.get_json()['id']}", headers=ALICE)["history"]
    assert history[0]["code"] == "banned"


def test_whether_a_reader_is_banned_is_never_public(api: Api) -> None:
    sent = api.approved_comment()
    post(api, "/admin/bans", {"entry_id": sent, "reason": "x"}, ALICE)
    raw = api.client.get(f"{V1}/articles/a1/comments").get_data(as_text=True)
    assert "ban" not in raw
    assert api.client.get(f"{V1}/admin/bans").status_code == 401


# -- author records ----------------------------------------------------------------------------


def test_the_queue_shows_each_authors_record_and_always_hold_holds_them(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app, policy=automod.Policy(mode=automod.Mode.POST))
    mine: dict[str, Any] = {"author": "Kim", "email": "kim@example.org"}
    one = api.comment(**mine)["id"]
    two = api.comment(**mine)["id"]
    api.act(two, "reject")
    api.act(one, "spam")
    api.act(one, "approve")
    three = api.comment(**mine)["id"]
    api.act(three, "reject")
    api.act(three, "approve")
    held = api.act(two, "approve")
    record = held["author_history"]
    assert (record["approved"], record["rejected"], record["spam"]) == (3, 0, 0)
    assert record["first_seen_at"] and record["always_hold"] is False and record["bans"] == []
    api.act(three, "spam")
    hold = post(api, f"/admin/entries/{one}/always-hold", {"hold": True}, ALICE).get_json()
    assert hold["author_history"] == {**record, "approved": 2, "spam": 1, "always_hold": True}
    sent = api.comment(**mine)
    assert sent["status"] == "pending"
    queue = api.get("/admin/queue", headers=ALICE)["items"]
    assert queue[0]["author_history"]["always_hold"] is True
    assert api.comment(author="Lee", email="lee@example.org")["status"] == "approved"
    post(api, f"/admin/entries/{one}/always-hold", {"hold": False}, ALICE)
    assert api.comment(**mine)["status"] == "approved"


def test_stats_rebuild_recomputes_author_records_as_they_were_moved(api: Api) -> None:
    kim: dict[str, Any] = {"author": "Kim", "email": "kim@example.org"}
    one, two = api.comment(**kim)["id"], api.comment(**kim)["id"]
    api.act(one, "approve")
    api.act(two, "spam")
    api.act(api.comment()["id"], "reject")
    post(api, f"/admin/entries/{one}/always-hold", {"hold": True}, ALICE)
    before = api.act(one, "approve")["author_history"]
    app = api.client.application
    with app.app_context():
        db.session.execute(text("UPDATE author_record SET approved = 7, spam = 0"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0 and "records of 2 authors" in result.output
    assert api.get(f"/admin/entries/{one}", headers=ALICE)["author_history"] == before


# -- reactions of signed-in readers ---------------------------------------------------------


def test_a_signed_in_readers_reaction_is_keyed_by_their_user_id(make_app: Callable[..., Flask]) -> None:
    api = app_api(make_app)
    entry = api.approved_comment("a1")

    def react(headers: dict[str, str], address: str, on: bool = True) -> Any:
        method = api.client.put if on else api.client.delete
        response = method(
            f"{V1}/entries/{entry}/reaction",
            headers={"Content-Type": "application/json", **headers},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    sam, kim = signed(token()), signed(token(sub="u-18", name="Kim"))
    assert react(sam, "10.0.0.1")["reactions"] == 1
    assert react(kim, "10.0.0.1")["reactions"] == 2  # one address, two readers
    assert react(sam, "10.0.0.2") == {"id": entry, "reactions": 2, "reacted": True}  # Sam on another device
    assert react({}, "10.0.0.1")["reactions"] == 3  # not signed in: the address's own reaction
    assert react(sam, "10.0.0.3", on=False) == {"id": entry, "reactions": 2, "reacted": False}
    assert api.thread("a1")["items"][0]["reactions"] == 2
    bad = api.client.put(
        f"{V1}/entries/{entry}/reaction",
        headers={"Content-Type": "application/json", **signed(token(key="another-key-of-32-characters-or-more"))},
    )
    assert bad.status_code == 401
    assert api.thread("a1")["items"][0]["reactions"] == 2
