"""Word matching that people cannot dodge with case, accents, look-alike letters,
leetspeak, invisible characters, stretched letters or spelled-out words.

Text is folded once (``fold``) and cut into tokens; a list matches a token, a run of
single letters (``f.u.c.k``) or a phrase of up to four tokens by set lookup, so the cost
grows with the text, not with the list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .sanitizing import INVISIBLE

# Look-alike letters of other scripts, mapped to the Latin letter they imitate.
_CONFUSABLES = str.maketrans(
    "аеорсуххіјѕԁɡһкмтвнαβεικνορτυχ",
    "aeopcyxxijsdghkmtbhabeiknoptux",
)
_LEET = str.maketrans(
    {
        "4": "a",
        "@": "a",
        "8": "b",
        "3": "e",
        "6": "g",
        "9": "g",
        "0": "o",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
        "2": "z",
    }
)
# The invisible characters of names (``sanitizing.INVISIBLE``), and inside a word also the
# combining grapheme joiner, Khmer inherent vowels, Mongolian and Unicode variation selectors.
_INVISIBLE = re.compile(f"[{INVISIBLE}\u034f\u17b4\u17b5\u180b-\u180d\u2065\ufe00-\ufe0f]")
_TOKEN = re.compile(r"[a-z0-9@$+!|]+")
_RUN = re.compile(r"(.)\1{2,}")
# Digits that end a word are a number (N19, mp3, covid19, Windows 10), not letters: read as
# leetspeak, the postcode "n19" was "nig". Digits followed by a letter still are (sh1t, a55hole).
_NUMBER_AT_END = re.compile(r"[0-9]+$")
MAX_PHRASE = 4
MAX_SPELLED = 24


@lru_cache(maxsize=1)
def _unicode_confusables() -> dict[int, str]:
    """Unicode's confusables (UTS #39, as the confusable-homoglyphs package ships them):
    each character that looks like one Latin letter, mapped to it (``Ꭺ``, ``ꓮ``, ``ɑ``,
    ``ı``, capital ``М``). Loaded on the first text that is not ASCII."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[int, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        latin = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalpha()]
        if latin:
            table[ord(char)] = latin[0]
    return table


def fold(text: str) -> str:
    """Case-folded, accent-free, Latin look-alikes, no invisible characters. Compatibility
    forms first (``𝐀`` is ``A``), then Unicode's confusables on the letters as written
    (capital ``М`` looks like ``M``, small ``м`` does not), then case, then our own table of
    the small letters that pass for Latin ones in leetspeak (``м``, ``т``, ``в``)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKD", text.translate(_unicode_confusables()).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_CONFUSABLES)


@lru_cache(maxsize=8192)
def _variants(token: str) -> frozenset[str]:
    """A token as a reader may have meant it: leetspeak read as letters (``1`` and ``|``
    as i or l, ``!`` as i), and stretched letters squeezed."""
    token = token.strip("!|+") or token  # "now!" is a word and an exclamation mark
    number = _NUMBER_AT_END.search(token)
    word, tail = (token[: number.start()], number.group()) if number else (token, "")
    base = word.translate(_LEET)
    forms = {
        base.replace("1", "i").replace("|", "i").replace("!", "i") + tail,
        base.replace("1", "l").replace("|", "l").replace("!", "i") + tail,
    }
    forms |= {_RUN.sub(r"\1", f) for f in forms if _RUN.search(f)}
    forms |= {_RUN.sub(r"\1\1", f) for f in forms if _RUN.search(f)}
    return frozenset(forms)


def tokens(text: str) -> list[str]:
    """The words of ``text``; letters spelled out one by one (``f u c k``, ``f.u.c.k``)
    come back as every word of three or more letters they can spell in a row."""
    raw = _TOKEN.findall(fold(text))
    words: list[str] = []
    run: list[str] = []
    for token in raw + [""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) >= 3:
            spelled = "".join(run[:MAX_SPELLED])
            words.extend(spelled[i:j] for i in range(len(spelled)) for j in range(len(spelled), i + 2, -1))
        else:
            words.extend(run)
        run = []
        if token:
            words.append(token)
    return words


@dataclass(frozen=True)
class WordList:
    """Words and phrases; an entry ending in ``*`` matches every word it begins."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    heads: frozenset[str]  # first words of the phrases

    @classmethod
    def of(cls, entries: Iterable[str]) -> WordList:
        words, prefixes = set(), set()
        for entry in entries:
            folded = " ".join(_TOKEN.findall(fold(entry.strip())))
            if not folded:
                continue
            if entry.strip().endswith("*"):
                prefixes.add(folded)
            else:
                words.add(folded)
        heads = frozenset(w.split(" ")[0] for w in words if " " in w)
        return cls(frozenset(words), tuple(sorted(prefixes)), heads)

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes)

    def find(self, text: str) -> str | None:
        """The first listed word or phrase in ``text``, as listed; ``None`` if none."""
        if not self:
            return None
        toks = [_variants(t) for t in tokens(text)]
        for i in range(len(toks)):
            for form in toks[i]:
                if form in self.words or (self.prefixes and form.startswith(self.prefixes)):
                    return form
            if self.heads.isdisjoint(toks[i]):
                continue
            for n in range(2, MAX_PHRASE + 1):
                if i + n > len(toks):
                    break
                for phrase in _phrases(toks[i : i + n]):
                    if phrase in self.words:
                        return phrase
        return None


def _phrases(parts: list[frozenset[str]]) -> set[str]:
    phrases = {""}
    for forms in parts:
        phrases = {f"{p} {f}".strip() for p in phrases for f in forms}
        if len(phrases) > 64:
            break
    return phrases


def default_suspect_words() -> WordList:
    """The profanity list of the better-profanity package: a curated list we hold for a
    moderator rather than refuse."""
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text(encoding="utf-8")
    return WordList.of(text.splitlines())


def configured(entries: Iterable[str]) -> WordList:
    """A configured list (``COMMENTS_*_WORDS``, split at commas, or a site's setting): words
    and phrases; ``default`` adds the built-in suspect list, ``none`` is the empty list; a
    trailing ``*`` matches every word it begins."""
    entries = [e.strip() for e in entries if e.strip()]
    words = WordList.of(e for e in entries if e.lower() not in ("default", "none"))
    if any(e.lower() == "default" for e in entries):
        builtin = default_suspect_words()
        words = WordList(words.words | builtin.words, words.prefixes + builtin.prefixes, words.heads | builtin.heads)
    return words
