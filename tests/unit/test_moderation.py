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
