"""Rate limits shared through Redis by every gunicorn worker (and so every instance)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests

from tests.conftest import _migrated
from tests.servers import gunicorn
from tests.servers import server_env

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    redis.Redis.from_url(REDIS_URL).ping()  # a missing Redis fails the run
    database = _migrated(f"sqlite:///{Path(tmp_path_factory.mktemp('limits')) / 'comments.db'}")
    env = {
        **server_env(database),
        "COMMENTS_REDIS_URL": REDIS_URL,
        "COMMENTS_RATE_LIMIT": "4/minute",
        "COMMENTS_TRUSTED_PROXIES": "1",
    }
    with gunicorn(env, workers=2) as base:
        yield f"{base}/api/v1"


def submit(url: str, client_ip: str, i: int) -> requests.Response:
    # A fresh connection each time, so that both workers take requests.
    return requests.post(
        url,
        json={"author": "a", "body": f"comment {i}"},
        headers={"X-Forwarded-For": client_ip, "Connection": "close"},
        timeout=30,
    )


def random_ip() -> str:
    """A private address (only a header, never contacted), new each run, so no earlier run's counters apply."""
    return f"10.{secrets.randbelow(255)}.{secrets.randbelow(255)}.{secrets.randbelow(254) + 1}"


def test_the_limit_holds_across_two_workers(limited_server: str) -> None:
    client_ip = random_ip()
    url = f"{limited_server}/articles/limits/comments"
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda i: submit(url, client_ip, i), range(12), timeout=60))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] * 4 + [429] * 8
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{client_ip}*")
    assert keys, "the counters live in Redis"
    # another reader is not affected, and reads are never limited
    assert submit(url, random_ip(), 99).status_code == 202
    assert requests.get(url, headers={"X-Forwarded-For": client_ip}, timeout=30).status_code == 200
