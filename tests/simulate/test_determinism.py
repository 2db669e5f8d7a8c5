"""Byte-identical results for a seed, whatever the chunk size and number of workers."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from detente.api.simulation import ParquetSink
from detente.manifest import to_json
from detente.simulate import BLOCK, run_simulation

from .helpers import fixture_scenario

RUNS = 2 * BLOCK + 300  # three blocks, the last one partial


def _doc(r) -> str:  # type: ignore[no-untyped-def]
    return to_json({"summary": r.summary(), "fan": r.fan(), "km": r.survival()})


def test_serial_parallel_and_chunk_sizes_agree(tmp_path: Path) -> None:
    sc = fixture_scenario()
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    ref = run_simulation(
        sc, RUNS, 11, 40, chunk_size=10 * BLOCK, block_sink=ParquetSink(str(tmp_path / "a"))
    )
    with ProcessPoolExecutor(2) as pool:
        other = [
            run_simulation(
                sc, RUNS, 11, 40, chunk_size=BLOCK, block_sink=ParquetSink(str(tmp_path / "b"))
            ),
            run_simulation(sc, RUNS, 11, 40, executor=pool, chunk_size=BLOCK),
            run_simulation(sc, RUNS, 11, 40, executor=pool, chunk_size=3 * BLOCK),
        ]
    for r in other:
        assert _doc(r) == _doc(ref)
    for name in ("runs", "paths"):
        ta, tb = (
            pa.concat_tables([pq.read_table(f) for f in sorted((tmp_path / d).glob(f"{name}-*"))])
            for d in ("a", "b")
        )
        assert ta.schema.equals(tb.schema)
        for col in ("run", "variable"):
            assert ta.column(col).equals(tb.column(col))
        va, vb = ta.column("value").to_numpy(), tb.column("value").to_numpy()
        assert np.array_equal(va, vb, equal_nan=True)  # NaN: terms of runs with no agreement
        assert len(set(ta.column("run").to_pylist())) == RUNS


def test_different_seeds_differ() -> None:
    sc = fixture_scenario()
    a = run_simulation(sc, 500, 1, 30).summary()
    b = run_simulation(sc, 500, 2, 30).summary()
    assert a["terms"] != b["terms"]


def test_interrupt_keeps_finished_chunks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import detente.simulate.runner as runner

    real = runner._run_task
    calls = {"n": 0}

    def flaky(task):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(runner, "_run_task", flaky)
    r = run_simulation(fixture_scenario(), 3 * BLOCK, 5, 10, chunk_size=BLOCK)
    assert not r.complete
    assert r.runs == BLOCK
    assert r.summary()["complete"] is False


def test_anatomy_replays_one_run_exactly() -> None:
    """One run replayed alone equals that run in the full block (paths and events)."""
    import numpy as np

    from detente.simulate import anatomy_of_run
    from detente.simulate.engine import simulate_block
    from detente.simulate.model import build_model

    sc = fixture_scenario()
    runs, run = BLOCK + 40, BLOCK + 17
    rows = anatomy_of_run(sc, 11, 30, runs, run=run)
    child = np.random.SeedSequence(11).spawn(2)[1]
    full = simulate_block(build_model(sc), 40, 30, np.random.default_rng(child))
    for t, row in enumerate(rows):
        for var, arr in full.paths.items():
            assert row[var] == float(arr[t, 17])


def test_adding_a_step_leaves_the_other_draws_unchanged() -> None:
    """A step drawing from its own named stream does not shift any other step's numbers."""
    import numpy as np

    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model
    from detente.simulate.steps import PERIOD_STEPS, Step

    m = build_model(fixture_scenario())
    extra = Step("noise", lambda m, s, d: s, lambda m: (7, 3))
    seed = np.random.SeedSequence(5)
    plain = list(iter_periods(m, 64, seed, 20))
    more = list(iter_periods(m, 64, seed, 20, steps=(extra, *PERIOD_STEPS)))
    for a, b in zip(plain, more, strict=True):
        assert np.array_equal(a.line, b.line)
        assert np.array_equal(a.events, b.events)
        assert np.array_equal(a.tr, b.tr)
    assert [s.period for s in plain] == list(range(20))


