"""The talks' hinted search (``search._hint_at`` then ``search._find_at`` over stored rows,
and the copy of ``_find_at`` compiled into the talk round's loops) finds, from any hint, the
first position of a sorted row whose value plus the row's offset is not below the key: as a
plain reference with the same ``keys[base + j] + off < x`` comparisons, and as
``np.searchsorted`` of the offset row. Random rows, ties, hits and misses, hints at both
ends and past them, k = 1 and an empty row."""

from __future__ import annotations

import numpy as np
import pytest
from tests.simulate.helpers import NO_COUNTS, stored_row, stored_source

from detente.simulate import search
from detente.simulate.steps import talk


def _reference(keys: np.ndarray, base: int, off: float, k: int, x: float) -> int:
    """The first ``j`` with ``not keys[base + j] + off < x`` (``k`` if none), one look at a time."""
    for j in range(k):
        if not keys[base + j] + off < x:
            return j
    return k


def _hinted(find: object, keys: np.ndarray, base: int, off: float, k: int, x: float, h: int) -> int:
    code = search._hint_at(*stored_row(keys, base, off, k, x), h)
    return int(find(*stored_row(keys, base, off, k, x), code))  # type: ignore[operator]


_FINDS = [
    pytest.param(search._find_at, id="search._find_at"),
    pytest.param(talk._find_at, id="talk._find_at (inlined copy)"),
    pytest.param(getattr(search._find_at, "py_func", search._find_at), id="python"),
]


def _rows(rng: np.random.Generator, n_rows: int, k: int, ties: bool) -> np.ndarray:
    """``n_rows`` ascending rows of ``k`` values one after the other (few distinct values
    when ``ties``)."""
    u = rng.integers(0, 4, size=(n_rows, k)) / 4.0 if ties else rng.random((n_rows, k))
    return np.ascontiguousarray(np.sort(u, axis=1).reshape(-1))


@pytest.mark.parametrize("find", _FINDS)
@pytest.mark.parametrize("k", [1, 2, 3, 7, 100, 1024])
@pytest.mark.parametrize("ties", [False, True])
def test_every_hint_gives_the_reference_position(find: object, k: int, ties: bool) -> None:
    rng = np.random.default_rng(k * 2 + ties)
    n_rows = 3
    keys = _rows(rng, n_rows, k, ties)
    hints = sorted({-1, 0, 1, k // 2, k - 1, k, k + 5} | set(rng.integers(0, k + 1, 6).tolist()))
    for row in range(n_rows):
        base = row * k
        off = 2.0 * row if row else 0.0  # both ways the talks search (tables.FEW_ROWS)
        values = keys[base : base + k]
        xs = np.concatenate(
            [
                values + off,  # hits on a value (ties: the first of them)
                values + off + 1e-9,
                values + off - 1e-9,
                [off - 1.0, off + 2.0, -np.inf, np.inf, off],
                rng.random(8) + off,
            ]
        )
        for x in xs:
            want = _reference(keys, base, off, k, float(x))
            assert want == int(np.searchsorted(values + off, x, side="left"))
            for h in hints:
                got = _hinted(find, keys, base, off, k, float(x), h)
                assert got == want, (row, float(x), h)


@pytest.mark.parametrize("find", _FINDS)
def test_the_hint_does_not_change_the_position_of_random_searches(find: object) -> None:
    """Many random (row, key, hint) triples over rows of 1,024 values with ties: the hinted
    search, from a hint near the position or far from it, agrees with the reference."""
    rng = np.random.default_rng(11)
    k, n_rows = 1024, 8
    keys = _rows(rng, n_rows, k, ties=False)
    keys[3 * k : 4 * k] = np.sort(rng.integers(0, 16, k) / 16.0)  # a row of ties
    for _ in range(400):
        row = int(rng.integers(n_rows))
        base, off = row * k, 2.0 * row
        x = float(rng.uniform(-0.1, 1.1) + off)
        want = _reference(keys, base, off, k, x)
        for h in (want, max(want - 1, 0), min(want + 1, k), int(rng.integers(-1, k + 2))):
            assert _hinted(find, keys, base, off, k, x, h) == want


@pytest.mark.parametrize("find", _FINDS)
def test_nan_key_and_empty_row(find: object) -> None:
    """A NaN key is below no value: position 0 from any hint; an empty row: position 0."""
    keys = np.array([0.1, 0.2, 0.2, 0.9])
    for h in (-1, 0, 2, 4):
        assert _hinted(find, keys, 0, 0.0, 4, float("nan"), h) == 0
        assert _hinted(find, keys, 0, 0.0, 0, 0.5, h) == 0


def test_search_kernel_matches_the_reference_with_hints() -> None:
    """``search._search_at`` over many runs at once (hint pass, then the searches that moved)."""
    rng = np.random.default_rng(5)
    k, n_rows, n = 100, 6, 500
    keys = _rows(rng, n_rows, k, ties=True)
    rows = rng.integers(0, n_rows, n).astype(np.int64)
    for offset in (False, True):
        off = 2.0 * rows if offset else np.zeros(n)
        x = rng.uniform(-0.1, 1.1, n) + off
        pos = rng.integers(-1, k + 1, n).astype(np.int64)
        search._search_at(stored_source(keys, k), NO_COUNTS, k, rows, offset, x, pos)
        want = [
            _reference(keys, int(r) * k, float(o), k, float(v))
            for r, o, v in zip(rows, off, x, strict=True)
        ]
        assert pos.tolist() == want
