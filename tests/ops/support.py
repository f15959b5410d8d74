"""Helpers of the operations tests: fresh PostgreSQL databases, and real servers whose
output, exit code and signals the tests look at."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

from tests.databases import POSTGRES
from tests.databases import throwaway_postgres
from tests.servers import ROOT
from tests.servers import free_port as free_port
from tests.servers import server_env
from tests.servers import wait_until_up

BIN = Path(sys.executable).parent
# Variables of the developer's shell that would change what a server does.
_SERVER_VARIABLES = ("PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "PORT", "GUNICORN_CMD_ARGS")


@dataclass(frozen=True)
class Database:
    name: str
    url: str  # what the service is given

    def via(self, port: int) -> str:
        """The same database through another port on 127.0.0.1 (a proxy)."""
        return f"postgresql://postgres@127.0.0.1:{port}/{self.name}?connect_timeout=3"

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(f"{POSTGRES}/{self.name}", connect_timeout=5) as conn:
            return list(conn.execute(sql).fetchall())


@contextmanager
def pg_database() -> Iterator[Database]:
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    with throwaway_postgres("ops") as name:
        yield Database(name, f"{POSTGRES}/{name}")


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without any COMMENTS_* or server variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_") and k not in _SERVER_VARIABLES}
    return {**env, **extra}


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    return clean_environ(**{**server_env(database_url), **extra})


def migrate(env: Mapping[str, str]) -> None:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=dict(env), capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    stdout: Path
    stderr: Path

    def stop(self, sig: int = signal.SIGTERM, seconds: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise

    def out_lines(self) -> list[str]:
        return self.stdout.read_text().splitlines()

    def err_lines(self) -> list[str]:
        return self.stderr.read_text().splitlines()


@contextmanager
def serve(cmd: Sequence[str], env: Mapping[str, str], logs: Path, port: int, cwd: Path = ROOT) -> Iterator[Server]:
    """Start ``cmd`` (a server on ``port``), wait for /healthz, and stop it afterwards."""
    logs.mkdir(parents=True, exist_ok=True)
    stdout, stderr = logs / "stdout.log", logs / "stderr.log"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=out, stderr=err)
    server = Server(process, f"http://127.0.0.1:{port}", stdout, stderr)
    try:
        try:
            wait_until_up(f"{server.base}/healthz", seconds=60, process=process)
        except (RuntimeError, TimeoutError):
            raise AssertionError(f"server did not start: {stderr.read_text()[-3000:]}") from None
        yield server
    finally:
        if process.poll() is None:
            server.stop(seconds=40)


def gunicorn_cmd(port: int) -> list[str]:
    """gunicorn as an operator runs it from the project: settings from ./gunicorn.conf.py."""
    return [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "wsgi:app"]


def wait_for(predicate: Callable[[], bool], seconds: float, message: str) -> None:
    """Poll ``predicate`` every 50 ms for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(message)


def submit(base: str, article: str = "a1", **fields: object) -> requests.Response:
    body = {"author": "Ann", "body": "A thoughtful comment.", **fields}
    return requests.post(f"{base}/api/v1/articles/{article}/comments", json=body, timeout=15)


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse_metrics(text: str) -> Samples:
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)
