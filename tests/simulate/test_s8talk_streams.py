"""A step's stream skipped for some periods (idle steps) draws, when it next draws, the
numbers it would have drawn had it drawn every period (moved on lazily, engine._Stream)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.core import named_rng
from detente.simulate.engine import _Stream


@pytest.mark.parametrize("widths", [(3, 0), (0, 2), (2, 1)])
def test_skipped_periods_leave_the_later_draws_unchanged(widths: tuple[int, int]) -> None:
    seed = np.random.SeedSequence(11)
    n = 17
    eager = _Stream(named_rng(seed, "x"), n, widths)
    lazy = _Stream(named_rng(seed, "x"), n, widths)
    skipped = {1, 2, 5, 6, 7, 9}
    for t in range(12):
        d = eager.draw(None)
        want = (d.u.copy(), d.z.copy())
        if t in skipped:
            lazy.skip()
            continue
        got = lazy.draw(None)
        assert got.u.tobytes() == want[0].tobytes()
        assert got.z.tobytes() == want[1].tobytes()
    assert lazy.owed == 0
    lazy.skip()
    lazy.skip()
    assert lazy.owed == 2  # the block's last periods' numbers are never made


def test_a_subset_of_rows_gets_the_block_rows_after_skips() -> None:
    seed = np.random.SeedSequence(12)
    rows = np.array([0, 4, 9], dtype=np.int64)
    eager = _Stream(named_rng(seed, "y"), 10, (2, 1))
    lazy = _Stream(named_rng(seed, "y"), 10, (2, 1))
    eager.draw(None)
    eager.draw(None)
    want = eager.draw(None)
    lazy.skip()
    lazy.skip()
    got = lazy.draw(rows)
    assert got.u.tobytes() == want.u[rows].tobytes()
    assert got.z.tobytes() == want.z[rows].tobytes()
