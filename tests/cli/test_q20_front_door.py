"""Front-door sweep of ``detente report`` (its --events-db and --out), ``what-it-takes`` and
``proposals`` (branch q20), after q19's (tests/cli/test_q19_front_door_sweep.py).

Defects found on the base (main 9243f91), each with a test below: ``report --events-db`` given a
file that is not an event store (a text file, binary garbage, an empty file) wrote the report
and exited 0, the say/do section skipped with a note in the page that named ``--db`` and said
"nothing was written"; given a DuckDB database that is not an event store, ``report`` and
``monitor measures / verify / flags --db`` ended in a traceback (a missing ``events`` table);
``report --out`` naming the scenario itself was "exists and is not a directory", exit 1, where
every other output option naming an input is a usage error naming the option, exit 2.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.errors import InputError

REPO = Path(__file__).resolve().parents[2]
TEACHING = REPO / "scenarios" / "teaching.yaml"
runner = CliRunner()
WIDE = {"COLUMNS": "400"}


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def _run(args: list[str]) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=WIDE)


def _plain_duckdb(path: Path) -> Path:
    """A DuckDB database that ``detente monitor ingest`` did not make."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE notes (x INTEGER)")
    con.close()
    return path


def _not_stores(tmp: Path) -> dict[str, Path]:
    (tmp / "folder").mkdir()
    (tmp / "empty.duckdb").write_bytes(b"")
    (tmp / "text.duckdb").write_text("date,actor\n2024-01-01,a\n", encoding="utf-8")
    (tmp / "garbage.duckdb").write_bytes(bytes(range(256)) * 8)
    return {
        "missing": tmp / "missing.duckdb",
        "folder": tmp / "folder",
        "empty": tmp / "empty.duckdb",
        "text": tmp / "text.duckdb",
        "garbage": tmp / "garbage.duckdb",
        "plain DuckDB": _plain_duckdb(tmp / "plain.duckdb"),
        "the scenario": TEACHING,
    }


def test_report_refuses_an_events_db_that_is_not_an_event_store(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    for name, db in _not_stores(tmp_path).items():
        before = db.read_bytes() if db.is_file() else None
        r = _run(["report", TEACHING, "--quick", "--runs", "20", "--out", out, "--events-db", db])
        text = _flat(r.output)
        assert r.exit_code == 1, (name, r.output)
        assert "Traceback" not in r.output, name
        assert f"{db} (--events-db):" in text, (name, text)  # located: the file and the option
        assert "--db" not in text.replace("--events-db", ""), (name, text)
        assert not out.exists(), name  # refused before the work: nothing written
        assert (db.read_bytes() if db.is_file() else None) == before, name


def test_the_python_api_refuses_it_too(tmp_path: Path) -> None:
    import detente

    text = tmp_path / "events.csv"
    text.write_text("date,actor\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"events\.csv \(--events-db\): is a text file"):
        detente.report(TEACHING, quick=True, runs=10, events_db=text)


@pytest.mark.parametrize(
    "command",
    [
        ["monitor", "measures", "--db", "DB"],
        ["monitor", "verify", str(TEACHING), "--db", "DB"],
        ["monitor", "flags", "--db", "DB", "--actor", "a", "--date", "2024-01-01"],
    ],
)
def test_monitor_refuses_a_duckdb_database_that_is_not_an_event_store(
    command: list[str], tmp_path: Path
) -> None:
    db = _plain_duckdb(tmp_path / "plain.duckdb")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    r = _run([str(db) if a == "DB" else a for a in command])
    text = _flat(r.output)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert f"{db}: a DuckDB database but not an event store" in text, text
    assert "missing table(s): events" in text, text
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # opened read-only


def test_report_out_naming_its_scenario_is_a_usage_error(tmp_path: Path) -> None:
    scen = Path(shutil.copy(TEACHING, tmp_path / "t.yaml"))
    before = scen.read_bytes()
    r = _run(["report", scen, "--quick", "--runs", "20", "--out", scen])
    text = _flat(r.output)
    assert r.exit_code == 2, r.output
    assert f"{scen} (--out): refusing to overwrite an input" in text, text
    assert scen.read_bytes() == before
    # a file that is not an input: located with its option, exit 1 as before
    other = tmp_path / "notes.txt"
    other.write_text("mine", encoding="utf-8")
    r = _run(["report", scen, "--quick", "--runs", "20", "--out", other])
    assert r.exit_code == 1 and f"{other} (--out): exists and is not a directory" in _flat(r.output)
    assert other.read_text(encoding="utf-8") == "mine"


BAD_SCENARIOS = {
    "missing": (None, "no such file"),
    "folder": (None, "is a directory"),
    "empty": (b"", "file is empty"),
    "garbage": (bytes(range(256)) * 8, "not UTF-8"),
    "broken YAML": (b"a: [1, 2\nb: {", "not valid YAML"),
    "a list": (b"- 1\n- 2\n", "expected a mapping"),
    "not a scenario": (b"meta: 3\n", "schema_version"),
}


@pytest.mark.parametrize("command", [["what-it-takes"], ["proposals"], ["report", "--quick"]])
def test_the_readers_locate_every_bad_scenario(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q19's sweep covers missing, folder, empty and garbage; here also broken YAML, a list and
    a mapping that is not a scenario, each with what is wrong."""
    monkeypatch.chdir(tmp_path)
    for name, (content, says) in BAD_SCENARIOS.items():
        path = tmp_path / f"{name.replace(' ', '_')}.yaml"
        if name == "folder":
            path.mkdir()
        elif content is not None:
            path.write_bytes(content)
        r = _run([*command, path, *(["--out", "rep"] if command[0] == "report" else [])])
        text = _flat(r.output)
        assert r.exit_code == 1, (command, name, r.output)
        assert "Traceback" not in r.output
        assert path.name in text and says in text, (command, name, text)
    assert not (tmp_path / "rep").exists()
