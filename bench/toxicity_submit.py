"""What scoring costs a submission (issue 19: the `make bench` submission figure must drop by
less than 10 %): CPU per POST of a comment, in-process as in bench/cpu_profile.py, with the
toxicity score on and off, alternating rounds so that a busy machine hurts both alike.

    .venv/bin/python bench/toxicity_submit.py [-n 300] [--rounds 4]

The texts are real comments of the labelled sample (tests/data/toxicity/), so their
lengths are a news site's, not a one-liner's. "Off" is the same app with no scorer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402
from cpu_profile import SIZE  # noqa: E402
from cpu_profile import Driver  # noqa: E402
from cpu_profile import cpu_per_call  # noqa: E402
from cpu_profile import inprocess_app  # noqa: E402
from eval_toxicity import DATA  # noqa: E402
from eval_toxicity import read  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="submissions per batch (best of 3 batches a round)")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    texts = [text[:2000] for text, _ in read(DATA)] or ["A thoughtful comment."]
    with inprocess_app("bench-toxicity-") as app:
        scoring = app.extensions["toxicity"]
        scoring()  # loaded before timing, as gunicorn does before the first request
        driver = Driver(app)
        articles = [f"demo-{i}" for i in range(1, SIZE.articles + 1)]

        def submit(i: int) -> dict[str, Any]:
            body = {"author": f"Reader {i}", "body": f"{texts[i % len(texts)]} {i}-{time.time_ns()}"}
            addr = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            return driver.environ("POST", f"/api/v1/articles/{articles[i % len(articles)]}/comments", body, addr=addr)

        results: dict[str, list[float]] = {"on": [], "off": []}
        i = 0
        for _ in range(args.rounds):
            for mode in ("off", "on"):
                app.extensions["toxicity"] = scoring if mode == "on" else (lambda: types.SimpleNamespace(score=None))
                us, i = cpu_per_call(submit, driver, args.n, i)
                results[mode].append(us)
                run.log(f"{mode}: {us:,.0f} µs CPU per submission")
    off, on = statistics.median(results["off"]), statistics.median(results["on"])
    print(f"{run.machine()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"submission CPU, median of {args.rounds} rounds (best of 3 batches of {args.n}):")
    print(f"  scoring off: {off:,.0f} µs, on: {on:,.0f} µs, +{on - off:,.0f} µs ({(on / off - 1) * 100:+.1f} %)")
    rate_off, rate_on = 1e6 / off, 1e6 / on
    change = (rate_on / rate_off - 1) * 100
    print(f"  submissions per second per core: {rate_off:,.0f} -> {rate_on:,.0f} ({change:+.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
