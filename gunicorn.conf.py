"""gunicorn settings: the container's entrypoint, `make run` and the server tests use them
(gunicorn reads ./gunicorn.conf.py by default). Command-line flags and GUNICORN_CMD_ARGS
override any of them, e.g. GUNICORN_CMD_ARGS="--threads 8 --timeout 60"."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# Prometheus multiprocess mode: workers write their samples under this directory and a
# scrape adds them up. It must be set before anything imports prometheus_client.
_metrics_dir_is_ours = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_dir_is_ours:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="comments-metrics-")
_metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

from service import config as _config  # noqa: E402  (after the variable above)
from service.observability.logs import GunicornLogger  # noqa: E402

# A configuration mistake stops the master here, before any worker starts, with one line.
try:
    _config.from_environ(os.environ)
except _config.ConfigError as _error:
    sys.exit(f"configuration error: {_error}")
_workers = os.environ.get("WEB_CONCURRENCY", "").strip() or "2"
if not _workers.isdigit() or int(_workers) < 1:
    sys.exit("configuration error: WEB_CONCURRENCY must be a number of worker processes (1 or more)")

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(_workers)
worker_class = "gthread"
threads = 4
timeout = 30  # a worker silent this long is killed and replaced
graceful_timeout = 20  # SIGTERM: in-flight requests get this long to finish
keepalive = 5
# A request line of up to 8 KiB (gunicorn's largest bound; 0 would mean none, and a 4 MB
# line then cost a worker seconds of CPU). Longer is a 400 before the app sees it; batch
# counts whose ids do not fit a GET belong in a POST body. The front proxy
# (deploy/nginx/) has the same 8 KiB bound.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True  # gunicorn >= 25: no socket under $HOME, which the container user lacks


def _json_error(sock, status_int, reason, mesg):
    """gunicorn's own refusals (a request line or header over the bounds above, a malformed
    request) in the service's JSON error envelope instead of gunicorn's HTML page, so every
    answer a client gets is documented JSON. Installed over ``gunicorn.util.write_error``,
    which the workers call by attribute."""
    import json

    from gunicorn import util

    code = {400: "bad_request", 414: "uri_too_long", 431: "header_too_large"}.get(status_int, "bad_request")
    body = json.dumps({"error": {"code": code, "message": f"{reason}."}}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def _install_json_errors():
    from gunicorn import util

    util.write_error = _json_error


_install_json_errors()

# One JSON line per request on stdout (route, status, duration, request id; no client
# address), gunicorn's own messages as JSON on stderr.
logger_class = GunicornLogger
accesslog = "-"
errorlog = "-"


def on_starting(server):
    """Samples of a previous run would be added to this one's: start empty. The toxicity
    model is exported once here, before any worker forks, so that no worker pays the export
    (a child process with scikit-learn, seconds) or races another to write it."""
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()
    from service.domain import toxicity

    toxicity.load(_toxicity_cache())


def post_worker_init(worker):
    """Each worker reads the export before its first request, not during it."""
    from service.domain import toxicity

    toxicity.shared(_toxicity_cache())


def _toxicity_cache():
    from flask import Flask

    # The app's instance folder, as create_app finds it, unless COMMENTS_TOXICITY_CACHE names one.
    return _config.toxicity_cache(_config.from_environ(os.environ), Flask("service").instance_path)


def child_exit(server, worker):
    """A dead worker's gauges leave the sums; its counters stay (they only go up)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(_metrics_dir))


def on_exit(server):
    if _metrics_dir_is_ours:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
