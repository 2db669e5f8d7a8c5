"""The block work memory (detente.simulate.memory): reused across blocks, never returned.

simulate_block takes each block's per-run tables and draw buffers from its thread's
BlockMemory and reuses them for the next block; nothing it returns may alias them, an output
kept by the caller must not change when later blocks run, threads must not share buffers, and
the results must be those of fresh memory.
"""

from __future__ import annotations

import threading
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate import RunInputs, simulate_block
from detente.simulate.engine import BlockOutput, iter_periods
from detente.simulate.memory import BlockMemory, block_memory, release_block_memory
from detente.simulate.model import build_model

REPO = Path(__file__).resolve().parents[2]


def _model():  # type: ignore[no-untyped-def]
    return build_model(load_scenario(REPO / "tests/simulate/fixtures/two_sides.yaml"))


def _weights(m, n: int, seed: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.2, 0.8, (n, *m.ideal.shape))
    out: np.ndarray = w / w.sum(axis=2, keepdims=True)
    return out


def _arrays(out: BlockOutput) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for f in fields(out):
        v = getattr(out, f.name)
        if isinstance(v, np.ndarray):
            found[f.name] = v
        elif isinstance(v, dict):
            found.update({f"{f.name}.{k}": a for k, a in v.items()})
    return found


def _block(m, n: int, seed: int) -> BlockOutput:  # type: ignore[no-untyped-def]
    inputs = RunInputs(weights=_weights(m, n, seed))
    return simulate_block(m, n, 30, np.random.SeedSequence(seed), inputs=inputs)


def test_outputs_never_alias_the_work_memory_and_survive_later_blocks() -> None:
    m = _model()
    release_block_memory()
    first = _block(m, 300, 1)
    kept = {k: a.copy() for k, a in _arrays(first).items()}
    with block_memory() as mem:
        assert mem.nbytes > 0  # the block's tables were taken from it and kept
        for name, a in _arrays(first).items():
            assert not mem.shares_memory(a), name
    # later blocks, larger and smaller, reuse (and overwrite) the buffers
    for n, seed in ((500, 2), (120, 3), (300, 4)):
        _block(m, n, seed)
    for name, a in _arrays(first).items():
        assert np.array_equal(a, kept[name], equal_nan=True), name


def test_reused_memory_gives_the_results_of_fresh_memory() -> None:
    m = _model()
    release_block_memory()
    fresh = _arrays(_block(m, 256, 5))
    _block(m, 700, 6)  # larger buffers, filled with another block's numbers
    reused = _arrays(_block(m, 256, 5))
    assert fresh.keys() == reused.keys()
    for name, a in fresh.items():
        assert a.tobytes() == reused[name].tobytes(), name


def test_threads_have_their_own_memory() -> None:
    m = _model()
    serial = [_arrays(_block(m, 200 + 50 * i, 10 + i)) for i in range(4)]
    got: dict[int, dict[str, np.ndarray]] = {}

    def work(i: int) -> None:
        for _ in range(2):  # a second block in the thread reuses its buffers
            got[i] = _arrays(_block(m, 200 + 50 * i, 10 + i))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, ref in enumerate(serial):
        for name, a in ref.items():
            assert a.tobytes() == got[i][name].tobytes(), (i, name)


def test_a_nested_lease_gets_its_own_memory() -> None:
    with block_memory() as outer:
        a = outer.empty("x", (4,), np.float64)
        with block_memory() as inner:
            assert inner is not outer
            b = inner.empty("x", (4,), np.float64)
            assert not np.shares_memory(a, b)
    with block_memory() as again:
        assert again is outer


def test_iter_periods_tables_are_fresh() -> None:
    """States handed to the caller never hold the thread's work buffers."""
    m = _model()
    _block(m, 200, 7)
    states = list(
        iter_periods(
            m, 200, np.random.SeedSequence(7), 3, inputs=RunInputs(weights=_weights(m, 200, 7))
        )
    )
    _block(m, 200, 8)
    with block_memory() as mem:
        for s in states:
            for a in (s.table.utility, s.table.sorted_u, s.table.order, s.table.feasible):
                assert not mem.shares_memory(a)


