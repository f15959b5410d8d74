"""The rate limits' Redis goes away (issue 12, attack 4): a closed port, and a server that
accepts connections and never answers. Submissions, reports, withdrawals and moderators'
sign-ins are then a 503 JSON error with Retry-After, never a 500, and a request never waits
on Redis for long; reads, which Redis does not guard, go on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from service.extensions import limiter
from service.observability.metrics import RATELIMIT_STORAGE_ERRORS
from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api


class SilentRedis:
    """Accepts connections on 127.0.0.1 and never answers (at most 64, for at most 60 s)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(60)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while len(self.held) < 64:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.held:
            conn.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once closed


@pytest.fixture(params=["down", "silent"])
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "down":
        yield f"redis://127.0.0.1:{closed_port()}/0"
        return
    server = SilentRedis()
    try:
        yield f"redis://127.0.0.1:{server.port}/0"
    finally:
        server.close()


def bounded(call: Callable[[], TestResponse], seconds: float = 20) -> TestResponse:
    """Run ``call`` in a thread and give up after ``seconds`` (a hung request fails the test
    instead of hanging it)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"the request was still waiting on Redis after {seconds} s"
    return result[0]  # type: ignore[no-any-return]


def assert_unavailable(response: TestResponse) -> None:
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


def test_writes_and_sign_ins_are_503_while_the_limits_redis_is_away(
    make_app: Callable[..., Flask], app: Flask, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The published entry is made while the limits are off (the test database is shared).
    setup = Api(app.test_client())
    published = setup.approved_comment()
    token = setup.comment()["edit_token"]
    pending = setup.client.get(f"{V1}/admin/queue", headers=ALICE).get_json()["items"][0]["id"]

    broken = make_app(REDIS_URL=redis_url, RATE_LIMIT="10/minute", RESPONSE_CACHE_TTL=0)
    client = broken.test_client()
    errors_before = RATELIMIT_STORAGE_ERRORS._value.get()
    comment = {"author": "Ann", "body": "A comment while Redis is away."}
    answers = [
        bounded(lambda: client.post(f"{V1}/articles/a1/comments", json=comment)),
        bounded(lambda: client.post(f"{V1}/articles/a1/reviews", json={**comment, "rating": 4})),
        bounded(lambda: client.post(f"{V1}/entries/{published}/reports", json={})),
        bounded(lambda: client.delete(f"{V1}/entries/{pending}", headers={"Authorization": f"Bearer {token}"})),
        bounded(lambda: client.get(f"{V1}/admin/queue", headers=ALICE)),
        bounded(lambda: client.get(f"{V1}/admin/queue", headers={"Authorization": "Bearer wrong"})),
    ]
    for response in answers:
        assert_unavailable(response)
    assert RATELIMIT_STORAGE_ERRORS._value.get() == errors_before + len(answers)
    warnings = [r for r in caplog.records if r.getMessage().startswith("rate limit storage unavailable")]
    assert len(warnings) == len(answers) and all(r.levelname == "WARNING" and not r.exc_info for r in warnings)

    # Reads need no Redis; nothing was stored or changed by the refused writes.
    thread = client.get(f"{V1}/articles/a1/comments")
    assert thread.status_code == 200 and [i["id"] for i in thread.get_json()["items"]] == [published]
    assert setup.get(f"/admin/entries/{published}", headers=ALICE)["report_count"] == 0
    assert setup.get(f"/admin/entries/{pending}", headers=ALICE)["status"] == "pending"
    assert len(setup.get("/admin/queue", headers=ALICE)["items"]) == 1


def test_every_redis_client_has_timeouts_under_a_second(make_app: Callable[..., Flask]) -> None:
    from service.api.caching import response_cache

    app = make_app(REDIS_URL="redis://127.0.0.1:6379/15", RATE_LIMIT="10/minute")
    with app.app_context():
        pool = limiter.storage.storage.connection_pool  # type: ignore[attr-defined]
        cache = response_cache(app)._redis
        assert cache is not None
        for kwargs in (pool.connection_kwargs, cache.connection_pool.connection_kwargs):
            assert 0 < kwargs["socket_timeout"] < 1 and 0 < kwargs["socket_connect_timeout"] < 1


def test_a_page_too_large_for_the_cache_is_not_stored_in_redis(make_app: Callable[..., Flask]) -> None:
    import redis

    from service.api.caching import ResponseCache

    cache = ResponseCache("size-cap-test", max_bytes=8 * 1024, ttl=30, redis_url="redis://127.0.0.1:6379/15")
    shared = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=1)
    cache.put("small", b"x" * 1024)
    cache.put("huge", b"x" * 1025)
    try:
        assert shared.get(cache._redis_key("small")) == b"x" * 1024
        assert shared.get(cache._redis_key("huge")) is None
        assert 0 < shared.ttl(cache._redis_key("small")) <= 30
    finally:
        shared.delete(cache._redis_key("small"), cache._redis_key("huge"))
