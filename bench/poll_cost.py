"""What open tabs cost the origin (issue 20): every visible widget asks for its article's
counts every 30 s with the ETag it has (``GET /api/v1/articles/<id>/counts`` with
``If-None-Match``), so N tabs send N/30 conditional GETs a second. This drives that rate for
real, paced (not as fast as possible), from ``--tabs`` simulated tabs with their own ETags
and the widget's ``Origin``, while a comment is approved on the busiest article every 10 s
(so tabs see 200s, not only 304s), against two gunicorn replicas of the service behind the
shipped front proxy (deploy/nginx/, Debian's nginx): once with the proxy's one-second
micro-cache, once with it off (what the origin gets without a proxy cache or CDN). Two
spreads of the tabs: all on one story, and over 100 stories.

What reaches the origin is read from the replicas themselves: their request counter of
the counts route (``/metrics``, every worker's samples) and the CPU time of their workers
(``/proc``), before and after each run.

    .venv/bin/python bench/poll_cost.py               # 10,000 tabs, 60 s per run
    .venv/bin/python bench/poll_cost.py --quick       # 10,000 tabs, 20 s per run
    .venv/bin/python bench/poll_cost.py --tabs 3000   # a smaller machine's rate

Traffic goes to 127.0.0.1 only; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: databases, gunicorn, demo data)
import viral  # noqa: E402  (bench/viral.py: the shipped nginx in a prefix)
from run import AUTH  # noqa: E402
from run import BENCH  # noqa: E402
from run import ROOT  # noqa: E402
from run import Size  # noqa: E402
from run import log  # noqa: E402

SIZE = Size(articles=100, comments=5_000, reviews=200, pending=100)
ORIGIN = "http://news.example"
POLL_SECONDS = 30
COUNTS_ROUTE = "/api/v1/articles/<path:article_id>/counts"
SAMPLE = re.compile(r"^comments_http_requests_total\{([^}]*)\} ([0-9.e+]+)$", re.M)
CLIENT_THREADS = 48


@dataclass
class Run:
    label: str
    offered: float
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    origin_requests: float = 0.0
    origin_cpu_s: float = 0.0
    seconds: float = 0.0

    def row(self, tabs: int) -> str:
        p50 = statistics.median(self.latencies) * 1000 if self.latencies else 0.0
        p99 = sorted(self.latencies)[int(len(self.latencies) * 0.99) - 1] * 1000 if self.latencies else 0.0
        achieved = self.sent / self.seconds
        share = self.origin_requests / self.sent if self.sent else 0.0
        origin_rate = self.origin_requests / self.seconds
        cores = self.origin_cpu_s / self.seconds
        not_modified = self.statuses.get(304, 0) / self.sent if self.sent else 0.0
        return (
            f"| {self.label} | {self.offered:,.0f} | {achieved:,.0f} | {not_modified:.0%} | "
            f"{origin_rate:,.1f} | {share:.1%} | {cores:.2f} | {p50:.1f} / {p99:.1f} | {self.errors} |"
        )


def origin_counts(replicas: list[str]) -> float:
    """Requests of the counts route the replicas have answered (every status)."""
    total = 0.0
    for base in replicas:
        text = requests.get(f"{base}/metrics", timeout=10).text
        for labels, value in SAMPLE.findall(text):
            if f'route="{COUNTS_ROUTE}"' in labels:
                total += float(value)
    return total


def worker_cpu_seconds(replicas: list[str]) -> float:
    """User and system CPU of every gunicorn process of the replicas (master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for base in replicas:
        master = run.MASTERS[base]
        for pid in [master, *viral.children(master)]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def paced(
    base: str, articles: list[str], tabs: int, seconds: float, label: str, writer: Iterator[None], replicas: list[str]
) -> Run:
    """``tabs`` tabs, each asking every POLL_SECONDS, spread evenly in time: request i is
    due at i / rate. Late requests are sent at once (the rate is what a client offered)."""
    rate = tabs / POLL_SECONDS
    result = Run(label, rate)
    # Every tab was opened before the run and holds its article's current ETag (its first
    # load was a 200): what is measured is the steady state of open tabs.
    current = {}
    for article in articles:
        first = requests.get(f"{base}/api/v1/articles/{article}/counts", headers={"Origin": ORIGIN}, timeout=10)
        current[article] = first.headers["ETag"]
    etags: dict[int, str] = {tab: current[articles[tab % len(articles)]] for tab in range(tabs)}
    lock = threading.Lock()
    next_index = [0]
    total = int(rate * seconds)
    started = time.monotonic()

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= total:
                return
            due = started + i / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            tab = i % tabs
            article = articles[tab % len(articles)]
            headers = {"Origin": ORIGIN}
            if tab in etags:
                headers["If-None-Match"] = etags[tab]
            sent = time.monotonic()
            try:
                response = session.get(f"{base}/api/v1/articles/{article}/counts", headers=headers, timeout=10)
            except requests.RequestException:
                with lock:
                    result.errors += 1
                continue
            elapsed = time.monotonic() - sent
            with lock:
                result.sent += 1
                result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
                result.latencies.append(elapsed)
                if response.status_code >= 400:
                    result.errors += 1
                if "ETag" in response.headers:
                    etags[tab] = response.headers["ETag"]

    before_requests, before_cpu = origin_counts(replicas), worker_cpu_seconds(replicas)
    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CLIENT_THREADS)]
    for t in threads:
        t.start()
    deadline = started + seconds + 30
    next_write = started + 10
    while any(t.is_alive() for t in threads):
        if time.monotonic() >= next_write:
            next(writer)
            next_write += 10
        if time.monotonic() > deadline:
            raise TimeoutError(f"{label}: the client could not finish within {seconds + 30:.0f} s")
        time.sleep(0.05)
    result.seconds = time.monotonic() - started
    # What the replicas did meanwhile (the approvals' few requests are not on the counts route).
    result.origin_requests = origin_counts(replicas) - before_requests
    result.origin_cpu_s = worker_cpu_seconds(replicas) - before_cpu
    return result


