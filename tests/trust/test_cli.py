"""``detente trust SCENARIO`` and ``detente trust explain SCENARIO`` through CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from .conftest import FIXTURES

SCEN = str(FIXTURES / "kyiv_small.yaml")
runner = CliRunner()


def test_default_form_and_explicit_form_agree(app: typer.Typer) -> None:
    res = runner.invoke(app, ["trust", SCEN, "--truster", "UA", "--trustee", "RU", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    keys = {"date", "truster", "trustee", "dimension", "belief", "disbelief", "uncertainty",
            "expected", "cause"}  # fmt: skip
    assert rows and all(keys <= set(r) for r in rows)
    assert {(r["truster"], r["trustee"]) for r in rows} == {("UA", "RU")}
    explicit = runner.invoke(app, ["trust", "show", SCEN, "--truster", "UA", "--trustee", "RU",
                                   "-f", "json"])  # fmt: skip
    assert json.loads(explicit.output) == rows


def test_as_of_snapshot_and_csv(app: typer.Typer) -> None:
    args = ["trust", SCEN, "--as-of", "2022-04-01", "--snapshot", "--all-pairs", "-f", "csv"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert {r["date"] for r in rows} == {"2022-04-01"}
    assert len(rows) == 4 * 3 * 4  # 4 actors: 12 ordered pairs × 4 dimensions


def test_explain_lists_entries_with_contributions(app: typer.Typer) -> None:
    args = ["trust", "explain", SCEN, "--truster", "UA", "--trustee", "RU",
            "--dimension", "integrity", "-f", "json"]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["cause"] in {"corridor", "kyiv_claim"}
    assert all("contribution" in r for r in rows)
    table = runner.invoke(app, args[:-2])
    assert "kyiv_claim" in table.output and "0.333 →" in table.output


def test_resolutions_command(app: typer.Typer) -> None:
    res = runner.invoke(app, ["trust", "resolutions", SCEN, "-f", "json"])
    assert res.exit_code == 0, res.output
    assert {r["entry"]: r["outcome"] for r in json.loads(res.output)} == {
        "kyiv_claim": "broken",
        "corridor": "kept",
    }


def test_chart_is_written(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "trust.svg"
    res = runner.invoke(app, ["trust", SCEN, "--truster", "UA", "--chart", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<svg")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", "nofile.yaml"], "no such file"),
    ],
)  # fmt: skip
def test_bad_input_is_a_message_not_a_traceback(
    app: typer.Typer, args: list[str], message: str
) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", SCEN, "--truster", "XX"], "unknown truster 'XX'"),
        (["trust", SCEN, "--rule", "magic"], "unknown trust rule"),
        (["trust", "explain", SCEN, "--truster", "UA", "--trustee", "RU", "--dimension", "love"],
         "unknown trust dimension"),
    ],
)  # fmt: skip
def test_a_bad_option_value_is_a_usage_error(
    app: typer.Typer, args: list[str], message: str
) -> None:
    """A name the option does not take: exit 2 naming the option (q23; was exit 1)."""
    res = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert res.exit_code == 2
    assert message in res.output and f"'{args[-2]}'" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", SCEN, "--as-of", "2022-13-01"], "expected YYYY-MM-DD"),
        (["trust", SCEN, "--as-of", "2030-01-01"], "is after the scenario's own date"),
    ],
)
def test_a_bad_as_of_is_a_usage_error(app: typer.Typer, args: list[str], message: str) -> None:
    """An impossible or later-than-the-scenario date: exit 2 naming --as-of (q17)."""
    res = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert res.exit_code == 2
    assert message in res.output and "'--as-of'" in res.output
    assert "Traceback" not in res.output
