"""The benchmark: one run fills a database, serves it with gunicorn, drives it with wrk and
writes a markdown table of requests/s, p50/p99 latency and the ratio of each endpoint to a
bare Flask app served the same way (the framework's ceiling on this machine).

    .venv/bin/python bench/run.py                 # 100,000 comments, SQLite and PostgreSQL
    .venv/bin/python bench/run.py --quick         # 10,000 comments, shorter rounds
    .venv/bin/python bench/run.py --scale         # 10k, 100k and 1M comments: is read latency flat?

Only the standard library and the service's own virtualenv; wrk comes from Debian
(``make bench`` installs it). Load goes to 127.0.0.1 only, every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua"
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
TOKEN = "bench-token"
AUTH = f"Bearer {TOKEN}"

# name, what it measures, Lua scenario, target ratio to the ceiling (None: no target)
SCENARIOS: list[tuple[str, str, str, float | None]] = [
    ("thread", "thread fetch (first 50 comments of an article with 200+)", "get", 0.15),
    ("batch_counts", "batch counts (20 ids)", "batch_counts", 0.4),
    ("counts", "single counts", "counts", 0.4),
    ("reviews", "reviews page (50)", "get", 0.15),
    ("not_modified", "conditional GET answered 304", "not_modified", 0.6),
    ("submit", "comment submission (~400 chars, link, markup)", "submit", 0.09),
    ("approve", "approve", "approve", 0.09),
    ("queue", "moderation queue page (50)", "get", None),
]
READS = ("thread", "batch_counts", "counts", "reviews", "not_modified", "queue")


@dataclass
class Size:
    articles: int
    comments: int
    reviews: int
    pending: int

    @property
    def label(self) -> str:
        return f"{self.comments:,} comments"


FULL = Size(1_000, 100_000, 20_000, 5_000)
QUICK = Size(200, 10_000, 2_000, 1_000)
SCALE = [Size(1_000, 10_000, 2_000, 5_000), Size(1_000, 100_000, 20_000, 5_000), Size(1_000, 1_000_000, 200_000, 5_000)]


@dataclass
class Result:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    first_error: str = ""


@dataclass
class Measured:
    database: str
    size: Size
    rounds: dict[str, list[Result]] = field(default_factory=dict)
    ceilings: dict[str, list[Result]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ratio(self, name: str) -> float:
        """Median over rounds of (endpoint rate / ceiling rate measured just before it)."""
        pairs = zip(self.rounds[name], self.ceilings[name], strict=True)
        return statistics.median(r.requests_per_s / c.requests_per_s for r, c in pairs)

    def latency_ratio(self, name: str) -> float:
        """Median over rounds of (endpoint p50 / ceiling p50 measured just before it)."""
        pairs = zip(self.rounds[name], self.ceilings[name], strict=True)
        return statistics.median(r.p50_ms / c.p50_ms for r, c in pairs)

    def median(self, name: str, attr: str) -> float:
        if name == "ceiling":
            results = [r for runs in self.ceilings.values() for r in runs]
        else:
            results = self.rounds[name]
        return statistics.median(getattr(r, attr) for r in results)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- databases ------------------------------------------------------------------------------


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh empty database of ``kind``; PostgreSQL's is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'comments.db'}"
        return
    import psycopg

    name = f"bench_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(url: str, extra: dict[str, str]) -> dict[str, str]:
    env = {
        **os.environ,
        "COMMENTS_DATABASE_URL": url,
        "COMMENTS_ADMIN_TOKENS": f"bench:{TOKEN}",
        "COMMENTS_RATE_LIMIT": "off",
        "COMMENTS_SECRET_KEY": "bench-secret",
        **extra,
    }
    if "COMMENTS_REDIS_URL" not in extra:
        env.pop("COMMENTS_REDIS_URL", None)
    return env


def fill(env: dict[str, str], size: Size) -> float:
    flask = str(BIN / "flask")
    subprocess.run([flask, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.monotonic()
    args = ["--articles", size.articles, "--comments", size.comments, "--reviews", size.reviews]
    args += ["--pending", size.pending]
    done = subprocess.run(
        [flask, "--app", "wsgi", "demo-data", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    log(done.stdout.strip())
    return time.monotonic() - started


# -- servers --------------------------------------------------------------------------------


@contextmanager
def gunicorn(app: str, env: dict[str, str], settings: list[str], chdir: Path) -> Iterator[str]:
    """``gunicorn app`` with the bench's settings only: ``-c /dev/null`` so that no
    ./gunicorn.conf.py is read, the same flags for the service and for the ceiling."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="bench-metrics-")
    cmd = [str(BIN / "gunicorn"), "-c", "/dev/null", "--bind", f"127.0.0.1:{port}", *settings, app]
    logfile = open(chdir / f".bench-gunicorn-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        cmd,
        cwd=chdir,
        env={**env, "PROMETHEUS_MULTIPROC_DIR": metrics},  # as in production: samples shared by workers
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}: see {logfile.name}")
            try:
                urllib.request.urlopen(base + ("/healthz" if app == "wsgi:app" else "/"), timeout=2)
                break
            except OSError:  # refused, reset, timed out (URLError is an OSError)
                if time.monotonic() > deadline:
                    raise TimeoutError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        logfile.close()
        Path(logfile.name).unlink(missing_ok=True)
        shutil.rmtree(metrics, ignore_errors=True)


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], object]:
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return response.status, dict(response.headers), json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), None


