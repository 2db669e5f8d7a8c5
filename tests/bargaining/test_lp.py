"""bargaining.lp.solve_lp returns linprog(method="highs")'s answer bit for bit, and its cache
answers only an identical model."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from detente.bargaining import lp as lpmod
from detente.bargaining.lp import solve_lp


def _models(seed: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, list]]:  # type: ignore[type-arg]
    """Small LPs like the engine's: sparse ±1 and weight rows, some infeasible or unbounded,
    free and fixed variables."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(60):
        n, m = int(rng.integers(2, 12)), int(rng.integers(1, 20))
        a = np.where(rng.random((m, n)) < 0.35, rng.choice([-1.0, 1.0, 0.37, -0.01], (m, n)), 0.0)
        c = rng.normal(0.0, 1.0, n)
        choices: list[tuple[float | None, float | None]] = [
            (0.0, 100.0),
            (0.0, None),
            (None, 100.0),
            (None, None),
            (3.0, 3.0),
        ]
        bounds = [choices[int(k)] for k in rng.integers(0, len(choices), n)]
        x0 = np.array([3.0 if lo == 3.0 else rng.uniform(0.0, 100.0) for lo, _ in bounds])
        b = a @ x0 + rng.uniform(0.0, 10.0, m)  # x0 is feasible ...
        if rng.random() < 0.2:
            b -= 1000.0  # ... unless the model is pushed out of reach
        out.append((c, a, b, bounds))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solve_lp_is_linprog_bit_for_bit(seed: int) -> None:
    statuses = set()
    for c, a, b, bounds in _models(seed):
        ref = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
        got = solve_lp(c, a, b, bounds)
        statuses.add(ref.status)
        assert (got.status == 0) == (ref.status == 0)
        if ref.status == 0:
            assert got.x is not None and got.fun is not None
            assert got.x.tobytes() == np.asarray(ref.x, dtype=float).tobytes()
            assert got.fun == ref.fun
        else:
            assert got.status == ref.status and got.x is None
    assert 0 in statuses and statuses - {0}  # optimal and failed models both exercised


def test_the_cache_answers_only_an_identical_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lpmod, "_cache", type(lpmod._cache)())
    calls: list[int] = []
    solve = lpmod._solve

    def counted(*args: np.ndarray) -> lpmod.LPResult:
        calls.append(1)
        return solve(*args)

    monkeypatch.setattr(lpmod, "_solve", counted)
    c = np.array([-1.0, -1.0])
    a = np.array([[1.0, 2.0], [3.0, 1.0]])
    b = np.array([4.0, 6.0])
    bounds: list[tuple[float | None, float | None]] = [(0.0, None), (0.0, None)]
    first = solve_lp(c, a, b, bounds)
    assert first.x is not None
    first.x[:] = -7.0  # a caller changing its answer does not change the cache's
    again = solve_lp(c, a, b, bounds)
    assert len(calls) == 1 and again.x is not None and not np.any(again.x == -7.0)
    # one number changed anywhere in the model: solved again, and linprog's answer
    for c2, a2, b2, bounds2 in (
        (c, a, b + np.array([0.0, 1e-12]), bounds),
        (c * 2.0, a, b, bounds),
        (c, a * np.array([[1.0, 1.0], [1.0, 1.5]]), b, bounds),
        (c, a, b, [(0.0, 1.0), (0.0, None)]),
    ):
        n_before = len(calls)
        got = solve_lp(c2, a2, b2, bounds2)
        ref = linprog(c2, A_ub=a2, b_ub=b2, bounds=bounds2, method="highs")
        assert len(calls) == n_before + 1
        assert got.x is not None and got.x.tobytes() == ref.x.tobytes()
    monkeypatch.setattr(lpmod, "CACHE_SIZE", 2)
    solve_lp(c, a, b * 3.0, bounds)
    assert len(lpmod._cache) == 2
