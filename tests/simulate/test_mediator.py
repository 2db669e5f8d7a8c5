"""The mediator's draft (compiled) against a direct reading of its rule, on shared tables,
a few regime rows and per-run rows."""

from __future__ import annotations

import numpy as np

from detente.core import TOL_UTILITY
from detente.simulate.protocols import mediator_text
from detente.simulate.tables import build_table


def _expected(u: np.ndarray, ok: np.ndarray, demand: np.ndarray, value: np.ndarray) -> int:
    """Among feasible packages: the smallest largest unmet objection, then the largest Nash
    product of the gains over fighting (then the larger smaller gain), then the lowest index
    (a dominated package ties with one that dominates it only if equal for both sides)."""
    cand = np.flatnonzero(ok)
    if cand.size == 0:
        return -1
    d = np.where(np.isnan(demand), -np.inf, demand)
    short = np.maximum(np.maximum(d[0] - u[cand, 0], d[1] - u[cand, 1]), 0.0)
    keep = cand[short <= short.min() + TOL_UTILITY]
    ga, gb = u[keep, 0] - value[0], u[keep, 1] - value[1]
    score = np.maximum(ga, 0.0) * np.maximum(gb, 0.0) + 1e-6 * np.minimum(ga, gb)
    return int(keep[np.argmax(score)])


def test_the_draft_follows_the_rule_on_every_kind_of_table() -> None:
    rng = np.random.default_rng(5)
    for case in range(24):
        rows, k = (1, 3, 80)[case % 3], int(rng.integers(1, 30))
        u = rng.random((rows, k, 2))
        feasible = rng.random((rows, k)) < 0.75
        t = build_table(u, feasible)
        n = 60
        row_of = rng.integers(0, rows, n) if rows > 1 else np.zeros(n, dtype=np.int64)
        if rows > 1:
            t = t.with_rows(row_of)
        demand = rng.random((n, 2))
        demand[rng.random((n, 2)) < 0.25] = np.nan
        value = rng.random((n, 2)) * 0.5
        got = mediator_text(t, demand, value)
        for j in range(n):
            r = row_of[j]
            expected = _expected(u[r], feasible[r], demand[j], value[j])
            if expected < 0:
                assert got[j] == -1
            else:  # the same package, or one worth exactly as much to both sides
                assert np.array_equal(u[r, got[j]], u[r, expected]), (case, j)
