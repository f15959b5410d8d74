"""Toxicity: how likely a text is abusive, from 0 to 1, computed here so that no reader's
text leaves the service.

The model is alt-profanity-check's: a TF-IDF vectorizer and five linear SVMs, each with a
sigmoid calibration, trained on labelled English comments. Its own ``predict_prob`` takes
some 7 ms a call through scikit-learn; the model is linear, so ``Scorer`` applies the same
numbers directly (tokens, counts, one dictionary lookup per token, five dot products) and
gives the same probability, to rounding, in a few microseconds.

Reading the model needs scikit-learn, whose import costs seconds and tens of megabytes in
every worker. So ``load`` exports the model once, in a child process, to a small JSON file
(``toxicity-model-<hash>.json`` in the given folder, the hash naming the package's model
files) and each worker reads only that file. ``python -m service.domain.toxicity`` prints
the export.

Only English text is scored: ``Scorer.score`` is ``None`` ("unknown", never 0) for text the
model cannot read, judged by a cheap test of the words (see ``Scorer.readable``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

PACKAGE = "profanity_check"  # the import name of alt-profanity-check
FORMAT = 1
_MODEL_FILES = ("vectorizer.joblib", "model.joblib")

# Frequent words of English that are not also frequent words of the languages below.
_ENGLISH = frozenset(
    "the and you your yours are were this that these those with have has had not but for they their them "
    "what which would should could been there about just like from than then when who why how its it "
    "to of be we he she my if at by all can does did get got people because only out up some any more "
    "very don doesn isn aren wasn didn won shouldn wouldn our us his her him been being into over too".split()
)
# Frequent words of German, French, Spanish, Italian, Portuguese, Dutch and Turkish that are
# rare in English (``_readable`` looks a word up in ``_ENGLISH`` first).
_FOREIGN = frozenset(
    # German
    "der das und ist nicht ein eine einen einem eines ich du sie wir ihr sind bist auf für von zu auch sich "
    "sehr aber oder wie noch nur schon wenn dass doch mal habe haben wird werden kein keine nach bei aus "
    "diese dieser dieses jetzt hier wer warum weil "
    # French
    "le la les une des du et est sont pas je tu il nous vous ils elle elles que qui dans pour sur avec ce "
    "cette mais ou très tout tous aussi être avoir fait un quoi comme leur plus sans "
    # Spanish
    "el los las es que por para con una del al lo como pero más muy eres soy estoy está esta este esto "
    "yo tú usted ellos sus hay gracias también porque cuando donde eso "
    # Italian
    "il gli della che non sono è sei di questo questa molto anche ma nel alla perché cosa sempre "
    # Portuguese
    "os do da dos das um uma não são você eu ele ela muito mas isso também obrigado "
    # Dutch
    "het een van niet ik je jij wij zij maar ook met voor zijn worden heeft hebben dit deze naar "
    # Turkish
    "bir ve bu da de çok için ile ama ben sen ne gibi daha değil var yok mı mi mu mü şey".split()
)
READABLE_SHARE = 0.5  # of a text's words: known to the model, or English function words


class UnsupportedModel(RuntimeError):
    """The installed model is built in a way this module does not reproduce."""


@dataclass(frozen=True)
class Scorer:
    """The model as numbers. ``terms`` maps each vocabulary term to its inverse document
    frequency followed by, for each of the calibrated classifiers, the term's weight times
    that idf; ``intercepts`` and ``calibration`` (``a``, ``b``) hold one item per classifier."""

    terms: Mapping[str, tuple[float, ...]]
    intercepts: tuple[float, ...]
    calibration: tuple[tuple[float, float], ...]
    stop_words: frozenset[str]
    token_pattern: re.Pattern[str]
    _known: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Words the language test counts as readable: the model's, and English function words.
        object.__setattr__(self, "_known", frozenset(self.terms.keys() | self.stop_words | _ENGLISH))

    def counts(self, text: str) -> Counter[str]:
        """The vectorizer's analysis, counted: lower case, then every run of two or more word
        characters. Stop words never reach the vocabulary, so looking terms up drops them."""
        return Counter(self.token_pattern.findall(text.lower()))

    def probability(self, text: str) -> float:
        """The model's probability that ``text`` is offensive: ``predict_prob([text])[0]``."""
        return self._probability(self.counts(text))

    def _probability(self, counts: Counter[str]) -> float:
        # Each term's row, times its count: idf then each classifier's weight times idf. The
        # sums of the columns are the TF-IDF vector's norm and the classifiers' dot products.
        rows = [
            row if (count := counts[term]) == 1 else tuple([count * x for x in row])
            for term in counts.keys() & self.terms.keys()
            for row in (self.terms[term],)
        ]
        columns = list(zip(*rows, strict=True)) or [(0.0,)] * (len(self.intercepts) + 1)
        norm = math.hypot(*columns[0]) or 1.0  # an empty vector stays zero, as in sklearn
        total = 0.0
        for column, intercept, (a, b) in zip(columns[1:], self.intercepts, self.calibration, strict=True):
            decision = sum(column) / norm + intercept
            total += _expit(-(a * decision + b))
        return total / len(self.intercepts)

    def readable(self, text: str) -> bool:
        return self._readable(self.counts(text))

    def _readable(self, counts: Counter[str]) -> bool:
        """Whether the text looks like English the model can read: words of other languages
        at most half as many as English function words, and at least half of its words known
        to the model (vocabulary or stop words) or English function words."""
        words = sum(count for word, count in counts.items() if word.isalpha())
        if not words:
            return False
        # frozenset.intersection walks the few words of the text, not the big set
        english = sum(map(counts.__getitem__, _ENGLISH.intersection(counts)))
        foreign = sum(map(counts.__getitem__, _FOREIGN.intersection(counts)))
        known = sum(counts[word] for word in self._known.intersection(counts) if word.isalpha())
        return 2 * foreign <= english and known >= READABLE_SHARE * words

    def score(self, text: str) -> float | None:
        """The probability that ``text`` is toxic, or ``None`` when the model cannot read it
        (not English, or no words at all): unknown, never 0."""
        counts = self.counts(text)
        if not self._readable(counts):
            return None
        return self._probability(counts)

    # The export: plain JSON numbers (repr round-trips every float exactly).

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "token_pattern": self.token_pattern.pattern,
            "stop_words": sorted(self.stop_words),
            "intercepts": list(self.intercepts),
            "calibration": [list(ab) for ab in self.calibration],
            "terms": {term: list(row) for term, row in self.terms.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scorer:
        if data.get("format") != FORMAT:
            raise UnsupportedModel(f"toxicity model export format {data.get('format')!r}, expected {FORMAT}")
        return cls(
            terms={str(term): tuple(float(x) for x in row) for term, row in data["terms"].items()},
            intercepts=tuple(float(x) for x in data["intercepts"]),
            calibration=tuple((float(a), float(b)) for a, b in data["calibration"]),
            stop_words=frozenset(data["stop_words"]),
            token_pattern=re.compile(data["token_pattern"]),
        )


@dataclass(frozen=True)
class Agreement:
    """How a threshold on the score agrees with people's labels (or moderators' decisions):
    held and toxic, held but fine, missed."""

    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        held = self.true_positives + self.false_positives
        return self.true_positives / held if held else None

    @property
    def recall(self) -> float | None:
        toxic = self.true_positives + self.false_negatives
        return self.true_positives / toxic if toxic else None


def agreement(scored: Iterable[tuple[float, bool]], threshold: float) -> Agreement:
    """``scored``: (score, toxic) pairs; a score at or over ``threshold`` counts as held."""
    tp = fp = fn = 0
    for score, toxic in scored:
        held = score >= threshold
        tp += held and toxic
        fp += held and not toxic
        fn += toxic and not held
    return Agreement(threshold, tp, fp, fn)


def balanced(scored: Iterable[tuple[float, bool]]) -> Agreement | None:
    """The threshold where precision and recall are closest (the break-even point), of the
    scores themselves; ``None`` without a toxic example."""
    pairs = sorted(scored, key=lambda pair: -pair[0])
    toxic = sum(t for _, t in pairs)
    if not toxic:
        return None
    best: Agreement | None = None
    tp = fp = 0
    for i, (score, is_toxic) in enumerate(pairs):
        tp += is_toxic
        fp += not is_toxic
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue  # a threshold holds every entry with its score
        found = Agreement(score, tp, fp, toxic - tp)
        gap = abs(tp / (tp + fp) - tp / toxic)
        if best is None or gap < abs((best.precision or 0) - (best.recall or 0)):
            best = found
    return best


def _expit(x: float) -> float:
    """The logistic function, without overflow for large ``|x|``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def export() -> Scorer:
    """The installed model, read with scikit-learn (imported here only), checked to be built
    the way ``Scorer`` computes it."""
    import joblib  # type: ignore[import-untyped]  # noqa: PLC0415  (heavy: only when exporting)

    folder = _package_folder()
    vectorizer = joblib.load(folder / "vectorizer.joblib")
    model = joblib.load(folder / "model.joblib")
    params = vectorizer.get_params()
    expected = {
        "analyzer": "word",
        "binary": False,
        "input": "content",
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "preprocessor": None,
        "strip_accents": None,
        "sublinear_tf": False,
        "tokenizer": None,
        "use_idf": True,
    }
    wrong = {k: params.get(k) for k, v in expected.items() if params.get(k) != v}
    if wrong or type(model).__name__ != "CalibratedClassifierCV" or list(model.classes_) != [0, 1]:
        raise UnsupportedModel(f"the installed toxicity model differs from what this code reproduces: {wrong}")
    folds = model.calibrated_classifiers_
    if any(f.method != "sigmoid" or len(f.calibrators) != 1 or f.estimator.coef_.shape[0] != 1 for f in folds):
        raise UnsupportedModel("the installed toxicity model is not a binary sigmoid-calibrated linear model")
    idf = vectorizer.idf_
    terms = {
        str(term): (float(idf[i]), *(float(f.estimator.coef_[0, i] * idf[i]) for f in folds))
        for term, i in vectorizer.vocabulary_.items()
    }
    return Scorer(
        terms=terms,
        intercepts=tuple(float(f.estimator.intercept_[0]) for f in folds),
        calibration=tuple((float(f.calibrators[0].a_), float(f.calibrators[0].b_)) for f in folds),
        stop_words=frozenset(vectorizer.get_stop_words() or ()),
        token_pattern=re.compile(params["token_pattern"]),
    )


def _package_folder() -> Path:
    """The model files' folder, found without importing the package (its import loads the
    model with scikit-learn)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UnsupportedModel("alt-profanity-check is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def model_hash() -> str:
    """A short hash of the installed model files: the name of its export."""
    digest = hashlib.sha256()
    for name in _MODEL_FILES:
        digest.update((_package_folder() / name).read_bytes())
    return digest.hexdigest()[:16]


def load(cache_dir: Path | None) -> Scorer:
    """The scorer, from the export cached in ``cache_dir``; made in a child process (so that
    scikit-learn never enters this one) and cached there when missing. A folder that cannot
    be written costs the export at every start, nothing more."""
    path = cache_dir / f"toxicity-model-{model_hash()}.json" if cache_dir else None
    if path is not None and path.exists():
        return Scorer.from_json(json.loads(path.read_text(encoding="utf-8")))
    done = subprocess.run(
        [sys.executable, "-m", __name__],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode:
        raise UnsupportedModel(f"exporting the toxicity model failed: {done.stderr.strip()[-500:]}")
    scorer = Scorer.from_json(json.loads(done.stdout))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".toxicity-model-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(done.stdout)
            os.replace(tmp, path)  # atomic: workers starting together all read a whole file
        except OSError:
            pass
    return scorer


@functools.lru_cache(maxsize=4)
def shared(cache_dir: Path | None) -> Scorer:
    """``load``, once per process and folder: every app a process makes (tests make many)
    shares one scorer, which is immutable."""
    return load(cache_dir)


if __name__ == "__main__":
    json.dump(export().to_json(), sys.stdout)
