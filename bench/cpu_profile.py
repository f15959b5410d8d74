"""Where a request's CPU goes, in-process (issue 18, "profile before changing anything").

    .venv/bin/python bench/cpu_profile.py            # the cheap paths and the writes
    .venv/bin/python bench/cpu_profile.py --dup      # also: the duplicate check as one client's entries grow

One SQLite database filled by ``demo-data``, the service built by ``create_app`` with the
bench's environment (rate limits ON, as in production, each submission from its own
address; PROMETHEUS_MULTIPROC_DIR set), and loops over ``app.wsgi_app`` with prebuilt WSGI
environs: no HTTP, no gunicorn, no client. Per path:

- CPU µs per request (``time.process_time`` over the loop, best of 3 batches);
- under cProfile, the cumulative time of each ``before_request`` / ``after_request`` /
  ``teardown`` hook, of the view, and of the named steps inside it, as a share of the
  profiled request, then scaled to the unprofiled CPU time (cProfile inflates every call
  by about the same factor, so shares are roughly right and absolute µs only roughly).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
import io
import json
import os
import pstats
import random
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

SIZE = run.Size(articles=50, comments=5_000, reviews=500, pending=3_000)
TEXT = (
    "I read the council report myself and the <b>numbers</b> do not add up: the transport "
    "budget shrinks while the bridge repairs are pushed to next year again. See "
    "https://example.org/council/budget-2026 for the tables. <i>Who</i> decided this, and why "
    "was it not in the minutes? My street floods every winter and nobody answers our letters.\n\n"
    "Thanks for asking the questions the others did not ask. Reader no. "
)

Key = tuple[str, int, str]


def _plain(fn: Any) -> Any:
    fn = inspect.unwrap(fn)
    while isinstance(fn, functools.partial):
        fn = inspect.unwrap(fn.func)
    if not hasattr(fn, "__code__") and hasattr(fn, "__func__"):
        fn = fn.__func__
    return fn


def key_of(fn: Callable[..., Any]) -> Key:
    code = getattr(_plain(fn), "__code__", None)
    if code is None:
        return ("?", 0, "?")
    return (code.co_filename, code.co_firstlineno, code.co_name)


def label_of(fn: Callable[..., Any]) -> str:
    fn = _plain(fn)
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


class Driver:
    """WSGI calls straight into ``app.wsgi_app``."""

    def __init__(self, app: Any) -> None:
        from werkzeug.test import EnvironBuilder

        self.app = app
        self.builder = EnvironBuilder

    def environ(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, addr: str = "127.0.0.1"
    ) -> dict[str, Any]:
        data = json.dumps(body) if body is not None else None
        builder = self.builder(
            path=path,
            method=method,
            data=data,
            headers=list((headers or {}).items()),
            content_type="application/json" if data else None,
            environ_base={"REMOTE_ADDR": addr},
        )
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def call(self, environ: dict[str, Any]) -> str:
        status: list[str] = []

        def start_response(s: str, h: Any, e: Any = None) -> None:
            status.append(s)

        out = self.app.wsgi_app(environ, start_response)
        try:
            for _ in out:
                pass
        finally:
            if hasattr(out, "close"):
                out.close()
        return status[0]


def cpu_per_call(make: Callable[[int], dict[str, Any]], driver: Driver, n: int, start: int = 0) -> tuple[float, int]:
    """Best of 3 batches of ``n`` calls, CPU µs per call; and the next request number."""
    best = float("inf")
    i = start
    for _ in range(3):
        environs = [make(i + k) for k in range(n)]
        i += n
        began = time.process_time()
        for environ in environs:
            driver.call(environ)
        best = min(best, (time.process_time() - began) / n)
    return best * 1e6, i


def profiled(make: Callable[[int], dict[str, Any]], driver: Driver, n: int, start: int) -> tuple[pstats.Stats, int]:
    environs = [make(start + k) for k in range(n)]
    statuses: set[str] = set()
    profiler = cProfile.Profile()
    profiler.enable()
    for environ in environs:
        statuses.add(driver.call(environ))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    print(f"    statuses: {sorted(statuses)}", file=sys.stderr)
    return stats, start + n


def cum(stats: pstats.Stats, key: Key) -> tuple[float, int]:
    entry = stats.stats.get(key)  # type: ignore[attr-defined]
    if entry is None:
        return 0.0, 0
    _, calls, _, cumulative, _ = entry
    return cumulative, calls


def by_name(stats: pstats.Stats, file_part: str, name: str) -> tuple[float, int]:
    """The function called ``name`` in a file matching ``file_part`` with the largest
    cumulative time (``Session.commit`` rather than the ``SessionTransaction.commit`` it
    calls: summing both would count the inner one twice)."""
    best = (0.0, 0)
    for (filename, _, fname), (_, nc, _, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        if file_part in filename and fname == name and ct > best[0]:
            best = (ct, nc)
    return best


def hooks(app: Any) -> Iterator[tuple[str, Callable[..., Any]]]:
    for scope, funcs in app.before_request_funcs.items():
        for f in funcs:
            yield f"before_request[{scope or 'app'}]", f
    for scope, funcs in app.after_request_funcs.items():
        for f in funcs:
            yield f"after_request[{scope or 'app'}]", f
    for scope, funcs in app.teardown_request_funcs.items():
        for f in funcs:
            yield f"teardown_request[{scope or 'app'}]", f
    for f in app.teardown_appcontext_funcs:
        yield "teardown_appcontext", f


def report(
    name: str,
    app: Any,
    stats: pstats.Stats,
    n: int,
    cpu_us: float,
    steps: list[tuple[str, tuple[str, str]]],
    endpoint: str,
) -> list[str]:
    total, _ = cum(stats, key_of(type(app).wsgi_app))

    def us(seconds: float) -> float:
        return seconds / total * cpu_us if total else 0.0

    lines = [
        f"#### {name}: {cpu_us:,.0f} µs CPU per request (profiled total {total / n * 1e6:,.0f} µs, scaled)",
        "",
        "| step | µs | share | calls per request |",
        "|---|---|---|---|",
    ]
    rows: list[tuple[str, float, float]] = []
    seen: set[Key] = set()
    for where, fn in hooks(app):
        seconds, calls = cum(stats, key_of(fn))
        if calls and key_of(fn) not in seen:  # one function hooked on every blueprint: once
            seen.add(key_of(fn))
            rows.append((f"{where.split('[')[0]} `{label_of(fn)}`", seconds, calls / n))
    view = app.view_functions.get(endpoint)
    if view is not None:
        seconds, calls = cum(stats, key_of(view))
        rows.append((f"view `{label_of(view)}`", seconds, calls / n))
    for label, (file_part, name) in steps:
        seconds, count = by_name(stats, file_part, name)
        if count:
            rows.append((f"  {label}", seconds, count / n))
    for label, seconds, per_request in rows:
        lines.append(f"| {label} | {us(seconds):,.0f} | {seconds / total:.0%} | {per_request:g} |")
    return lines


STEPS_WRITE: list[tuple[str, tuple[str, str]]] = [
    ("request body: JSON parse + marshmallow load", ("webargs", "parse")),
    ("sanitize: submit._clean (bleach and plain_text)", ("usecases/submit.py", "_clean")),
    ("    of which sanitizing.to_safe_html", ("domain/sanitizing.py", "to_safe_html")),
    ("intake (policy, client fingerprint)", ("public/intake.py", "intake")),
    ("duplicate check: submit._refuse_repeats", ("usecases/submit.py", "_refuse_repeats")),
    ("store: submit._store", ("usecases/submit.py", "_store")),
    ("    author record: submit._record", ("usecases/submit.py", "_record")),
    ("    rules: automod.decide", ("domain/automod.py", "decide")),
    ("    INSERT: Session.flush", ("orm/session.py", "flush")),
    ("    outbox.emit", ("persistence/outbox.py", "emit")),
    ("    edit token hash", ("usecases/moderate.py", "token_hash")),
    ("write_transaction (BEGIN, and the commit at exit)", ("persistence/database.py", "write_transaction")),
    ("commit: Session.commit", ("orm/session.py", "commit")),
    ("response: schema dump", ("marshmallow/schema.py", "dump")),
    ("limiter: Limiter._check_request_limit", ("flask_limiter", "_check_request_limit")),
    ("limiter: storage hit", ("limits/strategies.py", "hit")),
    ("metrics.record", ("observability/metrics.py", "record")),
    ("request id: uuid4", ("uuid.py", "uuid4")),
    ("CORS: flask_cors after_request", ("flask_cors/extension.py", "cors_after_request")),
]
STEPS_APPROVE: list[tuple[str, tuple[str, str]]] = [
    ("moderate.decide", ("usecases/moderate.py", "decide")),
    ("    _get_locked", ("usecases/moderate.py", "_get_locked")),
    ("    queries.* (reply tree, counters)", ("persistence/queries.py", "move_counters")),
    ("    outbox.emit", ("persistence/outbox.py", "emit")),
    ("    INSERT/UPDATE: Session.flush", ("orm/session.py", "flush")),
    ("commit: Session.commit", ("orm/session.py", "commit")),
    ("entry read-back: read.entry_detail", ("usecases/read.py", "entry_detail")),
    ("auth: require_moderator", ("admin/auth.py", "require_moderator")),
    ("metrics.record", ("observability/metrics.py", "record")),
]
STEPS_READ: list[tuple[str, tuple[str, str]]] = [
    ("http.cached_response", ("api/http.py", "cached_response")),
    ("counts dumper: public.counts_out", ("schemas/public.py", "counts_out")),
    ("SQLAlchemy Connection.execute", ("engine/base.py", "execute")),
    ("webargs parse (query args)", ("webargs", "parse")),
    ("metrics.record", ("observability/metrics.py", "record")),
    ("request id: uuid4", ("uuid.py", "uuid4")),
    ("CORS: flask_cors after_request", ("flask_cors/extension.py", "cors_after_request")),
    ("limiter: Limiter._check_request_limit", ("flask_limiter", "_check_request_limit")),
    ("Flask: url matching", ("werkzeug/routing/map.py", "match")),
    ("Flask: Response building", ("flask/app.py", "make_response")),
]


@contextmanager
def inprocess_app(prefix: str) -> Iterator[Any]:
    """The service in this process, as a gunicorn worker runs it (production rate limits,
    multiprocess metrics), on a fresh SQLite database filled with ``SIZE``."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, run.database("sqlite", Path(tmp)) as url:
        env = run.service_env(url, {})
        env.pop("COMMENTS_RATE_LIMIT")  # the production default: submissions carry a limit
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(dir=tmp)
        run.log(f"filling {SIZE.label}")
        run.fill(env, SIZE)
        os.environ.clear()
        os.environ.update(env)
        sys.path.insert(0, str(run.ROOT))
        from service import create_app

        yield create_app()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="requests per batch")
    parser.add_argument("--dup", action="store_true", help="the duplicate check at 0, 1,000 and 10,000 entries")
    parser.add_argument("--dup-sizes", default="0,1000,10000")
    parser.add_argument("--out", type=Path, default=run.BENCH / "results" / "profile.md")
    args = parser.parse_args()
    n = args.n
    out: list[str] = [f"Load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {run.machine()}", ""]
    with inprocess_app("bench-profile-") as app:
        driver = Driver(app)
        import ceiling  # bench/ceiling.py

        bare = Driver(ceiling.app)
        make_bare: Callable[[int], dict[str, Any]] = lambda i: bare.environ("GET", "/")  # noqa: E731
        bare_us, _ = cpu_per_call(make_bare, bare, n)
        out += [f"Bare Flask app (bench/ceiling.py): {bare_us:,.0f} µs CPU per request.", ""]

        thread = "demo-1"
        first = driver.environ("GET", f"/api/v1/articles/{thread}/comments")
        driver.call(first)
        from werkzeug.test import run_wsgi_app

        _, _, headers = run_wsgi_app(app.wsgi_app, driver.environ("GET", f"/api/v1/articles/{thread}/comments"))
        etag = headers["ETag"]
        rnd = random.Random(7)
        articles = [f"demo-{i}" for i in range(1, SIZE.articles + 1)]
        with app.app_context():
            from sqlalchemy import text as sql

            from service.extensions import db

            pending = [
                r[0] for r in db.session.execute(sql("SELECT id FROM entry WHERE status = 'pending' ORDER BY id"))
            ]
            db.session.remove()
        auth = {"Authorization": run.AUTH}

        def submit(i: int) -> dict[str, Any]:
            body = {"author": f"Reader {i}", "email": "reader@example.org", "body": f"{TEXT}{i}-{time.time_ns()}"}
            addr = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            return driver.environ("POST", f"/api/v1/articles/{rnd.choice(articles)}/comments", body, addr=addr)

        paths: list[tuple[str, Callable[[int], dict[str, Any]], list[Any], str]] = [
            (
                "304 (conditional GET of a thread)",
                lambda i: driver.environ("GET", f"/api/v1/articles/{thread}/comments", headers={"If-None-Match": etag}),
                STEPS_READ,
                "public.thread",
            ),
            (
                "single counts",
                lambda i: driver.environ("GET", f"/api/v1/articles/{rnd.choice(articles)}/counts"),
                STEPS_READ,
                "",
            ),
            (
                "batch counts (20 ids)",
                lambda i: driver.environ(
                    "GET", "/api/v1/counts?" + "&".join(f"article_id={a}" for a in rnd.sample(articles, 20))
                ),
                STEPS_READ,
                "",
            ),
            ("submission (~400 characters, link, markup)", submit, STEPS_WRITE, ""),
            (
                "approve",
                lambda i: driver.environ("POST", f"/api/v1/admin/entries/{pending[i]}/approve", headers=auth),
                STEPS_APPROVE,
                "",
            ),
        ]
        counter = {"approve": 0}
        for name, make, steps, _ in paths:
            run.log(f"profiling {name}")
            start = counter.get(name, 0)
            if name == "approve":
                start = counter["approve"]
            cpu_us, nxt = cpu_per_call(make, driver, n // 3 if name == "approve" else n, start)
            if name == "approve":
                counter["approve"] = nxt
            stats, nxt = profiled(make, driver, n // 3 if name == "approve" else n, nxt)
            if name == "approve":
                counter["approve"] = nxt
            endpoint = next(
                (r.endpoint for r in app.url_map.iter_rules() if r.endpoint in _endpoints_called(stats, app)), ""
            )
            out += report(name, app, stats, n // 3 if name == "approve" else n, cpu_us, steps, endpoint)
            out += [f"(ratio of CPU to the bare app: {bare_us / cpu_us:.3f})", ""]
            top = io.StringIO()
            stats.stream = top  # type: ignore[attr-defined]
            stats.sort_stats("tottime").print_stats(12)
            out += [
                "<details><summary>top 12 by own time</summary>",
                "",
                "```",
                top.getvalue().strip()[-3500:],
                "```",
                "",
                "</details>",
                "",
            ]
        if args.dup:
            out += duplicate_growth(app, driver, [int(s) for s in args.dup_sizes.split(",")])
    text = "\n".join(out)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


def _endpoints_called(stats: pstats.Stats, app: Any) -> set[str]:
    called = set()
    for endpoint, view in app.view_functions.items():
        if cum(stats, key_of(view))[1]:
            called.add(endpoint)
    return called


def duplicate_growth(app: Any, driver: Driver, sizes: list[int]) -> list[str]:
    """One client (one address, limits off for it) on one article: its earlier entries grow
    from 0 to ``sizes[-1]``; time 60 submissions at each size."""
    from sqlalchemy import text as sql

    from service.extensions import db

    app.config["RATE_LIMIT"] = None
    article = "dup-article"
    lines = [
        "#### The duplicate check as one client's entries on one article grow",
        "",
        "| earlier entries of the client on the article | submission µs CPU "
        "| of which `_refuse_repeats` µs (profiled, scaled) |",
        "|---|---|---|",
    ]
    seeded = 0
    i = 0

    def make(k: int) -> dict[str, Any]:
        body = {"author": "Office reader", "email": "office@example.org", "body": f"{TEXT} office {k} {time.time_ns()}"}
        return driver.environ("POST", f"/api/v1/articles/{article}/comments", body, addr="192.0.2.77")

    status = driver.call(make(-1))
    assert status.startswith("202"), status
    with app.app_context():
        row = dict(
            db.session.execute(sql("SELECT * FROM entry WHERE article_id = :a"), {"a": article}).mappings().one()
        )
        db.session.remove()
    for size in sizes:
        if size > seeded:
            with app.app_context():
                rows = []
                for k in range(seeded, size):
                    copy = {c: v for c, v in row.items() if c != "id"}
                    copy["body_source"] = f"{TEXT} seeded {k}"
                    copy["body_html"] = f"<p>seeded {k}</p>"
                    rows.append(copy)
                cols = ", ".join(rows[0])
                marks = ", ".join(f":{c}" for c in rows[0])
                db.session.execute(sql(f"INSERT INTO entry ({cols}) VALUES ({marks})"), rows)
                db.session.commit()
                db.session.remove()
            seeded = size
        cpu_us, i = cpu_per_call(make, driver, 20, i)
        stats, i = profiled(make, driver, 40, i)
        total, _ = cum(stats, key_of(type(app).wsgi_app))
        dup, calls = by_name(stats, "usecases/submit.py", "_refuse_repeats")
        dup_us = dup / total * cpu_us if total else 0.0
        lines.append(f"| {size:,} | {cpu_us:,.0f} | {dup_us:,.0f} ({dup / total:.0%}) |")
        run.log(f"duplicate check at {size}: {cpu_us:.0f} µs, {dup_us:.0f} µs in _refuse_repeats")
    return [*lines, ""]


if __name__ == "__main__":
    sys.exit(main())
