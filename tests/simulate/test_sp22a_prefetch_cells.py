"""The talk round asks for its first looks' lines ahead on large per-run tables whatever their
candidates per row (branch sp22a: ``talk.PREFETCH_CELLS``), not only from 1,024 candidates.
A prefetch changes no value (``detente.core.prefetch``): the round on such a table gives the
bytes of the same round run interpreted (where a prefetch does nothing), and a scenario's
shared tables (a few rows) stay below the rule."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import negmas_workload

from detente.simulate import simulate_block
from detente.simulate.steps import talk
from detente.simulate.steps.talk import PREFETCH_CELLS, PREFETCH_FROM, _prefetches

_OUT_FROM = 33  # _round's arguments from ``rounds`` on: the arrays it writes in place


@pytest.mark.parametrize("f", [_prefetches, getattr(_prefetches, "py_func", _prefetches)])
def test_the_rule(f: Any) -> None:
    assert f(PREFETCH_FROM, 1)  # a row of 1,024 candidates: as before
    assert f(100, 8192) and f(100, 4096) and f(484, 8192)  # the NegMAS blocks at 100 outcomes
    assert f(10, PREFETCH_CELLS // 10 + 1)
    assert not f(203, 8)  # a scenario's shared tables (Ukraine 2026-06: 8 rows, 101-203)
    assert not f(100, 1000)  # a small block's rows stay in the caches
    assert not f(100, 0)


def _captured(pairing: str, n: int, periods: int) -> list[tuple[Any, ...]]:
    m, inputs = negmas_workload(10, pairing, n, seed=3)
    calls: list[tuple[Any, ...]] = []
    kernel = talk._round

    def record(*args: Any) -> None:
        calls.append(tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        kernel(*args)

    talk._round = record  # type: ignore[assignment]  # _talk looks it up at each call
    try:
        simulate_block(m, n, periods, np.random.SeedSequence(4), inputs=inputs)
    finally:
        talk._round = kernel
    return calls


def _outputs(fn: Any, args: tuple[Any, ...]) -> list[bytes]:
    work = [
        a.copy() if i >= _OUT_FROM and isinstance(a, np.ndarray) else a for i, a in enumerate(args)
    ]
    fn(*work)
    return [a.tobytes() for a in work[_OUT_FROM:] if isinstance(a, np.ndarray)]


@pytest.mark.parametrize("pairing", ["boul-conc", "tough-boul"])
def test_a_prefetching_round_at_100_outcomes_gives_the_interpreted_bytes(pairing: str) -> None:
    n = PREFETCH_CELLS // 100 + 40  # 100 outcomes: the smallest block the rule prefetches
    calls = _captured(pairing, n, periods=6)
    assert len(calls) >= 5
    talked = 0
    for args in (calls[1], calls[4]):
        tab = args[0]
        k, rows = int(tab[9]), tab[7].shape[0]
        assert k == 100 and _prefetches(k, rows) and k < PREFETCH_FROM
        # the rule reads the table's rows: a round in a few of its runs (the others' talks
        # closed) is interpreted in a reasonable time, with the whole table prefetching
        phase = args[5].copy()
        phase[np.arange(n) % 23 != 0, args[2]] = 1
        args = (*args[:5], phase, *args[6:])
        compiled = _outputs(talk._round, args)
        assert compiled == _outputs(talk._round.py_func, args)
        before = args[_OUT_FROM]
        after = np.frombuffer(compiled[0], dtype=before.dtype).reshape(before.shape)
        talked += int((after != before).sum())
    assert talked > 0  # rounds were held (the round counts moved)
