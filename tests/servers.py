"""Real servers for tests that need them: gunicorn on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# One log per pytest-xdist worker (gw0, gw1, ...): workers never interleave their lines.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
GUNICORN_LOG = ROOT / (f".gunicorn-test-{_WORKER}.log" if _WORKER else ".gunicorn-test.log")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, seconds: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@contextmanager
def gunicorn(env: Mapping[str, str], workers: int = 2, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """``gunicorn wsgi:app`` with ``env`` added to this process's environment; yields the
    base URL (http://127.0.0.1:PORT) and stops the server afterwards."""
    port = free_port()
    full_env = {**os.environ, **env}
    cmd = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *extra_args, "wsgi:app"]
    log = open(GUNICORN_LOG, "ab")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process=process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def server_env(database_url: str) -> dict[str, str]:
    """The environment of the test apps (see conftest.base_config), as variables."""
    from .helpers import ADMIN_TOKENS

    return {
        "COMMENTS_DATABASE_URL": database_url,
        "COMMENTS_ADMIN_TOKENS": ",".join(f"{name}:{token}" for name, token in ADMIN_TOKENS.items()),
        "COMMENTS_RATE_LIMIT": "off",
        "COMMENTS_SECRET_KEY": "test-secret",
        "COMMENTS_ALLOWED_ORIGINS": "http://news.example",
    }
