"""The talk round's first looks (branch s13talk): a proposal's first search starts at the
side's best feasible package (``talk._first_look``), and on large tables the round asks for the
lines its first looks read one pass ahead (``detente.core.prefetch``). Neither changes a value: the
search finds the same position from any start, and a prefetch only changes when a read waits.
So the talks are the same with every search hint forgotten before every round."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from tests.simulate.helpers import assert_same_talks, negmas_talks_with_hints_reset

from detente.core.jit import kernel
from detente.core.prefetch import prefetch
from detente.simulate.steps.talk import PREFETCH_FROM, _first_look, _predicted


@pytest.mark.parametrize("look", [_first_look, getattr(_first_look, "py_func", _first_look)])
def test_the_first_look_is_the_best_package_then_the_prediction(look: object) -> None:
    f = look
    k = 100
    assert f(-1, 0, k, 60) == 59  # type: ignore[operator]  # no position yet: the top
    assert f(-1, 0, k, 0) == -1  # type: ignore[operator]  # nothing feasible: no hint
    for h, move in ((40, 0), (40, -3), (40, -30), (95, 30), (0, -9)):
        assert f(h, move, k, 60) == _predicted(h, move, k)  # type: ignore[operator]


@kernel
def _sum_with_prefetch(a: np.ndarray, ahead: int) -> float:
    total = 0.0
    for i in range(a.shape[0]):
        if i + ahead < a.shape[0]:
            prefetch(a, i + ahead)
        total += a[i]
    return total


def test_a_prefetch_changes_no_value() -> None:
    a = np.random.default_rng(1).uniform(size=1000)
    before = a.copy()
    assert _sum_with_prefetch(a, 16) == _sum_with_prefetch(a, 0)
    assert _sum_with_prefetch.py_func(a, 16) == _sum_with_prefetch.py_func(a, 0)
    assert prefetch(a, 3) is None  # interpreted: nothing
    assert np.array_equal(a, before)


@pytest.mark.parametrize("pairing", ["boul-conc", "tough-boul"])
def test_negmas_talks_are_the_same_with_every_hint_forgotten(pairing: str) -> None:
    """1,024 outcomes (per-run weights; at least PREFETCH_FROM candidates, so the round
    prefetches): the talks with the hints kept equal those with every search hint forgotten
    (positions -1, moves 0) before each round, where each proposal's search starts at the
    top again."""
    assert PREFETCH_FROM <= 32 * 32

    def forget_all(hints: NDArray[np.int64]) -> None:
        hints[:, :, :4] = -1
        hints[:, :, 4:] = 0

    talked = 0
    for x, y in negmas_talks_with_hints_reset(pairing, forget_all):
        talked += int(x.rounds.sum())
        assert_same_talks(x, y)
    assert talked > 0
