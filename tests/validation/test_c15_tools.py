"""The diagnostic tools of the validation folder read the engine's own rules (branch c15):
``validation/dynamics_why.py``'s crossing test decides as the ``positions`` step does, and
``validation/lifting_why.py`` reports the ``tracks`` step's lifting decisions and costs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> ModuleType:
    """``validation/<name>.py``, loaded once (it imports ``dynamics`` from beside it)."""
    key = f"validation_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "validation" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("snapshot", ["2022-11", "2025-05"])
def test_the_crossing_test_of_dynamics_why_decides_as_the_positions_step(snapshot: str) -> None:
    """On states where every move set's bundle has been talked about and no line was crossed,
    the ``positions`` step crosses exactly the move sets whose bundle is not in force and that
    :func:`dynamics_why.worth_crossing` finds worth crossing, run by run: the tool reads the
    step's own test (``positions.worth_crossing``), which the step applies as stated."""
    from detente.scenario import load_scenario
    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model
    from detente.simulate.state import replaced
    from detente.simulate.steps.positions import POSITIONS, agreement_gains

    why = _tool("dynamics_why")
    from detente.simulate.steps import positions

    assert why.worth_crossing is positions.worth_crossing  # one implementation
    m = build_model(load_scenario(ROOT / "scenarios" / f"ukraine-{snapshot}.yaml"))
    sets = m.agenda.move_sets
    assert sets
    seen_move = seen_hold = 0
    for t, s in enumerate(iter_periods(m, 64, np.random.SeedSequence(5), 12)):
        if t % 4:
            continue
        assert s.weights is None
        table = replaced(
            s,
            rounds=np.ones_like(s.rounds),
            moved_at=np.full_like(s.moved_at, -1),
        )
        after = POSITIONS.apply(m, table, None)  # type: ignore[arg-type]  # draws unused
        relief = agreement_gains(m, table)
        for j, ms in enumerate(sets):
            if ms.point_k < 0:
                continue
            want = (table.phase[:, ms.bundle] == 0) & why.worth_crossing(m, table, j, relief)
            want &= ms.ratified  # outside the ratifiers' win-set: never crossed (branch v22a)
            got = after.moved_at[:, j] == table.period
            np.testing.assert_array_equal(got, want)
            seen_move += int(want.sum())
            seen_hold += int((~want).sum())
    assert seen_move and seen_hold  # both decisions occur


def _teaching_refusal(empty: int) -> Any:
    from ruamel.yaml import YAML

    from detente.scenario import parse_scenario

    lift = _tool("lifting_why")
    data = YAML(typ="safe").load((ROOT / "scenarios" / "teaching.yaml").read_text("utf-8"))
    data["refusals"] = [
        {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
         "since": "2024-06-01", "assumption": "test"}
    ]  # fmt: skip
    doc = json.dumps(lift.with_empty_issues(data, empty), default=str)
    return parse_scenario(doc, name=f"teaching+{empty}.json")


def test_lifting_why_reports_the_tracks_step_decisions() -> None:
    """Teaching with Norland refusing Sudmark's leaders (the only track closed): some runs lift
    and some do not within 40 weeks; a round on the reopened table needs a lift; the cost falls
    as costs of fighting mount; an issue nobody cares about raises the cost by half (two
    issues: the known flaw of docs/explanation/tracks.md)."""
    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model

    lift = _tool("lifting_why")
    (row,) = lift.diagnose("teaching", _teaching_refusal(0), runs=96, seed=1, periods=40)
    assert (row["refusal"], row["actor"], row["issues"]) == ("r", "NOR", 2)
    assert 0.0 < row["lifted"] < 1.0
    assert 0.0 < row["reopened"] <= row["lifted"]
    assert row["cost_end"] < row["cost_as_of"]
    assert row["best"][0] == max(g[0] for g in row["gain"].values())
    # the share lifted is the engine's decision on the same runs, as the tracks step recorded
    # it in the run state (a lift is kept: branch v20a), and its median week counts from 1
    m = build_model(_teaching_refusal(0))
    *_, last = iter_periods(m, 96, np.random.SeedSequence(1), 40)
    at = last.lifted_at[:, 0]
    assert row["lifted"] == pytest.approx((at >= 0).mean())
    assert row["lift_week"] == pytest.approx(np.median(at[at >= 0]) + 1)
    (more,) = lift.diagnose("teaching+1", _teaching_refusal(1), runs=96, seed=1, periods=40)
    assert more["issues"] == 3
    assert more["cost_as_of"] == pytest.approx(1.5 * row["cost_as_of"], rel=1e-12)
    table = lift.render([row, more])
    assert table.count("\n") == 4 and "| teaching (40) | r (NOR) | 2 |" in table
