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
import math
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
from contextlib import nullcontext
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

# name, what it measures, Lua scenario, target ratio to the ceiling on SQLite and on
# PostgreSQL (None: no target); the targets of issue 18.
SCENARIOS: list[tuple[str, str, str, tuple[float, float] | None]] = [
    ("thread", "thread fetch (first 50 comments of an article with 200+)", "get", (0.6, 0.5)),
    ("batch_counts", "batch counts (20 ids)", "batch_counts", (0.5, 0.4)),
    ("counts", "single counts", "counts", (0.6, 0.5)),
    ("reviews", "reviews page (50)", "get", (0.6, 0.5)),
    ("not_modified", "conditional GET answered 304", "not_modified", (0.75, 0.65)),
    ("submit", "comment submission (~400 chars, link, markup)", "submit", (0.1, 0.1)),
    ("approve", "approve", "approve", (0.09, 0.08)),
    ("queue", "moderation queue page (50)", "get", None),
]

# The peer: Isso 0.14 with its guard off, on the same comments, under the same gunicorn
# flags. Our scenario -> what Isso is asked for the same job, its Lua scenario, and the
# target of ours ÷ Isso (issue 18: a submission at least 1.5x Isso's rate on SQLite).
ISSO_VERSION = "0.14.0"
ISSO_VENV = BENCH / ".isso-venv"
PEER: dict[str, tuple[str, str, float | None]] = {
    "thread": ("GET /?uri=A&limit=50 (50 top-level comments and their replies)", "get", None),
    "batch_counts": ("POST /count, a JSON list of 20 uris", "isso_counts", None),
    "submit": ("POST /new?uri=demo-N, the same ~400 characters", "isso_submit", 1.5),
}
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
    answered_304: int = 0


