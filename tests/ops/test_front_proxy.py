"""The shipped front proxy (deploy/nginx/comments.conf.template) with Debian's nginx in
front of two gunicorns (gunicorn.conf.py, one worker each) on PostgreSQL, all on
127.0.0.1: what compose runs, without Docker. One proxy and pair per module; the test that
kills a replica comes last."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from tests.helpers import ALICE

from .frontproxy import Nginx
from .frontproxy import SlowClients
from .frontproxy import healthz_status
from .frontproxy import needs_nginx
from .frontproxy import nginx
from .support import Server
from .support import free_port
from .support import gunicorn_cmd
from .support import migrate
from .support import pg_database
from .support import serve
from .support import service_env
from .support import wait_for

# One worker runs the module (xdist_group): its nginx and gunicorns start once, not once per worker.
pytestmark = [pytest.mark.server, needs_nginx, pytest.mark.xdist_group("front-proxy")]
COMMENTS = "/api/v1/articles/<path:article_id>/comments"


@dataclass
class Front:
    proxy: Nginx
    port: int
    replicas: list[Server]

    def service_requests(self, method: str, route: str) -> int:
        """Requests the replicas have answered for ``route``, from their access logs."""
        lines = [json.loads(line) for server in self.replicas for line in server.out_lines() if line.startswith("{")]
        return sum(1 for line in lines if line.get("method") == method and line.get("route") == route)


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    tmp = tmp_path_factory.mktemp("front")
    with pg_database() as database:
        env = service_env(database.url, WEB_CONCURRENCY="1", COMMENTS_TRUSTED_PROXIES="1")
        migrate(env)
        ports = [free_port(), free_port()]
        with (
            serve(gunicorn_cmd(ports[0]), env, tmp / "replica-1", ports[0]) as one,
            serve(gunicorn_cmd(ports[1]), env, tmp / "replica-2", ports[1]) as two,
        ):
            port = free_port()
            with nginx(tmp / "nginx", port, [f"127.0.0.1:{p}" for p in ports]) as proxy:
                yield Front(proxy, port, [one, two])


def publish(base: str, article: str, body: str = "A thoughtful comment.") -> int:
    submitted = requests.post(
        f"{base}/api/v1/articles/{article}/comments", json={"author": "Ann", "body": body}, timeout=10
    )
    assert submitted.status_code == 202, submitted.text
    entry_id = int(submitted.json()["id"])
    approved = requests.post(f"{base}/api/v1/admin/entries/{entry_id}/approve", headers=ALICE, timeout=10)
    assert approved.status_code == 200, approved.text
    return entry_id


@pytest.mark.parametrize("kind", ["line", "headers"])
def test_slow_clients_do_not_reach_the_service(front: Front, kind: str) -> None:
    """200 connections that began a request and never finish it: /healthz through the
    proxy still answers within 1 s, again and again, while they are open."""
    with SlowClients(front.port, 200, kind, every=1.0) as slow:
        answers = [healthz_status(front.port, seconds=1.0) for _ in range(8)]
        assert answers == [200] * 8
        assert slow.still_open() > 150  # the attack was still on while /healthz answered


def test_a_client_that_never_finishes_its_headers_is_dropped(front: Front) -> None:
    with SlowClients(front.port, 3, "headers", every=1.0) as slow:
        assert slow.still_open() == 3
        # client_header_timeout is 5 s for the whole header, however fast the trickle.
        wait_for(lambda: slow.still_open() == 0, 10, "nginx kept a trickling client past its header timeout")


def test_long_request_lines_headers_and_bodies_are_refused_by_the_proxy(front: Front) -> None:
    base = front.proxy.base
    before = front.service_requests("GET", COMMENTS)
    long_line = requests.get(f"{base}/api/v1/articles/{'a' * 9000}/comments", timeout=10)
    assert long_line.status_code == 414
    long_header = requests.get(f"{base}/api/v1/articles/a/comments", headers={"X-Big": "b" * 9000}, timeout=10)
    assert long_header.status_code == 400
    assert front.service_requests("GET", COMMENTS) == before  # none of them reached a replica
    big = requests.post(
        f"{base}/api/v1/articles/a/comments",
        data=b"{" + b" " * 200_000 + b"}",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "payload_too_large"
    assert front.service_requests("POST", COMMENTS) == 0


@pytest.mark.parametrize("path", ["/metrics", "/%6Detrics", "//metrics", "/metrics/", "/metrics?format=x"])
def test_metrics_are_not_served_through_the_proxy(front: Front, path: str) -> None:
    answer = requests.get(f"{front.proxy.base}{path}", timeout=10)
    assert answer.status_code == 404
    assert "comments_http_requests_total" not in answer.text
    assert answer.json()["error"]["code"] == "not_found"


def test_answers_are_gzipped(front: Front) -> None:
    for i in range(12):
        publish(front.proxy.base, "gzip-1", f"Comment number {i} with enough words to be worth compressing.")
    raw = requests.get(
        f"{front.proxy.base}/api/v1/articles/gzip-1/comments",
        headers={"Accept-Encoding": "gzip"},
        timeout=10,
        stream=True,
    )
    assert raw.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in raw.headers["Vary"]
    body = json.loads(gzip.decompress(raw.raw.read()))
    assert len(body["items"]) == 12


def test_a_burst_on_one_article_reaches_the_service_about_once_per_second(front: Front) -> None:
    base = front.proxy.base
    publish(base, "burst-1")
    before = front.service_requests("GET", COMMENTS)
    url = f"{base}/api/v1/articles/burst-1/comments"

    def read(_: int) -> int:
        return requests.get(url, timeout=10).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(read, range(400)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 400
    reached = front.service_requests("GET", COMMENTS) - before
    # One request per second of burst (plus the first): not one per reader.
    assert 1 <= reached <= int(elapsed) + 2, (reached, elapsed)


def test_the_cache_keeps_answers_apart_by_origin_and_never_stores_credentials(front: Front) -> None:
    base = front.proxy.base
    publish(base, "vary-1")
    url = f"{base}/api/v1/articles/vary-1/comments"
    allowed = requests.get(url, headers={"Origin": "http://news.example"}, timeout=10)
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://news.example"
    other = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
    again = requests.get(url, headers={"Origin": "http://news.example"}, timeout=10)
    assert again.headers["Access-Control-Allow-Origin"] == "http://news.example"

    queue = f"{base}/api/v1/admin/queue"
    for _ in range(3):
        answer = requests.get(queue, headers=ALICE, timeout=10)
        assert answer.status_code == 200 and answer.headers.get("X-Cache-Status") != "HIT"
    assert requests.get(queue, timeout=10).status_code == 401  # never a moderator's cached answer


def test_a_dead_replica_costs_no_request(front: Front) -> None:
    base = front.proxy.base
    publish(base, "dead-1")
    front.replicas[0].process.kill()
    front.replicas[0].process.wait(timeout=10)
    statuses = [requests.get(f"{base}/api/v1/articles/dead-{i}/comments", timeout=10).status_code for i in range(20)]
    assert statuses == [200] * 20
    submitted = [
        requests.post(
            f"{base}/api/v1/articles/dead-1/comments", json={"author": "Ann", "body": f"Still here {i}."}, timeout=10
        )
        for i in range(6)
    ]
    assert [s.status_code for s in submitted] == [202] * 6
