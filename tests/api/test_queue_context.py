"""What a moderator sees around an entry: the article's page (URL and title the widget sent
with a submission), the comment a reply answers, and who is signed in."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.helpers import ALICE
from tests.helpers import BOB
from tests.helpers import V1
from tests.helpers import Api
from tests.helpers import stored_entries

STORY = "https://news.example/2026/12/bridge"


def queue(api: Api) -> list[dict[str, object]]:
    return api.get("/admin/queue", headers=ALICE)["items"]  # type: ignore[no-any-return]


def test_the_queue_names_the_article_page_the_widget_sent(api: Api) -> None:
    entry = api.comment(page_url=STORY, page_title=" Bridge\n  approved\u200b <b>& funded</b> ")["id"]
    api.review("a2")  # an article no submission named a page for
    first, second = queue(api)
    assert first["id"] == entry
    assert first["article_url"] == STORY
    assert first["article_title"] == "Bridge approved <b>& funded</b>"  # one line of plain text
    assert second["article_url"] is None and second["article_title"] is None
    detail = api.get(f"/admin/entries/{entry}", headers=ALICE)
    assert (detail["article_url"], detail["article_title"]) == (STORY, "Bridge approved <b>& funded</b>")


def test_the_latest_page_wins_and_a_missing_part_keeps_what_was_known(api: Api) -> None:
    api.comment(page_url=STORY, page_title="Old title")
    api.review(page_title="New title")
    api.comment(page_url=STORY + "?ref=x")
    items = queue(api)
    assert {(i["article_url"], i["article_title"]) for i in items} == {(STORY + "?ref=x", "New title")}


def test_bad_page_context_is_refused_and_stores_nothing(api: Api, app: object) -> None:
    for fields in (
        {"page_url": "javascript:alert(1)"},
        {"page_url": "ftp://news.example/x"},
        {"page_url": "https://news.example/" + "x" * 500},
        {"page_title": "t" * 201},
        {"page_url": 7},
    ):
        body = api.client.post(f"{V1}/articles/a1/comments", json={"author": "A", "body": "Hi", **fields})
        assert body.status_code == 422, fields
        assert set(body.get_json()["error"]["fields"]) == set(fields)
    with app.app_context():  # type: ignore[attr-defined]
        assert stored_entries() == 0


def test_the_page_context_is_never_served_to_the_public(api: Api) -> None:
    entry = api.comment(page_url=STORY, page_title="Bridge")
    assert "page_url" not in entry and "page_title" not in entry
    api.act(entry["id"], "approve")
    assert STORY not in str(api.thread())


def test_a_reply_in_the_queue_carries_its_parent(api: Api) -> None:
    parent = api.approved_comment(author="Pia", body="The <i>bridge</i> is overdue.")
    reply = api.comment(parent_id=parent)["id"]
    top = api.comment()["id"]
    items = {i["id"]: i for i in queue(api)}
    assert items[reply]["parent"] == {"author": "Pia", "body_html": "<p>The <i>bridge</i> is overdue.</p>"}
    assert items[top]["parent"] is None


def test_me_names_the_signed_in_moderator(client: FlaskClient) -> None:
    # (and, since moderator accounts, their role and sites: COMMENTS_ADMIN_TOKENS names are admins)
    assert client.get(f"{V1}/admin/me", headers=ALICE).get_json() == {
        "moderator": "alice",
        "role": "admin",
        "sites": None,
    }
    assert client.get(f"{V1}/admin/me", headers=BOB).get_json()["moderator"] == "bob"
    assert client.get(f"{V1}/admin/me").status_code == 401
