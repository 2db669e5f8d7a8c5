"""A two-issue table's row written and sorted by insertion in one pass (branch s14:
``row_keys._gather_sorted``) gives the order of the full keys (utility bits, then index),
byte for byte, from any order it is written in: near-sorted and shuffled orders, ties,
infeasible candidates (all feasible or not), and past its budget a permutation of the row."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate import row_keys

_HIGH = np.uint64(~row_keys._KEY_MASK & (2**64 - 1))


def _own(rng: np.random.Generator, k: int) -> np.ndarray:
    """Candidates' utilities as float64 bits (low bits set: the kernel clears them), with
    exact ties and near ties."""
    u = rng.random(k)
    u[::5] = np.round(u[::5], 2)
    u[1::7] = u[0]
    return u.view(np.uint64).copy()


def _reference(own: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    high = np.where(ok, own & _HIGH, np.uint64(row_keys._KEY_ABOVE))
    keys = np.sort(high | np.arange(own.size, dtype=np.uint64))
    return (keys & np.uint64(row_keys._KEY_MASK)).astype(np.int16), keys & _HIGH


@pytest.mark.parametrize("k", [1, 2, 9, 100, 1024])
@pytest.mark.parametrize("feasible", ["all", "some"])
@pytest.mark.parametrize("written", ["sorted", "near", "shuffled"])
def test_one_pass_gives_the_full_keys_order(k: int, feasible: str, written: str) -> None:
    rng = np.random.default_rng(k + len(feasible) + len(written))
    own = _own(rng, k)
    ok = np.ones(k, dtype=bool) if feasible == "all" else rng.random(k) < 0.8
    want_at, want_bits = _reference(own, ok)
    if written == "sorted":
        before = want_at.copy()
    elif written == "near":  # a neighbouring row's order: a few candidates moved
        before = want_at.copy()
        for _ in range(max(1, k // 40)):
            i, j = rng.integers(0, k, 2)
            before[[i, j]] = before[[j, i]]
    else:
        before = rng.permutation(k).astype(np.int16)
    at = np.empty(k, dtype=np.int16)
    ubits = np.empty(k, dtype=np.uint64)
    assert row_keys._gather_sorted(before, own, ok, bool(ok.all()), at, ubits, k * k)
    assert np.array_equal(at, want_at)
    assert ubits.tobytes() == want_bits.tobytes()


def test_past_its_budget_the_row_is_written_in_full() -> None:
    rng = np.random.default_rng(3)
    k = 500
    own = _own(rng, k)
    ok = rng.random(k) < 0.9
    before = rng.permutation(k).astype(np.int16)
    at = np.empty(k, dtype=np.int16)
    ubits = np.empty(k, dtype=np.uint64)
    assert not row_keys._gather_sorted(before, own, ok, False, at, ubits, 10)
    want_at, want_bits = _reference(own, ok)
    keys = np.sort(ubits | at.astype(np.uint64))  # a permutation of the row's full keys
    assert np.array_equal(keys, want_bits | want_at.astype(np.uint64))
