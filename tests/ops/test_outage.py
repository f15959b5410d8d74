"""PostgreSQL goes away in the middle of traffic (a TCP proxy between the service and the
database is cut) and comes back: the service says 503 meanwhile, stays alive, recovers by
itself, and every submission it accepted is stored."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from .proxy import TcpProxy
from .support import Database
from .support import free_port
from .support import gunicorn_cmd
from .support import migrate
from .support import parse_metrics
from .support import sample
from .support import serve
from .support import service_env
from .support import submit
from .support import wait_for


class Traffic:
    """Four clients submitting comments until stopped (at most 2,000 requests, 90 s)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.lock = threading.Lock()
        self.statuses: list[int] = []
        self.accepted: list[int] = []
        self.unavailable_bodies: list[object] = []
        self.stopped = threading.Event()
        self.deadline = time.monotonic() + 90
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(4)]

    def _run(self, n: int) -> None:
        i = 0
        while not self.stopped.is_set() and time.monotonic() < self.deadline and len(self.statuses) < 2000:
            i += 1
            try:
                response = submit(self.base, article=f"outage-{n}", body=f"Comment {i} of client {n}.")
            except requests.RequestException:
                continue  # no answer is no promise; the test counts only answers
            with self.lock:
                self.statuses.append(response.status_code)
                if response.status_code == 202:
                    self.accepted.append(response.json()["id"])
                elif response.status_code == 503:
                    self.unavailable_bodies.append(response.json())

    def count(self, status: int) -> int:
        with self.lock:
            return self.statuses.count(status)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.mark.server
def test_a_database_outage_is_503_then_recovers_without_losing_accepted_entries(
    pg_database: Database, tmp_path: Path
) -> None:
    migrate(service_env(pg_database.url))
    with TcpProxy(("127.0.0.1", 5432)) as proxy:
        env = service_env(pg_database.via(proxy.port), WEB_CONCURRENCY="2")
        port = free_port()
        with serve(gunicorn_cmd(port), env, tmp_path / "logs", port) as server:
            base = server.base
            with Traffic(base) as traffic:
                during(base, proxy, traffic)
            # The server counted what the clients saw.
            final = parse_metrics(requests.get(f"{base}/metrics", timeout=10).text)
            answered = Counter(traffic.statuses)
            assert sample(final, "comments_submissions_total", kind="comment", outcome="accepted") == answered[202]
            assert sample(final, "comments_submissions_total", kind="comment", outcome="unavailable") == answered[503]
        assert server.process.returncode == 0  # stopped by the test, never crashed

    assert set(answered) <= {202, 503}, answered
    assert all(
        body == {"error": {"code": "unavailable", "message": body["error"]["message"]}}  # type: ignore[index]
        for body in traffic.unavailable_bodies
    )
    stored = {row[0] for row in pg_database.query("SELECT id FROM entry")}
    assert set(traffic.accepted) <= stored
    assert len(stored) >= len(traffic.accepted) > 60
    errors = [json.loads(line) for line in server.err_lines()]
    assert sum("Booting worker" in line["message"] for line in errors) == 2  # no worker died on the way
    warnings = [line for line in errors if line["message"].startswith("database unavailable")]
    assert warnings and all(line["level"] == "warning" and line["request_id"] for line in warnings)


def during(base: str, proxy: TcpProxy, traffic: Traffic) -> None:
    wait_for(lambda: traffic.count(202) >= 30, 30, "no traffic got through before the outage")

    proxy.cut()
    wait_for(lambda: traffic.count(503) >= 10, 30, "the service did not answer 503 while the database was away")
    assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["error"]["code"] == "unavailable"
    counts = requests.get(f"{base}/api/v1/articles/outage-0/counts", timeout=10)
    assert counts.status_code == 503 and counts.headers["Retry-After"]
    metrics = requests.get(f"{base}/metrics", timeout=10)  # still served, without the queue depth
    assert metrics.status_code == 200 and "comments_queue_depth{" not in metrics.text
    accepted_before = traffic.count(202)

    proxy.restore()
    wait_for(lambda: traffic.count(202) >= accepted_before + 30, 30, "the service did not recover by itself")
    assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