# -- load -----------------------------------------------------------------------------------


def script(name: str, values: dict[str, str], workdir: Path) -> Path:
    text = (LUA / f"{name}.lua").read_text() + "\n" + (LUA / "common.lua").read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    path = workdir / f"{name}.lua"
    path.write_text(text)
    return path


def wrk(url: str, lua: Path, seconds: float, connections: int, threads: int) -> Result:
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s", "-s", str(lua)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    first_error = next((line[12:] for line in out.splitlines() if line.startswith("FIRST_ERROR ")), "")
    data = json.loads(line[len("BENCH ") :])
    return Result(
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["status_errors"] + data["socket_errors"],
        first_error=first_error,
    )


@dataclass
class Options:
    rounds: int
    seconds: float
    connections: int
    threads: int
    settings: list[str]
    env: dict[str, str]


def pick_articles(base: str, size: Size) -> tuple[str, str]:
    """The thread to fetch: an article with 200+ comments, the one closest to 250 so that
    every size serves a page of the same shape. Reviews: closest to 100 reviews."""
    stats: dict[str, dict[str, int]] = {}
    ids = [f"demo-{i}" for i in range(1, size.articles + 1)]
    for start in range(0, len(ids), 100):
        query = "&".join(f"article_id={a}" for a in ids[start : start + 100])
        status, _, body = fetch(base, f"/api/v1/counts?{query}")
        assert status == 200 and isinstance(body, dict), status
        stats.update(body["counts"])
    big = [a for a in ids if stats[a]["comments"] >= 200] or [max(ids, key=lambda a: stats[a]["comments"])]
    thread = min(big, key=lambda a: abs(stats[a]["comments"] - 250))
    many = [a for a in ids if stats[a]["reviews"] > 50] or [max(ids, key=lambda a: stats[a]["reviews"])]
    reviews = min(many, key=lambda a: abs(stats[a]["reviews"] - 100))
    return thread, reviews


def pending_ids(base: str, workdir: Path) -> Path:
    ids: list[int] = []
    cursor = ""
    while len(ids) < 100_000:
        status, _, body = fetch(base, f"/api/v1/admin/queue?limit=200{cursor}", {"Authorization": AUTH})
        assert status == 200 and isinstance(body, dict), status
        ids += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    path = workdir / "pending.txt"
    path.write_text("".join(f"{i}\n" for i in ids))
    return path


@dataclass
class Target:
    """What one scenario needs at run time: its URL and the values of its Lua template."""

    base: str
    size: Size
    opts: Options
    workdir: Path
    thread: str
    reviews: str
    nonce: str = ""

    def prepare(self, name: str, lua_name: str) -> tuple[str, Path, int | None]:
        values = {"ARTICLES": str(self.size.articles), "BATCH": "20", "AUTH": "", "THREADS": str(self.opts.threads)}
        values["NONCE"] = self.nonce
        url, available = self.base, None
        if name in ("thread", "not_modified"):
            url = f"{self.base}/api/v1/articles/{self.thread}/comments"
        elif name == "reviews":
            url = f"{self.base}/api/v1/articles/{self.reviews}/reviews"
        elif name == "queue":
            url, values["AUTH"] = f"{self.base}/api/v1/admin/queue", AUTH
        if name == "not_modified":
            _, headers, _ = fetch(url, "")
            status, _, _ = fetch(url, "", {"If-None-Match": headers["ETag"]})
            assert status == 304, status
            values["ETAG"] = headers["ETag"]
        elif name == "approve":
            ids = pending_ids(self.base, self.workdir)
            values["IDS_FILE"], values["AUTH"] = str(ids), AUTH
            available = len(ids.read_text().split())
        return url, script(lua_name, values, self.workdir), available


