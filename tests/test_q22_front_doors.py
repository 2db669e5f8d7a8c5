"""q22: the front doors' leftovers.

1. An empty path (``--out ""``, ``--db ""``, ``check ""`` …) became ``Path("")``, the current
   folder: ``detente report X --out ""`` wrote its report into the folder it ran in. Every path
   option and argument now refuses an empty value as a usage error (exit 2) naming it.
2. ``detente monitor ingest --db FILE`` on a DuckDB database of the user's own added the event
   store's five tables to it. A database detente did not make is now refused (exit 2), the
   file byte-identical; a new file, an empty DuckDB file and detente's stores (with or without
   the ``meta`` table) are still written.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from detente.errors import OutputClashError

ROOT = Path(__file__).parents[1]
TEACHING = ROOT / "scenarios" / "teaching.yaml"
EVENTS = ROOT / "tests" / "monitor" / "fixtures" / "gdelt2_sample.export.CSV"

runner = CliRunner()


def _path_params() -> list[tuple[tuple[str, ...], str, bool]]:
    """(command path, option name or argument's metavar, is an option) of every parameter of
    the command tree that takes a path."""
    from typer._click import Context
    from typer.main import get_command

    from detente.cli.app import app

    root = get_command(app)
    found: list[tuple[tuple[str, ...], str, bool]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        for p in cmd.get_params(Context(cmd)):
            desc = getattr(p, "type_descriptor", None)
            if getattr(desc, "annotation", None) in (Path, list[Path]):
                is_option = p.param_type_name == "option"
                found.append((path, p.opts[0] if is_option else str(p.name).upper(), is_option))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(root, ())
    return found


PATH_PARAMS = _path_params()


def test_the_path_parameters_are_found() -> None:
    names = {(" ".join(c), n) for c, n, _ in PATH_PARAMS}
    assert {("report", "--out"), ("simulate", "--out"), ("monitor ingest", "--db")} <= names
    assert ("check", "FILES") in names
    assert len(PATH_PARAMS) >= 30


@pytest.mark.parametrize(
    ("command", "name", "is_option"),
    PATH_PARAMS,
    ids=[f"{' '.join(c)} {n}" for c, n, _ in PATH_PARAMS],
)
def test_an_empty_path_is_a_usage_error_naming_the_parameter(
    app: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    name: str,
    is_option: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    args = [*command, name, ""] if is_option else [*command, ""]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "an empty path names no file or folder" in res.output
    assert f"'{name}'" in res.output  # located: click names the option or argument
    assert list(tmp_path.iterdir()) == []


def test_report_out_empty_writes_nothing_into_the_current_folder(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (
        ["report", str(TEACHING), "--out", "", "--quick"],
        ["simulate", str(TEACHING), "--runs", "4", "--periods", "2", "--out", ""],
        ["schema", "--out", ""],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert list(tmp_path.iterdir()) == [], args


def test_dot_still_names_the_current_folder(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.`` is an explicit choice: an empty current folder takes the simulation; a file
    option refuses a folder as before (exit 1)."""
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(
        app, ["simulate", str(TEACHING), "--runs", "4", "--periods", "2", "--out", "."]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "manifest.json").is_file()
    res = runner.invoke(app, ["schema", "--out", "."])
    assert res.exit_code == 1 and "is a folder" in res.output


def test_the_api_refuses_an_empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's front door as the command line: an empty text path is an OptionValueError
    (exit 2 on the command line) naming the keyword and the option, before any work."""
    import detente
    from detente.api.monitor import connect
    from detente.errors import OptionValueError

    monkeypatch.chdir(tmp_path)
    calls = [
        (lambda: connect(""), "db (--db)"),
        (lambda: detente.report(TEACHING, out=""), "out (--out)"),
        (lambda: detente.report(TEACHING, events_db=""), "events_db (--events-db)"),
        (lambda: detente.simulate(TEACHING, runs=4, periods=2, out=""), "out (--out)"),
        (
            lambda: detente.monitor.open_store(tmp_path / "s.duckdb").ingest(EVENTS, parquet=""),
            "parquet",
        ),
    ]
    for call, where in calls:
        with pytest.raises(OptionValueError, match="an empty path names no file or folder") as e:
            call()
        assert str(e.value).startswith(where)
    assert list(tmp_path.iterdir()) == []


# 2. monitor ingest --db on a DuckDB database detente did not make


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _users_db(path: Path, *tables: str) -> Path:
    with duckdb.connect(str(path)) as con:
        for t in tables:
            con.execute(f"CREATE TABLE {t} (x INTEGER)")
            con.execute(f"INSERT INTO {t} VALUES (1)")
    return path


def _tables(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {str(r[0]) for r in con.execute("SHOW TABLES").fetchall()}


@pytest.mark.parametrize("tables", [("sales",), ("events", "files"), ("meta",)])
def test_ingest_refuses_a_users_duckdb_and_leaves_it_unchanged(
    app: typer.Typer, tmp_path: Path, tables: tuple[str, ...]
) -> None:
    db = _users_db(tmp_path / "mine.duckdb", *tables)
    before = _sha(db)
    res = runner.invoke(app, ["monitor", "ingest", str(EVENTS), "--db", str(db)])
    assert res.exit_code == 2, res.output
    assert f"{db} (--db): a DuckDB database that `detente monitor ingest` did not make" in (
        res.output
    )
    assert "the file was not changed" in res.output
    assert _sha(db) == before
    assert _tables(db) == set(tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.duckdb"]


def test_ingest_writes_a_new_file_an_empty_duckdb_and_its_own_stores(
    app: typer.Typer, tmp_path: Path
) -> None:
    new = tmp_path / "new.duckdb"
    for _ in range(2):  # created, then reopened (its meta table marks it as detente's)
        res = runner.invoke(app, ["monitor", "ingest", str(EVENTS), "--db", str(new)])
        assert res.exit_code == 0, res.output
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # no table: e.g. a first ingest stopped at once
    res = runner.invoke(app, ["monitor", "ingest", str(EVENTS), "--db", str(empty)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(new)) as con:  # a store made before the meta table existed
        con.execute("DROP TABLE meta")
    res = runner.invoke(app, ["monitor", "ingest", str(EVENTS), "--db", str(new)])
    assert res.exit_code == 0, res.output
    assert "meta" in _tables(new)
    with duckdb.connect(str(new)) as con:  # a user's table beside detente's: still its store
        con.execute("CREATE TABLE notes (x INTEGER)")
    res = runner.invoke(app, ["monitor", "ingest", str(EVENTS), "--db", str(new)])
    assert res.exit_code == 0, res.output


def test_the_api_refuses_a_users_duckdb(tmp_path: Path) -> None:
    import detente.monitor

    db = _users_db(tmp_path / "mine.duckdb", "sales")
    before = _sha(db)
    with pytest.raises(OutputClashError, match="did not make"):
        detente.monitor.open_store(db).ingest(EVENTS)
    assert _sha(db) == before


# 3. simulate --format csv: a number or nothing in `value`, the text in `note`

UKRAINE = ROOT / "scenarios" / "ukraine-2022-11.yaml"  # an agreement in force, a term, a null


def _csv_rows(*args: str) -> list[dict[str, str]]:
    import csv
    import io

    from detente.cli.app import app

    r = runner.invoke(app, ["simulate", *args, "-f", "csv"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    reader = csv.DictReader(io.StringIO(r.stdout))
    assert reader.fieldnames == ["metric", "value", "note"]
    return list(reader)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("until", ["horizon", "settlement"])
def test_the_csv_value_column_holds_only_numbers(until: str) -> None:
    import json

    from detente.cli.app import app

    args = [str(UKRAINE), "--runs", "60", "--periods", "30", "--until", until]
    rows = _csv_rows(*args)
    for row in rows:
        assert row["value"] == "" or _is_number(row["value"]), row
        assert row["value"] != "" or row["note"] != "", row  # never a row saying nothing
    by = {r["metric"]: r for r in rows}
    doc = json.loads(runner.invoke(app, ["simulate", *args, "-f", "json"]).stdout)
    low, high = doc["p_agreement_ci"]
    assert float(by["p_agreement_ci.low"]["value"]) == low
    assert float(by["p_agreement_ci.high"]["value"]) == high
    for issue, quantiles in doc["terms"].items():
        for q, v in quantiles.items():
            cell = by[f"terms.{issue}.{q}"]
            assert (cell["value"], cell["note"]) == (
                ("", "no run agreed") if v is None else (repr(v), "")
            )
    if until == "horizon":  # the agreement in force at the start is followed
        received = "agreements.black_sea.in_force_at_start.received_at_start"
        assert (by[f"{received}.RU"]["value"], by[f"{received}.RU"]["note"]) == (
            "",
            "none scored",
        )
        assert float(by[f"{received}.UA"]["value"]) == 1.0
    assert by["strategy.RU"]["value"] == "" and by["strategy.RU"]["note"]
    median = by["agreements.settlement.median_periods_to_agreement"]
    assert median["value"] != "" or median["note"].startswith("not reached"), median
    moved = (doc["settlement_reasons"] or {}).get("red_lines_moved") or []
    for m in moved:
        cell = by[f"red_lines_moved.{m['actor']}.{m['bundle']}"]
        assert cell["value"] == ("" if m["share"] is None else repr(m["share"]))
        assert "→" in cell["note"]


def test_until_settlement_says_why_the_median_time_has_no_value() -> None:
    """Simulated under --until settlement but not reached: "not reached", as in a run to the
    horizon (it was blank, and the settlement bundle's row gave the breakdown's reason)."""
    rows = {
        r["metric"]: r
        for r in _csv_rows(
            str(ROOT / "scenarios" / "ukraine-2026-06.yaml"),
            "--runs",
            "40",
            "--periods",
            "8",
            "--until",
            "settlement",
        )
    }
    for key in ("median_periods_to_agreement", "agreements.settlement.median_periods_to_agreement"):
        assert rows[key]["value"] == ""
        assert rows[key]["note"].startswith("not reached: fewer than half the runs agreed"), key
    assert rows["agreements.settlement.p_breakdown_1y"]["note"].startswith("not simulated")


# 5. a newcomer's errors: exit codes as the CLI reference gives them, each path named once


@pytest.mark.parametrize(
    "args",
    [
        ["show", str(TEACHING), "--part", "nope"],
        ["trust", str(TEACHING), "--chart", "trust.pdf"],  # was exit 1 (tests/trust/test_cli)
        ["sweep", str(ROOT / "sweeps" / "quick.yaml"), "--until", "forever"],
    ],
    ids=["show --part", "trust --chart", "sweep --until"],
)
def test_a_value_the_option_cannot_take_is_a_usage_error(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{args[-2]}'" in res.output
    assert list(tmp_path.iterdir()) == []


def test_trust_names_a_missing_scenario_once(app: typer.Typer, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    res = runner.invoke(app, ["trust", str(missing)])
    assert res.exit_code == 1
    assert f"error: 1 problem in {missing}" in res.output
    assert res.output.count(str(missing)) == 2  # the heading and the located problem
