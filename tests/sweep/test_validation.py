"""Every point is validated like a scenario file before anything runs, in the backend's workers."""

from __future__ import annotations

import pytest

from detente.scenario.load import ScenarioError
from detente.sweep import SerialBackend, load_sweep, plan_sweep
from detente.sweep.evaluate import PointTask, _flatten, _may_change_sources, point_problem
from detente.sweep.spec import Design, Input

from .helpers import HERE, SMALL


def _plan_with(inputs: list[dict[str, object]]) -> None:
    spec, tree = load_sweep(SMALL)
    spec = spec.model_copy(
        update={
            "inputs": tuple(Input.model_validate(i) for i in inputs),
            "design": Design(kind="lhs", samples=6),
        }
    )
    with SerialBackend() as be:
        plan_sweep(spec, base_dir=HERE, tree=tree, name=str(SMALL), backend=be)


def test_a_swept_source_id_is_checked_against_meta_sources() -> None:
    """Points changing a `sources` field get the (otherwise skipped) source-id walk."""
    with pytest.raises(ScenarioError, match="unknown source id 'S_nowhere'"):
        _plan_with([{"path": "issues.valley.sources[0]", "choices": ["S_brief", "S_nowhere"]}])


def test_a_field_s_own_sources_count_as_sources() -> None:
    """`War.started_sources` (v20b) is walked like `sources` when a point changes it."""
    assert _may_change_sources((("war.started_sources[0]", "S_x"),))
    assert _may_change_sources((("issues.valley.sources[0]", "S_x"),))
    assert not _may_change_sources((("war.stalemate", 0.5),))


def test_a_swept_value_that_contradicts_the_model_is_refused() -> None:
    with pytest.raises(ScenarioError, match="talks_every = 20000 exceeds the maximum"):
        _plan_with([{"path": "simulation.talks_every", "choices": [1, 20000]}])


def test_valid_points_have_no_problem() -> None:
    spec, _ = load_sweep(SMALL)
    from detente.scenario import load_scenario

    base = load_scenario(HERE / spec.scenarios[0]).model_dump()
    task = PointTask(0, 0, (("actors.NOR.cost_of_fighting", 0.002),), 1, {})
    assert point_problem(base, task) is None
    bad = PointTask(3, 0, (("actors.NOR.cost_of_fighting", -1.0),), 1, {})
    problem = point_problem(base, bad)
    assert problem is not None and problem.startswith("point 3 (actors.NOR.cost_of_fighting=-1.0)")


def test_agreement_records_become_outputs_per_bundle() -> None:
    out: dict[str, float | None] = {}
    doc = {
        "p_agreement": 0.25,
        "agreements": [
            {"bundle": "grain", "p_agreement": 0.5, "p_agreement_ci": [0.4, 0.6]},
            {"bundle": "settlement", "p_agreement": 0.0, "median_periods_to_agreement": None},
        ],
    }
    _flatten("simulate", doc, out)
    assert out == {
        "simulate.p_agreement": 0.25,
        "simulate.agreements.grain.p_agreement": 0.5,
        "simulate.agreements.grain.p_agreement_ci_low": 0.4,
        "simulate.agreements.grain.p_agreement_ci_high": 0.6,
        "simulate.agreements.settlement.p_agreement": 0.0,
        "simulate.agreements.settlement.median_periods_to_agreement": None,
    }


def test_paths_reach_into_tuples_of_python_mode_data() -> None:
    from detente.sweep.paths import get_value, set_value

    data = {"actors": ({"id": "A", "x": 1}, {"id": "B", "x": 2})}
    new = set_value(data, "actors.B.x", 5)
    assert get_value(new, "actors.B.x") == 5 and get_value(data, "actors.B.x") == 2
    assert isinstance(new["actors"], tuple) and new["actors"][0] is data["actors"][0]
