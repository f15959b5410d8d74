from datetime import UTC
from datetime import datetime

import pytest

from service.domain.cursors import BadCursor
from service.domain.cursors import Position
from service.domain.cursors import decode
from service.domain.cursors import encode

KEY = b"k"
POS = Position(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), 42)


def test_round_trip_keeps_microseconds_and_id() -> None:
    assert decode(KEY, "comments:a", encode(KEY, "comments:a", POS)) == POS


@pytest.mark.parametrize("cursor", ["", "abc", "abc.", ".abc", "a.b.c", "ü.x", "x" * 2000])
def test_malformed_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(BadCursor):
        decode(KEY, "comments:a", cursor)


def test_a_changed_payload_is_refused() -> None:
    body, mac = encode(KEY, "comments:a", POS).split(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(BadCursor):
        decode(KEY, "comments:a", f"{tampered}.{mac}")


def test_another_key_or_list_is_refused() -> None:
    cursor = encode(KEY, "comments:a", POS)
    with pytest.raises(BadCursor):
        decode(b"other", "comments:a", cursor)
    with pytest.raises(BadCursor):
        decode(KEY, "comments:b", cursor)


@pytest.mark.parametrize("score", [0.9999998136711608, 0.0021419630384153037, 1.0, 0.0, None])
def test_a_toxicity_score_round_trips_exactly(score: float | None) -> None:
    """The queue "most likely toxic first" compares the stored score with the cursor's."""
    position = Position(POS.created_at, 7, score)
    assert decode(KEY, "queue:t", encode(KEY, "queue:t", position)) == position
