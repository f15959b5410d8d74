"""A viral story (issue 18): PostgreSQL, Redis and two gunicorn instances of the service
behind the shipped front proxy (deploy/nginx/, run by Debian's nginx), one article getting
95 % reads (thread pages, count badges, conditional GETs), 4 % submissions and 1 %
approvals from 64 connections, through the proxy's one-second micro-cache and then with
that cache off. Beside them: the bare Flask app (bench/ceiling.py) under one gunicorn of the
same flags, and the thread page alone through the proxy, for the target of issue 18 (at
least 3x the bare app's rate, p99 under 50 ms). Then the memory of every gunicorn worker.

    .venv/bin/python bench/viral.py              # 60 s per mix
    .venv/bin/python bench/viral.py --quick      # 15 s per mix

The proxy's files are read from deploy/nginx/ (``--nginx-dir`` for another copy) and filled
in the way docker/serve.py and tests/ops/frontproxy.py do: every ${PROXY_...} of
comments.conf.template replaced, standalone.conf as the main file, ``nginx -p PREFIX/``.
The cache-off run is the very same file with ``proxy_cache comments_cache;`` replaced by
``proxy_cache off;``. Load goes to 127.0.0.1 only; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: databases, gunicorn, wrk and the Lua templates)
from run import AUTH  # noqa: E402
from run import BENCH  # noqa: E402
from run import ROOT  # noqa: E402
from run import Result  # noqa: E402
from run import Size  # noqa: E402
from run import fetch  # noqa: E402
from run import log  # noqa: E402

NGINX_DIR = ROOT / "deploy" / "nginx"
# As docker/serve.py fills them: ${PROXY_LISTEN} and so on (${COMMENTS_...} in the first
# version of the proxy branch; both are accepted, by the part after the prefix).
PLACEHOLDER = re.compile(r"\$\{(?:PROXY|COMMENTS)_([A-Z0-9_]+)\}")
CACHE_ON = "proxy_cache comments_cache;"
SIZE = Size(articles=200, comments=10_000, reviews=1_000, pending=1_000)
VIRAL_PENDING = 1_500  # comments sent to the viral article before the run, for the approvals
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        raise SystemExit("nginx is missing: `make bench-viral` installs it (apt-get install nginx)")
    return found


def render(nginx_dir: Path, prefix: Path, values: dict[str, str], cache: bool) -> None:
    template = (nginx_dir / "comments.conf.template").read_text()
    text = PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    if not cache:
        if CACHE_ON not in text:
            raise SystemExit(f"{nginx_dir}/comments.conf.template: no `{CACHE_ON}` to turn off")
        text = text.replace(CACHE_ON, "proxy_cache off;")
    text = text.replace("access_log /dev/stdout comments_proxy;", "access_log off;")  # 100k lines of JSON
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "comments.conf").write_text(text)
    shutil.copyfile(nginx_dir / "standalone.conf", prefix / "nginx.conf")


@contextmanager
def nginx(nginx_dir: Path, prefix: Path, upstreams: list[str], cache: bool) -> Iterator[str]:
    port = run.free_port()
    values = {
        "LISTEN": f"127.0.0.1:{port}",
        "UPSTREAM_1": upstreams[0],
        "UPSTREAM_2": upstreams[1],
        "CACHE_DIR": str(prefix / "cache"),
    }
    render(nginx_dir, prefix, values, cache)
    cmd = [nginx_binary(), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    if os.geteuid() == 0:  # root's nginx would run its workers as nobody, outside the prefix
        cmd += ["-g", "user root;"]
    errors = open(prefix / "stderr.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(prefix / 'stderr.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("nginx did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        errors.close()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process, from /proc/PID/smaps_rollup (KiB)."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def viral_pending(base: str, article: str, workdir: Path) -> Path:
    """Comments sent to the viral article and still pending: the ids the approvals take."""
    import json
    import urllib.request

    text = "Before the run, reader {} asks about the <b>bridge</b>: https://example.org/b/{} ?"

    def send(n: int) -> bool:
        body = json.dumps({"author": f"Early reader {n}", "email": "early@example.org", "body": text.format(n, n)})
        request = urllib.request.Request(
            f"{base}/api/v1/articles/{article}/comments",
            data=body.encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"10.1.{n >> 8}.{n & 255}, 127.0.0.1"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return bool(response.status == 202)

    with ThreadPoolExecutor(max_workers=4) as pool:  # two workers on each side of a request
        sent = sum(pool.map(send, range(VIRAL_PENDING)))
    ids: list[int] = []
    cursor = ""
    for _ in range(200):  # bounded: 200 pages of 200
        query = f"/api/v1/admin/queue?article_id={article}&limit=200{cursor}"
        status, _, page = fetch(base, query, {"Authorization": AUTH})
        assert status == 200 and isinstance(page, dict), status
        ids += [item["id"] for item in page["items"] if item.get("article_id") == article]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    log(f"{sent} comments sent to {article} before the run, {len(ids)} of its entries pending")
    path = workdir / "viral-pending.txt"
    path.write_text("".join(f"{i}\n" for i in ids))
    return path


def row(label: str, result: Result, extra: str = "") -> str:
    return (
        f"| {label} | {result.requests_per_s:,.0f} | {result.p50_ms:.2f} / {result.p99_ms:.2f} | "
        f"{result.errors}{' (' + result.first_error[:80] + ')' if result.errors else ''} | {extra} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="15 s per mix instead of 60")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--nginx-dir", type=Path, default=NGINX_DIR, help="comments.conf.template and standalone.conf")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "viral.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: `make bench-viral` installs it", file=sys.stderr)
        return 2
    if not (args.nginx_dir / "comments.conf.template").exists():
        print(f"{args.nginx_dir}/comments.conf.template is missing (the shipped front proxy)", file=sys.stderr)
        return 2
    nginx_binary()
    seconds = args.seconds or (15 if args.quick else 60)
    conns, threads = args.connections, args.wrk_threads
    settings = ["--workers", "2", "--worker-class", "sync", "--threads", "1"]
    settings += ["--timeout", "60", "--graceful-timeout", "5", "--keep-alive", "5"]
    results: list[str] = []
    notes: list[str] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-viral-")))
        url = stack.enter_context(run.database("postgresql", workdir))
        # Readers' addresses: wrk sends X-Forwarded-For with one of 250 addresses, nginx
        # appends 127.0.0.1, and the service trusts two hops, so that submissions come from
        # many clients as in a real story (from one address the duplicate check and the
        # per-client limits would measure something else).
        env = run.service_env(url, {"COMMENTS_REDIS_URL": REDIS, "COMMENTS_TRUSTED_PROXIES": "2"})
        log(f"postgresql: filling {SIZE.label}")
        notes.append(f"demo-data ({SIZE.label}, {SIZE.articles} articles) took {run.fill(env, SIZE):.0f} s")
        replicas = [stack.enter_context(run.gunicorn("wsgi:app", env, settings, ROOT)) for _ in range(2)]
        ceiling = stack.enter_context(run.gunicorn("ceiling:app", env, settings, BENCH))
        article, _ = run.pick_articles(replicas[0], SIZE)
        ids = viral_pending(replicas[0], article, workdir)
        upstreams = [b.removeprefix("http://") for b in replicas]
        thread_path = f"/api/v1/articles/{article}/comments"
        _, headers, _ = fetch(replicas[0], thread_path)
        get_lua = run.script("get", {"AUTH": ""}, workdir)

        def load(base: str, path: str, lua: Path, length: float) -> Result:
            return run.wrk(base + path, lua, length, conns, threads)

        def mix_lua(nonce: str) -> Path:
            values = {"ARTICLE": article, "AUTH": AUTH, "THREADS": str(threads), "IDS_FILE": str(ids)}
            values |= {"ETAG": headers["ETag"], "NONCE": nonce}
            return run.script("viral", values, workdir)

        load(ceiling, "/", get_lua, 2)  # warm-up
        bare = load(ceiling, "/", get_lua, min(seconds, 15))
        results.append(row("bare Flask app (ceiling), one gunicorn, direct", bare, "1"))
        for cache in (True, False):
            prefix = workdir / f"nginx-{'cache' if cache else 'nocache'}"
            with nginx(args.nginx_dir, prefix, upstreams, cache) as proxy:
                label = "through the proxy" if cache else "proxy, cache off"
                load(proxy, thread_path, get_lua, 2)  # warm-up
                page = load(proxy, thread_path, get_lua, min(seconds, 15))
                ratio = page.requests_per_s / bare.requests_per_s
                verdict = ""
                if cache:
                    ok = ratio >= 3 and page.p99_ms < 50 and page.errors == 0
                    verdict = f" (target ≥ 3x, p99 < 50 ms: {'✓' if ok else '✗'})"
                results.append(row(f"thread page only, {label}", page, f"{ratio:.2f}x the bare app{verdict}"))
                mixed = load(proxy, "/", mix_lua(f"{'c' if cache else 'n'}{time.time_ns()}"), seconds)
                results.append(
                    row(
                        f"viral mix, {label}",
                        mixed,
                        f"{mixed.answered_304:,} answered 304; target 0 errors " + ("✓" if mixed.errors == 0 else "✗"),
                    )
                )
        memory = []
        for base in replicas:
            master = run.MASTERS[base]
            for worker in sorted(children(master)):
                rss, pss = memory_kib(worker)
                memory.append(f"| {base.rsplit(':', 1)[1]} | {worker} | {rss / 1024:.1f} | {pss / 1024:.1f} |")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python bench/viral.py " + " ".join(sys.argv[1:])
    report = "\n".join(
        [
            "## A viral story",
            "",
            f"Command: `{command.strip()}` on {stamp}; {run.machine()}; load average before: "
            f"{' '.join(f'{x:.1f}' for x in LOAD_BEFORE)}.",
            f"PostgreSQL and Redis (the shared response cache) on 127.0.0.1; two gunicorn instances of "
            f"`{' '.join(settings)}` behind Debian's nginx with deploy/nginx/ (access log off); wrk `-t {threads} "
            f"-c {conns}`, {seconds:g} s per mix, 15 s at most for the single-endpoint rows. Mix: 40 % thread "
            f"page, 25 % counts, 30 % conditional GET with the last ETag seen, 4 % submissions, 1 % approvals "
            f"of the article's pending comments. Rate limits off; readers from 250 addresses "
            f"(X-Forwarded-For, two trusted hops).",
            "",
            "| run | req/s | p50 / p99 ms | errors | notes |",
            "|---|---|---|---|---|",
            *results,
            "",
            "Memory of each gunicorn worker after the runs (from /proc/PID/smaps_rollup):",
            "",
            "| instance port | worker pid | RSS MiB | PSS MiB |",
            "|---|---|---|---|",
            *memory,
            "",
            *(f"- {n}" for n in [f"article: {article}", *notes]),
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n")
    print(report)
    return 0


LOAD_BEFORE = os.getloadavg()

if __name__ == "__main__":
    sys.exit(main())
