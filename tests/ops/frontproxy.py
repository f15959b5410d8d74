"""The shipped front proxy (deploy/nginx/) run by Debian's nginx on 127.0.0.1 without
Docker, rendered by the same code as the image's (docker/serve.py), and the slow-client
attacks of issue 12 that it has to withstand."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from types import ModuleType

import pytest

from tests.servers import ROOT
from tests.servers import wait_until_up

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed (.ci/run installs it)")


def _serve_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docker_serve", ROOT / "docker" / "serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve_module = _serve_module()


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    base: str
    stdout: Path
    stderr: Path


@contextmanager
def nginx(prefix: Path, port: int, upstreams: Sequence[str]) -> Iterator[Nginx]:
    """The shipped config on 127.0.0.1:``port`` in front of two ``upstreams`` (host:port)."""
    serve_module.render_nginx(
        prefix,
        {
            "PROXY_LISTEN": f"127.0.0.1:{port}",
            "PROXY_UPSTREAM_1": upstreams[0],
            "PROXY_UPSTREAM_2": upstreams[1],
            "PROXY_CACHE_DIR": str(prefix / "cache"),
        },
    )
    cmd = serve_module.nginx_cmd(prefix)
    cmd[0] = str(NGINX)
    stdout, stderr = prefix / "stdout.log", prefix / "stderr.log"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(cmd, stdout=out, stderr=err)
    proxy = Nginx(process, f"http://127.0.0.1:{port}", stdout, stderr)
    try:
        try:
            wait_until_up(f"{proxy.base}/healthz", seconds=30, process=process)
        except (RuntimeError, TimeoutError):
            raise AssertionError(f"nginx did not start: {stderr.read_text()[-3000:]}") from None
        yield proxy
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@dataclass
class SlowClients:
    """Connections that have begun a request and never finish it: ``"line"`` sends
    ``GET /heal`` and then nothing; ``"headers"`` sends a request line and then one header
    line every ``every`` seconds (a background thread keeps them trickling)."""

    port: int
    count: int
    kind: str
    every: float = 2.5
    socks: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> SlowClients:
        first = b"GET /heal" if self.kind == "line" else b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for _ in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(first)
            self.socks.append(sock)
        if self.kind == "headers":
            threading.Thread(target=self._trickle, daemon=True).start()
        time.sleep(0.5)  # the server has read what was sent and is waiting for more
        return self

    def _trickle(self) -> None:
        for n in range(200):  # at most 200 lines per connection, then the test is long over
            if self._stop.wait(self.every):
                return
            for sock in self.socks:
                try:
                    sock.sendall(f"X-Slow-{n}: {'a' * 20}\r\n".encode())
                except OSError:
                    pass  # dropped by the server: that is the defence

    def still_open(self) -> int:
        """How many connections the server has not closed yet."""
        open_ = 0
        for sock in self.socks:
            sock.setblocking(False)
            try:
                open_ += sock.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                open_ += 1
            except OSError:
                pass
            finally:
                sock.setblocking(True)
        return open_

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for sock in self.socks:
            sock.close()


def healthz_status(port: int, seconds: float) -> int | None:
    """GET /healthz on a fresh connection: its status, or None without an answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            sock.settimeout(max(deadline - time.monotonic(), 0.001))  # the whole exchange within ``seconds``
            head = sock.recv(64)
    except OSError:
        return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.") else None
