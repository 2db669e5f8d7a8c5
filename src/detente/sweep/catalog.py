"""The run catalog: a DuckDB file indexing one Parquet file per finished point.

Layout of a catalog directory::

    catalog.duckdb          sweep row (spec hash, planned points, version) + one row per point
    points/p000012.parquet  the outputs of point 12 (written to a temporary name, then renamed)
    results.parquet         every finished point, sorted (written at the end, atomically)

The point files are the truth: a point is finished exactly when its file exists, because the
file appears by an atomic rename. The DuckDB rows (status, timings) are an index brought up to
date from the files whenever a sweep is resumed, so a ``kill -9`` at any moment (even inside a
DuckDB commit) loses nothing and counts nothing twice. A catalog file that DuckDB cannot open
is moved aside and rebuilt from the point files; a database DuckDB opens without the ``sweep``
table is not a catalog, and is refused untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from detente.errors import InputError

__all__ = ["Catalog", "atomic_write_bytes"]

DB = "catalog.duckdb"
POINTS = "points"
RESULTS = "results.parquet"
_TIMING_KEY = b"detente.timing"
FLUSH_SECONDS = 30.0
"""How often finished points are indexed in DuckDB (the point files are written at once; the
index is brought up to date from them on resume, so a rare flush loses nothing)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename (never half-written)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _point_file(root: Path, point: int) -> Path:
    return root / POINTS / f"p{point:07d}.parquet"


# the names the catalog writes (atomic_write_bytes: ``.<name>.<pid>.tmp``; _create: the
# DuckDB file under a temporary name, with its write-ahead log; _set_aside: ``.corrupt-N``)
_POINT = re.compile(r"p\d{7}\.parquet")
_POINT_TMP = re.compile(r"\.p\d{7}\.parquet\.\d+\.tmp")
_ROOT_TMP = re.compile(r"\.(?:catalog\.duckdb\.\d+\.tmp(?:\.wal)?|results\.parquet\.\d+\.tmp)")
_SET_ASIDE = re.compile(r"catalog\.duckdb\.corrupt-\d+(?:\.wal)?")


def _holds_catalog(root: Path) -> bool:
    """Whether the non-empty directory ``root`` is a catalog of ``detente sweep``: its DuckDB
    file is there, or (a sweep killed before its DuckDB file first appeared, or after an
    unreadable one was set aside) it holds nothing but the catalog's own names, with a
    ``results.parquet`` only beside a set-aside DuckDB file (a results file alone is not
    evidence of a catalog)."""
    if (root / DB).is_file():
        return True
    entries = list(root.iterdir())
    set_aside = any(_SET_ASIDE.fullmatch(e.name) for e in entries)
    for e in entries:
        n = e.name
        if e.is_symlink():
            return False
        if n == POINTS:
            if not e.is_dir() or not all(
                (_POINT.fullmatch(f.name) or _POINT_TMP.fullmatch(f.name)) and f.is_file()
                for f in e.iterdir()
            ):
                return False
        elif n == RESULTS:
            if not set_aside:
                return False
        elif not (_ROOT_TMP.fullmatch(n) or _SET_ASIDE.fullmatch(n) or n == DB + ".wal"):
            return False
    return True


def _refuse_in_use(db: Path, err: Exception) -> None:
    """Raise if DuckDB could not open ``db`` because another process holds its lock (a sweep
    still writing this catalog): such a file is live, not damaged, and is never set aside, nor
    are its writer's temporary files removed."""
    import duckdb

    text = str(err).lower()  # DuckDB's words: 'Could not set lock on file …: Conflicting lock'
    if isinstance(err, duckdb.IOException) and (
        "could not set lock" in text or "conflicting lock" in text
    ):
        raise InputError(
            f"{db}: in use by another process (a sweep still writing this catalog?); nothing "
            "was changed: wait for it to finish, or choose a new --catalog directory"
        ) from None


def _foreign_database(db: Path) -> bool:
    """Whether ``db`` is a database DuckDB opens (read-only: nothing is written) that has no
    ``sweep`` table: not a catalog (a user's own file). A file DuckDB cannot open is not
    (a damaged catalog: resuming sets it aside and rebuilds it from the point files)."""
    import duckdb

    from detente.api.duckdb_files import duckdb_tables

    try:
        tables = duckdb_tables(db)
    except duckdb.Error as err:
        _refuse_in_use(db, err)
        return False
    return tables is not None and "sweep" not in tables


