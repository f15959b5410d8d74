import pytest

from service.domain.ratings import EMPTY
from service.domain.ratings import summarize


def test_empty_summary_has_null_average_and_five_buckets() -> None:
    assert EMPTY.as_dict() == {"average": None, "count": 0, "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}


def test_average_is_weighted_and_rounded() -> None:
    summary = summarize((1, 0, 0, 0, 2))
    assert summary.count == 3
    assert summary.average == 3.67
    assert summary.histogram == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2}


def test_histogram_needs_five_buckets() -> None:
    with pytest.raises(ValueError):
        summarize((1, 2, 3))
