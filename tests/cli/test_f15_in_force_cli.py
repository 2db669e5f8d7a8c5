"""``detente simulate`` and ``detente analyze`` label an agreement in force at the start
(branch f15): the Black Sea Grain Initiative of ukraine-2022-11, and the reasons of the fields
``--until settlement`` does not simulate."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
UKRAINE = str(REPO / "scenarios" / "ukraine-2022-11.yaml")
TWO_SIDES = str(REPO / "tests" / "simulate" / "fixtures" / "two_sides.yaml")
runner = CliRunner()


def _run(*args: str) -> str:
    r = runner.invoke(app, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _csv(scenario: str, *extra: str) -> dict[str, str]:
    text = _run("simulate", scenario, "--runs", "200", "--periods", "30", "-f", "csv", *extra)
    return {row["metric"]: row["value"] or row["note"] for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def ukraine() -> tuple[dict[str, str], dict[str, object]]:
    doc = json.loads(_run("simulate", UKRAINE, "--runs", "200", "--periods", "30", "-f", "json"))
    return _csv(UKRAINE), doc


def test_the_grain_corridor_is_labelled_in_force_at_the_start(
    ukraine: tuple[dict[str, str], dict[str, object]],
) -> None:
    rows, doc = ukraine
    rec = next(a for a in doc["agreements"] if a["bundle"] == "black_sea")  # type: ignore[attr-defined]
    start = rec["in_force_at_start"]
    label = rows["agreements.black_sea.in_force_at_start"]
    assert label.startswith(
        f"in force since 2022-07-22 (age {start['age_periods']} weeks): "
        "P(still in force at the horizon) "
    )
    # 30 weeks do not reach a year: said so, never a 0
    assert "P(ended within a year) not observed (horizon under a year)" in label
    assert start["p_ended_1y"] is None
    assert label.endswith(f"P(signed anew) {rec['p_agreement']:.2f}")
    assert (
        float(rows["agreements.black_sea.in_force_at_start.p_in_force_at_horizon"])
        == (start["p_in_force_at_horizon"])
    )
    # the other bundles were not in force: no such row
    assert [k for k in rows if k.endswith(".in_force_at_start")] == [
        "agreements.black_sea.in_force_at_start"
    ]


def test_until_settlement_shows_reasons_not_blanks() -> None:
    rows = _csv(UKRAINE, "--until", "settlement")
    for key in ("p_breakdown_1y", "mean_agreements_per_run", "mean_cost.RU"):
        assert rows[key].startswith("not simulated (until='settlement'"), key
    assert rows["agreements.energy.p_agreement"].startswith("not simulated")
    assert rows["agreements.settlement.p_breakdown_1y"].startswith("not simulated")
    label = rows["agreements.black_sea.in_force_at_start"]
    assert label.startswith("in force since 2022-07-22 at the start; not simulated")
    # what is simulated keeps its value
    assert 0.0 <= float(rows["p_agreement"]) <= 1.0


def test_a_scenario_without_agreements_in_force_is_unchanged() -> None:
    rows = _csv(TWO_SIDES)
    assert not any("in_force" in k for k in rows)
    fields = {k.rsplit(".", 1)[1] for k in rows if k.startswith("agreements.")}
    assert fields == {"p_agreement", "median_periods_to_agreement", "p_breakdown_1y"}
    assert not any(v.startswith("not simulated") for v in rows.values())
    table = _run("analyze", TWO_SIDES)
    assert "in_force_since" not in table


def test_analyze_marks_the_bundle_in_force() -> None:
    table = _run("analyze", UKRAINE)
    assert "in_force_since: in force at the scenario's date" in table
    bundles = table.split("Bundles (partial agreements)")[1].split("Staging of the deal")[0]
    line = next(ln for ln in bundles.splitlines() if "black_sea " in ln)
    assert "2022-07-22" in line
    assert "2022-07-22" not in next(ln for ln in bundles.splitlines() if "energy " in ln)
