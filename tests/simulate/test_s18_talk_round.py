"""The talk round's per-run kernels after branch s18 (byte-identical by construction).

- ``protocols._others1`` (the other veto parties' check) is compiled into the round's loops
  (``steps.talk_inline``, Numba's ``inline="always"``) instead of called: the inlined copy is
  the same Python function and must give the called kernel's answer on every input;
- the sucker's loss a side fears has one implementation (``protocols._fear1``): the round calls
  it per run, ``steps.expiry.sucker_fear`` over runs (``protocols._fears``); both must give the
  bits of the NumPy expression they replaced, ``sucker * (1.0 - trust[:, :, INTENT])``, on
  ordinary and special values;
- the single text's round moved to ``steps.text_round``: the round calls that kernel.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from detente.simulate import protocols
from detente.simulate.steps import talk, talk_inline, text_round
from detente.simulate.steps.learn import INTENT

FloatArray = NDArray[np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.0, -1.0, 0.5, 1e308, -1e308]


def _mixed(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """Values around [0, 1], one in eight replaced by a special value."""
    x = rng.uniform(-0.5, 1.5, shape)
    mask = rng.random(shape) < 0.125
    x[mask] = rng.choice(np.array(SPECIAL), int(mask.sum()))
    return x


@pytest.mark.parametrize("seed", range(4))
def test_fears_give_the_numpy_expression_bits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, d = 50_000, 3
    trust = _mixed(rng, (n, 2, d))
    for sucker in (np.array([0.3, 1.7]), np.array([0.0, -0.0]), _mixed(rng, (2,))):
        with np.errstate(all="ignore"):  # 0 · inf: NaN, as in the kernel
            want = sucker * (1.0 - trust[:, :, INTENT])
            part = sucker[1] * (1.0 - trust[:500, 1, 1])
        got = np.empty((n, 2))
        protocols._fears(sucker, trust, INTENT, got)
        assert got.tobytes() == want.tobytes()
        one = np.array([protocols._fear1(float(sucker[1]), float(t)) for t in trust[:500, 1, 1]])
        assert one.tobytes() == part.tobytes()


def _others_case(rng: np.random.Generator, linear: bool) -> tuple[object, ...]:
    rows, k, n_actors = 3, 7, int(rng.integers(2, 5))
    utility = _mixed(rng, (rows * k, n_actors))
    if linear:
        lin_dist = rng.uniform(0.0, 1.0, (n_actors, 2, k))
        lin_w = rng.uniform(0.0, 1.0, (rows, n_actors, 2))
    else:
        lin_dist, lin_w = np.zeros((0, 2, k)), np.zeros((rows, 0, 2))
    floors = rng.uniform(-0.2, 1.0, n_actors)
    floors[rng.random(n_actors) < 0.2] = -np.inf
    row = int(rng.integers(rows))
    at = int(rng.integers(-1, k)) + row * k if rng.random() < 0.9 else -1
    asked = bool(rng.random() < 0.8)
    return utility, lin_dist, lin_w, row, k, at, n_actors, asked, floors


@pytest.mark.parametrize("linear", [False, True])
def test_inlined_others_check_is_the_called_kernels(linear: bool) -> None:
    rng = np.random.default_rng(18 + linear)
    seen = set()
    for _ in range(3_000):
        args = _others_case(rng, linear)
        want = protocols._others1(*args)
        assert talk_inline._others1(*args) == want
        assert talk_inline._others1.py_func(*args) == want
        seen.add(want)
    assert seen == {True, False}


def test_one_implementation_of_each_inlined_kernel() -> None:
    assert talk_inline._others1.py_func is protocols._others1.py_func
    assert talk._others1 is talk_inline._others1
    assert talk._find_at is talk_inline._find_at and talk._move1 is talk_inline._move1
    assert text_round._find_at is talk_inline._find_at
    assert text_round._others1 is talk_inline._others1
    assert talk._text_round is text_round._text_round
    assert talk._fear1 is protocols._fear1
