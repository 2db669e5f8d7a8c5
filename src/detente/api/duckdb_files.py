"""What a DuckDB file holds, read without changing it: the one probe behind "is this DuckDB
database ours?" for the monitor's event store (``detente monitor ingest --db``) and the sweep's
run catalog (``detente sweep --catalog``). The two ask different questions of the answer (an
event store's ``meta`` probe row or legacy ``events``/``files`` tables; a catalog's ``sweep``
table), so each judges it; opening, reading the schema and closing are done here once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DUCKDB_MAGIC", "DuckDBTable", "duckdb_tables"]

DUCKDB_MAGIC = b"DUCK"
"""DuckDB's file signature, at bytes 8..12 of a database file."""


@dataclass(frozen=True)
class DuckDBTable:
    """One table (or view) of a DuckDB database: its kind (``BASE TABLE``, ``VIEW``), its
    columns in order, and how many of its rows match the condition asked for (``None`` when
    none was asked, or the condition could not be evaluated, e.g. a column it names is not
    there)."""

    kind: str
    columns: tuple[str, ...]
    matching: int | None = None


def duckdb_tables(
    path: str | Path, *, matching: Mapping[str, str] | None = None
) -> dict[str, DuckDBTable] | None:
    """The tables of the DuckDB database at ``path`` (of its own catalog), or ``None`` when
    ``path`` holds none: no file, an empty file, or a file without DuckDB's signature. The file
    is opened read-only and closed before returning, so it is never changed. ``matching`` maps a
    table name to a SQL condition (``"name = 'key_hash_probe'"``) whose matching rows are
    counted when that table exists.

    A file DuckDB cannot open (locked by another process, damaged, written by another version)
    raises DuckDB's own error (``duckdb.Error``), for the caller to judge: a lock held by a
    live writer is not damage."""
    import duckdb

    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        return None
    with p.open("rb") as fh:
        if fh.read(16)[8:12] != DUCKDB_MAGIC:
            return None
    con = duckdb.connect(str(p), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() ORDER BY table_name, ordinal_position"
        ).fetchall():
            columns.setdefault(str(table), []).append(str(column))
        out: dict[str, DuckDBTable] = {}
        for table, kind in con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY table_name"
        ).fetchall():
            name = str(table)
            count = None
            condition = (matching or {}).get(name)
            if condition is not None:
                quoted = '"' + name.replace('"', '""') + '"'
                try:
                    row = con.execute(f"SELECT count(*) FROM {quoted} WHERE {condition}").fetchone()
                    count = None if row is None else int(row[0])
                except duckdb.Error:
                    count = None
            out[name] = DuckDBTable(str(kind), tuple(columns.get(name, ())), count)
        return out
    finally:
        con.close()
