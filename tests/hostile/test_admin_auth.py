"""The moderator API refuses everyone without a moderator's bearer token, on every admin
path and method; tokens are compared in constant time and never appear in a response or
a log line."""

from __future__ import annotations

import base64
import logging
import re
import secrets
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from service import config
from service import create_app
from service.api.admin.auth import FAILED_SIGN_INS
from service.api.admin.auth import moderator_for
from service.extensions import db
from service.persistence.models import ModerationEvent

from ..conftest import base_config
from ..helpers import ADMIN_TOKENS
from ..helpers import ALICE
from ..helpers import V1
from ..helpers import Api
from ..servers import GUNICORN_LOG
from .conftest import Server

TOKEN = ADMIN_TOKENS["alice"]
REFUSED = {
    "missing": None,
    "empty": "",
    "scheme only": "Bearer",
    "scheme and space": "Bearer ",
    "scheme and spaces": "Bearer     ",
    "basic with the token": f"Basic {TOKEN}",
    "basic credentials": "Basic " + base64.b64encode(f"alice:{TOKEN}".encode()).decode(),
    "token scheme": f"Token {TOKEN}",
    "digest scheme": f"Digest {TOKEN}",
    "bearer run together": f"Bearer{TOKEN}",
    "no scheme": TOKEN,
    "tab for space": f"Bearer\t{TOKEN}",
    "one character short": f"Bearer {TOKEN[:-1]}",
    "one character more": f"Bearer {TOKEN}0",
    "other case": f"Bearer {TOKEN.upper()}",
    "two tokens": f"Bearer {TOKEN} {ADMIN_TOKENS['bob']}",
    "token list": f"Bearer {TOKEN},{ADMIN_TOKENS['bob']}",
    "name:token pair": f"Bearer alice:{TOKEN}",
    "the moderator's name": "Bearer alice",
    "non-ASCII tail": f"Bearer {TOKEN}\u00e9",
    "wrong token": "Bearer not-a-token-at-all",
}
ACCEPTED = {"canonical": f"Bearer {TOKEN}", "lower-case scheme": f"bearer {TOKEN}", "extra space": f"Bearer  {TOKEN}"}


