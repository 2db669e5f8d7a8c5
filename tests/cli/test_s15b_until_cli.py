"""``detente simulate --until``: the settlement mode on the command line (branch s15b)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

SCEN = str(Path(__file__).resolve().parents[1] / "simulate" / "fixtures" / "two_sides.yaml")
runner = CliRunner()
ARGS = ["simulate", SCEN, "--runs", "300", "--seed", "4", "--periods", "30"]


def _json(*extra: str) -> dict[str, object]:
    r = runner.invoke(app, [*ARGS, "-f", "json", *extra], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    doc: dict[str, object] = json.loads(r.output)
    return doc


def test_until_settlement_answers_the_default_modes_question() -> None:
    full, cut = _json(), _json("--until", "settlement")
    assert _json("--until", "horizon") == full
    for key in ("runs", "seed", "p_agreement", "p_agreement_ci", "median_periods_to_agreement"):
        assert cut[key] == full[key], key
    assert cut["terms"] == full["terms"]
    assert cut["p_breakdown_1y"] is None and cut["until"] == "settlement"
    reasons = cut["not_simulated"]
    assert isinstance(reasons, dict) and "p_breakdown_1y" in reasons
    manifest = cut["manifest"]
    assert isinstance(manifest, dict) and manifest["parameters"]["until"] == "settlement"


def test_the_table_states_what_is_not_simulated() -> None:
    r = runner.invoke(app, [*ARGS, "--until", "settlement", "-f", "csv"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "not_simulated.p_breakdown_1y" in r.output
    assert "until,,settlement" in r.output


def test_a_bad_value_is_a_usage_error_naming_the_option() -> None:
    r = runner.invoke(app, [*ARGS, "--until", "agreement"])
    assert r.exit_code == 2
    assert "--until" in r.output and "'horizon', 'settlement'" in r.output
    assert "Traceback" not in r.output
