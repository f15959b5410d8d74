"""The toxicity rules of auto-moderation: a score at or over the hold threshold holds an entry
even in post-moderation; one at or over the refuse threshold (off by default) marks it spam
or rejects it; an unknown score (not English) never decides."""

from dataclasses import replace

import pytest

from service.domain.automod import Mode
from service.domain.automod import Policy
from service.domain.automod import Submission
from service.domain.automod import decide
from service.domain.moderation import Status
from service.domain.sanitizing import to_safe_html
from service.domain.wordlists import WordList

POLICY = Policy(mode=Mode.POST, banned=WordList.of(["viagra"]), suspect=WordList.of(["idiot"]), trusted_after=3)


def submission(toxicity: float | None, body: str = "A comment.", **kwargs: object) -> Submission:
    return Submission(author="Ann", body_source=body, body_html=to_safe_html(body), toxicity=toxicity, **kwargs)  # type: ignore[arg-type]


def test_the_default_policy_holds_at_0_8_and_refuses_nothing() -> None:
    policy = Policy()
    assert (policy.toxicity_hold, policy.toxicity_refuse) == (0.8, None)
    assert decide(submission(0.99), replace(policy, mode=Mode.POST)).status == Status.PENDING


def test_a_score_at_or_over_the_threshold_holds_even_in_post_mode() -> None:
    verdict = decide(submission(0.93), POLICY)
    assert (verdict.status, verdict.rule, verdict.detail) == (Status.PENDING, "toxicity", "toxicity 0.93 >= 0.8")
    assert decide(submission(0.8), POLICY).rule == "toxicity"
    assert decide(submission(0.79), POLICY).status == Status.APPROVED


def test_an_unknown_score_never_decides() -> None:
    verdict = decide(submission(None), replace(POLICY, toxicity_hold=0.01, toxicity_refuse=0.02))
    assert (verdict.status, verdict.rule) == (Status.APPROVED, "post-moderation")


def test_the_detail_never_shows_a_score_rounded_below_the_threshold() -> None:
    verdict = decide(submission(0.8449), replace(POLICY, toxicity_hold=0.845))
    assert verdict.status == Status.APPROVED
    verdict = decide(submission(0.8451), replace(POLICY, toxicity_hold=0.845))
    assert verdict.detail == "toxicity 0.85 >= 0.845"
    verdict = decide(submission(0.8449), replace(POLICY, toxicity_hold=0.8445))
    assert verdict.detail == "toxicity 0.8449 >= 0.8445"  # not "0.84 >= 0.8445"


def test_the_hold_can_be_switched_off() -> None:
    assert decide(submission(0.99), replace(POLICY, toxicity_hold=None)).status == Status.APPROVED


@pytest.mark.parametrize("status", [Status.SPAM, Status.REJECTED])
def test_a_score_over_the_refuse_threshold_is_refused_as_configured(status: Status) -> None:
    policy = replace(POLICY, toxicity_refuse=0.97, toxicity_refuse_status=status)
    verdict = decide(submission(0.98), policy)
    assert (verdict.status, verdict.rule, verdict.detail) == (status, "toxicity-refuse", "toxicity 0.98 >= 0.97")
    assert decide(submission(0.9), policy).rule == "toxicity"  # between the two: held


def test_trusted_authors_skip_the_hold_but_not_the_refusal() -> None:
    policy = replace(POLICY, mode=Mode.PRE, toxicity_refuse=0.97)
    trusted = decide(submission(0.9, approved_before=5), policy)
    assert (trusted.status, trusted.rule) == (Status.APPROVED, "trusted-author")
    assert decide(submission(0.99, approved_before=5), policy).status == Status.SPAM


def test_earlier_rules_decide_first() -> None:
    policy = replace(POLICY, toxicity_refuse=0.97)
    assert decide(submission(0.99, honeypot="x"), policy).rule == "honeypot"
    assert decide(submission(0.99, "viagra"), policy).rule == "banned-words"
    assert decide(submission(0.9, "You idiot"), policy).rule == "suspect-words"
