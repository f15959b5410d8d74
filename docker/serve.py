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
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

NGINX_DIR = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
_PLACEHOLDER = re.compile(r"\$\{(COMMENTS_[A-Z0-9_]+)\}")


def render_nginx(prefix: Path, values: Mapping[str, str]) -> Path:
    """nginx's files under ``prefix``: the main file (deploy/nginx/standalone.conf) and
    the service's template with every ${COMMENTS_...} filled in from ``values``.
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
    return ["nginx", "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "stderr", *extra]


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "0.0.0.0")
    run_dir = Path(tempfile.mkdtemp(prefix="comments-"))
    socket_path = run_dir / "gunicorn.sock"
    upstream = f"unix:{socket_path}"
    render_nginx(
        run_dir / "nginx",
        {
            "COMMENTS_LISTEN": f"{host}:{port}",
            "COMMENTS_UPSTREAM_1": upstream,
            "COMMENTS_UPSTREAM_2": upstream,
            "COMMENTS_CACHE_DIR": str(run_dir / "nginx" / "cache"),
        },
    )
    test = subprocess.run([*nginx_cmd(run_dir / "nginx", "-t", "-q")], check=False)
    if test.returncode != 0:
        return 1
    gunicorn = subprocess.Popen(["gunicorn", "--config", "gunicorn.conf.py", "--bind", upstream, "wsgi:app"])
    nginx = subprocess.Popen(nginx_cmd(run_dir / "nginx"))
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
    shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if stopping and codes == [0, 0] else 1


if __name__ == "__main__":
    sys.exit(main())