@dataclass
class Measured:
    database: str
    size: Size
    rounds: dict[str, list[Result]] = field(default_factory=dict)
    ceilings: dict[str, list[Result]] = field(default_factory=dict)
    peer: dict[str, list[Result]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def target(self, targets: tuple[float, float] | None) -> float | None:
        return None if targets is None else targets[0 if self.database == "sqlite" else 1]

    def peer_ratio(self, name: str) -> float:
        """Median over rounds of (our rate / Isso's rate measured just after it); infinite
        when Isso answered nothing within the round."""
        pairs = zip(self.rounds[name], self.peer[name], strict=True)
        return statistics.median(
            r.requests_per_s / p.requests_per_s if p.requests_per_s else math.inf for r, p in pairs
        )

    def peer_ceiling_ratio(self, name: str) -> float:
        pairs = zip(self.peer[name], self.ceilings[name], strict=True)
        return statistics.median(p.requests_per_s / c.requests_per_s for p, c in pairs)

    def ratio(self, name: str) -> float:
        """Median over rounds of (endpoint rate / ceiling rate measured just before it)."""
        pairs = zip(self.rounds[name], self.ceilings[name], strict=True)
        return statistics.median(r.requests_per_s / c.requests_per_s for r, c in pairs)

    def latency_ratio(self, name: str) -> float:
        """Median over rounds of (endpoint p50 / ceiling p50 measured just before it)."""
        pairs = zip(self.rounds[name], self.ceilings[name], strict=True)
        return statistics.median(r.p50_ms / c.p50_ms for r, c in pairs)

    def median_peer(self, name: str, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.peer[name]))

    def median(self, name: str, attr: str) -> float:
        if name == "ceiling":
            results = [r for runs in self.ceilings.values() for r in runs]
        else:
            results = self.rounds[name]
        return float(statistics.median(getattr(r, attr) for r in results))


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# The master process of each server run.gunicorn started, by its base URL (for bench/viral.py).
MASTERS: dict[str, int] = {}


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
def gunicorn(
    app: str, env: dict[str, str], settings: list[str], chdir: Path, probe: str = "", binary: Path = BIN
) -> Iterator[str]:
    """``gunicorn app`` with the bench's settings only: ``-c /dev/null`` so that no
    ./gunicorn.conf.py is read, the same flags for the service, the ceiling and Isso.
    ``probe``: the path that answers 200 once it is up; ``binary``: the virtualenv's bin."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="bench-metrics-")
    cmd = [str(binary / "gunicorn"), "-c", "/dev/null", "--bind", f"127.0.0.1:{port}", *settings, app]
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
                urllib.request.urlopen(base + (probe or ("/healthz" if app == "wsgi:app" else "/")), timeout=2)
                break
            except OSError:  # refused, reset, timed out (URLError is an OSError)
                if time.monotonic() > deadline:
                    raise TimeoutError("gunicorn did not start") from None
                time.sleep(0.2)
        MASTERS[base] = process.pid
        yield base
    finally:
        MASTERS.pop(base, None)
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


# -- the peer: Isso ----------------------------------------------------------------------------

ISSO_SCHEMA = """
import sys
from isso import config
from isso.db import SQLite3
conf = config.load(config.default_file())
conf.set("general", "dbpath", sys.argv[1])
SQLite3(sys.argv[1], conf)  # creates the tables, triggers and user_version Isso expects
"""


def isso_venv() -> Path:
    """bench/.isso-venv (git-ignored), made when missing: Isso from PyPI pins its own
    Werkzeug and Jinja, so it never shares the service's environment (as in
    tests/integrations/conftest.py), and the gunicorn version of ours."""
    from importlib.metadata import version

    marker = ISSO_VENV / f".installed-isso-{ISSO_VERSION}"
    if not marker.exists():
        log(f"making {ISSO_VENV.relative_to(ROOT)} with isso=={ISSO_VERSION} from PyPI")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(ISSO_VENV)], check=True, timeout=120)
        pip = [str(ISSO_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"isso=={ISSO_VERSION}", f"gunicorn=={version('gunicorn')}"], check=True, timeout=900)
        marker.touch()
    return ISSO_VENV / "bin"


def seed_isso(url: str, workdir: Path, bin_: Path) -> tuple[Path, int]:
    """Isso's SQLite database with every approved comment of ours, written directly with
    Isso's own schema (through its API that would be one pbkdf2 and one markdown render per
    comment: minutes for 100,000). Isso nests one level deep, so a reply hangs under its
    top-level comment (our root_id). Isso stores the source text and renders it on fetch."""
    import sqlite3

    import sqlalchemy

    path = workdir / "isso.db"
    subprocess.run([str(bin_ / "python"), "-c", ISSO_SCHEMA, str(path)], check=True, timeout=60)
    engine = sqlalchemy.create_engine(url)
    query = sqlalchemy.text(
        "SELECT id, article_id, root_id, author, email, body_source, created_at FROM entry"
        " WHERE kind = 'comment' AND status = 'approved' ORDER BY id"
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    engine.dispose()
    voters = bytes(256)  # Isso's empty Bloom filter of voters
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO threads (uri, title) VALUES (?, ?)", [(a, a) for a in sorted({r[1] for r in rows})])
        tid = dict(db.execute("SELECT uri, id FROM threads").fetchall())

        def when(value: object) -> float:
            stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return stamp.replace(tzinfo=stamp.tzinfo or UTC).timestamp()

        db.executemany(
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author, email,"
            " website, voters, notification) VALUES (?, ?, ?, ?, NULL, 1, '127.0.0.0', ?, ?, ?, NULL, ?, 0)",
            [(tid[r[1]], r[0], r[2], when(r[6]), r[5], r[3], r[4], voters) for r in rows],
        )
    return path, len(rows)


@contextmanager
def isso(url: str, workdir: Path, settings: list[str], host: str) -> Iterator[tuple[str, int]]:
    """Isso on 127.0.0.1 with the same comments as ``url``, its guard (rate limits, reply
    rules) off and moderation off, as in issue 6's comparison."""
    bin_ = isso_venv()
    started = time.monotonic()
    dbpath, count = seed_isso(url, workdir, bin_)
    log(f"isso: {count:,} comments seeded in {time.monotonic() - started:.1f} s")
    cfg = workdir / "isso.cfg"
    cfg.write_text(
        f"[general]\ndbpath = {dbpath}\nhost = {host}\n\n[moderation]\nenabled = false\n\n"
        "[guard]\nenabled = false\n\n[server]\nlisten = http://127.0.0.1:8080/\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "ISSO_SETTINGS": str(cfg)}
    with gunicorn("isso.run:application", env, settings, workdir, probe="/config", binary=bin_) as base:
        yield base, count


# -- load -----------------------------------------------------------------------------------


def script(name: str, values: dict[str, str], workdir: Path) -> Path:
    text = (LUA / f"{name}.lua").read_text() + "\n" + (LUA / "common.lua").read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    path = workdir / f"{name}.lua"
    path.write_text(text)
    return path


def wrk(url: str, lua: Path, seconds: float, connections: int, threads: int, timeout: float = 10) -> Result:
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", f"{timeout:g}s"]
    cmd += ["-s", str(lua)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + timeout + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    first_error = next((line[12:] for line in out.splitlines() if line.startswith("FIRST_ERROR ")), "")
    data = json.loads(line[len("BENCH ") :])
    return Result(
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["status_errors"] + data["socket_errors"],
        first_error=first_error,
        answered_304=data.get("answered_304", 0),
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

    def prepare_peer(self, name: str, peer_base: str) -> tuple[str, Path]:
        """Isso's side of scenario ``name``: the same article, the same random articles."""
        values = {"ARTICLES": str(self.size.articles), "BATCH": "20", "AUTH": "", "NONCE": self.nonce}
        _, lua_name, _ = PEER[name]
        url = f"{peer_base}/?uri={self.thread}&limit=50" if name == "thread" else peer_base
        return url, script(lua_name, values, self.workdir)


def measure(kind: str, size: Size, opts: Options, only: tuple[str, ...] | None = None, peer: bool = False) -> Measured:
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
            with (
                gunicorn("ceiling:app", env, opts.settings, BENCH) as ceiling_base,
                isso(url, workdir, opts.settings, base) if peer else nullcontext((None, 0)) as (peer_base, seeded),
            ):
                if peer_base:
                    measured.notes.append(f"Isso {ISSO_VERSION}: the same {seeded:,} approved comments")
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
                        if peer_base and name in PEER:
                            peer_url, peer_lua = target.prepare_peer(name, peer_base)
                            if round_ == 0 and name == "batch_counts":
                                wrk(peer_url, peer_lua, 1, opts.connections, opts.threads)  # warm-up
                            # Isso's thread page takes seconds (a pbkdf2 hash and a markdown render per
                            # comment): a longer round, a longer timeout, so that some answers arrive.
                            slow = name == "thread"
                            length, timeout = (max(opts.seconds, 15), 60) if slow else (opts.seconds, 10)
                            theirs = wrk(peer_url, peer_lua, length, opts.connections, opts.threads, timeout)
                            if theirs.errors:
                                measured.notes.append(
                                    f"Isso {name} round {round_ + 1}: {theirs.errors} errors, "
                                    f"first: {theirs.first_error}"
                                )
                            measured.peer.setdefault(name, []).append(theirs)
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
    for name, label, _, targets in SCENARIOS:
        if name not in results[0].rounds:
            continue
        cells = []
        for m in results:
            target = m.target(targets)
            ratio = m.ratio(name)
            mark = "" if target is None else (" ✓" if ratio >= target else " ✗")
            cells.append(
                f"{m.median(name, 'requests_per_s'):,.0f} | {m.median(name, 'p50_ms'):.2f} / "
                f"{m.median(name, 'p99_ms'):.2f} | {ratio:.3f}{mark}"
            )
        wanted = "-" if targets is None else " / ".join(f"≥ {t}" for t in targets[: len(results)])
        lines.append(f"| {label} | {wanted} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def peer_table(results: list[Measured]) -> str:
    """Isso beside us: each as a ratio to the ceiling of its round, and ours ÷ Isso."""
    lines = [
        f"| scenario | Isso {ISSO_VERSION} request | database | Isso req/s | Isso p50 / p99 ms | Isso ÷ ceiling "
        "| ours ÷ ceiling | ours ÷ Isso | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    labels = {name: label for name, label, _, _ in SCENARIOS}
    for m in results:
        for name, (request, _, target) in PEER.items():
            if name not in m.peer:
                continue
            ratio = m.peer_ratio(name)
            wanted = "-" if target is None else f"≥ {target}{' ✓' if ratio >= target else ' ✗'}"
            lines.append(
                f"| {labels[name]} | `{request}` | {m.database} | {m.median_peer(name, 'requests_per_s'):,.1f} | "
                f"{m.median_peer(name, 'p50_ms'):.2f} / {m.median_peer(name, 'p99_ms'):.2f} | "
                f"{m.peer_ceiling_ratio(name):.3f} | {m.ratio(name):.3f} | {ratio:.2f} | {wanted} |"
            )
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
    parser.add_argument(
        "--no-isso", action="store_true", help="skip the peer (Isso 0.14 in bench/.isso-venv, on the SQLite run)"
    )
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
        results = [measure(kind, size, opts, only, peer=kind == "sqlite" and not args.no_isso) for kind in kinds]
        notes = "\n".join(f"- {m.database}: {'; '.join(m.notes)}" for m in results)
        sections = [f"## Benchmark ({size.label}, {size.articles:,} articles)", "", *header, "", table(results)]
        if any(m.peer for m in results):
            sections += [
                "",
                f"### Beside Isso {ISSO_VERSION} (its guard and moderation off, SQLite, the same comments and "
                "gunicorn flags; measured right after ours in each round)",
                "",
                peer_table(results),
            ]
        report = "\n".join([*sections, "", notes])
        out = args.out or BENCH / "results" / ("quick.md" if quick else "latest.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n")
    print(report)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
