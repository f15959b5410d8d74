from dataclasses import replace

import pytest

from service.domain.automod import Mode
from service.domain.automod import Policy
from service.domain.automod import Submission
from service.domain.automod import decide
from service.domain.moderation import Status
from service.domain.sanitizing import to_safe_html
from service.domain.wordlists import WordList

POLICY = Policy(
    mode=Mode.POST, banned=WordList.of(["viagra"]), suspect=WordList.of(["idiot"]), max_links=2, trusted_after=3
)


def submission(body: str = "A calm and reasonable comment.", **kwargs: object) -> Submission:
    return Submission(author="Ann", body_source=body, body_html=to_safe_html(body), **kwargs)  # type: ignore[arg-type]


def test_post_mode_publishes_an_ordinary_entry() -> None:
    verdict = decide(submission(), POLICY)
    assert (verdict.status, verdict.rule) == (Status.APPROVED, "post-moderation")


def test_pre_mode_holds_an_ordinary_entry() -> None:
    verdict = decide(submission(), replace(POLICY, mode=Mode.PRE))
    assert (verdict.status, verdict.rule) == (Status.PENDING, "pre-moderation")


def test_a_filled_honeypot_is_spam() -> None:
    assert decide(submission(honeypot="http://bot.example"), POLICY).rule == "honeypot"
    assert decide(submission(honeypot=""), POLICY).status == Status.APPROVED


@pytest.mark.parametrize("where", ["body", "author", "title"])
def test_banned_words_anywhere_are_spam(where: str) -> None:
    s = submission("V1AGRA cheap")
    if where == "author":
        s = replace(submission(), author="v i a g r a")
    elif where == "title":
        s = replace(submission(), title="Vi@gra")
    verdict = decide(s, POLICY)
    assert (verdict.status, verdict.rule) == (Status.SPAM, "banned-words")


def test_suspect_words_are_held_even_in_post_mode() -> None:
    verdict = decide(submission("You 1d10t"), POLICY)
    assert (verdict.status, verdict.rule) == (Status.PENDING, "suspect-words")
    assert decide(submission("An idiom, not an insult"), POLICY).status == Status.APPROVED


def test_more_links_than_allowed_are_held() -> None:
    two = "see https://a.example.org and https://b.example.org"
    assert decide(submission(two), POLICY).status == Status.APPROVED
    verdict = decide(submission(two + ' and <a href="https://c.example.org">c</a>'), POLICY)
    assert (verdict.status, verdict.rule) == (Status.PENDING, "links")


def test_shouting_is_held_but_short_capitals_are_not() -> None:
    verdict = decide(submission("THIS IS OUTRAGEOUS AND EVERYONE SHOULD KNOW IT"), POLICY)
    assert (verdict.status, verdict.rule) == (Status.PENDING, "shouting")
    assert decide(submission("NASA and the EU agree: good news."), POLICY).status == Status.APPROVED


def test_trusted_authors_skip_the_queue_unless_refused_before() -> None:
    pre = replace(POLICY, mode=Mode.PRE)
    trusted = decide(submission("LOUD BUT TRUSTED AUTHOR WRITING IN CAPITALS", approved_before=3), pre)
    assert (trusted.status, trusted.rule) == (Status.APPROVED, "trusted-author")
    assert decide(submission(approved_before=2), pre).status == Status.PENDING
    assert decide(submission(approved_before=9, refused_before=1), pre).status == Status.PENDING
    assert decide(submission(approved_before=9), replace(pre, trusted_after=0)).status == Status.PENDING
    # spam is spam, whoever sends it
    assert decide(submission("viagra", approved_before=9), pre).status == Status.SPAM


@pytest.mark.parametrize("author", ["Admin", "Аdmin", "ᎪDMIN", "𝐀dmin", "Admın"])
def test_a_listed_name_written_in_look_alike_letters_is_found_in_the_author(author: str) -> None:
    policy = replace(POLICY, banned=WordList.of(["admin"]))
    verdict = decide(replace(submission(), author=author), policy)
    assert (verdict.status, verdict.rule) == (Status.SPAM, "banned-words")
