"""Steps many tests repeat: submitting, moderating and reading through the HTTP API."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import ModerationEvent

ADMIN_TOKENS = {"alice": "alice-token-0123456789", "bob": "bob-token-9876543210"}
ALICE = {"Authorization": f"Bearer {ADMIN_TOKENS['alice']}"}
BOB = {"Authorization": f"Bearer {ADMIN_TOKENS['bob']}"}
V1 = "/api/v1"


class Api:
    public = V1  # where the public paths are: the default site's (``SiteApi``: another site's)

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.sent = 0

    def _text(self, what: str) -> str:
        """A distinct default text: the same text twice from one client is refused."""
        self.sent += 1
        return f"{what} #{self.sent}"

    def comment(self, article: str = "a1", expect: int = 202, **fields: Any) -> dict[str, Any]:
        body = {"author": "Ann", "body": self._text("A thoughtful comment"), **fields}
        response = self.client.post(f"{self.public}/articles/{article}/comments", json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def review(self, article: str = "a1", expect: int = 202, **fields: Any) -> dict[str, Any]:
        body = {"author": "Rae", "body": self._text("Worth reading"), "rating": 4, **fields}
        response = self.client.post(f"{self.public}/articles/{article}/reviews", json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def act(self, entry_id: int, action: str, expect: int = 200, headers: dict[str, str] = ALICE, **body: Any) -> Any:
        response = self.client.post(f"{V1}/admin/entries/{entry_id}/{action}", json=body or None, headers=headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def approved_comment(self, article: str = "a1", **fields: Any) -> int:
        entry_id: int = self.comment(article, **fields)["id"]
        self.act(entry_id, "approve")
        return entry_id

    def approved_review(self, article: str = "a1", **fields: Any) -> int:
        entry_id: int = self.review(article, **fields)["id"]
        self.act(entry_id, "approve")
        return entry_id

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.client.get(f"{V1 if path.startswith('/admin') else self.public}{path}", **kwargs)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def counts(self, article: str = "a1") -> dict[str, Any]:
        return self.get(f"/articles/{article}/counts")  # type: ignore[no-any-return]

    def thread(self, article: str = "a1", **query: Any) -> dict[str, Any]:
        return self.get(f"/articles/{article}/comments", query_string=query)  # type: ignore[no-any-return]


class SiteApi(Api):
    """The helper steps, on one site's paths."""

    def __init__(self, client: FlaskClient, site: str) -> None:
        super().__init__(client)
        self.public = f"{V1}/sites/{site}"


def add_site(client: FlaskClient, site_id: str, expect: int = 201, **fields: Any) -> Any:
    """A site made by alice (``fields``: origins, settings …): the admin API's answer."""
    body = {"id": site_id, "name": site_id.title(), **fields}
    response = client.post(f"{V1}/admin/sites", json=body, headers=ALICE)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def add_moderator(client: FlaskClient, name: str, *sites: str) -> tuple[int, dict[str, str]]:
    """A moderator account of ``sites``, made by alice: its id and its Authorization header."""
    response = client.post(
        f"{V1}/admin/accounts", json={"name": name, "role": "moderator", "sites": list(sites)}, headers=ALICE
    )
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    return made["account"]["id"], {"Authorization": f"Bearer {made['token']['token']}"}


def stored_entries() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Entry)) or 0)


def stored_events() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ModerationEvent)) or 0)