def admin_requests(app: Flask, entry_id: int) -> list[tuple[str, str]]:
    """Every (method, path) of the moderator API, read from the app's URL map, so a new
    admin route is covered without editing this test."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(f"{V1}/admin"):
            continue
        path = re.sub(r"<int:\w+>", str(entry_id), rule.rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "a1", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    assert len(found) >= 8  # queue, entry, approve, reject, spam, bulk, delete, erasures
    return found


def send(client: FlaskClient, method: str, path: str, header: str | None) -> tuple[int, dict[str, str], str]:
    headers = {"Origin": "http://news.example"}
    if header is not None:
        headers["Authorization"] = header
    body = {"action": "approve", "ids": [1]} if path.endswith("/bulk") else None
    response = client.open(path, method=method, json=body, headers=headers)
    return response.status_code, dict(response.headers), response.get_data(as_text=True)


def events(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(ModerationEvent)) or 0)


def test_every_admin_path_refuses_every_request_without_a_valid_token(app: Flask, api: Api) -> None:
    entry_id = api.comment()["id"]
    before = events(app)
    paths = admin_requests(app, entry_id)
    for method, path in paths:
        for name, header in REFUSED.items():
            status, headers, body = send(api.client, method, path, header)
            where = f"{method} {path} with {name}"
            assert status == 401, where
            assert '"code":"unauthorized"' in body.replace(" ", ""), where
            assert headers.get("WWW-Authenticate", "").startswith("Bearer"), where
            assert "Access-Control-Allow-Origin" not in headers, where  # no CORS on admin paths
            for secret in ADMIN_TOKENS.values():
                assert secret not in body and all(secret not in v for v in headers.values()), where
    # Nothing happened: the entry is still waiting, no moderation was recorded.
    assert events(app) == before
    assert api.get(f"/admin/entries/{entry_id}", headers=ALICE)["status"] == "pending"


def test_the_same_paths_answer_a_valid_token(app: Flask, api: Api) -> None:
    """The refusals above are about the token: each path works with one."""
    entry_id = api.comment()["id"]
    for method, path in admin_requests(app, entry_id):
        if method == "DELETE":
            continue  # erasure is tested last, below
        for name, header in ACCEPTED.items():
            status, _, body = send(api.client, method, path, header)
            assert status not in (401, 403), (method, path, name, body)
    status, _, _ = send(api.client, "DELETE", f"{V1}/admin/entries/{entry_id}", ACCEPTED["canonical"])
    assert status == 204


@pytest.fixture
def closed_app(database_url: str) -> Iterator[Flask]:
    """COMMENTS_ADMIN_TOKENS unset: the admin API is closed."""
    app = create_app({**base_config(database_url), "ADMIN_TOKENS": {}})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_without_configured_tokens_every_admin_request_is_refused(closed_app: Flask, app: Flask, api: Api) -> None:
    entry_id = api.comment()["id"]
    client = closed_app.test_client()
    for method, path in admin_requests(closed_app, entry_id):
        for header in (*REFUSED.values(), *ACCEPTED.values(), "Bearer  ", "Bearer :"):
            status, _, _ = send(client, method, path, header)
            assert status == 401, (method, path, header)


def test_tokens_never_reach_the_application_log(app: Flask, api: Api, caplog: pytest.LogCaptureFixture) -> None:
    """Whatever the app logs at any level while refusing and accepting tokens (its logger
    does not propagate to the root logger, so the capture is attached to it directly)."""
    entry_id = api.comment()["id"]
    loggers = [logging.getLogger(name) for name in ("service", "werkzeug", "flask_smorest", "sqlalchemy")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        for method, path in admin_requests(app, entry_id):
            for header in (*REFUSED.values(), ACCEPTED["canonical"]):
                send(api.client, method, path, header)
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)
    for secret in (*ADMIN_TOKENS.values(), "not-a-token-at-all"):
        assert secret not in caplog.text


def test_tokens_never_reach_the_server_log(server: Server) -> None:
    log = GUNICORN_LOG
    before = log.stat().st_size if log.exists() else 0
    for header in (*REFUSED.values(), ACCEPTED["canonical"]):
        headers = {} if header is None else {"Authorization": header}
        for path in ("/admin/queue", "/admin/entries/1", "/admin/queue?status=spam"):
            response = requests.get(f"{server.base}{V1}{path}", headers=headers, timeout=10)
            assert response.status_code in (200, 401, 404)
    requests.post(
        f"{server.base}{V1}/admin/entries/bulk", json={"action": "spam", "ids": [1]}, headers=ALICE, timeout=10
    )
    time.sleep(0.3)  # gunicorn writes access lines after the response
    written = Path(log).read_bytes()[before:].decode("utf-8", "replace")
    assert "/api/v1/admin" in written  # the requests were logged at all
    for secret in (*ADMIN_TOKENS.values(), "not-a-token-at-all"):
        assert secret not in written


def test_a_bad_token_setting_does_not_echo_the_token() -> None:
    secret = "s3cret-value-that-must-not-leak"
    for value in (secret, f":{secret}", f"alice:{secret},bob:{secret}", f"{'n' * 81}:{secret}", f"alice:{secret},x"):
        with pytest.raises(config.ConfigError) as raised:
            config.parse_admin_tokens(value)
        assert secret not in str(raised.value)


def _fastest(check: Callable[[], object], rounds: int = 25) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        check()
        best = min(best, time.perf_counter() - start)
    return best


def test_which_token_matches_does_not_change_how_long_the_check_takes() -> None:
    """Every configured token is compared, whichever one matches: a loop that stopped at
    the match would answer the first moderator ~1000 times faster than the last."""
    tokens = {f"token-{i:05d}-{'q' * 40}": f"moderator{i}" for i in range(3000)}
    first, last = list(tokens)[0], list(tokens)[-1]
    assert moderator_for(f"Bearer {first}", tokens) == "moderator0"
    assert moderator_for(f"Bearer {last}", tokens) == "moderator2999"
    ratio = _fastest(lambda: moderator_for(f"Bearer {first}", tokens)) / _fastest(
        lambda: moderator_for(f"Bearer {last}", tokens)
    )
    assert 0.5 < ratio < 2, ratio


def test_how_close_a_guess_is_does_not_change_how_long_the_check_takes() -> None:
    """A guess right up to its last character takes as long as one wrong from the first.
    (A comparison that stops at the first difference, character by character, would take
    thousands of times longer for the near miss.)"""
    secret = "s" * 2_000_000
    tokens = {secret: "alice"}
    near, far = f"Bearer {secret[:-1]}x", f"Bearer x{secret[1:]}"
    assert moderator_for(near, tokens) is None and moderator_for(far, tokens) is None
    ratio = _fastest(lambda: moderator_for(near, tokens), 10) / _fastest(lambda: moderator_for(far, tokens), 10)
    assert 0.6 < ratio < 1.6, ratio


@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:6379/0"])
def test_failed_sign_ins_are_throttled_per_client(make_app: Callable[..., Flask], storage: str) -> None:
    """Wrong tokens cost a guesser: after FAILED_SIGN_INS failures in a minute a client gets
    429 JSON with Retry-After, even for a right token (a guess that hits is no different),
    while other clients and right tokens are not counted."""
    prefix = f"test-admin-auth-{secrets.token_hex(4)}"
    app = make_app(RATE_LIMIT="100/minute", RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix)

    def client() -> FlaskClient:
        address = f"10.{secrets.randbelow(255)}.{secrets.randbelow(255)}.{secrets.randbelow(254) + 1}"
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    guesser, moderator = client(), client()
    wrong = {"Authorization": "Bearer a-guess"}
    for _ in range(20):  # right tokens are never counted
        assert moderator.get(f"{V1}/admin/queue", headers=ALICE).status_code == 200
    # GET and POST alike (the limiter's own filter skips reads)
    statuses = [guesser.get(f"{V1}/admin/queue", headers=wrong).status_code for _ in range(FAILED_SIGN_INS // 2)]
    statuses += [
        guesser.post(f"{V1}/admin/entries/bulk", json={}, headers=wrong).status_code
        for _ in range(FAILED_SIGN_INS - FAILED_SIGN_INS // 2)
    ]
    assert statuses == [401] * FAILED_SIGN_INS
    for headers in (wrong, ALICE):
        refused = guesser.get(f"{V1}/admin/queue", headers=headers)
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert moderator.get(f"{V1}/admin/queue", headers=ALICE).status_code == 200
    assert client().get(f"{V1}/admin/queue", headers=wrong).status_code == 401
    if storage.startswith("redis"):  # the counters are Redis's, shared by every worker
        store = redis.Redis.from_url(storage)
        keys = store.keys(f"*{prefix}*")
        assert keys
        store.delete(*keys)
