"""The container's server: nginx on $HOST:$PORT (all interfaces, port 8000 by default) in
front of gunicorn, which listens only on a unix socket inside the container. nginx reads
whole requests before gunicorn sees them, so a slow client (a request line and then
nothing, or one header line every few seconds) costs nginx a few KiB and never holds one
of gunicorn's threads; see deploy/nginx/comments.conf.template.

Both run as this process's children; SIGTERM or SIGINT stops both gracefully (nginx stops
accepting, gunicorn finishes what is in flight), and if either dies the other is stopped
and this exits non-zero, so the container's restart policy starts a fresh pair.
Standard library only."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

NGINX_DIR = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
_PLACEHOLDER = re.compile(r"\$\{(PROXY_[A-Z0-9_]+)\}")


def render_nginx(prefix: Path, values: Mapping[str, str]) -> Path:
    """nginx's files under ``prefix``: the main file (deploy/nginx/standalone.conf) and
    the service's template with every ${PROXY_...} filled in from ``values``.
    Returns the main file, for ``nginx -p PREFIX/ -c FILE``."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise KeyError(f"nginx template: no value for ${{{match.group(1)}}}")
        return values[match.group(1)]

    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    template = (NGINX_DIR / "comments.conf.template").read_text()
    (prefix / "comments.conf").write_text(_PLACEHOLDER.sub(fill, template))
    main = prefix / "nginx.conf"
    shutil.copyfile(NGINX_DIR / "standalone.conf", main)
    return main


def nginx_cmd(prefix: Path, *extra: str) -> list[str]:
    cmd = ["nginx", "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "stderr", *extra]
    if os.geteuid() == 0:
        # The image runs as uid 10001 and nginx's workers stay that user. Started as root,
        # they would become nobody, who cannot reach the private directory of the socket.
        cmd += ["-g", "user root;"]
    return cmd


def listening(path: Path, server: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(path))
                return True
            except OSError:
                time.sleep(0.1)
    return False


def run_dir() -> Path:
    """Where the socket and nginx's files live: $TMPDIR/comments (/tmp/comments)."""
    return Path(tempfile.gettempdir()) / "comments"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "0.0.0.0")
    run = run_dir()
    shutil.rmtree(run, ignore_errors=True)  # a previous start's socket and cache
    run.mkdir(mode=0o700, parents=True)
    socket_path = run / "gunicorn.sock"
    upstream = f"unix:{socket_path}"
    render_nginx(
        run / "nginx",
        {
            "PROXY_LISTEN": f"{host}:{port}",
            "PROXY_UPSTREAM_1": upstream,
            "PROXY_UPSTREAM_2": upstream,
            "PROXY_CACHE_DIR": str(run / "nginx" / "cache"),
        },
    )
    test = subprocess.run([*nginx_cmd(run / "nginx", "-t", "-q")], check=False)
    if test.returncode != 0:
        return 1
    gunicorn = subprocess.Popen(["gunicorn", "--config", "gunicorn.conf.py", "--bind", upstream, "wsgi:app"])
    # nginx only once gunicorn listens: a refused connection would mark it down for 5 s.
    if not listening(socket_path, gunicorn, seconds=120):
        gunicorn.terminate()
        gunicorn.wait()
        return 1
    nginx = subprocess.Popen(nginx_cmd(run / "nginx"))
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        nginx.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight, accept nothing new
        gunicorn.send_signal(signal.SIGTERM)  # graceful: graceful_timeout (20 s) to finish

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while gunicorn.poll() is None and nginx.poll() is None:
        time.sleep(0.2)
    if not stopping:
        survivor = nginx if gunicorn.returncode is not None else gunicorn
        name = "gunicorn" if survivor is nginx else "nginx"
        print(f"serve: {name} exited unexpectedly; stopping the container", file=sys.stderr, flush=True)
        stop(signal.SIGTERM, None)
        stopping = False
    codes = [gunicorn.wait(), nginx.wait()]
    shutil.rmtree(run, ignore_errors=True)
    return 0 if stopping and codes == [0, 0] else 1


if __name__ == "__main__":
    sys.exit(main())
