"""q23 item 4: one probe of a DuckDB file's tables (rev21 item 2).

The monitor's "is this DuckDB database an event store detente made" (``require_event_store``)
and the sweep catalog's "is this a user's own database" (``catalog._foreign_database``) each
opened the file read-only and read ``information_schema`` their own way. Both now ask
:func:`detente.api.duckdb_files.duckdb_tables` and judge its answer.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest

from detente.api.duckdb_files import DuckDBTable, duckdb_tables


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _database(path: Path, *sql: str) -> Path:
    con = duckdb.connect(str(path))
    for statement in sql:
        con.execute(statement)
    con.close()
    return path


def test_no_database_is_none(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    text = tmp_path / "text.duckdb"
    text.write_text("not a database\n" * 10, encoding="utf-8")
    assert duckdb_tables(tmp_path / "missing.duckdb") is None
    assert duckdb_tables(empty) is None
    assert duckdb_tables(text) is None
    assert duckdb_tables(tmp_path) is None  # a folder


def test_tables_columns_and_matching_rows_leave_the_file_unchanged(tmp_path: Path) -> None:
    db = _database(
        tmp_path / "mine.duckdb",
        "CREATE TABLE meta (name VARCHAR, value VARCHAR)",
        "INSERT INTO meta VALUES ('key_hash_probe', '1'), ('other', '2')",
        'CREATE TABLE "odd ""name""" (b INTEGER, a DOUBLE)',
        "CREATE VIEW v AS SELECT * FROM meta",
    )
    before = _digest(db)
    found = duckdb_tables(
        db,
        matching={"meta": "name = 'key_hash_probe'", 'odd "name"': "nope = 1", "absent": "1=1"},
    )
    assert found == {
        "meta": DuckDBTable("BASE TABLE", ("name", "value"), 1),
        'odd "name"': DuckDBTable("BASE TABLE", ("b", "a"), None),  # no column 'nope'
        "v": DuckDBTable("VIEW", ("name", "value"), None),
    }
    assert duckdb_tables(_database(tmp_path / "none.duckdb")) == {}
    assert _digest(db) == before
    assert not Path(str(db) + ".wal").exists()


def test_a_file_locked_by_another_process_raises_duckdbs_error(tmp_path: Path) -> None:
    db = _database(tmp_path / "live.duckdb", "CREATE TABLE t (x INTEGER)")
    holder = textwrap.dedent(
        f"""
        import sys, duckdb
        con = duckdb.connect({str(db)!r})
        print("ready", flush=True)
        sys.stdin.read()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            assert proc.stdout.readline().strip() == "ready"
            with pytest.raises(duckdb.Error, match=r"(?i)lock"):
                duckdb_tables(db)
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)


def test_the_monitor_and_the_catalog_ask_the_one_probe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.api.duckdb_files as probe
    from detente.api.monitor import require_event_store
    from detente.errors import OutputClashError
    from detente.sweep.catalog import _foreign_database

    asked: list[Path] = []
    real = probe.duckdb_tables

    def spy(path: Any, **kw: Any) -> Any:
        asked.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(probe, "duckdb_tables", spy)
    users = _database(tmp_path / "users.duckdb", "CREATE TABLE people (name VARCHAR)")
    with pytest.raises(OutputClashError, match="people"):
        require_event_store(users)
    assert _foreign_database(users)
    catalog = _database(tmp_path / "catalog.duckdb", "CREATE TABLE sweep (x INTEGER)")
    assert not _foreign_database(catalog)
    assert asked == [users, users, catalog]
