"""The belligerents' blocking names read off a side's best package (branch sp21b:
``reasons._blocking_pair``, for runs none of whose feasible packages both sides accept) are
``reasons._blocking``'s: on two-issue linear tables and the same utilities stored, runs whose
packages inside the red lines are their feasible ones (decided by the short path) and runs
where they differ (left to ``_blocking``), values that admit every package or none, at a
package's utility (the tolerance decides), NaN, regimes with nothing inside, and orders that
are the table's or any permutation (a hint only)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining.utility import distances
from detente.simulate.cells import _linear_utilities
from detente.simulate.reasons import TOL_UTILITY, _blocking, _blocking_pair
from detente.simulate.tables import NO_LINEAR


def _case(k1: int, k2: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed * 1000 + 7 * k1 + k2)
    a, b = np.linspace(0.0, 100.0, k1), np.linspace(0.0, 100.0, k2)
    cand = np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    k = cand.shape[0]
    ideal = np.array([[0.0, 0.0], [100.0, 100.0]])
    n_rows = n_runs = 60
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    w = rng.uniform(0.2, 0.8, (n_rows, 2))
    lin_w = np.ascontiguousarray(np.stack([w, 1.0 - w], axis=2))
    lin_w[0] = 0.5  # the grid's diagonals tie
    u = np.empty((n_rows, k, 2))
    _linear_utilities(dist, lin_w, u)
    rows = np.arange(n_runs, dtype=np.int64)
    feasible = rng.uniform(size=(n_rows, k)) < rng.uniform(0.3, 1.0, size=(n_rows, 1))
    feasible[1] = False  # a row with nothing feasible
    feasible[2] = True
    # one regime a run: its packages inside are its feasible ones, or differ by a few
    inside = feasible.copy()
    differ = rng.uniform(size=n_runs) < 0.3
    for j in np.flatnonzero(differ):
        flip = rng.integers(0, k, size=max(1, k // 10))
        inside[j, flip] = ~inside[j, flip]
    at = np.arange(n_runs, dtype=np.int64)
    # values: high enough that the two sides share no feasible package, at a package's
    # utility, admitting every package to one side, or NaN
    value = rng.uniform(0.55, 1.05, size=(n_runs, 2))
    for j in range(0, n_runs, 5):
        value[j, 0] = u[j, rng.integers(0, k), 0] + TOL_UTILITY * rng.choice([-1.0, 0.0])
    value[3, 0] = -1.0
    value[4, 1] = np.nan
    value[5] = 2.0
    # the sorted order of each row by each side's utility, feasible first (the table's)
    order = np.empty((2, n_rows * k), dtype=np.int16)
    n_feasible = feasible.sum(axis=1).astype(np.int64)
    for r in range(n_rows):
        for side in range(2):
            key = np.where(feasible[r], u[r, :, side], np.inf)
            order[side, r * k : (r + 1) * k] = np.argsort(key, kind="stable")
    return {
        "u": u,
        "dist": dist,
        "lin_w": lin_w,
        "rows": rows,
        "feasible": feasible,
        "inside": inside,
        "at": at,
        "value": value,
        "order": order,
        "n_feasible": n_feasible,
    }


def _zone_free(c: dict[str, np.ndarray]) -> np.ndarray:
    """The runs none of whose feasible packages both sides accept."""
    tol = -TOL_UTILITY
    with np.errstate(invalid="ignore"):
        acc = (c["u"] - c["value"][:, None, :] >= tol).all(axis=2) & c["feasible"]
    return np.flatnonzero(~acc.any(axis=1)).astype(np.int64)


@pytest.mark.parametrize(("k1", "k2"), [(1, 1), (3, 5), (10, 10), (17, 23), (32, 32)])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("hint", ["table", "shuffled"])
def test_the_pair_path_names_whom_blocking_names(k1: int, k2: int, seed: int, hint: str) -> None:
    c = _case(k1, k2, seed)
    k = c["u"].shape[1]
    n_runs = c["rows"].size
    idx = _zone_free(c)
    order = c["order"].copy()
    if hint == "shuffled":
        rng = np.random.default_rng(seed)
        order = rng.integers(-3, k + 3, size=order.shape).astype(np.int16)
    parties = np.arange(2, dtype=np.int64)
    need = np.zeros(0)
    flat = np.ascontiguousarray(c["u"].reshape(-1, 2))
    inside = np.ascontiguousarray(c["inside"])
    for table in ((np.zeros((0, 2)), c["dist"], c["lin_w"]), (flat, *NO_LINEAR)):
        ref = np.zeros((n_runs, 2), dtype=bool)
        _blocking(*table, inside, c["at"][idx], c["rows"], idx, c["value"], parties, need, ref)
        for f in (_blocking_pair, _blocking_pair.py_func):
            who = np.zeros((n_runs, 2), dtype=bool)
            left = np.empty(idx.size, dtype=np.int64)
            count = f(
                *table,
                inside,
                np.ascontiguousarray(c["feasible"]),
                np.ascontiguousarray(order[0]),
                np.ascontiguousarray(order[1]),
                c["n_feasible"],
                c["at"][idx],
                c["rows"],
                idx,
                c["value"],
                who,
                left,
            )
            rest = left[:count]
            assert set(rest.tolist()) <= set(idx.tolist())
            keep = np.isin(idx, rest)
            _blocking(
                *table, inside, c["at"][idx][keep], c["rows"], idx[keep], c["value"],
                parties, need, who,
            )  # fmt: skip
            assert np.array_equal(who, ref)
            assert count < idx.size  # the short path decided some runs
    assert idx.size > 10 and ref.any()  # not vacuous
