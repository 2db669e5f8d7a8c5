"""The talk step skipped where its round would change nothing (branch s14:
``steps.meeting.no_talks``, the talk step's ``idle`` test): every state of every period is
the same, to the bit, as with the step run in every period, in blocks whose runs have all
agreed (the NegMAS workload), under a cadence of talks (``talks_every``), with shipped
scenarios; and the test does skip periods there (else it would test nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import ROOT, make_scenario, negmas_workload

from detente.scenario import Scenario, load_scenario
from detente.simulate import RunInputs, simulate_block
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import RunState
from detente.simulate.steps import PERIOD_STEPS, never
from detente.simulate.steps.talk import TALK

_SKIP_FIELDS = {"blanks", "fight_of"}  # caches of the engine's, not the runs' state


def _fields(s: RunState) -> dict[str, Any]:
    """Every field of a state as bytes (arrays: dtype, shape and bytes; NaN as its bits)."""
    out: dict[str, Any] = {}
    for name, v in s.__dict__.items():
        if name in _SKIP_FIELDS:
            continue
        if isinstance(v, np.ndarray):
            out[name] = (v.dtype.str, v.shape, np.ascontiguousarray(v).tobytes())
        elif isinstance(v, int | float | bool | str | type(None)):
            out[name] = v
    return out


def _compare(
    m: SimModel, n: int, periods: int, inputs: RunInputs | None = None, seed: int = 5
) -> int:
    """Assert that the block's states are the same with the talk step always run; return
    how many periods it was skipped."""
    skipped = [0]

    def counting(model: SimModel, s: RunState) -> bool:
        idle = TALK.idle(model, s)
        skipped[0] += idle
        return idle

    always = tuple(replace(st, idle=never) if st.name == TALK.name else st for st in PERIOD_STEPS)
    counted = tuple(
        replace(st, idle=counting) if st.name == TALK.name else st for st in PERIOD_STEPS
    )
    ss = np.random.SeedSequence(seed)
    ran: Iterator[RunState] = iter_periods(m, n, ss, periods, inputs=inputs, steps=always)
    got: Iterator[RunState] = iter_periods(m, n, ss, periods, inputs=inputs, steps=counted)
    for t, (a, b) in enumerate(zip(ran, got, strict=True)):
        fa, fb = _fields(a), _fields(b)
        assert fa.keys() == fb.keys()
        for name in fa:
            assert fa[name] == fb[name], (t, name)
    return skipped[0]


def _negmas(k: int, pairing: str, n: int) -> tuple[SimModel, RunInputs]:
    return negmas_workload(k, pairing, n, seed=11)


@pytest.mark.parametrize("pairing", ["boul-conc", "asp-asp", "tough-boul"])
def test_negmas_workload_skips_finished_blocks_to_the_bit(pairing: str) -> None:
    m, inputs = _negmas(6, pairing, 48)
    skipped = _compare(m, 48, 100, inputs)
    if pairing == "tough-boul":  # never agrees: the talks go on in every period
        assert skipped == 0
    else:  # every run agrees before the deadline (Boulware against Conceder: well before)
        assert skipped > (20 if pairing == "boul-conc" else 0)


@pytest.mark.parametrize("every", [1, 3])
@pytest.mark.parametrize("strategies", [("good_faith", "good_faith"), ("hardliner", "tit_for_tat")])
def test_cadence_and_strategies_to_the_bit(every: int, strategies: tuple[str, str]) -> None:
    scenario = make_scenario(strategies=strategies, simulation={"talks_every": every})
    skipped = _compare(build_model(scenario), 40, 30)
    if every == 3:  # the periods between two rounds, once the last round's evidence is gone
        assert skipped > 0


@pytest.mark.parametrize("name", ["teaching.yaml", "ukraine-2025-11.yaml"])
def test_shipped_scenarios_to_the_bit(name: str) -> None:
    scenario: Scenario = load_scenario(ROOT / "scenarios" / name)
    _compare(build_model(scenario), 32, 36, seed=8)


def test_the_in_place_block_agrees_with_the_copied_states() -> None:
    """The engine's block output (``simulate_block``, in place, with its work memory) equals
    what ``iter_periods``' copied states give (both with the default steps, so the talk step
    may be idle in both; skip against no skip is compared above): the agreements of the
    NegMAS workload."""
    m, inputs = _negmas(6, "boul-conc", 40)
    out = simulate_block(m, 40, 100, np.random.SeedSequence(2), inputs=inputs)
    states = list(iter_periods(m, 40, np.random.SeedSequence(2), 100, inputs=inputs))
    assert np.array_equal(out.first_agreement, states[-1].first[:, 0])
    assert (out.first_agreement >= 0).all()
