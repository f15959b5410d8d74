"""How well the toxicity score agrees with people: precision and recall over a labelled
sample of real comments (tests/data/toxicity/, source and licence in SOURCE.md there), at
a few thresholds and at the threshold that balances them.

    make eval-toxicity
    .venv/bin/python bench/eval_toxicity.py [--data FILE.csv] [--cache DIR]

The CSV needs a ``comment`` column and a ``toxic`` column (True/False). Comments the model
cannot read (not English) get no score and are counted apart, never as 0.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.domain import toxicity  # noqa: E402  (after the path above)

DATA = ROOT / "tests" / "data" / "toxicity" / "wikipedia_talk_toxicity.csv"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def read(path: Path) -> list[tuple[str, bool]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [(row["comment"], row["toxic"].strip().lower() in ("true", "1")) for row in csv.DictReader(f)]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=ROOT / "instance", help="where the model export is kept")
    args = parser.parse_args()

    scorer = toxicity.load(args.cache)
    rows = read(args.data)
    scored = [(score, toxic) for text, toxic in rows if (score := scorer.score(text)) is not None]
    unknown = len(rows) - len(scored)
    toxic = sum(t for _, t in scored)
    print(f"{args.data.name}: {len(rows)} comments, {toxic} of the {len(scored)} scored labelled toxic")
    print(f"not scored (not read as English): {unknown}")
    print()
    print("| threshold | held | precision | recall |")
    print("| ---: | ---: | ---: | ---: |")
    for threshold in THRESHOLDS:
        a = toxicity.agreement(scored, threshold)
        held = a.true_positives + a.false_positives
        print(f"| {threshold:.2f} | {held} | {_pct(a.precision)} | {_pct(a.recall)} |")
    best = toxicity.balanced(scored)
    if best is not None:
        print()
        print(
            f"balanced at threshold {best.threshold:.3f}: precision {_pct(best.precision)}, recall {_pct(best.recall)}"
        )


if __name__ == "__main__":
    main()