def measure(kind: str, size: Size, opts: Options, only: tuple[str, ...] | None = None) -> Measured:
    """Fill a fresh database of ``kind``, then rounds of: for each scenario, the ceiling and
    the endpoint back to back (the ratio of each pair is what counts: a noisy neighbour
    slows both)."""
    measured = Measured(kind, size)
    names = [s for s in SCENARIOS if only is None or s[0] in only]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, database(kind, Path(tmp)) as url:
        workdir = Path(tmp)
        env = service_env(url, opts.env)
        log(f"{kind}: filling {size.label}, {size.reviews:,} reviews, {size.pending:,} pending")
        measured.notes.append(f"demo-data took {fill(env, size):.0f} s")
        with gunicorn("wsgi:app", env, opts.settings, ROOT) as base:
            target = Target(base, size, opts, workdir, *pick_articles(base, size))
            status, _, body = fetch(base, f"/api/v1/articles/{target.thread}/comments")
            assert status == 200 and isinstance(body, dict) and len(body["items"]) == 50, target.thread
            replies = sum(len(i["replies"]) for i in body["items"])
            measured.notes.append(f"thread: {target.thread} (50 top-level comments, {replies} replies on the page)")
            measured.notes.append(f"reviews: {target.reviews}")
            with gunicorn("ceiling:app", env, opts.settings, BENCH) as ceiling_base:
                ceiling_lua = script("get", {"AUTH": ""}, workdir)

                def ceiling(seconds: float) -> Result:
                    return wrk(ceiling_base + "/", ceiling_lua, seconds, opts.connections, opts.threads)

                ceiling(1)  # warm-up
                for round_ in range(opts.rounds):
                    log(f"{kind} {size.label}: round {round_ + 1} of {opts.rounds}")
                    target.nonce = f"r{round_}-{time.time_ns()}"  # no text is sent twice
                    for name, _, lua_name, _ in names:
                        url, lua, available = target.prepare(name, lua_name)
                        if round_ == 0 and name not in ("approve", "submit"):
                            wrk(url, lua, 1, opts.connections, opts.threads)  # warm-up
                        measured.ceilings.setdefault(name, []).append(ceiling(opts.seconds))
                        result = wrk(url, lua, opts.seconds, opts.connections, opts.threads)
                        if available is not None and result.requests_per_s * opts.seconds > available:
                            measured.notes.append(f"{name} round {round_ + 1}: ran out of pending entries")
                        if result.errors:
                            measured.notes.append(
                                f"{name} round {round_ + 1}: {result.errors} errors, first: {result.first_error}"
                            )
                        measured.rounds.setdefault(name, []).append(result)
    return measured


