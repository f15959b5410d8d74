"""Fixtures of the import, export, webhook and mail tests: this feature's tables emptied
around each test, a local webhook receiver, apps that send mail to the test SMTP server,
and Python with the ``isso`` package from PyPI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete

from service.extensions import db
from service.persistence.models import ImportedOrigin
from service.persistence.models import WebhookEvent
from tests.integrations.mail_helpers import PUBLIC
from tests.mailserver import MailServer

ISSO_INSTALL_SECONDS = 300
SECRET = "test-webhook-secret-0123456789"


def empty_own_tables(app: Flask) -> None:
    with app.app_context():
        db.session.execute(delete(WebhookEvent))
        db.session.execute(delete(ImportedOrigin))
        db.session.commit()


@pytest.fixture
def own_tables(app: Flask) -> Iterator[None]:
    """The shared fixtures empty the tables they know; these are this feature's (use with
    ``pytestmark = pytest.mark.usefixtures("own_tables")``)."""
    empty_own_tables(app)
    yield
    empty_own_tables(app)


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that records what it gets; ``status`` and ``delay``
    say how it answers."""

    url: str = ""
    status: int = 200
    delay: float = 0.0
    received: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [d.json for d in self.received]

    def wait_for(self, n: int, seconds: float = 10.0) -> list[Delivery]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= n:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {n} deliveries within {seconds} s, got {len(self.received)}")


def _serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if receiver.delay:
                time.sleep(receiver.delay)
            with receiver.lock:
                receiver.received.append(Delivery(dict(self.headers.items()), body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a delivery that timed out closed its connection before the slow answer

    server = Server(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/secret-path"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp_server: MailServer) -> Callable[..., Flask]:
    def make(config: dict[str, Any] | None = None, **settings: Any) -> Flask:
        email = smtp_server.settings(
            from_address="comments@news.example",
            from_name="News comments",
            public_url=PUBLIC,
            timeout=5.0,
            **settings,
        )
        return make_app(EMAIL=email, **(config or {}))

    return make


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = _serve(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def isso_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with ``isso`` from PyPI, made once per run: pytest-xdist's workers share
    one, the first to arrive installs it under a file lock, the others wait and reuse it.
    Isso pins its own Werkzeug and Jinja, so it never goes into the service's environment.
    A failed install fails the tests that need it."""
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent  # the run's folder, above every worker's own
    venv = shared / "isso-venv"
    python = venv / "bin" / "python"
    done = venv / ".installed"
    with FileLock(str(shared / "isso-venv.lock"), timeout=ISSO_INSTALL_SECONDS + 150):
        if done.exists():
            return python
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=120)
        remaining = ISSO_INSTALL_SECONDS - (time.monotonic() - started)
        result = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "isso"],
            capture_output=True,
            text=True,
            timeout=remaining,
        )
        assert result.returncode == 0, f"pip install isso failed:\n{result.stderr[-2000:]}"
        done.touch()
    return python
