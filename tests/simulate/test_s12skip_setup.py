"""Per-run set-up of the twelfth session (branch s12skip): a row sorted in place by insertion
of its full keys (``row_keys._insert_rows``), and the settlement reasons' narrowed pass that
reads only the side admitting fewer packages when every gain is finite
(``reasons._zone_in``), against the whole pass."""

from __future__ import annotations

import numpy as np
from tests.simulate.test_s9tab_reasons import _passes

from detente.core import TOL_UTILITY
from detente.simulate import row_keys
from detente.simulate.reasons import _zones, _zones_sorted
from detente.simulate.tables import build_table


def _row(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A row's order (a permutation) and its utilities' bits without the index bits, with
    exact ties and infeasible candidates (1.5)."""
    u = np.round(rng.random(k), 2)
    u[rng.random(k) < 0.1] = 1.5
    high = u.view(np.uint64) & np.uint64(~row_keys._KEY_MASK & (2**64 - 1))
    at = rng.permutation(k).astype(np.int16)
    return at, high[at]


def test_insertion_in_place_gives_the_full_keys_order() -> None:
    rng = np.random.default_rng(4)
    for k in (1, 2, 50, 300):
        at, ubits = _row(rng, k)
        full = np.sort(ubits | at.astype(np.uint64))
        assert row_keys._insert_rows(at, ubits, k * k)
        assert np.array_equal(ubits | at.astype(np.uint64), full)
        assert np.array_equal(ubits, full & np.uint64(~row_keys._KEY_MASK & (2**64 - 1)))


def test_insertion_past_its_budget_leaves_a_permutation() -> None:
    rng = np.random.default_rng(5)
    at, ubits = _row(rng, 400)
    keys = np.sort(ubits | at.astype(np.uint64))
    assert not row_keys._insert_rows(at, ubits, 10)  # a shuffled row moves far more
    assert np.array_equal(np.sort(ubits | at.astype(np.uint64)), keys)  # nothing lost


def test_finite_values_read_the_side_that_admits_fewer() -> None:
    """One side admits most packages, the other few: the narrowed pass takes the run (only
    the few are read) and reads what the whole pass reads; so do runs where both admit few,
    trust fully or not at all."""
    rng = np.random.default_rng(8)
    r, k, n = 30, 800, 600
    u0 = rng.random((r, k))
    u0[:, ::9] = np.round(u0[:, ::9], 2)  # ties
    utility = np.stack([u0, 1.0 - u0 * rng.uniform(0.6, 1.0, (r, 1))], axis=2)
    feasible = np.ones((r, k), dtype=bool)
    value = np.empty((n, 2))
    value[:, 0] = rng.uniform(0.9, 0.99, n)  # side 0 admits few
    value[:, 1] = rng.uniform(-0.2, 0.3, n)  # side 1 admits most
    value[::4] = rng.uniform(0.5, 0.99, (value[::4].shape[0], 2))
    got = _passes(utility, feasible, value, 2)
    taken, live = got[8]
    assert taken > live // 2  # most runs are read off the sorted rows
    for a, b in zip(got[:4], got[4:8], strict=True):
        assert np.array_equal(a, b)
    zone, trusted = got[4], got[5]
    assert zone.any() and (~zone).any() and trusted.any()


def test_a_zone_without_a_trusted_package_is_scanned_to_its_end() -> None:
    """No package passes the test of distrust (full distrust, a large loss): the zone is
    found and the scan goes on to the end, trusted stays False, as in the whole pass."""
    k, n = 1024, 4
    u0 = np.linspace(0.0, 1.0, k)[None].repeat(n, 0)
    utility = np.ascontiguousarray(np.stack([u0, 1.0 - u0], axis=2))
    t = build_table(utility, np.ones((n, k), dtype=bool))
    rows = np.arange(n, dtype=np.int64)
    value = np.array([[0.8, 0.15], [0.78, 0.2], [0.9, 0.95], [0.15, 0.8]])
    tau, loss = np.zeros((n, 2)), np.ones((n, 2))
    keys, order = t.flat_sorted, t.flat_order
    utilities = (t.flat_utility, *t.linear_arrays)
    out = []
    for narrowed in (True, False):
        zone, trusted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        best = np.full((n, 2), -np.inf)
        rest = rows
        if narrowed:
            rest = np.empty(n, dtype=np.int64)
            count = _zones_sorted(
                *utilities, k, keys[0], keys[1], order[0], order[1], t.n_feasible, rows, rows,
                value, tau, loss, zone, trusted, best, rest,
            )  # fmt: skip
            assert count == 0  # every run read off the sorted rows
            rest = rest[:count]
        _zones(*utilities, t.feasible, rows, rest, value, tau, loss, zone, trusted, best)
        out.append((zone.copy(), trusted.copy(), ~zone[:, None] & (best < -TOL_UTILITY)))
    for a, b in zip(out[0], out[1], strict=True):
        assert np.array_equal(a, b)
    assert out[0][0].tolist() == [True, True, False, True] and not out[0][1].any()