def approvals(base: str, article: str) -> Iterator[None]:
    """One new approved comment on ``article`` each time it is advanced."""
    session = requests.Session()
    n = 0
    while True:
        n += 1
        body = {"author": "Reader", "body": f"A new comment while others read, number {n} ({time.time_ns()})."}
        sent = session.post(f"{base}/api/v1/articles/{article}/comments", json=body, timeout=30)
        entry = sent.json()["id"]
        session.post(f"{base}/api/v1/admin/entries/{entry}/approve", headers={"Authorization": AUTH}, timeout=30)
        yield None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tabs", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="20 s per run instead of 60")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--nginx-dir", type=Path, default=viral.NGINX_DIR)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "polling.md")
    args = parser.parse_args()
    viral.nginx_binary()
    seconds = args.seconds or (20 if args.quick else 60)
    settings = ["--workers", "2", "--worker-class", "sync", "--threads", "1"]
    settings += ["--timeout", "60", "--graceful-timeout", "5", "--keep-alive", "5"]
    load_before = os.getloadavg()
    runs: list[Run] = []
    notes: list[str] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-poll-")))
        url = stack.enter_context(run.database("sqlite", workdir))
        env = run.service_env(url, {"COMMENTS_ALLOWED_ORIGINS": ORIGIN})
        log(f"sqlite: filling {SIZE.label}")
        notes.append(f"demo-data ({SIZE.label}, {SIZE.articles} articles) took {run.fill(env, SIZE):.0f} s")
        replicas = [stack.enter_context(run.gunicorn("wsgi:app", env, settings, ROOT)) for _ in range(2)]
        stats = json.loads(urllib.request.urlopen(f"{replicas[0]}/api/v1/counts?article_id=demo-1", timeout=10).read())
        assert "demo-1" in stats["counts"]
        articles = [f"demo-{i}" for i in range(1, SIZE.articles + 1)]
        upstreams = [b.removeprefix("http://") for b in replicas]
        for cache in (True, False):
            prefix = workdir / f"nginx-{'cache' if cache else 'nocache'}"
            with viral.nginx(args.nginx_dir, prefix, upstreams, cache) as proxy:
                for spread, chosen in (("one story", articles[:1]), ("100 stories", articles[:100])):
                    label = f"{spread}, proxy {'micro-cache on' if cache else 'cache off'}"
                    writer = approvals(replicas[0], chosen[0])
                    log(f"{label}: {args.tabs:,} tabs for {seconds:.0f} s")
                    result = paced(proxy, chosen, args.tabs, seconds, label, writer, replicas)
                    runs.append(result)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        "## What open tabs cost the origin",
        "",
        f"Command: `python bench/poll_cost.py {' '.join(sys.argv[1:])}` on {stamp}; {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}; load average before: {' '.join(f'{x:.1f}' for x in load_before)}.",
        f"{args.tabs:,} tabs, each a conditional GET of its article's counts every {POLL_SECONDS} s "
        f"({args.tabs / POLL_SECONDS:,.0f} requests/s offered), {seconds:.0f} s per run, one approved comment "
        "every 10 s on the first story; two gunicorn replicas (2 sync workers each) on SQLite behind "
        "Debian's nginx with deploy/nginx/ (access log off).",
        "",
        "| run | offered req/s | sent req/s | answered 304 | origin req/s | share reaching the origin "
        "| origin CPU (cores) | p50 / p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines = header + [r.row(args.tabs) for r in runs] + [""] + [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    if shutil.which("nginx") is None and not any(os.access(p, os.X_OK) for p in ("/usr/sbin/nginx", "/sbin/nginx")):
        print("nginx is missing: apt-get install nginx", file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
