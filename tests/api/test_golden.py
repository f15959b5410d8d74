"""Golden responses: one seeded scenario through every public and admin endpoint, its JSON
bodies, statuses and headers compared with ``tests/api/golden/<dialect>.json``.

Captured before the restructuring of issue 11, so a refactoring that changes what a client
sees fails here. Volatile values (ids, times, ETags, cursors, tokens) are normalised: ids
become ``#n`` in order of first appearance. ``GOLDEN_UPDATE=1`` rewrites the files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import delete
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import WebhookEvent
from tests.helpers import ALICE
from tests.helpers import V1

GOLDEN = Path(__file__).parent / "golden"
HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Vary",
    "ETag",
    "Content-Disposition",
    "Location",
    "Access-Control-Allow-Origin",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Retry-After",
)
ID_KEYS = {"id", "entry_id", "parent_id", "root_id", "next_before"}
TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(\+00:00|Z)?( UTC)?|\d{4}-\d\d-\d\d")
VOLATILE = {"next_cursor": "<cursor>", "edit_token": "<token>", "cursor": "<cursor>"}


class Recorder:
    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.ids: dict[int, str] = {}
        self.log: list[dict[str, Any]] = []

    def tag(self, value: int) -> str:
        return self.ids.setdefault(value, f"#{len(self.ids) + 1}")

    def norm(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.norm(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.norm(v, key) for v in value]
        if key in VOLATILE and value is not None:
            return VOLATILE[key]
        if key in ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return self.tag(value)
        if key == "erased" and isinstance(value, int):
            return self.tag(value)
        if isinstance(value, str):
            return TIME.sub("<time>", value)
        return value

    def text(self, body: str) -> str:
        body = re.sub(r"comments-entry-(\d+)", lambda m: "comments-entry-" + self.tag(int(m.group(1))), body)
        body = re.sub(r'data-next-cursor="[^"]*"', 'data-next-cursor="<cursor>"', body)
        return TIME.sub("<time>", body)

    def call(self, method: str, path: str, **kwargs: Any) -> tuple[Any, Any]:
        response = self.client.open(path, method=method, **kwargs)
        headers = {h: response.headers[h] for h in HEADERS if h in response.headers}
        if "ETag" in headers:
            headers["ETag"] = "<etag>" if not headers["ETag"].startswith("W/") else "W/<etag>"
        data = response.get_json(silent=True) if response.is_json else None
        record: dict[str, Any] = {"request": f"{method} {self.path(path)}", "status": response.status_code}
        record["headers"] = headers
        if data is not None:
            record["json"] = self.norm(data)
        elif response.data:
            text = response.get_data(as_text=True)
            if "ndjson" in response.content_type:
                record["lines"] = [self.norm(json.loads(line)) for line in text.splitlines()]
            else:
                record["text"] = self.text(text)
        self.log.append(record)
        return data, response

    def path(self, path: str) -> str:
        return re.sub(r"/(\d+)(?=/|$|\?)", lambda m: "/" + self.tag(int(m.group(1))), path)


def scenario(app: Flask) -> list[dict[str, Any]]:
    r = Recorder(app)

    def post(path: str, body: Any = None) -> Any:
        return r.call("POST", V1 + path, json=body)

    def get(path: str, **kwargs: Any) -> Any:
        return r.call("GET", V1 + path, **kwargs)

    def admin(method: str, path: str, body: Any = None) -> Any:
        return r.call(method, V1 + "/admin" + path, json=body, headers=ALICE)

    c1, _ = post("/articles/a1/comments", {"author": "Ann", "body": "First <b>bold</b> comment", "email": "Ann@X.org"})
    c2, _ = post("/articles/a1/comments", {"author": "Bo", "body": "Second comment here"})
    r1, _ = post("/articles/a1/reviews", {"author": "Rae", "body": "Worth it", "rating": 5, "title": "Good"})
    r2, _ = post("/articles/a2/reviews", {"author": "Sam", "body": "Meh <i>ok</i>", "rating": 2, "email": "sam@x.org"})
    post("/articles/a2/reviews", {"author": "Sam", "body": "Again", "rating": 3, "email": "SAM@x.org"})
    post("/articles/a1/comments", {"author": "  ", "body": "<script></script>"})
    post("/articles/a1/comments", {"author": "Ann", "body": "x" * 10_001})
    post("/articles/a1/comments", {"author": "Ann", "body": "Hi", "parent_id": 999999})
    post("/articles/a1/comments", {"author": "Spam", "body": "Buy now", "website": "http://spam"})

    admin("POST", f"/entries/{c1['id']}/approve")
    admin("POST", f"/entries/{c1['id']}/approve")
    c3, _ = post("/articles/a1/comments", {"author": "Cy", "body": "A reply", "parent_id": c1["id"]})
    admin("POST", f"/entries/{c3['id']}/approve", {"reason": "fine"})
    admin("POST", f"/entries/{c2['id']}/reject", {"code": "off-topic", "reason": "Not about this"})
    admin("POST", "/entries/bulk", {"action": "approve", "ids": [r1["id"], r2["id"], 999999]})
    admin("POST", "/entries/bulk", {"action": "spam", "ids": []})
    admin("POST", f"/entries/{c2['id']}/spam")
    admin("POST", "/entries/999999/approve")

    for path in (
        "/articles/a1/comments",
        "/articles/a1/comments?limit=1",
        "/articles/a1/reviews",
        "/articles/a2/reviews?limit=1",
        "/articles/a1/counts",
        "/articles/none/counts",
        "/counts?article_id=a1&article_id=a2&article_id=zz",
        "/articles/a1/comments.html",
        "/articles/a1/comments?cursor=bogus",
        "/articles/a1/comments?limit=0",
    ):
        get(path)
    _, first = get("/articles/a1/comments")
    get("/articles/a1/comments", headers={"If-None-Match": first.headers["ETag"]})
    get("/articles/a1/comments", headers={"Origin": "http://news.example"})

    post(f"/entries/{c3['id']}/reports", {"reason": "rude"})
    post(f"/entries/{c3['id']}/reports", {"reason": "rude"})
    post("/entries/999999/reports", {})
    get("/articles/a1/counts")

    for query in ("", "?status=approved", "?status=rejected&kind=comment", "?reported=true", "?limit=1"):
        admin("GET", "/queue" + query)
    admin("GET", f"/entries/{c3['id']}")
    admin("GET", f"/entries/{c2['id']}")
    admin("GET", "/entries/999999")
    admin("GET", "/export?article_id=a1")
    admin("GET", "/export?email=SAM@x.org")
    admin("GET", "/export")
    admin("GET", "/webhooks")
    admin("GET", "/webhooks?state=pending&limit=2")
    admin("POST", "/webhooks/999999/retry")
    r.call("GET", V1 + "/admin/queue")

    with app.app_context():
        payloads = db.session.scalars(select(WebhookEvent.payload).order_by(WebhookEvent.id)).all()
    r.log.append({"webhook payloads": [r.norm(json.loads(p)) if p else None for p in payloads]})
    export = app.test_cli_runner().invoke(args=["export"])
    lines = [line for line in export.stdout.splitlines() if line.startswith("{")]
    r.log.append({"cli export": [r.norm(json.loads(line)) for line in lines]})

    r.call("DELETE", f"{V1}/entries/{r2['id']}", headers={"Authorization": "Bearer wrong"})
    r.call("DELETE", f"{V1}/entries/{r2['id']}", headers={"Authorization": f"Bearer {r2['edit_token']}"})
    admin("DELETE", f"/entries/{c1['id']}")
    admin("POST", "/erasures", {"email": "Ann@x.org"})
    admin("POST", "/erasures", {"email": "nobody@x.org"})
    get("/articles/a1/comments")
    get("/articles/a1/counts")
    admin("GET", f"/entries/{c3['id']}")
    return r.log


def test_public_and_admin_responses_match_the_golden_files(make_app: Callable[..., Flask], dialect: str) -> None:
    app = make_app(REPORT_THRESHOLD=1, WEBHOOK_URL="http://127.0.0.1:9/hook", WEBHOOK_SECRET="s" * 32)
    with app.app_context():
        db.session.execute(delete(WebhookEvent))
        db.session.commit()
    log = scenario(app)
    with app.app_context():
        db.session.execute(delete(WebhookEvent))
        db.session.commit()
    path = GOLDEN / f"{dialect}.json"
    actual = json.dumps(log, indent=1, ensure_ascii=False, sort_keys=True)
    if os.environ.get("GOLDEN_UPDATE"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual + "\n", encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with GOLDEN_UPDATE=1 once, review it, commit it"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(actual)
