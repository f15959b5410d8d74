"""Times migration 0009 (after 0008: reactions, reply counts, editors' picks, the order indexes) on
PostgreSQL with 1,000,000 comments: 800,000 top-level over 1,000 articles (one in ten
pending) and 200,000 approved replies, made with generate_series (demo-data takes far longer
for a million on a shared machine). Prints the upgrade and downgrade times (``flask db``,
start-up included), that every index is valid, and the plans of two keyset reads.

    .venv/bin/python bench/migration_0009.py [--comments 1000000]

The database is a fresh one on the test server (``COMMENTS_TEST_POSTGRES`` or
127.0.0.1:5432) and is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
SERVER = os.environ.get("COMMENTS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

FILL_TOP = """
INSERT INTO entry (kind, article_id, status, author, body_source, body_html, client_hash,
                   created_at, updated_at)
SELECT 'comment', 'art-' || (g % 1000), CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'approved' END,
       'Reader ' || (g % 997), repeat('word ', 20), '<p>' || repeat('word ', 20) || '</p>',
       md5((g % 5000)::text), now() - make_interval(secs => g), now() - make_interval(secs => g)
FROM generate_series(1, {top}) AS g
"""
FILL_REPLIES = """
INSERT INTO entry (kind, article_id, status, parent_id, root_id, author, body_source, body_html,
                   client_hash, created_at, updated_at)
SELECT 'comment', e.article_id, 'approved', e.id, e.id, 'Replier', 'a reply', '<p>a reply</p>',
       md5((e.id % 5000)::text), e.created_at + interval '1 minute', e.created_at + interval '1 minute'
FROM entry e WHERE e.parent_id IS NULL AND e.id % 4 = 0 LIMIT {replies}
"""


def flask_db(url: str, *args: str) -> float:
    env = {**os.environ, "COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": "bench"}
    started = time.monotonic()
    subprocess.run([str(FLASK), "--app", "wsgi", "db", *args], cwd=ROOT, env=env, check=True, timeout=3600)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=1_000_000)
    args = parser.parse_args()
    name = f"migrate0009_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        flask_db(url, "upgrade", "0008")
        top = args.comments * 4 // 5
        started = time.monotonic()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FILL_TOP.format(top=int(top)).encode())
            conn.execute(FILL_REPLIES.format(replies=int(args.comments - top)).encode())
            conn.execute("VACUUM ANALYZE entry")
            rows = conn.execute(
                "SELECT count(*), pg_size_pretty(pg_total_relation_size('entry')) FROM entry"
            ).fetchone()
        print(f"filled {rows[0]:,} entries ({rows[1]}) in {time.monotonic() - started:.0f} s", flush=True)
        print(f"load average before: {os.getloadavg()}", flush=True)
        up = flask_db(url, "upgrade", "0009")
        with psycopg.connect(url, autocommit=True) as conn:
            invalid = conn.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()[0]
            counted = conn.execute("SELECT count(*), sum(reply_count) FROM entry WHERE reply_count > 0").fetchone()
            plans = []
            for order in ("reactions", "reply_count"):
                plan = conn.execute(
                    "EXPLAIN SELECT id FROM entry WHERE site_id = 'default' AND article_id = 'art-7' "
                    f"AND kind = 'comment' "
                    f"AND status = 'approved' AND parent_id IS NULL AND ({order}, id) < (3, 500000) "
                    f"ORDER BY {order} DESC, id DESC LIMIT 51"
                ).fetchall()
                plans.append("\n".join(r[0] for r in plan))
        print(
            f"upgrade 0008 -> 0009: {up:.1f} s; invalid indexes: {invalid}; "
            f"comments with replies: {counted[0]:,} ({counted[1]:,} replies)",
            flush=True,
        )
        for plan in plans:
            print(plan, flush=True)
        down = flask_db(url, "downgrade", "0008")
        print(f"downgrade 0009 -> 0008: {down:.1f} s", flush=True)
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
