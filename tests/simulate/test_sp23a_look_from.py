"""The talk round's proposals search from a first look that keeps the side of its miss
(branch sp23a: ``talk_inline._look_at`` and ``_find_from``): the same positions as
``search._hint_at`` and ``_find_at`` in every row of both table forms (stored sorted
utilities, the order alone), from any hint, compiled and interpreted; the same hits; through
the engine at 1,024 outcomes, the same talks whatever the hints the round starts from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import (
    assert_same_talks,
    negmas_talks_with_hints_reset,
)
from tests.simulate.test_sp21a_order_only import _both, _inputs

from detente.simulate import search
from detente.simulate.steps import talk_inline


def _py(f: Any) -> Any:
    return getattr(f, "py_func", f)


@pytest.mark.parametrize(("k1", "k2"), [(1, 1), (3, 4), (10, 10), (16, 16), (32, 32)])
@pytest.mark.parametrize("kind", ["negmas", "mixed"])
def test_the_positions_of_the_searches(k1: int, k2: int, kind: str, monkeypatch: Any) -> None:
    rng = np.random.default_rng(k1 * 100 + k2)
    n = 40
    ideal, weights, cand, feas = _inputs(rng, n, k1, k2, 2, kind)
    ups, downs = 0, 0
    for t in _both(monkeypatch, ideal, weights, cand, feas):
        k, lk = t.size, t.lookup(n)
        dist, w = t.linear_arrays
        sorted_u = t.sorted_u  # (R, 2, K): where the searches land, to place hints near it
        for rep in range(6):
            x = rng.uniform(-0.3, 1.6, n) + (2.0 * np.arange(n) if lk.offset else 0.0)
            for side in (0, 1):
                keys, order = lk.keys[side], lk.order[side]
                for j in range(n):
                    off = 2.0 * j if lk.offset else 0.0
                    nf = int(lk.n_feasible[j])
                    pos = int(np.searchsorted(sorted_u[j, side] + off, x[j], side="left"))
                    # hints: none, anywhere, and a few positions either side of the answer
                    # (short gallops both ways, and ones past the row's ends)
                    near = pos + int(rng.integers(-40, 41)) if rep % 2 else pos
                    for h in (-1, 0, k, k + 2, int(rng.integers(0, k + 1)), near, pos + 1):
                        h = max(h, -1)
                        start = int(lk.order[2 + side][j])  # the row's order entry (shared, sp23c)
                        args = (keys, order, dist, w, side, j, start, off, k, nf, float(x[j]))
                        old = search._hint_at(*args, h)
                        new = talk_inline._look_at(*args, h)
                        assert new == _py(talk_inline._look_at)(*args, h)
                        assert (new >= -1) == (old >= -1)
                        if new >= -1:  # a hit (or no hint): the same code
                            assert new == old
                        else:  # a miss: the hint kept, and the side of the position
                            up = new >= -2 - k
                            hint = -2 - new if up else -3 - k - new
                            assert -2 - hint == old
                            assert (pos > hint) if up else (pos < hint)
                            ups, downs = ups + up, downs + (not up)
                        found = talk_inline._find_from(*args, new)
                        assert found == search._find_at(*args, old) == pos
                        assert _py(talk_inline._find_from)(*args, new) == pos
    assert k1 * k2 == 1 or (ups > 0 and downs > 0)


@pytest.mark.parametrize("pairing", ["boul-conc", "asp-asp"])
def test_the_same_talks_from_any_hint(pairing: str) -> None:
    """At 1,024 outcomes (the tables of the order alone): the round's searches started from
    hints moved either way, or from none, give the talks started from their own."""
    rng = np.random.default_rng(8)

    def scramble(hints: np.ndarray) -> None:
        moved = hints[:, :, 2:4] + rng.integers(-40, 41, hints[:, :, 2:4].shape)
        hints[:, :, 2:4] = np.where(rng.random(moved.shape) < 0.2, -1, np.maximum(moved, -1))
        hints[:, :, 4:] = rng.integers(-20, 21, hints[:, :, 4:].shape)

    seen = 0
    for plain, other in negmas_talks_with_hints_reset(pairing, scramble, n=24, periods=30):
        assert_same_talks(plain, other)
        seen += int(plain.rounds.sum())
    assert seen > 0
