"""Two gunicorn workers as the container runs them (settings from gunicorn.conf.py) on
PostgreSQL: /metrics adds up both workers whichever answers, every request is one JSON
log line that gives nothing personal away, and SIGTERM lets in-flight requests finish."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.helpers import ADMIN_TOKENS
from tests.helpers import ALICE

from .support import Database
from .support import free_port
from .support import gunicorn_cmd
from .support import migrate
from .support import parse_metrics
from .support import sample
from .support import serve
from .support import service_env

COMMENTS = "/api/v1/articles/<path:article_id>/comments"
REVIEWS = "/api/v1/articles/<path:article_id>/reviews"
SECRET_BODY = "Only-in-the-body-7f3a"


def one_request(base: str, job: tuple[str, int]) -> tuple[str, int]:
    """One request on a connection of its own, so both workers get some."""
    kind, i = job
    v1 = f"{base}/api/v1"
    if kind == "comment":
        r = requests.post(
            f"{v1}/articles/a{i % 3}/comments", json={"author": "Ann", "body": f"{SECRET_BODY} {i}"}, timeout=15
        )
    elif kind == "invalid":
        r = requests.post(f"{v1}/articles/a1/comments", json={"author": "Ann", "body": ""}, timeout=15)
    elif kind == "review":
        body = {
            "author": "Rae",
            "body": f"{SECRET_BODY} review {i}",
            "rating": 1 + i % 5,
            "email": f"reader{i % 8}@example.org",
        }
        r = requests.post(f"{v1}/articles/a1/reviews", json=body, timeout=15)
    else:
        r = requests.get(f"{v1}/articles/a{i % 3}/comments", timeout=15)
    return kind, r.status_code


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length, read within 30 s."""
    data = b""
    deadline = time.monotonic() + 30
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        assert chunk, f"the connection was closed before a complete answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        assert chunk, f"the connection was closed before a complete answer: {data!r}"
        body += chunk
    return int(head.split()[1]), body


def in_flight_submission(port: int, i: int) -> tuple[socket.socket, bytes]:
    """A connection a worker has accepted and answered once (so it is no longer in the
    listen queue), then a submission on it whose body is only half sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert read_response(sock)[0] == 200
    body = json.dumps({"author": "Drain", "body": f"Sent while the server stops, {i}."}).encode()
    head = (
        f"POST /api/v1/articles/drain/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body[:10])
    return sock, body[10:]


def finish(sock: socket.socket, rest: bytes) -> tuple[int, dict[str, object]]:
    with sock:
        sock.sendall(rest)
        status, body = read_response(sock)
    return status, json.loads(body)


@pytest.mark.server
def test_two_workers_count_together_log_json_and_drain_on_sigterm(pg_database: Database, tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"left over from an earlier run")
    env = service_env(pg_database.url, WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    migrate(env)
    port = free_port()
    with serve(gunicorn_cmd(port), env, tmp_path / "logs", port) as server:
        base = server.base
        jobs = [("comment", i) for i in range(40)] + [("invalid", i) for i in range(6)]
        jobs += [("review", i) for i in range(10)] + [("read", i) for i in range(24)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answered = Counter(pool.map(lambda job: one_request(base, job), jobs))
        assert answered == Counter(
            {("comment", 202): 40, ("invalid", 422): 6, ("review", 202): 8, ("review", 409): 2, ("read", 200): 24}
        )
        pending = [
            e["id"]
            for e in requests.get(f"{base}/api/v1/admin/queue?limit=200", headers=ALICE, timeout=10).json()["items"]
        ]
        comments = [i for i in pending if i <= 48][:15]  # ids of comments come first? check by kind instead
        queue = requests.get(f"{base}/api/v1/admin/queue?kind=comment&limit=200", headers=ALICE, timeout=10).json()
        comments = [e["id"] for e in queue["items"]]
        assert len(comments) == 40 and len(pending) == 48
        for entry_id in comments[:10]:
            assert requests.post(f"{base}/api/v1/admin/entries/{entry_id}/approve", headers=ALICE, timeout=10).ok
        bulk = {"action": "reject", "ids": [*comments[10:15], 10**6]}
        assert requests.post(f"{base}/api/v1/admin/entries/bulk", json=bulk, headers=ALICE, timeout=10).ok
        traced = requests.get(f"{base}/api/v1/articles/a1/counts", headers={"X-Request-ID": "trace-4711"}, timeout=10)
        assert traced.headers["X-Request-ID"] == "trace-4711"

        # Whichever worker answers the scrape, it reports the traffic of both.
        for _ in range(12):
            samples = parse_metrics(requests.get(f"{base}/metrics", timeout=10).text)
            requests_total = "comments_http_requests_total"
            assert sample(samples, requests_total, method="POST", route=COMMENTS, status="202") == 40
            assert sample(samples, requests_total, method="POST", route=COMMENTS, status="422") == 6
            assert sample(samples, requests_total, method="GET", route=COMMENTS, status="200") == 24
            assert sample(samples, "comments_http_request_duration_seconds_count", method="POST", route=REVIEWS) == 10
            assert sample(samples, "comments_submissions_total", kind="comment", outcome="accepted") == 40
            assert sample(samples, "comments_submissions_total", kind="comment", outcome="invalid") == 6
            assert sample(samples, "comments_submissions_total", kind="review", outcome="accepted") == 8
            assert sample(samples, "comments_submissions_total", kind="review", outcome="conflict") == 2
            assert sample(samples, "comments_moderation_actions_total", action="approve") == 10
            assert sample(samples, "comments_moderation_actions_total", action="reject") == 5
            assert sample(samples, "comments_queue_depth", status="pending", kind="comment") == 25
            assert sample(samples, "comments_queue_depth", status="pending", kind="review") == 8
        workers_that_counted = {p.stem.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}
        assert len(workers_that_counted) == 2 and "99999" not in workers_that_counted

        # SIGTERM with four submissions half-received: they are answered and stored.
        in_flight = [in_flight_submission(port, i) for i in range(4)]
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        finished = [finish(sock, rest) for sock, rest in in_flight]
        assert [status for status, _ in finished] == [202] * 4
        assert server.process.wait(timeout=30) == 0
    drained = {row[0] for row in pg_database.query("SELECT id FROM entry WHERE article_id = 'drain'")}
    assert drained == {body["id"] for _, body in finished}

    # One JSON line per request on stdout, and nothing personal in any line.
    access = [json.loads(line) for line in server.out_lines()]
    assert all({"time", "method", "route", "status", "duration_ms", "request_id"} <= set(line) for line in access)
    routes = Counter((line["method"], line["route"], line["status"]) for line in access)
    assert routes[("POST", COMMENTS, 202)] == 44 and routes[("POST", COMMENTS, 422)] == 6
    assert routes[("GET", COMMENTS, 200)] == 24 and routes[("GET", "/metrics", 200)] == 12
    [traced_line] = [line for line in access if line["request_id"] == "trace-4711"]
    assert traced_line["route"] == "/api/v1/articles/<path:article_id>/counts" and traced_line["status"] == 200
    errors = [json.loads(line) for line in server.err_lines()]  # gunicorn's own lines are JSON too
    assert any("Booting worker" in line["message"] for line in errors)
    everything = server.stdout.read_text() + server.stderr.read_text()
    for secret in (SECRET_BODY, "@example.org", *ADMIN_TOKENS.values()):
        assert secret not in everything
    client_address_seen = [line for line in errors if "127.0.0.1" in json.dumps(line)]
    assert "127.0.0.1" not in server.stdout.read_text()
    assert [line["message"] for line in client_address_seen] == [f"Listening at: {base} ({server.process.pid})"]