_SCHEMA = """
CREATE TABLE sweep (
    spec_sha256 VARCHAR, name VARCHAR, spec_json VARCHAR, planned INTEGER,
    detente_version VARCHAR, created TIMESTAMP);
CREATE TABLE points (
    point INTEGER PRIMARY KEY, scenario VARCHAR, scenario_sha256 VARCHAR, inputs VARCHAR,
    seed UBIGINT, status VARCHAR, finished TIMESTAMP, seconds DOUBLE, compute_seconds DOUBLE,
    outputs_file VARCHAR, detente_version VARCHAR);
"""


class Catalog:
    """A sweep's catalog directory (created, or reopened to resume)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._con: Any = None
        self._pending: list[tuple[int, dict[str, Any]]] = []
        self._flushed = time.monotonic()

    # -- opening ---------------------------------------------------------------------------
    def open(
        self,
        *,
        spec_sha256: str,
        name: str,
        spec_json: str,
        rows: Sequence[Mapping[str, Any]],
        resume: bool,
        version: str,
    ) -> set[int]:
        """Create or reopen the catalog; return the points already finished."""
        import duckdb

        db = self.root / DB
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"{self.root}: exists and is not a directory")
        if self.root.exists() and any(self.root.iterdir()):
            if not _holds_catalog(self.root):  # with --resume too: nothing of it is ours
                raise InputError(f"{self.root}: directory is not empty and holds no catalog")
            if _foreign_database(db):  # with --resume too: a user's database is never moved
                raise InputError(
                    f"{db}: a DuckDB database without the catalog's `sweep` table, not a "
                    "catalog of detente sweep; it is left as it is: choose a new --catalog "
                    "directory"
                )
            if not resume:
                raise InputError(
                    f"{self.root}: a catalog is already there; pass --resume to continue it, "
                    "or choose a new --catalog directory"
                )
        (self.root / POINTS).mkdir(parents=True, exist_ok=True)
        # only the catalog's own temporary names (a killed writer's); never a user's file
        for stale in (self.root / POINTS).iterdir():
            if _POINT_TMP.fullmatch(stale.name) and stale.is_file():
                stale.unlink()
        for stale in self.root.iterdir():
            if _ROOT_TMP.fullmatch(stale.name) and stale.is_file():
                stale.unlink()
        if db.exists():
            try:
                self._con = duckdb.connect(str(db))
                found = self._con.execute("SELECT spec_sha256 FROM sweep").fetchall()
            except duckdb.Error as err:
                self._close()
                _refuse_in_use(db, err)
                self._set_aside(db)
                found = None
            if found is not None and (len(found) != 1 or found[0][0] != spec_sha256):
                self._close()
                raise InputError(
                    f"{self.root}: this catalog holds a different sweep (its spec changed); "
                    "use a new --catalog directory"
                )
        if self._con is None:
            self._create(db, spec_sha256, name, spec_json, rows, version)
        done = self._sync(len(rows))
        return done

    def _set_aside(self, db: Path) -> None:
        n = 0
        while (aside := db.with_name(f"{db.name}.corrupt-{n}")).exists():
            n += 1
        os.replace(db, aside)
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))

    def _create(
        self,
        db: Path,
        spec_sha256: str,
        name: str,
        spec_json: str,
        rows: Sequence[Mapping[str, Any]],
        version: str,
    ) -> None:
        import duckdb
        import pyarrow as pa

        tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):
            p.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        con.execute(_SCHEMA)
        con.execute(
            "INSERT INTO sweep VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP)",
            [spec_sha256, name, spec_json, len(rows), version],
        )
        table = pa.table(
            {
                "point": pa.array([r["point"] for r in rows], pa.int32()),
                "scenario": [r["scenario"] for r in rows],
                "scenario_sha256": [r["scenario_sha256"] for r in rows],
                "inputs": [json.dumps(r["inputs"], sort_keys=True) for r in rows],
                "seed": pa.array([r["seed"] for r in rows], pa.uint64()),
            }
        )
        con.register("planned", table)
        con.execute(
            "INSERT INTO points SELECT point, scenario, scenario_sha256, inputs, seed, "
            "'planned', NULL, NULL, NULL, NULL, NULL FROM planned"
        )
        con.unregister("planned")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, db)
        self._con = duckdb.connect(str(db))

    def _sync(self, planned: int) -> set[int]:
        """Bring the index up to date with the point files; return the finished points."""
        import pyarrow.parquet as pq

        files: dict[int, Path] = {}
        for f in (self.root / POINTS).glob("p*.parquet"):
            with contextlib.suppress(ValueError):
                files[int(f.stem[1:])] = f
        files = {p: f for p, f in files.items() if 0 <= p < planned}
        indexed = {
            int(r[0])
            for r in self._con.execute("SELECT point FROM points WHERE status = 'done'").fetchall()
        }
        for p in sorted(indexed - set(files)):  # a file went missing: recompute the point
            self._con.execute(
                "UPDATE points SET status = 'planned', finished = NULL, seconds = NULL, "
                "compute_seconds = NULL, outputs_file = NULL WHERE point = ?",
                [p],
            )
        for p in sorted(set(files) - indexed):
            meta = pq.read_schema(files[p]).metadata or {}
            self._pending.append((p, json.loads(meta.get(_TIMING_KEY, b"{}"))))
        self.flush()
        return set(files)

    # -- writing ---------------------------------------------------------------------------
    def record(
        self, point: int, seed: int, outputs: Mapping[str, float | None], timing: Mapping[str, Any]
    ) -> None:
        """Store a finished point: its Parquet file (atomic), then its catalog row."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        names = sorted(outputs)
        table = pa.table(
            {
                "point": pa.array([point], pa.int32()),
                "seed": pa.array([seed], pa.uint64()),
                **{n: pa.array([outputs[n]], pa.float64()) for n in names},
            }
        ).replace_schema_metadata({_TIMING_KEY: json.dumps(dict(timing)).encode()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        atomic_write_bytes(_point_file(self.root, point), sink.getvalue().to_pybytes())
        self._pending.append((point, dict(timing)))
        if time.monotonic() - self._flushed > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Index the points recorded since the last flush (one DuckDB transaction)."""
        if not self._pending:
            return
        self._con.execute("BEGIN TRANSACTION")
        for point, timing in self._pending:
            self._mark_done(point, timing)
        self._con.execute("COMMIT")
        self._pending.clear()
        self._flushed = time.monotonic()

    def _mark_done(self, point: int, timing: Mapping[str, Any]) -> None:
        self._con.execute(
            "UPDATE points SET status = 'done', finished = to_timestamp(?)::TIMESTAMP, "
            "seconds = ?, compute_seconds = ?, outputs_file = ?, detente_version = ? "
            "WHERE point = ?",
            [
                timing.get("finished"),
                timing.get("seconds"),
                timing.get("compute_seconds"),
                f"{POINTS}/p{point:07d}.parquet",
                timing.get("detente"),
                point,
            ],
        )

    # -- reading ---------------------------------------------------------------------------
    def outputs(self, points: Iterable[int]) -> dict[int, dict[str, float | None]]:
        """The stored outputs of ``points``."""
        import pyarrow.parquet as pq

        out: dict[int, dict[str, float | None]] = {}
        for p in points:
            row = pq.read_table(_point_file(self.root, p)).to_pylist()[0]
            out[p] = {k: v for k, v in row.items() if k not in {"point", "seed"}}
        return out

    def counts(self) -> dict[str, int]:
        """Points by status."""
        self.flush()
        rows = self._con.execute("SELECT status, count(*) FROM points GROUP BY status").fetchall()
        return {str(s): int(n) for s, n in rows}

    def write_results(self, data: bytes) -> Path:
        path = self.root / RESULTS
        atomic_write_bytes(path, data)
        return path

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        """Checkpoint and close the DuckDB file."""
        if self._con is not None:
            self.flush()
            with contextlib.suppress(Exception):
                self._con.execute("CHECKPOINT")
        self._close()
