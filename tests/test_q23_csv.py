"""q23 item 2: every command's ``--format csv`` keeps numbers and text apart.

q22 made ``simulate -f csv`` ``metric,value,note`` with a numeric ``value``. The other commands'
CSVs had text in number columns: ``sweep`` wrote ``value`` as ``S1 0.72 ± 2.45, ST …`` or
``155 .. 200 (base 180)``, ``what-it-takes`` its ``nash`` as ``valley 50.0; demilitarisation
76.9`` (and ``zone`` likewise); and a mapping was written as Python's repr (``show --part
trust``'s ``prior``, ``monitor ingest``'s ``rejected_by_reason``: ``{'expected': 0.75, …}``).
Each column now holds numbers only or text only; a mapping is ``key=value`` pairs joined with
``;``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

ROOT = Path(__file__).parents[1]
TEACHING = str(ROOT / "scenarios" / "teaching.yaml")
CLOSED = str(ROOT / "scenarios" / "ukraine-2026-06.yaml")  # red lines must move
SNAPSHOT = str(ROOT / "scenarios" / "ukraine-2025-11.yaml")
EVENTS = str(ROOT / "tests" / "monitor" / "fixtures" / "gdelt2_sample.export.CSV")
BACKTEST = str(ROOT / "tests" / "forecast" / "fixtures" / "small_backtest.csv")

runner = CliRunner()

NUMBER_COLUMNS = {"value", "nash", "zone_low", "zone_high", "cost", "points", "total_cost"}
"""Columns that must hold numbers whatever their cells look like (the ones that held text)."""
PARTS = ("actors", "issues", "positions", "trust", "proposals", "ledger")

TINY_SWEEP = """\
sweep_version: 1
name: teaching tiny
scenarios: [{scenario}]
inputs:
  - {{path: actors.NOR.cost_of_fighting, label: NOR cost, range: [0.003, 0.009]}}
  - {{path: actors.SUD.cost_of_fighting, label: SUD cost, range: [0.002, 0.008]}}
design: {{kind: sobol, samples: 4}}
commands:
  analyze: {{}}
  simulate: {{runs: 20, periods: 10}}
outputs: [analyze.zone_distance, simulate.p_agreement]
discovery:
  - {{output: simulate.p_agreement, above: 0.1}}
"""
OAT_SWEEP = TINY_SWEEP.replace("{kind: sobol, samples: 4}", "{kind: oat}")


def _is_number(cell: str) -> bool:
    try:
        return not math.isnan(float(cell))
    except ValueError:
        return False


def _check(text: str, what: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, (what, text)
    for column in rows[0]:
        cells = [r[column] for r in rows if r[column] != ""]
        numbers = [c for c in cells if _is_number(c)]
        if column in NUMBER_COLUMNS or numbers:
            if set(cells) <= {"True", "False"}:
                continue  # a flag column
            text_cells = [c for c in cells if not _is_number(c)]
            assert not text_cells, (what, column, text_cells[:3])
        for cell in cells:  # never Python's repr of a mapping or a list
            assert not re.match(r"^[{\[]'", cell), (what, column, cell)
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from detente.api.monitor import ingest

    db = tmp_path_factory.mktemp("q23csv") / "events.duckdb"
    ingest(EVENTS, db, input_format="gdelt2")
    return str(db)


COMMANDS: list[list[str]] = [
    ["analyze", TEACHING],
    ["analyze", CLOSED],
    ["proposals", TEACHING],
    ["what-it-takes", TEACHING],
    ["what-it-takes", CLOSED],
    ["check", TEACHING],
    *[["show", SNAPSHOT, "--part", p] for p in PARTS],
    ["trust", TEACHING],
    ["trust", TEACHING, "--snapshot"],
    ["trust", "explain", TEACHING, "--truster", "NOR", "--trustee", "SUD", "-d", "integrity"],
    ["trust", "resolutions", TEACHING],
    ["forecast", TEACHING, "--runs", "50"],
    ["forecast", "backtest", BACKTEST, "--folds", "2"],
    ["simulate", TEACHING, "--runs", "50", "--periods", "20"],
    ["simulate", "--list-strategies"],
]


@pytest.mark.parametrize(
    "args", COMMANDS, ids=[" ".join(Path(a).stem if "/" in a else a for a in c) for c in COMMANDS]
)
def test_a_csv_column_holds_numbers_or_text(app: typer.Typer, args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    _check(res.stdout, " ".join(args))


def test_the_monitors_csv_columns(app: typer.Typer, store: str, tmp_path: Path) -> None:
    for args in (
        ["measures"],
        ["flags", TEACHING],
        ["verify", TEACHING],
        ["ingest", EVENTS, "--input-format", "gdelt2"],
    ):
        db = store if args[0] != "ingest" else str(tmp_path / "new.duckdb")
        res = runner.invoke(app, ["monitor", *args, "--db", db, "--format", "csv"])
        assert res.exit_code == 0, res.output
        rows = _check(res.stdout, args[0])
        if args[0] == "ingest":  # a mapping: reason=count pairs joined with ';'
            reasons = rows[0]["rejected_by_reason"].split(";")
            assert reasons and all(re.fullmatch(r".+=\d+", r) for r in reasons), reasons


def test_show_trust_priors_are_key_value_pairs(app: typer.Typer) -> None:
    res = runner.invoke(app, ["show", SNAPSHOT, "--part", "trust", "--format", "csv"])
    prior = _check(res.stdout, "show trust")[0]["prior"]
    assert re.fullmatch(r"(\w+=[-\d.e]+;)*\w+=[-\d.e]+", prior), prior


def test_what_it_takes_csv_has_one_row_per_set_and_issue(app: typer.Typer) -> None:
    res = runner.invoke(app, ["what-it-takes", TEACHING, "--format", "csv"])
    rows = _check(res.stdout, "what-it-takes")
    sets = [r for r in rows if r["kind"] == "mechanism_set"]
    assert [(r["rank"], r["issue"]) for r in sets] == [("1", "valley"), ("1", "demilitarisation")]
    assert [float(r["nash"]) for r in sets] == pytest.approx([50.0, 76.858532])
    assert [(float(r["zone_low"]), float(r["zone_high"])) for r in sets] == [
        (50.0, 65.0),
        (0.0, 100.0),
    ]
    assert sets[0]["mechanisms"] == ""  # none needed: an empty list


@pytest.mark.parametrize("text", [TINY_SWEEP, OAT_SWEEP], ids=["sobol", "oat"])
def test_sweep_csv_has_one_number_per_row(app: typer.Typer, tmp_path: Path, text: str) -> None:
    sweep = tmp_path / "tiny.yaml"
    sweep.write_text(text.format(scenario=TEACHING), encoding="utf-8")
    res = runner.invoke(app, ["sweep", str(sweep), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "section,output,input,statistic,value,note"
    rows = _check(res.stdout, "sweep")
    stats = {(r["section"], r["statistic"]) for r in rows}
    assert {("points", "planned"), ("points", "completed")} <= stats
    sections = {r["section"] for r in rows}
    assert ("sobol" if "sobol" in text else "tornado") in sections
    if "sobol" in text:
        assert {"S1", "S1_conf", "ST", "ST_conf"} <= {r["statistic"] for r in rows}
        rules = [r for r in rows if r["section"].startswith("rule")]
        assert rules and all(" when " in r["note"] for r in rules)
