"""``detente monitor ingest | measures | flags | verify`` (CliRunner) and the report section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from .conftest import FIXTURES, UCDP_FILE, UCDP_HEADER, ucdp_row, write

runner = CliRunner()


@pytest.fixture(scope="module")
def ucdp_db(tmp_path_factory: pytest.TempPathFactory, app: typer.Typer) -> Path:
    db = tmp_path_factory.mktemp("cli") / "ucdp.duckdb"
    res = runner.invoke(app, ["monitor", "ingest", str(UCDP_FILE), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "rows read 3077 = loaded 3077 + rejected 0 + duplicates dropped 0" in res.output
    return db


def test_ingest_json_and_accounting(app: typer.Typer, tmp_path: Path) -> None:
    path = write(
        tmp_path / "ged.csv",
        [
            UCDP_HEADER,
            ucdp_row("1", "2015-02-15", "2015-02-15"),
            ucdp_row("2", "bad", "bad"),
            "x,y",
        ],
    )
    db = tmp_path / "s.duckdb"
    pq = tmp_path / "e.parquet"
    man = tmp_path / "ingest.manifest.json"
    res = runner.invoke(
        app,
        [
            "monitor",
            "ingest",
            str(path),
            "--db",
            str(db),
            "--format",
            "json",
            "--parquet",
            str(pq),
            "--manifest",
            str(man),
        ],
    )
    assert res.exit_code == 0, res.output
    start = res.stdout.index("[")
    (rec,) = json.loads(res.stdout[start:])  # stdout keeps its shape: a list of records
    manifest = json.loads(man.read_text(encoding="utf-8"))
    assert manifest["command"] == "monitor ingest"
    (ing,) = manifest["parameters"]["ingested"]
    assert ing["sha256"] == rec["sha256"] and ing["rows_read"] == 3
    assert manifest["parameters"]["store"]["events"] == 1
    assert manifest["parameters"]["store"]["files"] == [
        {"path": str(path), "sha256": rec["sha256"]}
    ]
    assert (
        rec["rows_read"]
        == rec["rows_loaded"] + rec["rows_rejected"] + rec["duplicates_dropped"]
        == 3
    )
    assert rec["rejected_by_reason"] == {
        "bad date (date_start)": 1,
        "wrong column count: expected 49, got 2": 1,
    }
    assert pq.is_file()


def test_input_errors_are_clean(app: typer.Typer, tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["monitor", "ingest", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "s.duckdb")]
    )
    assert res.exit_code == 1
    assert "no such file" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["monitor", "measures", "--db", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 1 and "no such event store" in res.output
    res = runner.invoke(
        app,
        [
            "monitor",
            "ingest",
            str(FIXTURES / "donbas_claims.yaml"),
            "--db",
            str(tmp_path / "s.duckdb"),
        ],
    )
    assert res.exit_code == 1 and "cannot detect the format" in res.output


def test_flags_json_keys(app: typer.Typer, ucdp_db: Path, tmp_path: Path) -> None:
    man = tmp_path / "flags.manifest.json"
    res = runner.invoke(
        app,
        [
            "monitor",
            "flags",
            "--db",
            str(ucdp_db),
            "--actor",
            "RU",
            "--date",
            "2015-02-15",
            "--deadline",
            "2015-02-18",
            "--region",
            "Donbas",
            "--counterpart",
            "UA",
            "--format",
            "json",
            "--manifest",
            str(man),
        ],
    )
    assert res.exit_code == 0, res.output
    flags = json.loads(res.stdout)
    assert isinstance(flags, list)
    assert {"actor", "date", "kind", "region", "evidence"} <= set(flags[0])
    assert {f["kind"] for f in flags} == {"claim_broken", "peace_offensive"}
    (po,) = [f for f in flags if f["kind"] == "peace_offensive"]
    assert po["evidence"]["ground"] == "not assessed"  # UCDP: no territory, no initiator
    manifest = json.loads(man.read_text(encoding="utf-8"))
    assert manifest["command"] == "monitor flags"
    p = manifest["parameters"]
    assert p["claim"]["deadline"] == "2015-02-18" and p["deescalation_params"]["min_fall"] == 0.5
    assert p["store"]["events"] == 3077
    res = runner.invoke(app, ["monitor", "flags", "--db", str(ucdp_db), "--date", "x"])
    # a bad date is a usage error naming the option, like every bad option value (q17)
    assert res.exit_code == 2 and "expected YYYY-MM-DD" in res.output and "--date" in res.output


def test_measures_csv(app: typer.Typer, ucdp_db: Path, tmp_path: Path) -> None:
    man = tmp_path / "measures.manifest.json"
    res = runner.invoke(
        app,
        [
            "monitor",
            "measures",
            "--db",
            str(ucdp_db),
            "--window",
            "month",
            "--region",
            "Donetsk",
            "--start",
            "2015-01-01",
            "--end",
            "2015-03-01",
            "--format",
            "csv",
            "--manifest",
            str(man),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(man.read_text(encoding="utf-8"))["parameters"]["window"] == "month"
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("period,actor1,actor2,region,")
    assert len(lines) == 3


def test_verify_and_report_section(app: typer.Typer, ucdp_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "obs.yaml"
    scen = FIXTURES / "donbas_claims.yaml"
    res = runner.invoke(
        app,
        [
            "monitor",
            "verify",
            str(scen),
            "--db",
            str(ucdp_db),
            "--out",
            str(out),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    obs = json.loads(res.stdout)
    assert obs[0]["assessment"] == "broken"
    assert "minsk2_ceasefire" in out.read_text(encoding="utf-8")

    from detente.report.base import ReportContext
    from detente.report.sections.monitor import build
    from detente.scenario import load_scenario

    s = load_scenario(scen)
    assert build(ReportContext(scenario=s, scenario_hash="x")) is None
    sec = build(ReportContext(scenario=s, scenario_hash="x", cache={"monitor_db": str(ucdp_db)}))
    assert sec is not None
    assert "<svg" in sec.body and "claim broken" in sec.body  # the flag by its label
    assert "genuine de-escalation" in sec.body
