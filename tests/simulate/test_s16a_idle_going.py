"""Until the settlement, a step idle for the runs still going is skipped (branch s16a).

``simulate_block(..., until="settlement")`` skips a step in a period when it has nothing to do
for any run that has not stopped (``Step.idle_going``: the verify step, whose work after a
run's settlement concerns only what follows the stop). Every output byte must stay the step
loop's: the step loop is forced by clearing ``idle_going`` (the step then runs whenever its own
``idle`` test says so), on every shipped scenario, the dev cases and the NegMAS workload with
per-run weights (odd run counts, row subsets, reused output arrays, every pairing).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate import RunInputs, engine, iter_periods, simulate_block
from detente.simulate.engine import BlockOutput
from detente.simulate.model import SimModel, build_model
from detente.simulate.steps import PERIOD_STEPS, Step, going1
from detente.simulate.steps.verify import VERIFY, _nothing_seen, _nothing_seen_going

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "validation" / "cases").glob("*/scenario.yaml")
)
STEP_LOOP = tuple(dataclasses.replace(s, idle_going=None) for s in PERIOD_STEPS)


def _fields(out: BlockOutput) -> dict[str, Any]:
    got = {f.name: getattr(out, f.name) for f in dataclasses.fields(out) if f.name != "paths"}
    got.update({f"path:{k}": v for k, v in out.paths.items()})
    return got


def _assert_same(a: BlockOutput, b: BlockOutput) -> None:
    fa, fb = _fields(a), _fields(b)
    assert fa.keys() == fb.keys()
    for key, x in fa.items():
        y = fb[key]
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, key
            assert x.tobytes() == y.tobytes(), key
        else:
            assert x == y, key


def _block(m: SimModel, n: int, steps: tuple[Step, ...], **kw: Any) -> BlockOutput:
    saved = engine.PERIOD_STEPS
    engine.PERIOD_STEPS = steps
    try:
        seed = np.random.SeedSequence(kw.pop("seed", 11))
        return simulate_block(m, n, kw.pop("periods", 104), seed, **kw)
    finally:
        engine.PERIOD_STEPS = saved


def _counting(counts: dict[str, int]) -> tuple[Step, ...]:
    """The shipped steps, those named in ``counts`` counting the periods they run in."""

    def counted(step: Step) -> Step:
        def apply(m: SimModel, s: Any, d: Any) -> Any:
            counts[step.name] += 1
            return step.apply(m, s, d)

        return dataclasses.replace(step, apply=apply)

    return tuple(counted(s) if s.name in counts else s for s in PERIOD_STEPS)


def test_the_shipped_verify_step_declares_it() -> None:
    assert VERIFY in PERIOD_STEPS and VERIFY.idle_going is _nothing_seen_going
    assert going1(-1, 5) and going1(5, 5) and going1(7, 5) and not going1(4, 5)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_scenarios_byte_identical_to_the_step_loop(path: Path) -> None:
    m = build_model(load_scenario(path))
    n = 157
    old = _block(m, n, STEP_LOOP, until="settlement")
    _assert_same(old, _block(m, n, PERIOD_STEPS, until="settlement"))
    _assert_same(old, _block(m, n, PERIOD_STEPS, until="settlement", reuse=old))
    rows = [0, 3, 90, 156]
    _assert_same(
        _block(m, n, STEP_LOOP, until="settlement", rows=rows),
        _block(m, n, PERIOD_STEPS, until="settlement", rows=rows),
    )
    # the default mode never reads idle_going
    _assert_same(_block(m, 33, STEP_LOOP), _block(m, 33, PERIOD_STEPS))


def _negmas_workload(k: int, pairing: str, n: int) -> tuple[SimModel, RunInputs]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import vs_negmas
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    a, b, rv = vs_negmas.PAIRINGS[pairing]
    m = build_model(vs_negmas.negotiation_scenario(k, a, b, rv))
    rng = np.random.default_rng(k)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    w = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    return m, RunInputs(weights=w)


@pytest.mark.parametrize("pairing", ["asp-asp", "boul-conc", "asp-nozopa", "tough-boul"])
@pytest.mark.parametrize("k", [10, 32])
def test_negmas_workload_byte_identical(pairing: str, k: int) -> None:
    n = 301
    m, inputs = _negmas_workload(k, pairing, n)
    kw: dict[str, Any] = {"periods": 100, "inputs": inputs, "until": "settlement"}
    old = _block(m, n, STEP_LOOP, **kw)
    counts = {"verify": 0, "implement": 0}
    new = _block(m, n, _counting(counts), **kw)
    _assert_same(old, new)
    _assert_same(old, _block(m, n, PERIOD_STEPS, reuse=new, **kw))
    if (old.first_agreement >= 0).any():  # runs agree: implement would run after the first
        # stop (the runs stopped keep their agreements in force), verify never since sp21b
        # (the implement step leaves the runs stopped as they are: nothing for verify to see)
        loop = {"verify": 0, "implement": 0}
        _block(m, n, tuple(dataclasses.replace(s, idle_going=None) for s in _counting(loop)), **kw)
        # (implement skips the periods in which no run still going signs: with 301 runs
        # there may be none)
        assert loop["implement"] > 0 and counts["implement"] <= loop["implement"]
        assert counts["verify"] <= loop["verify"]


def test_the_going_test_only_narrows_the_idle_test() -> None:
    """In every period of a scenario with agreements, idle for every run implies idle for
    the runs still going (the going test never skips what the step loop would run for them)."""
    m = build_model(load_scenario(ROOT / "scenarios" / "teaching.yaml"))
    seen = 0
    for s in iter_periods(m, 201, np.random.SeedSequence(3), 104):
        if _nothing_seen(m, s):
            assert _nothing_seen_going(m, s)
        seen += int(_nothing_seen_going(m, s) and not _nothing_seen(m, s))
    assert seen > 0  # and it does skip periods the step loop runs
