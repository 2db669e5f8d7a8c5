"""Every CLI command with ``--format json`` prints exactly its front-door result's ``to_dict()``.

The CLI is parse → API → render: for the same inputs, the JSON a command prints equals the
document of the API call (manifest time stamps aside, which differ between two runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import detente
import detente.api as api

REPO = Path(__file__).resolve().parents[1]
TEACHING = str(REPO / "scenarios" / "teaching.yaml")
UKRAINE = str(REPO / "scenarios" / "ukraine-2022-03.yaml")
BACKTEST = str(REPO / "tests" / "forecast" / "fixtures" / "small_backtest.csv")
COUNTS = str(REPO / "tests" / "monitor" / "fixtures" / "ceasefire_violations_2020.csv")
CLAIMS = str(REPO / "tests" / "monitor" / "fixtures" / "donbas_claims.yaml")

runner = CliRunner()


TIMINGS = {"created", "seconds"}  # the manifest's time stamp, an ingest's wall time


def _untimed(doc: Any) -> Any:
    """``doc`` without time stamps and wall times (they differ between two runs)."""
    if isinstance(doc, dict):
        return {k: _untimed(v) for k, v in doc.items() if k not in TIMINGS}
    if isinstance(doc, list):
        return [_untimed(v) for v in doc]
    return doc


def _cli_json(app: typer.Typer, args: list[str], code: int = 0) -> Any:
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == code, res.output
    return json.loads(res.stdout)


CASES: dict[str, tuple[list[str], Callable[[], Any]]] = {
    "analyze": (
        ["analyze", TEACHING, "--seed", "3"],
        lambda: api.analyze(TEACHING, seed=3),
    ),
    "analyze --as-of": (
        ["analyze", UKRAINE, "--as-of", "2022-03-20"],
        lambda: api.analyze(UKRAINE, as_of="2022-03-20"),
    ),
    "proposals": (
        ["proposals", TEACHING, "--seed", "3"],
        lambda: api.score_proposals(TEACHING, seed=3),
    ),
    "what-it-takes": (
        ["what-it-takes", TEACHING, "--top", "2"],
        lambda: api.what_it_takes(TEACHING, top=2),
    ),
    "simulate": (
        ["simulate", TEACHING, "--runs", "150", "--seed", "4", "--periods", "20"],
        lambda: api.simulate(TEACHING, runs=150, seed=4, periods=20),
    ),
    "trust": (
        ["trust", TEACHING, "--truster", "NOR"],
        lambda: api.replay_trust(TEACHING, truster="NOR"),
    ),
    "trust --snapshot": (
        ["trust", TEACHING, "--snapshot"],
        lambda: api.replay_trust(TEACHING, snapshot=True),
    ),
    "trust explain": (
        ["trust", "explain", TEACHING, "--truster", "NOR", "--trustee", "SUD", "-d", "integrity"],
        lambda: api.replay_trust(TEACHING).explain("NOR", "SUD", "integrity"),
    ),
    "trust resolutions": (
        ["trust", "resolutions", TEACHING],
        lambda: api.replay_trust(TEACHING).resolutions(),
    ),
    "forecast": (
        ["forecast", TEACHING, "--runs", "50", "--seed", "2"],
        lambda: api.forecast(TEACHING, runs=50, seed=2),
    ),
    "forecast backtest": (
        ["forecast", "backtest", BACKTEST, "-m", "median", "--folds", "2", "--bootstrap", "50"],
        lambda: api.backtest(BACKTEST, models=["median"], folds=2, bootstrap=50),
    ),
    "check": (["check", TEACHING], lambda: api.check([TEACHING])),
    "show": (["show", TEACHING], lambda: api.describe(TEACHING)),
    "show --part": (
        ["show", TEACHING, "--part", "issues"],
        lambda: api.describe(TEACHING, part="issues"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_json_is_the_api_document(name: str, app: typer.Typer) -> None:
    args, call = CASES[name]
    assert _untimed(_cli_json(app, args)) == _untimed(call().to_dict())


def test_check_of_an_invalid_file_is_the_api_document(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(TEACHING).read_text(encoding="utf-8").replace("schema_version: 1", "schema_version: 9")
    )
    cli = _cli_json(app, ["check", str(bad)], code=1)
    result = api.check(bad)
    assert not result.ok and cli == result.to_dict() and cli[0]["line"] >= 1


def test_monitor_commands_are_the_api_documents(app: typer.Typer, tmp_path: Path) -> None:
    db_cli, db_api = str(tmp_path / "cli.duckdb"), str(tmp_path / "api.duckdb")
    ingested = _cli_json(app, ["monitor", "ingest", COUNTS, "--db", db_cli])
    assert _untimed(ingested) == _untimed(
        detente.monitor.open_store(db_api).ingest(COUNTS).to_dict()
    )
    store = detente.monitor(db_cli)
    claim = ["--actor", "RU", "--date", "2020-07-27", "--region", "Donetsk"]
    adhoc = store.flags(actor="RU", date="2020-07-27", region="Donetsk")
    cases = [
        (
            ["monitor", "measures", "--db", db_cli, "--window", "month"],
            store.measures(window="month"),
        ),
        (["monitor", "flags", "--db", db_cli, *claim], adhoc),
        (["monitor", "flags", CLAIMS, "--db", db_cli], store.flags(CLAIMS)),
        (["monitor", "verify", CLAIMS, "--db", db_cli], store.verify(CLAIMS)),
    ]
    for args, result in cases:
        assert _untimed(_cli_json(app, args)) == _untimed(result.to_dict()), args
    assert store.measures(window="month").records(), "the fixture has counts to measure"
