"""What the toxicity score costs: per entry, and per worker (start-up time and memory), next
to alt-profanity-check's own ``predict_prob`` through scikit-learn.

    .venv/bin/python bench/toxicity_cost.py [--cache DIR]

Each worker figure comes from a fresh child process that has imported the service (as a
worker has), so the numbers are what the score adds. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_toxicity import DATA  # noqa: E402
from bench.eval_toxicity import read  # noqa: E402

# Run in a child: RSS after importing the service, then after loading the scorer one way.
CHILD = """
import json, sys, time
def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
import service  # what every worker has already
before, start = rss(), time.perf_counter()
if sys.argv[1] == "scorer":
    from pathlib import Path
    from service.domain import toxicity
    toxicity.load(Path(sys.argv[2])).score("warm up")
else:
    from profanity_check import predict_prob
    predict_prob(["warm up"])
print(json.dumps({"seconds": time.perf_counter() - start, "mb": rss() - before}))
"""


def worker_cost(kind: str, cache: Path, rounds: int) -> tuple[float, float]:
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(cache)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        runs.append(json.loads(out.stdout))
    return statistics.median(r["seconds"] for r in runs), statistics.median(r["mb"] for r in runs)


def per_entry(score: object, texts: list[str], seconds: float) -> float:
    """Microseconds of CPU per text (process time: fair on a busy machine), the median of
    rounds through all of ``texts``."""
    rounds = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rounds) < 3:
        start = time.process_time()
        for text in texts:
            score(text)  # type: ignore[operator]
        rounds.append((time.process_time() - start) / len(texts) * 1e6)
        if len(rounds) >= 50:
            break
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=ROOT / "instance")
    parser.add_argument("--rounds", type=int, default=3, help="child processes per worker figure")
    args = parser.parse_args()

    from profanity_check import predict_prob  # type: ignore[import-untyped]

    from service.domain import toxicity

    scorer = toxicity.load(args.cache)
    texts = [text for text, _ in read(DATA)]
    chars = statistics.median(len(t) for t in texts)
    ours = per_entry(scorer.score, texts, 5.0)
    theirs = per_entry(lambda t: predict_prob([t]), texts[:200], 5.0)
    scorer_s, scorer_mb = worker_cost("scorer", args.cache, args.rounds)
    sklearn_s, sklearn_mb = worker_cost("sklearn", args.cache, args.rounds)

    print(f"{len(texts)} real comments, median {chars:.0f} characters")
    print()
    print("| | per entry | worker start-up | worker memory (RSS) |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| `Scorer.score` (language and score) | {ours:.1f} µs | {scorer_s * 1000:.0f} ms | +{scorer_mb:.1f} MB |")
    print(f"| `predict_prob([text])` | {theirs:.0f} µs | {sklearn_s * 1000:.0f} ms | +{sklearn_mb:.1f} MB |")
    print()
    print(f"per entry: {theirs / ours:.0f}x faster than predict_prob")


if __name__ == "__main__":
    main()