def _block_digest(out: object) -> list[bytes]:
    import numpy as np

    parts = []
    for name in sorted(out.__dataclass_fields__):  # type: ignore[attr-defined]
        x = getattr(out, name)
        if isinstance(x, dict):
            parts += [np.ascontiguousarray(x[k]).tobytes() for k in sorted(x)]
        elif isinstance(x, np.ndarray):
            parts.append(np.ascontiguousarray(x).tobytes())
    return parts


def test_skipping_inert_and_idle_steps_changes_nothing() -> None:
    """Steps skipped as inert for the model or idle for a period (their streams advanced past
    the uniforms they would have drawn) give the same bytes as running every step."""
    import dataclasses

    import numpy as np

    import detente.simulate.engine as engine
    from detente.simulate.model import build_model
    from detente.simulate.steps import PERIOD_STEPS, never

    always = tuple(dataclasses.replace(s, inert=never, idle=never) for s in PERIOD_STEPS)
    assert any(s.idle is not never for s in PERIOD_STEPS)
    for strategies in ({"A": "linear", "B": "linear"}, {"A": "grit", "B": "stalling"}):
        sc = fixture_scenario()
        assert sc.simulation is not None
        sim = sc.simulation.model_copy(update={"strategies": strategies})
        m = build_model(sc.model_copy(update={"simulation": sim}))
        seed = np.random.SeedSequence(9)
        skipped = list(engine.iter_periods(m, 128, seed, 40))
        every = list(engine.iter_periods(m, 128, seed, 40, steps=always))
        for a, b in zip(skipped, every, strict=True):
            for f in ("line", "events", "tr", "ts", "phase", "first", "standing", "trust"):
                assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
        fast = engine.simulate_block(m, 128, 40, seed)
        default = engine.iter_periods.__kwdefaults__["steps"]
        try:
            engine.iter_periods.__kwdefaults__["steps"] = always
            slow = engine.simulate_block(m, 128, 40, seed)
        finally:
            engine.iter_periods.__kwdefaults__["steps"] = default
        assert _block_digest(fast) == _block_digest(slow)


def test_reusing_the_fight_steps_balance_and_costs_changes_nothing() -> None:
    """The fight step reuses β and the costs per period while the arrays they come from are
    unchanged: the same bytes as recomputing them every period, with support levels, shocks
    (balance, costs) and rearmament replacing those arrays along the way."""
    import dataclasses
    import itertools

    import numpy as np

    import detente.simulate.engine as engine
    from detente.simulate.model import build_model
    from detente.simulate.state import RunState, evolve
    from detente.simulate.steps import PERIOD_STEPS
    from detente.simulate.steps.fight import FIGHT

    from .helpers import make_scenario

    def recompute(m: object, s: RunState, d: object) -> RunState:
        return FIGHT.apply(m, evolve(s, fight_of=None), d)  # type: ignore[arg-type]

    fresh = dataclasses.replace(FIGHT, apply=recompute)
    always = tuple(fresh if s is FIGHT else s for s in PERIOD_STEPS)
    shocks = [
        {"id": "mob", "kind": "outside_event", "actor": "B", "date": "2026-05-01",
         "balance": -0.1, "cost_of_fighting": 1.5, "assumption": "test"},
    ]  # fmt: skip
    cases = [  # (scenario, reused in some period)
        (make_scenario(), True),
        (fixture_scenario(), False),  # support levels move every period
        (make_scenario(shocks=shocks, strategies=("peace_offensive", "linear")), True),
    ]
    for sc, reused in cases:
        m = build_model(sc)
        seed = np.random.SeedSequence(4)
        fast = list(engine.iter_periods(m, 96, seed, 60))
        slow = list(engine.iter_periods(m, 96, seed, 60, steps=always))
        hits = [a.fight_of[1] is b.fight_of[1] for a, b in itertools.pairwise(fast)]  # type: ignore[index]
        assert any(hits) is reused
        for a, b in zip(fast, slow, strict=True):
            for f in ("line", "cum_cost", "y", "trend", "events", "rhat", "shift", "level"):
                assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
        default = engine.iter_periods.__kwdefaults__["steps"]
        try:
            engine.iter_periods.__kwdefaults__["steps"] = always
            every = engine.simulate_block(m, 96, 60, seed)
        finally:
            engine.iter_periods.__kwdefaults__["steps"] = default
        assert _block_digest(engine.simulate_block(m, 96, 60, seed)) == _block_digest(every)
