"""The settlement reasons' zone pass narrowed by each run's sorted rows (reasons._zones_sorted)
reads what the whole pass (reasons._zones) reads, wherever the rows are plainly sorted, and
leaves the other runs to it."""

from __future__ import annotations

import numpy as np

from detente.core import TOL_UTILITY
from detente.simulate.reasons import _zones, _zones_sorted
from detente.simulate.tables import TalkTable, build_table


def _utilities(t: TalkTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A table's utilities as the zone passes read them (cells._utility_at)."""
    return (np.ascontiguousarray(t.flat_utility), *t.linear_arrays)


def _passes(
    utility: np.ndarray, feasible: np.ndarray, value: np.ndarray, seed: int
) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = value.shape[0]
    r = utility.shape[0]
    t = build_table(utility, feasible)
    rows = rng.integers(0, r, n).astype(np.int64)
    live = np.flatnonzero(t.n_feasible[rows] > 0).astype(np.int64)
    tau, loss = rng.random((n, 2)), rng.random((n, 2)) * 0.3
    tau[::3] = 1.0  # some trust fully: trusted packages
    loss[::3] = 0.0
    out = []
    taken = 0
    for narrowed in (False, True):
        zone, trusted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        best = np.full((n, 2), -np.inf)
        rest = live
        if narrowed:
            rest = np.empty(live.size, dtype=np.int64)
            keys, order = t.flat_sorted, t.flat_order
            count = _zones_sorted(
                *_utilities(t),
                t.size,
                keys[0],
                keys[1],
                order[0],
                order[1],
                t.n_feasible,
                rows,
                live,
                value,
                tau,
                loss,
                zone,
                trusted,
                best,
                rest,
            )
            rest = rest[:count]
            taken = live.size - count
        _zones(*_utilities(t), t.feasible, rows, rest, value, tau, loss, zone, trusted, best)
        # best is read only where there is no zone, as best < -tol
        read = ~zone[:, None] & (best < -TOL_UTILITY)
        out.append((zone, trusted, read, np.isnan(best) & ~zone[:, None]))
    return (*out[0], *out[1], np.array([taken, live.size]))


def test_the_narrowed_pass_reads_what_the_whole_pass_reads() -> None:
    rng = np.random.default_rng(9)
    r, k, n = 40, 600, 800
    utility = rng.random((r, k, 2))
    utility[:, :, 1] = 1.0 - utility[:, :, 0] * rng.uniform(0.5, 1.0, (r, 1))  # opposed
    utility[:, ::7] = np.round(utility[:, ::7], 2)  # ties
    feasible = rng.random((r, k)) < 0.9
    feasible[3] = False  # nothing feasible
    utility[5, 10, 0] = np.nan  # rows not plainly sorted: the whole pass
    utility[6, 11, 1] = -0.0
    utility[7, 12, 0] = -0.2
    utility[8, 13, 1] = 1.7
    utility[9, :, :] = 0.5  # every package alike
    value = rng.uniform(0.3, 1.0, (n, 2))
    value[::11, 0] = np.nan
    value[::13, 1] = np.inf
    value[::17, 0] = -np.inf
    value[::5] = rng.uniform(0.85, 1.0, (value[::5].shape[0], 2))  # few admitted packages
    got = _passes(utility, feasible, value, 1)
    taken, live = got[8]
    assert 0 < taken < live  # both passes are exercised
    for a, b in zip(got[:4], got[4:8], strict=True):
        assert np.array_equal(a, b)
    zone, trusted = got[4], got[5]
    assert zone.any() and (~zone).any() and trusted.any() and (zone & ~trusted).any()


def test_the_narrowed_pass_takes_runs_with_few_admitted_packages() -> None:
    """Runs whose admitted packages are few are read off the sorted rows (none is left to
    the whole pass); a row of fewer than 256 feasible packages takes the whole pass."""
    rng = np.random.default_rng(3)
    k, n = 1024, 50
    u0 = rng.random((n, k))
    utility = np.stack([u0, 1.0 - u0], axis=2)
    feasible = np.ones((n, k), dtype=bool)
    t = build_table(utility, feasible)
    rows = np.arange(n, dtype=np.int64)
    value = np.full((n, 2), 0.95)
    rest = np.empty(n, dtype=np.int64)
    zone, trusted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    best = np.full((n, 2), -np.inf)
    keys, order = t.flat_sorted, t.flat_order
    args = (keys[0], keys[1], order[0], order[1], t.n_feasible, rows, rows, value)
    ones, zeros = np.ones((n, 2)), np.zeros((n, 2))
    count = _zones_sorted(*_utilities(t), k, *args, ones, zeros, zone, trusted, best, rest)
    assert count == 0 and not zone.any()  # 1 - u0 >= 0.95 and u0 >= 0.95: never both
    small = build_table(utility[:, :200], feasible[:, :200])
    keys, order = small.flat_sorted, small.flat_order
    args = (keys[0], keys[1], order[0], order[1], small.n_feasible, rows, rows, value)
    count = _zones_sorted(*_utilities(small), 200, *args, ones, zeros, zone, trusted, best, rest)
    assert count == n
