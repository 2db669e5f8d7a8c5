"""A proposal's search starts where its last long move would take it (``talk._predicted``,
search hints 4 and 5): where it starts changes which values the search reads, never the
position it finds, so the talks are the same with the moves forgotten before every round."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from tests.simulate.helpers import assert_same_talks, negmas_talks_with_hints_reset

from detente.simulate.steps.talk import PREDICT_FROM, SEARCH_HINTS, _moved, _predicted


@pytest.mark.parametrize("predict", [_predicted, getattr(_predicted, "py_func", _predicted)])
def test_the_start_is_the_last_position_moved_by_a_long_last_move(predict: object) -> None:
    k = 100
    f = predict
    assert f(-1, 50, k) == -1  # type: ignore[operator]  # no position yet: no hint
    assert f(40, PREDICT_FROM - 1, k) == 40  # type: ignore[operator]  # a short move
    assert f(40, 1 - PREDICT_FROM, k) == 40  # type: ignore[operator]
    assert f(40, PREDICT_FROM, k) == 40 + PREDICT_FROM  # type: ignore[operator]
    assert f(40, -PREDICT_FROM, k) == 40 - PREDICT_FROM  # type: ignore[operator]
    assert f(40, -30, k) == 10  # type: ignore[operator]
    assert f(95, 30, k) == k  # type: ignore[operator]  # within the row: 0 … k
    assert f(5, -30, k) == 0  # type: ignore[operator]
    assert _moved(-1, 7) == 0 and _moved(40, 12) == -28 and _moved(3, 3) == 0


def test_negmas_talks_are_the_same_without_the_moves() -> None:
    """On 1,024 outcomes (boulware against conceder, per-run weights, the workload where the
    conceder's proposal moves by tens of positions a round) the talks with the moves used
    equal those with every move forgotten (set to 0) before each round, and the moves were
    long enough to be used."""

    def forget_moves(hints: NDArray[np.int64]) -> None:
        hints[:, :, 4:] = 0

    longest = 0
    for x, y in negmas_talks_with_hints_reset("boul-conc", forget_moves):
        assert x.search_hint is not None and x.search_hint.shape[2] == SEARCH_HINTS
        longest = max(longest, int(np.abs(x.search_hint[:, :, 4:]).max()))
        assert_same_talks(x, y)
    assert longest >= PREDICT_FROM
