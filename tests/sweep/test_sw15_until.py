"""Sweeps simulate until the settlement: same P(agreement), refusals, bad values (sw15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.scenario.load import ScenarioError
from detente.sweep import SerialBackend, parse_sweep, plan_sweep, run_sweep
from detente.sweep.spec import Commands, Design, SimulateCommand

from .helpers import HERE, SMALL, tiny_plan

_OUTPUTS = (
    "simulate.p_agreement",
    "simulate.p_agreement_ci_low",
    "simulate.p_agreement_ci_high",
    "simulate.median_periods_to_agreement",
)


def _text(until: str | None, outputs: tuple[str, ...] = _OUTPUTS) -> str:
    sim = "{runs: 10, periods: 12" + (f", until: {until}" if until else "") + "}"
    outs = "".join(f"  - {o}\n" for o in outputs)
    return (
        "sweep_version: 1\nname: tiny\nscenarios:\n  - ../../scenarios/teaching.yaml\n"
        "inputs:\n  - path: actors.NOR.cost_of_fighting\n    range: [0.0005, 0.006]\n"
        "design:\n  kind: lhs\n  samples: 5\n"
        f"commands:\n  simulate: {sim}\noutputs:\n{outs}seed: 7\nrandom_numbers: independent\n"
    )


def _run(until: str | None, outputs: tuple[str, ...] = _OUTPUTS) -> dict[str, object]:
    spec, tree = parse_sweep(_text(until, outputs), name="tiny.yaml")
    with SerialBackend() as be:
        plan = plan_sweep(spec, base_dir=HERE, tree=tree, name="tiny.yaml", backend=be)
        result = run_sweep(plan, backend=be)
    return result.to_dict() | {"table": result.table()}


def test_p_agreement_outputs_equal_the_default_modes() -> None:
    default, settled = _run(None), _run("settlement")
    assert settled["table"] == default["table"]  # every point's P(agreement), CI, median
    rows = default["table"]
    assert isinstance(rows, list) and any(0 < r["simulate.p_agreement"] < 1 for r in rows)
    assert "until" not in default and "until" not in default["manifest"]  # type: ignore[operator]
    assert settled["until"] == settled["manifest"]["until"] == "settlement"  # type: ignore[index]
    left_out = settled["not_simulated"]
    assert isinstance(left_out, dict)
    assert "not simulated" in left_out["simulate.p_breakdown_1y"]
    assert "simulate.mean_cost" in left_out


def test_an_explicit_horizon_is_the_default_sweep() -> None:
    spec, tree = parse_sweep(_text("horizon"), name="tiny.yaml")
    plan = plan_sweep(spec, base_dir=HERE, tree=tree, name="tiny.yaml")
    spec0, tree0 = parse_sweep(_text(None), name="tiny.yaml")
    plan0 = plan_sweep(spec0, base_dir=HERE, tree=tree0, name="tiny.yaml")
    assert plan.spec_sha256 == plan0.spec_sha256 and "until" not in plan.spec_json
    assert plan.tasks == plan0.tasks and "until" not in plan.tasks[0].commands["simulate"]
    assert not plan.not_simulated


@pytest.mark.parametrize(
    ("output", "why"),
    [
        ("simulate.p_breakdown_1y", "no agreement is followed after its signature"),
        ("simulate.mean_cost.NOR", "the costs of fighting after it"),
        ("simulate.mean_agreements_per_run", "are not counted"),
    ],
)
def test_an_output_the_mode_cannot_give_is_refused_with_its_line(output: str, why: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _run("settlement", (*_OUTPUTS, output))
    msg = str(info.value)
    assert "tiny.yaml:18:" in msg  # the line of the refused output (outputs start at line 14)
    assert repr(output) in msg and why in msg and "until: settlement" in msg


def test_the_default_mode_gives_those_outputs() -> None:
    doc = _run(None, (*_OUTPUTS, "simulate.p_breakdown_1y", "simulate.mean_cost.NOR"))
    assert any(r["simulate.mean_cost.NOR"] for r in doc["table"])  # type: ignore[attr-defined]


def test_a_bad_until_is_a_located_error() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_sweep(_text("forever"), name="tiny.yaml")
    msg = str(info.value)
    assert "tiny.yaml:12:" in msg and "until" in msg and "settlement" in msg


def test_cli_until_option(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sweep", str(SMALL), "--format", "json"]
    res = runner.invoke(app, [*args, "--until", "settlement"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["until"] == doc["manifest"]["until"] == "settlement"
    bad = runner.invoke(app, [*args, "--until", "forever"])
    assert bad.exit_code == 2 and "--until" in bad.output and "must be one of" in bad.output
    assert "Traceback" not in bad.output


def test_tiny_plan_refuses_mean_agreements_until_settlement() -> None:
    plan = tiny_plan()  # asks for simulate.mean_agreements_per_run
    sim = SimulateCommand(runs=10, periods=12, until="settlement")
    spec = plan.spec.model_copy(
        update={"commands": Commands(simulate=sim), "design": Design(kind="lhs", samples=3)}
    )
    with pytest.raises(ScenarioError, match="mean_agreements_per_run"):
        plan_sweep(spec, base_dir=HERE)
