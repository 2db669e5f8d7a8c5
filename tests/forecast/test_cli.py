"""``detente forecast SCENARIO`` and ``detente forecast backtest FILE`` through CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

FIXTURE = str(Path(__file__).parent / "fixtures" / "small_backtest.csv")
runner = CliRunner()


def test_default_command_takes_the_scenario_positionally(app: typer.Typer) -> None:
    res = runner.invoke(app, ["forecast", FIXTURE, "--runs", "100", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    ids = [r["issue_id"] for r in doc["forecasts"]]
    assert ids == ["tariffs", "border", "water", "prisoners", "amnesty", "monitors"]
    assert doc["manifest"]["seed"] == 20261122
    explicit = runner.invoke(app, ["forecast", "run", FIXTURE, "--runs", "100", "-f", "json"])
    assert json.loads(explicit.output)["forecasts"] == doc["forecasts"]


def test_forecast_is_reproducible_with_a_seed(app: typer.Typer) -> None:
    args = ["forecast", FIXTURE, "--model", "median", "--runs", "200", "--seed", "7", "-f", "csv"]
    first = runner.invoke(app, args).output
    assert first == runner.invoke(app, args).output
    assert "q05" in first.splitlines()[0]


def test_backtest_json_schema(app: typer.Typer, tmp_path: Path) -> None:
    resid = tmp_path / "res.csv"
    res = runner.invoke(
        app,
        [
            "forecast", "backtest", FIXTURE, "--model", "median", "--model", "blend",
            "--folds", "2", "--seed", "3", "--format", "json", "--residuals", str(resid),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert list(doc["models"]) == ["compromise", "median", "blend"]
    for score in doc["models"].values():
        assert {"mae", "rmse", "median_ae", "n_issues", "hit_5", "hit_10", "hit_20"} <= set(score)
        assert set(score["mae_diff_vs_compromise"]) == {"estimate", "low", "high"}
    assert doc["models"]["blend"]["tuned_parameters"][0]["fold"] == 0
    assert doc["models"]["median"]["tuned_parameters"] is None
    assert doc["skipped"] == {"fewer_than_3_actors": 1, "no_outcome": 1}
    assert doc["models"]["compromise"]["n_issues"] == 4
    with resid.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 * 4
    assert set(rows[0]) == {"issue_id", "model", "fold", "forecast", "outcome", "residual"}


def test_backtest_table_says_what_was_fit_in_folds(app: typer.Typer) -> None:
    res = runner.invoke(app, ["forecast", "backtest", FIXTURE, "--folds", "2"])
    assert res.exit_code == 0, res.output
    assert "Fit inside training folds only: sq-gravity, blend, cap-exponent" in res.output
    assert "skipped fewer_than_3_actors: 1, no_outcome: 1" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "missing.csv"], "missing.csv: file not found"),
        (["forecast", "backtest", FIXTURE, "--folds", "9"], "need at least 9"),
    ],
)
def test_input_errors_are_messages(app: typer.Typer, args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output


def test_an_unknown_model_is_a_usage_error(app: typer.Typer) -> None:
    """q23: exit 2 naming --model and listing the models (was exit 1)."""
    res = runner.invoke(app, ["forecast", FIXTURE, "--model", "oracle"], env={"COLUMNS": "400"})
    assert res.exit_code == 2
    assert "Invalid value for '--model'" in res.output
    assert "unknown forecast model 'oracle'" in res.output


def test_bad_csv_row_is_located(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "issue_id,actor,position,salience,capability,status_quo,outcome\nx,a,ten,1,1,0,5\n"
    )
    res = runner.invoke(app, ["forecast", "backtest", str(bad)])
    assert res.exit_code == 1
    assert "line 2: column 'position': expected a number, got 'ten'" in res.output


def test_tunable_model_is_fitted_on_issues_with_outcomes(app: typer.Typer) -> None:
    res = runner.invoke(
        app, ["forecast", FIXTURE, "-m", "sq-gravity", "--runs", "20", "-f", "json"]
    )
    assert res.exit_code == 0, res.output
    assert "gravity" in json.loads(res.output)["manifest"]["parameters"]


SCENARIO = str(Path(__file__).parent / "fixtures" / "backtest_scenario.yaml")


def test_scenario_files_feed_forecast_and_backtest(app: typer.Typer) -> None:
    res = runner.invoke(app, ["forecast", SCENARIO, "--runs", "50", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert [r["issue_id"] for r in json.loads(res.output)["forecasts"]] == [
        "ceasefire",
        "prisoners",
    ]
    both = runner.invoke(
        app,
        ["forecast", "backtest", FIXTURE, SCENARIO, "--folds", "3", "-m", "median", "-f", "json"],
    )
    assert both.exit_code == 0, both.output
    assert json.loads(both.output)["models"]["median"]["n_issues"] == 6


def test_bad_scenario_is_a_located_message(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nmeta: {name: x}\n")
    res = runner.invoke(app, ["forecast", str(bad)])
    assert res.exit_code == 1
    assert "bad.yaml" in res.output
    assert "Traceback" not in res.output


def test_backtest_json_reports_calibration_and_capability_source(
    app: typer.Typer, tmp_path: Path
) -> None:
    from detente.forecast.synthetic import synthetic_issues

    rows = ["issue_id,actor,position,salience,capability,status_quo,outcome"]
    for issue in synthetic_issues(40, 5, seed=2):
        for a, p, s in zip(issue.actors, issue.positions, issue.saliences, strict=True):
            rows.append(f"{issue.issue_id},{a},{p},{s},,{issue.status_quo},{issue.outcome}")
    data = tmp_path / "bare.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["forecast", "backtest", str(data), "--bootstrap", "50", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert "front" not in doc["models"] and "nash-war" not in doc["models"]  # scenario-only
    for score in doc["models"].values():
        assert 0.0 <= score["coverage_50"] <= score["coverage_90"] <= 1.0
    cap = doc["models"]["cap-exponent"]
    assert cap["notes"] == [
        "no capabilities given: exponent not identified, forecasts equal compromise"
    ]
    assert [p["exponent"] for p in cap["tuned_parameters"]] == [None] * 5
    assert doc["models"]["bdm"]["notes"] == ["no capabilities given: every actor counts 1"]
    assert doc["capability_sources"] == ["none given"]
    table = tmp_path / "caps.csv"
    table.write_text("actor,capability\n" + "".join(f"A{k:02d},{k + 1}\n" for k in range(5)))
    res = runner.invoke(
        app,
        ["forecast", "backtest", str(data), "--capabilities", str(table), "-m", "cap-exponent",
         "--bootstrap", "50", "-f", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["capability_sources"] == ["table:caps.csv"]
    assert all(p["exponent"] is not None for p in doc["models"]["cap-exponent"]["tuned_parameters"])


def test_scenario_forecast_defaults_to_the_front_model(app: typer.Typer) -> None:
    res = runner.invoke(app, ["forecast", SCENARIO, "--runs", "30", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert {r["model"] for r in doc["forecasts"]} == {"front"}
    assert all(r["q05"] <= r["forecast"] <= r["q95"] for r in doc["forecasts"])
