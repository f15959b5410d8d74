import pytest

from service.domain.moderation import Action
from service.domain.moderation import IllegalTransition
from service.domain.moderation import Status
from service.domain.moderation import is_public
from service.domain.moderation import transition

TARGETS = {Action.APPROVE: Status.APPROVED, Action.REJECT: Status.REJECTED, Action.SPAM: Status.SPAM}


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("action", list(TARGETS))
def test_every_status_can_move_to_every_decision(current: Status, action: Action) -> None:
    expected = None if TARGETS[action] == current else TARGETS[action]
    assert transition(current, action) == expected


def test_erasure_is_not_a_status_change() -> None:
    with pytest.raises(IllegalTransition):
        transition(Status.PENDING, Action.ERASE)


def test_only_approved_is_public() -> None:
    assert [s for s in Status if is_public(s)] == [Status.APPROVED]


@pytest.mark.parametrize("action", [Action.SUBMIT, Action.IMPORT])
def test_a_new_entry_gets_its_verdict_and_only_a_new_one(action: Action) -> None:
    assert transition(None, action, Status.SPAM) == Status.SPAM
    with pytest.raises(IllegalTransition):
        transition(Status.PENDING, action, Status.APPROVED)
    with pytest.raises(IllegalTransition):
        transition(None, action)


def test_reader_reports_hold_only_published_entries() -> None:
    assert transition(Status.APPROVED, Action.HOLD) == Status.PENDING
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM):
        with pytest.raises(IllegalTransition):
            transition(status, Action.HOLD)


def test_an_illegal_transition_is_a_domain_error_the_api_answers_with_409() -> None:
    from service.domain.errors import DomainError
    from service.errors import DOMAIN_STATUS

    assert issubclass(IllegalTransition, DomainError)
    assert DOMAIN_STATUS[IllegalTransition] == 409
