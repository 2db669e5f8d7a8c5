"""``detente simulate``: output formats, same seed → same JSON, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

from .helpers import FIXTURES

SCEN = str(FIXTURES / "two_sides.yaml")
runner = CliRunner()


def _json(*extra: str) -> str:
    args = ["simulate", SCEN, "--runs", "300", "--seed", "4", "--periods", "30", "-f", "json"]
    r = runner.invoke(app, [*args, *extra], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_json_has_the_documented_keys_and_is_reproducible() -> None:
    out = _json()
    doc = json.loads(out)
    for key in (
        "runs",
        "seed",
        "p_agreement",
        "p_agreement_ci",
        "median_periods_to_agreement",
        "p_breakdown_1y",
        "terms",
        "manifest",
    ):
        assert key in doc
    assert doc["runs"] == 300
    assert doc["seed"] == 4
    assert set(doc["terms"]) == {"land", "bloc", "sanctions"}
    assert set(doc["terms"]["land"]) == {"q05", "q25", "q50", "q75", "q95"}
    assert doc["manifest"]["scenario_sha256"]
    assert _json() == out
    assert _json("--workers", "2") == out


def test_table_and_out_dir(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["simulate", SCEN, "--runs", "200", "--periods", "20", "--out", str(tmp_path / "o")],
    )
    assert r.exit_code == 0, r.output
    assert "p_agreement" in r.output
    assert (tmp_path / "o" / "manifest.json").is_file()
    assert list((tmp_path / "o").glob("paths-*.parquet"))


def test_bad_inputs_exit_cleanly(tmp_path: Path) -> None:
    r = runner.invoke(app, ["simulate", str(tmp_path / "none.yaml")])
    assert r.exit_code == 1
    assert "file not found" in r.output
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "0"])
    assert r.exit_code == 2  # a usage error, located at the option (docs/reference/cli.md)
    assert "--runs" in r.output and "'0' is out of range" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (FIXTURES / "two_sides.yaml").read_text().replace("{A: linear", "{A: nice"),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["simulate", str(bad)])
    assert r.exit_code == 1
    assert "simulation.strategies.A: unknown strategy" in r.output
    assert "(got 'nice')" in r.output
    assert "Traceback" not in r.output


def _check(tmp_path: Path, old: str, new: str) -> str:
    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "two_sides.yaml").read_text().replace(old, new), encoding="utf-8")
    r = runner.invoke(app, ["check", str(bad)])
    assert r.exit_code != 0
    assert "Traceback" not in r.output
    return str(r.output)


def test_check_locates_a_bogus_protocol_and_suggests(tmp_path: Path) -> None:
    out = _check(tmp_path, "simulation:\n", "simulation:\n  protocol: bogus\n")
    line = next(
        i
        for i, t in enumerate((tmp_path / "bad.yaml").read_text().splitlines(), 1)
        if "protocol: bogus" in t
    )
    assert f"bad.yaml:{line}:" in out
    assert "simulation.protocol: unknown protocol; did you mean one of: alternating, " in out
    assert "(got 'bogus')" in out


def test_check_locates_a_misspelt_strategy_and_suggests(tmp_path: Path) -> None:
    out = _check(tmp_path, "{A: linear", "{A: titfortat")
    assert "simulation.strategies.A: unknown strategy; did you mean 'tit_for_tat'?" in out
    assert "(got 'titfortat')" in out


def test_every_strategy_name_is_in_the_scenario_vocabulary() -> None:
    from detente.scenario.simulation import StrategyName
    from detente.simulate import STRATEGIES

    assert [s.value for s in StrategyName] == list(STRATEGIES)


def test_list_strategies() -> None:
    r = runner.invoke(app, ["simulate", "--list-strategies", "-f", "json"])
    assert r.exit_code == 0
    names = {row["strategy"] for row in json.loads(r.output)}
    assert {"boulware", "peace_offensive", "stalling", "rearm_during_truce", "grit"} <= names


def test_csv_lists_every_bundle_and_the_reasons_as_the_json_has_them() -> None:
    """The table and CSV formats carry what the JSON has beyond the settlement: each bundle's
    probability, median periods and breakdown, and why runs did not settle; terms of an issue
    no run agreed on read "no run agreed", not a row of empty cells."""
    import csv
    import io

    repo = Path(__file__).resolve().parents[2]
    args = [str(repo / "scenarios" / "ukraine-2022-03.yaml"), "--runs", "200", "--periods", "8"]
    r = runner.invoke(app, ["simulate", *args, "-f", "csv"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rows = {
        row["metric"]: row["value"] or row["note"] for row in csv.DictReader(io.StringIO(r.stdout))
    }
    j = runner.invoke(app, ["simulate", *args, "-f", "json"], catch_exceptions=False)
    doc = json.loads(j.stdout)
    assert len(doc["agreements"]) > 1
    for rec in doc["agreements"]:
        got = rows[f"agreements.{rec['bundle']}.p_agreement"]
        assert float(got) == rec["p_agreement"]
    for cause, share in doc["settlement_reasons"]["shares"].items():
        assert float(rows[f"settlement_reasons.{cause}"]) == share
    if doc["p_agreement"] == 0.0:
        assert rows["terms.donetsk.q50"] == "no run agreed"
    assert not any(v.strip(", ") == "" and k.startswith("terms.") for k, v in rows.items())
