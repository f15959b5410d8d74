"""Auto-moderation: an ordered rule set that decides, at submission, whether an entry is
published, held for a moderator or marked as spam. The first rule that decides wins; the
decision and its rule go to the audit log, and a moderator can always reverse it.

Order: honeypot, banned words and a very high toxicity score (spam or rejected, when set)
> a banned author (held silently, when the site holds rather than refuses) > an author a
moderator marked "always hold" (hold) > trusted author (publish) > suspect words, a high
toxicity score, too many links, shouting (hold) > the moderation mode (``pre``: hold, ``post``: publish).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from dataclasses import field

from .moderation import Status
from .wordlists import WordList

_LINK = re.compile(r"<a\s", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")


class Mode(enum.StrEnum):
    PRE = "pre"
    POST = "post"


@dataclass(frozen=True)
class Policy:
    mode: Mode = Mode.PRE
    banned: WordList = field(default_factory=lambda: WordList.of(()))
    suspect: WordList = field(default_factory=lambda: WordList.of(()))
    max_links: int = 2
    shouting_min_letters: int = 20
    shouting_ratio: float = 0.7
    trusted_after: int = 0  # approved entries that make an author trusted; 0: off
    toxicity_hold: float | None = 0.8  # a toxicity score at or over this holds; None: off
    toxicity_refuse: float | None = None  # at or over this: ``toxicity_refuse_status``
    toxicity_refuse_status: Status = Status.SPAM


@dataclass(frozen=True)
class Submission:
    """What the rules look at: the sanitized HTML, the plain texts and the author's record."""

    author: str
    body_source: str
    body_html: str
    title: str | None = None
    honeypot: str | None = None
    approved_before: int = 0
    refused_before: int = 0
    toxicity: float | None = None  # see domain/toxicity.py; None: not scored or not English
    banned: bool = False  # a ban is in force on the author (and the site holds such entries)
    always_hold: bool = False  # a moderator marked the author "always hold"


@dataclass(frozen=True)
class Verdict:
    status: Status
    rule: str
    detail: str


def _shouting(text: str, policy: Policy) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < policy.shouting_min_letters:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= policy.shouting_ratio


def _at_or_over(score: float | None, threshold: float | None) -> str | None:
    """``"toxicity 0.93 >= 0.8"`` when ``score`` reaches ``threshold``; the score shown is
    never rounded below the threshold."""
    if score is None or threshold is None or score < threshold:
        return None
    shown = f"{score:.2f}"
    if float(shown) < threshold:
        shown = repr(score)
    return f"toxicity {shown} >= {threshold:g}"


def decide(s: Submission, policy: Policy) -> Verdict:
    text = " ".join(filter(None, (s.author, s.title, s.body_source)))
    if s.honeypot:
        return Verdict(Status.SPAM, "honeypot", "The hidden form field was filled in.")
    if word := policy.banned.find(text):
        return Verdict(Status.SPAM, "banned-words", f"Contains the banned word {word!r}.")
    if detail := _at_or_over(s.toxicity, policy.toxicity_refuse):
        return Verdict(policy.toxicity_refuse_status, "toxicity-refuse", detail)
    if s.banned:
        return Verdict(Status.PENDING, "banned", "The author is banned; held for a moderator.")
    if s.always_hold:
        return Verdict(Status.PENDING, "always-hold", "A moderator holds every entry of this author.")
    if policy.trusted_after and s.approved_before >= policy.trusted_after and not s.refused_before:
        return Verdict(Status.APPROVED, "trusted-author", f"{s.approved_before} published entries, none refused.")
    if word := policy.suspect.find(text):
        return Verdict(Status.PENDING, "suspect-words", f"Contains {word!r}.")
    if detail := _at_or_over(s.toxicity, policy.toxicity_hold):
        return Verdict(Status.PENDING, "toxicity", detail)
    links = len(_LINK.findall(s.body_html))
    if links > policy.max_links:
        return Verdict(Status.PENDING, "links", f"{links} links (more than {policy.max_links}).")
    if _shouting(_TAGS.sub("", s.body_html) + " " + (s.title or ""), policy):
        return Verdict(Status.PENDING, "shouting", "Written mostly in capitals.")
    if policy.mode == Mode.POST:
        return Verdict(Status.APPROVED, "post-moderation", "Published at once (post-moderation).")
    return Verdict(Status.PENDING, "pre-moderation", "Waits for a moderator (pre-moderation).")


# Verdicts that no rule reached: the moderation mode's, and a trusted author's.
DEFAULT_RULES = frozenset({"pre-moderation", "post-moderation", "trusted-author"})


def hits_a_rule(verdict: Verdict) -> bool:
    """Whether a rule objected to the text (what sends an edited, published entry back to
    the queue)."""
    return verdict.rule not in DEFAULT_RULES
