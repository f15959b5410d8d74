"""gunicorn as configured (gunicorn.conf.py) bounds the request line: a 4 MB line is
refused after its first 8 KiB, costing the worker next to no CPU, where without a bound
it cost 4.6 s (issue 12, item 2)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .support import Server
from .support import free_port
from .support import gunicorn_cmd
from .support import migrate
from .support import serve
from .support import service_env

# One worker runs the module (xdist_group): its server starts once, not once per worker.
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("request-limits")]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(master: int) -> float:
    """CPU time of the master and its workers so far, from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master in (pid, ppid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("limits")
    env = service_env(f"sqlite:///{tmp / 'comments.db'}")
    migrate(env)
    port = free_port()
    with serve(gunicorn_cmd(port), env, tmp / "logs", port) as running:
        yield running


def send_and_read(port: int, payload: bytes) -> bytes:
    """Sends ``payload`` (from another thread, ignoring a connection the server closes
    early) and returns what the server answered, b"" if it only closed the connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)

    def send() -> None:
        try:
            sock.sendall(payload)
        except OSError:
            pass  # closed by the server before it read everything: the point

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except OSError:
        pass
    sender.join(timeout=30)
    sock.close()
    return answer


def test_a_4_mb_request_line_is_refused_cheaply(server: Server) -> None:
    port = int(server.base.rsplit(":", 1)[1])
    before = cpu_seconds(server.process.pid)
    line = b"GET /api/v1/counts?ids=" + b"a" * (4 * 1024 * 1024) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answers = [send_and_read(port, line) for _ in range(4)]
    spent = cpu_seconds(server.process.pid) - before
    for answer in answers:  # a 414, or (when the reset outran it) no answer at all; never served
        assert answer == b"" or answer.startswith(b"HTTP/1.1 414 "), answer[:200]
    assert any(answer.startswith(b"HTTP/1.1 414 ") for answer in answers)
    # Four 4 MB lines: unbounded, that was about 18 s of a worker's CPU; bounded, they are
    # refused after 8 KiB each (a generous bound: the cost is a few milliseconds).
    assert spent < 1.0, spent
    assert requests.get(f"{server.base}/healthz", timeout=5).status_code == 200


def test_a_request_line_within_the_bound_reaches_the_service(server: Server) -> None:
    ids = [("article_id", f"article-{i:04d}") for i in range(100)]  # a batch of 100: about 2.4 KiB
    answer = requests.get(f"{server.base}/api/v1/counts", params=ids, timeout=10)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["counts"]) == 100
    too_long = requests.get(f"{server.base}/api/v1/counts", params={"article_id": "x" * 9000}, timeout=10)
    assert too_long.status_code == 414
    # gunicorn's own refusal speaks the service's JSON envelope, not an HTML page
    assert too_long.headers["Content-Type"] == "application/json"
    assert too_long.json()["error"]["code"] == "uri_too_long"
