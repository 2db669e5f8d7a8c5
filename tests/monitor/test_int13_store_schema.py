"""The store's schema is created (or an older store's brought up to date) in one transaction:
an interrupted first open leaves no half-made schema (seen in CI: a SIGINT between two
statements left a ``files`` table without its ``status`` column)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from detente.monitor.store import EventStore


def _columns(db: Path, table: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [str(r[1]) for r in con.execute(f"PRAGMA table_info('{table}')").fetchall()]


def _tables(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {str(r[0]) for r in con.execute("SHOW TABLES").fetchall()}


def test_a_fresh_store_has_every_column_of_files(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    EventStore(db).close()
    cols = _columns(db, "files")
    assert {"status", "error", "ingest_id", "rows_read", "duplicates_dropped"} <= set(cols)


def test_an_interrupted_first_open_leaves_no_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"

    def interrupted(self: EventStore) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(EventStore, "_ensure_key_hash", interrupted)
    with pytest.raises(KeyboardInterrupt):
        EventStore(db)
    assert _tables(db) == set()
    monkeypatch.undo()
    EventStore(db).close()  # the next open makes the whole schema
    assert {"events", "mentions", "files", "meta", "cameo"} <= _tables(db)
    assert "status" in _columns(db, "files")


@pytest.mark.parametrize("done", [(), ("ingest_id",), ("ingest_id", "status")])
def test_an_older_or_half_migrated_files_table_is_brought_up_to_date(
    tmp_path: Path, done: tuple[str, ...]
) -> None:
    db = tmp_path / "s.duckdb"
    kinds = {"ingest_id": "BIGINT", "status": "VARCHAR", "error": "VARCHAR"}
    extra = "".join(f", {c} {kinds[c]}" for c in done)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE files (path VARCHAR, sha256 VARCHAR, format VARCHAR, "
            "ingested_at TIMESTAMP, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
            f"duplicates_dropped BIGINT{extra})"
        )
        con.execute("INSERT INTO files (path, sha256) VALUES ('a.csv', 'x')")
    EventStore(db).close()
    assert {"ingest_id", "status", "error"} <= set(_columns(db, "files"))
    if "status" in done:  # its status was recorded: left as it was
        return
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT status, ingest_id, error FROM files").fetchall()
    assert rows == [("complete", 1, None)]
