"""Instructions per request, counted by valgrind's callgrind: a measure a busy machine does
not move, for comparing two versions of the service (or a switch such as
COMMENTS_TOXICITY) where requests/s swing with the load.

    .venv/bin/python bench/instructions.py                      # every path, SQLite
    .venv/bin/python bench/instructions.py --only thread,submit --db postgresql
    COMMENTS_TOXICITY=off .venv/bin/python bench/instructions.py --only submit

Each path runs in-process as in ``cpu_profile.py`` (a database filled with its ``SIZE``,
``create_app`` with the bench's environment, calls straight into ``app.wsgi_app``): first
``--warm`` requests, then ``-n`` requests with callgrind's instrumentation switched on for
those alone (``callgrind_control -i on/off``). The figure is the service's own process:
on PostgreSQL the server's work is not in it. Valgrind runs the interpreter some 50 times
slower; a path takes 20 to 60 s. Counts repeat within about 0.5 % between runs.

To compare with an earlier commit, run the same command in a clone of it (its own .venv).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402
from cpu_profile import SIZE  # noqa: E402
from cpu_profile import TEXT  # noqa: E402
from cpu_profile import Driver  # noqa: E402

PATHS = ("thread", "not_modified", "reviews", "counts", "batch_counts", "submit")


@contextmanager
def service(kind: str) -> Iterator[Any]:
    """The service in this process on a fresh database of ``kind`` filled with ``SIZE``."""
    with tempfile.TemporaryDirectory(prefix="bench-instr-") as tmp, run.database(kind, Path(tmp)) as url:
        env = run.service_env(url, {})
        env.pop("COMMENTS_RATE_LIMIT")  # the production default: submissions carry a limit
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(dir=tmp)
        run.fill(env, SIZE)
        os.environ.clear()
        os.environ.update(env)
        sys.path.insert(0, str(run.ROOT))
        from service import create_app

        yield create_app()


def requests(app: Any, driver: Driver) -> dict[str, Callable[[int], dict[str, Any]]]:
    from werkzeug.test import run_wsgi_app

    rnd = random.Random(7)
    articles = [f"demo-{i}" for i in range(1, SIZE.articles + 1)]
    thread = "/api/v1/articles/demo-1/comments"
    _, _, headers = run_wsgi_app(app.wsgi_app, driver.environ("GET", thread))

    def submit(i: int) -> dict[str, Any]:
        body = {"author": f"Reader {i}", "email": "reader@example.org", "body": f"{TEXT}{i}-{time.time_ns()}"}
        addr = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        return driver.environ("POST", f"/api/v1/articles/{rnd.choice(articles)}/comments", body, addr=addr)

    return {
        "thread": lambda i: driver.environ("GET", thread),
        "not_modified": lambda i: driver.environ("GET", thread, headers={"If-None-Match": headers["ETag"]}),
        "reviews": lambda i: driver.environ("GET", "/api/v1/articles/demo-1/reviews"),
        "counts": lambda i: driver.environ("GET", f"/api/v1/articles/{rnd.choice(articles)}/counts"),
        "batch_counts": lambda i: driver.environ(
            "GET", "/api/v1/counts?" + "&".join(f"article_id={a}" for a in rnd.sample(articles, 20))
        ),
        "submit": submit,
    }


def _instrument(on: bool) -> None:
    switch = ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())]
    subprocess.run(switch, capture_output=True, check=True)


def measure(kind: str, path: str, n: int, warm: int) -> None:
    """Under valgrind: warm up, then count ``n`` requests of ``path``."""
    with service(kind) as app:
        driver = Driver(app)
        make = requests(app, driver)[path]
        for i in range(warm):
            driver.call(make(i))
        environs = [make(warm + i) for i in range(n)]
        _instrument(True)
        statuses = {driver.call(environ) for environ in environs}
        _instrument(False)
        print(f"statuses {sorted(statuses)}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PATHS), help=f"comma-separated, of {', '.join(PATHS)}")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("-n", type=int, default=200, help="requests counted per path")
    parser.add_argument("--warm", type=int, default=200, help="requests before counting")
    parser.add_argument("--inner", default=None, help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    if args.inner:
        measure(args.db, args.inner, args.n, args.warm)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is missing (apt-get install valgrind)", file=sys.stderr)
        return 2
    toxicity = os.environ.get("COMMENTS_TOXICITY", "on")
    print(f"{run.machine()}; {args.db}; COMMENTS_TOXICITY={toxicity}; {args.n} requests after {args.warm}")
    for path in args.only.split(","):
        with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
            command = [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={tmp}/out",
                sys.executable,
                __file__,
                f"--inner={path}",
                f"--db={args.db}",
                f"-n={args.n}",
                f"--warm={args.warm}",
            ]
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
            found = re.search(r"Collected : (\d+)", done.stderr)
            if done.returncode or not found:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            total = int(found.group(1))
            print(f"{path:14} {total / args.n:>12,.0f} instructions per request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