# -- reports --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def table(results: list[Measured]) -> str:
    kinds = [m.database for m in results]
    head = "| endpoint | target | " + " | ".join(f"{k} req/s | p50 / p99 ms | ratio" for k in kinds) + " |"
    rule = "|---|---|" + "---|---|---|" * len(kinds)
    lines = [head, rule]
    row = "| Flask ceiling (bare JSON) | 1 | "
    row += " | ".join(
        f"{m.median('ceiling', 'requests_per_s'):,.0f} | {m.median('ceiling', 'p50_ms'):.2f} / "
        f"{m.median('ceiling', 'p99_ms'):.2f} | 1"
        for m in results
    )
    lines.append(row + " |")
    for name, label, _, target in SCENARIOS:
        if name not in results[0].rounds:
            continue
        cells = []
        for m in results:
            ratio = m.ratio(name)
            mark = "" if target is None else (" ✓" if ratio >= target else " ✗")
            cells.append(
                f"{m.median(name, 'requests_per_s'):,.0f} | {m.median(name, 'p50_ms'):.2f} / "
                f"{m.median(name, 'p99_ms'):.2f} | {ratio:.3f}{mark}"
            )
        lines.append(f"| {label} | {'≥ ' + str(target) if target else '-'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scale_table(results: list[Measured]) -> tuple[str, bool]:
    head = "| endpoint | " + " | ".join(f"p50 ms at {m.size.label}" for m in results)
    head += " | p50 growth, largest / smallest size (each relative to the ceiling) |"
    lines = [head, "|---|" + "---|" * (len(results) + 1)]
    flat = True
    for name, label, _, _ in SCENARIOS:
        if name not in READS or name not in results[0].rounds:
            continue
        p50 = [m.median(name, "p50_ms") for m in results]
        # Latency relative to the ceiling measured next to it, so that a noisy neighbour does not count.
        growth = results[-1].latency_ratio(name) / results[0].latency_ratio(name)
        flat &= growth <= 1.3
        cells = " | ".join(f"{p:.2f}" for p in p50)
        lines.append(f"| {label} | {cells} | {growth:.2f}{' ✓' if growth <= 1.3 else ' ✗'} |")
    return "\n".join(lines), flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 comments, 2 rounds of 3 s: a laptop check")
    parser.add_argument("--scale", action="store_true", help="the scale sweep: 10k, 100k, 1M comments")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="length of one measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--redis", default=None, help="COMMENTS_REDIS_URL for the service (default: in-process)")
    parser.add_argument("--only", default=None, help="comma-separated scenarios, e.g. thread,counts")
    parser.add_argument("--out", type=Path, default=None, help="markdown file (default: bench/results/...)")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print("wrk is missing: `make bench` installs it (apt-get install wrk)", file=sys.stderr)
        return 2
    settings = ["--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads)]
    settings += ["--timeout", "60", "--graceful-timeout", "5", "--keep-alive", "5"]
    env = {"COMMENTS_REDIS_URL": args.redis} if args.redis else {}
    only = tuple(args.only.split(",")) if args.only else None
    quick = args.quick
    opts = Options(
        rounds=args.rounds or (2 if quick else 3),
        seconds=args.seconds or (3 if quick else 5),
        connections=args.connections,
        threads=args.wrk_threads,
        settings=settings,
        env=env,
    )
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        f"Command: `{command.strip()}` on {stamp}; {machine()}.",
        f"gunicorn `{' '.join(settings)}` (no access log) for the service and the ceiling alike; "
        f"wrk `-t {opts.threads} -c {opts.connections}`, {opts.rounds} rounds of {opts.seconds:g} s, medians; "
        f"ratio = requests/s of the endpoint / requests/s of the bare Flask app in the same round. "
        f"Cache: {'Redis' if args.redis else 'in-process'}.",
    ]
    if args.scale:
        kinds = ["sqlite"] if args.db in (None, "sqlite") else ["postgresql"] if args.db == "postgresql" else []
        kinds = kinds or ["sqlite", "postgresql"]
        sections = []
        all_flat = True
        for kind in kinds:
            results = [measure(kind, size, opts, only or READS) for size in SCALE]
            text, flat = scale_table(results)
            all_flat &= flat
            notes = "\n".join(f"- {m.size.label}: {'; '.join(m.notes)}" for m in results)
            sections.append(f"### {kind}\n\n{text}\n\n{notes}\n")
        report = "\n".join(["## Scale sweep", "", *header, "", *sections])
        out = args.out or BENCH / "results" / "scale.md"
        verdict = "flat" if all_flat else "NOT flat"
        report += f"\nRead latency (relative to the ceiling) at 1M vs 10k comments: {verdict} (limit 1.3x).\n"
    else:
        kinds = ["sqlite", "postgresql"] if args.db in (None, "both") else [args.db]
        size = QUICK if quick else FULL
        results = [measure(kind, size, opts, only) for kind in kinds]
        notes = "\n".join(f"- {m.database}: {'; '.join(m.notes)}" for m in results)
        report = "\n".join(
            [f"## Benchmark ({size.label}, {size.articles:,} articles)", "", *header, "", table(results), "", notes]
        )
        out = args.out or BENCH / "results" / ("quick.md" if quick else "latest.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n")
    print(report)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