def test_a_given_up_output_is_written_over_with_the_same_results() -> None:
    """``reuse``: the caller hands back an output it no longer reads; the next block's paths
    and events are written into its arrays (when the shapes match) and every field is the
    bytes of a block simulated into fresh arrays."""
    m = _model()
    n = 256
    for inputs in (None, RunInputs(weights=_weights(m, n, 9))):
        fresh = _arrays(simulate_block(m, n, 30, np.random.SeedSequence(9), inputs=inputs))
        old = simulate_block(m, n, 30, np.random.SeedSequence(4), inputs=inputs)
        new = simulate_block(m, n, 30, np.random.SeedSequence(9), inputs=inputs, reuse=old)
        first = next(iter(new.paths))
        assert np.shares_memory(new.paths[first], old.paths[first])
        assert np.shares_memory(new.events, old.events)
        got = _arrays(new)
        assert got.keys() == fresh.keys()
        for name, a in fresh.items():
            assert a.tobytes() == got[name].tobytes(), name
    # another shape (more periods, fewer runs): fresh arrays, the given output left alone
    old = simulate_block(m, n, 30, np.random.SeedSequence(4))
    kept = {k: a.copy() for k, a in _arrays(old).items()}
    other = simulate_block(m, 100, 31, np.random.SeedSequence(4), reuse=old)
    assert not np.shares_memory(other.events, old.events)
    for name, a in _arrays(old).items():
        assert np.array_equal(a, kept[name], equal_nan=True), name


@pytest.mark.parametrize("scenario", ["scenarios/teaching.yaml", "fixture"])
def test_in_place_states_give_the_results_of_yielded_ones(scenario: str) -> None:
    """simulate_block's states are updated in place by the talk step (RunState.in_place);
    iter_periods' are copied: the same runs end in the same state."""
    path = "tests/simulate/fixtures/two_sides.yaml" if scenario == "fixture" else scenario
    m = build_model(load_scenario(REPO / path))
    n, periods = 300, 40
    for inputs in (None, RunInputs(weights=_weights(m, n, 12))):
        out = simulate_block(m, n, periods, np.random.SeedSequence(12), inputs=inputs)
        *_, last = iter_periods(m, n, np.random.SeedSequence(12), periods, inputs=inputs)
        assert not last.in_place
        assert out.bundle_first is not None and out.bundle_track is not None
        assert out.bundle_first.tobytes() == last.first.tobytes()
        assert out.bundle_track.tobytes() == last.first_track.tobytes()
        assert out.cum_cost.tobytes() == last.cum_cost.tobytes()
        assert out.agreements.tobytes() == last.agreements.sum(axis=1).tobytes()


def test_block_memory_arrays() -> None:
    mem = BlockMemory()
    a = mem.empty("a", (3, 5), np.int16)
    assert a.shape == (3, 5) and a.dtype == np.int16 and a.flags.c_contiguous
    b = mem.empty("a", (3,), np.float64)  # the same buffer (24 of its 30 bytes), reused
    assert np.shares_memory(a, b)
    c = mem.empty("a", (100,), np.float64)  # grown
    assert c.shape == (100,) and not np.shares_memory(a, c)
    assert mem.empty("z", (0,), np.float64).shape == (0,)


@pytest.fixture(autouse=True)
def _fresh_thread_memory() -> None:
    release_block_memory()


def test_a_thread_keeps_at_most_the_retained_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block whose buffers exceed RETAINED_BYTES gives them back when it ends; a smaller
    one's are kept for the next block."""
    from detente.simulate import memory

    release_block_memory()
    with block_memory() as mem:
        mem.empty("small", (1024,), np.float64)
    with block_memory() as again:
        assert again is mem  # kept
    monkeypatch.setattr(memory, "RETAINED_BYTES", 4096)
    with block_memory() as big:
        big.empty("large", (1024,), np.float64)  # 8 KB > 4 KB
    with block_memory() as after:
        assert after is not big and after.nbytes == 0  # freed
    release_block_memory()
