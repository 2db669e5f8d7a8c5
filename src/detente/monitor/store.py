"""The embedded, file-backed DuckDB event store: streaming ingest with full row accounting.

Every input row is loaded, rejected with a reason, or dropped as a duplicate, and the report of
each file satisfies ``rows_read == rows_loaded + rows_rejected + duplicates_dropped``.

De-duplication rule: each event has a key made of the source format and the source's own
event id (``ucdp:147997``, ``acled:UKR1234``, ``gdelt2:1234567``); ICEWS ids are not unique,
so its key is an MD5 hash of the row's content; daily counts are keyed by date, actor, region,
indicator and source. The first row with a key wins (earlier files, then earlier lines); later
rows with a key already stored are counted as ``duplicates_dropped``. Re-ingesting a file
therefore adds nothing. Ingested files are recorded, with their SHA-256, in ``files``.

Partial state is never silent. An ingest first records its file in ``files`` with status
``started``; each batch is committed together with the file's running counts (one
transaction), so events on disk are always attributable to a ``files`` row (their
``file_sha256``) whose counts include them; the status becomes ``complete`` at the end, or
``failed`` (with the error) when reading fails. A process killed mid-ingest leaves ``started``:
:meth:`EventStore.warnings` lists such files (unless a later ingest of the same file
completed), and the measures, flags and verification report those warnings.

Rows whose numbers are not finite (``nan``, ``inf``, ``1e400``) or out of range (fatalities
above 10,000,000 per event, counts above 10^9 per day), or whose dates fall outside
1000-01-01..2999-12-31, are rejected with a reason; non-finite or impossible coordinates are
set to NULL (the event is kept, without a location).

How duplicates are found cheaply: every stored row also carries ``key_hash``, DuckDB's 64-bit
``hash()`` of its key. Each batch (about 250,000 rows) is first de-duplicated within itself
(first line per key), then its hashes are probed against the stored ``key_hash`` column (a scan
of 8 bytes per stored row instead of every stored key string); only the rows whose hash is
found are fetched (by ``rowid``) and compared on the exact key, so a hash collision never drops
a new event. The store records a probe value of the hash function in ``meta`` and recomputes
``key_hash`` if a DuckDB upgrade changes it (or adds the column to a store made before it).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from detente.core.interrupts import signals_held
from detente.core.limits import EARLIEST_DATE, LATEST_DATE
from detente.errors import InputError
from detente.manifest import file_hash
from detente.monitor import acled, counts, gdelt, icews, ucdp
from detente.monitor.formats import FORMATS, detect_format, open_binary
from detente.monitor.mapping import ActorMapping, default_mapping
from detente.monitor.normalise import NORMALISED_COLUMNS, csv_raw_batches

__all__ = [
    "INGEST_STATUSES",
    "MAX_DAILY_COUNT",
    "MAX_FATALITIES",
    "REGION_ALIASES",
    "STORE_TABLES",
    "EventStore",
    "IngestReport",
    "check_store_file",
    "region_condition",
]

INGEST_STATUSES = ("started", "complete", "failed")
"""``files.status``: being ingested (or killed while it was), done, or stopped by an error."""
MAX_FATALITIES = 10_000_000
"""Largest fatality estimate accepted for one event (far above any recorded event)."""
MAX_DAILY_COUNT = 1_000_000_000
"""Largest value accepted in one daily-count row."""

REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "donbas": ("donetsk", "luhansk"),
    "donbass": ("donetsk", "luhansk"),
}
"""Region names that stand for several admin-1 regions (lower case)."""

_MAX_EXAMPLES = 5
_BATCH_ROWS = 250_000
_HASH_PROBE = "detente:key_hash:probe"
_MAX_ROWID_FETCH = 20_000
"""Hash hits up to this many are fetched by rowid; more (a re-ingest) use one semi-join."""
_KEYED = (("events", "event_key"), ("mentions", "mention_key"))


@dataclass
class IngestReport:
    """Accounting for one ingested file."""

    path: str
    format: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates_dropped: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    examples: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        """The accounting identity holds."""
        return self.rows_read == self.rows_loaded + self.rows_rejected + self.duplicates_dropped

    def line(self) -> str:
        """The one-line accounting summary every ingest prints."""
        return (
            f"{self.path} [{self.format}]: rows read {self.rows_read} = loaded "
            f"{self.rows_loaded} + rejected {self.rows_rejected} + duplicates dropped "
            f"{self.duplicates_dropped}"
        )

    def record(self) -> dict[str, Any]:
        """A flat record for ``render_records``."""
        return {
            "file": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "duplicates_dropped": self.duplicates_dropped,
            "rejected_by_reason": dict(self.rejected_by_reason),
            "examples": [f"line {ln}: {why}" for ln, why in self.examples],
            "sha256": self.sha256,
            "seconds": round(self.seconds, 3),
        }


def region_condition(region: str | None, alias: str = "") -> tuple[str, list[str]]:
    """SQL condition (with ``?`` parameters) selecting events in ``region``.

    ``None``, ``""`` or ``"*"`` select everything. Otherwise a name (case-insensitive, aliases
    such as ``Donbas`` expanded) matches the normalised region, the admin-1 field, or a place
    name that contains it.
    """
    if region is None or region.strip() in ("", "*"):
        return "TRUE", []
    p = f"{alias}." if alias else ""
    names = REGION_ALIASES.get(region.strip().lower(), (region.strip().lower(),))
    parts, params = [], []
    for n in names:
        parts.append(f"(lower({p}region) = ? OR lower({p}admin1) = ? OR lower({p}place) LIKE ?)")
        params += [n, n, f"%{n}%"]
    return "(" + " OR ".join(parts) + ")", params


def _sha256(path: Path) -> str:
    return file_hash(path)[1]


STORE_TABLES = ("events", "mentions", "files", "meta", "cameo")
"""The tables of an event store (:meth:`EventStore._create_tables`)."""


class EventStore:
    """A DuckDB file holding normalised events; use as a context manager."""

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise InputError(f"{self.path}: no such event store (run `detente monitor ingest`)")
        check_store_file(self.path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise InputError(f"{self.path}: cannot open as a DuckDB store ({exc})") from exc
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        if not read_only:
            self._create()
        else:
            self._require_tables()

    def _require_tables(self) -> None:
        """A store opened read-only must have the tables ``detente monitor ingest`` makes: any
        other DuckDB database is refused here, not met later as a missing table."""
        have = {
            str(r[0])
            for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        missing = [t for t in STORE_TABLES if t not in have]
        if missing:
            self.con.close()
            raise InputError(
                f"{self.path}: a DuckDB database but not an event store made by `detente monitor "
                f"ingest` (missing table(s): {', '.join(missing)})"
            )

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def _create(self) -> None:
        """Create the store's tables (or bring an older store's up to date) in ONE transaction:
        an interrupted first open leaves no store with half its schema (a ``files`` table
        without its ``status`` column was seen after a SIGINT between two statements)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._create_tables()
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _create_tables(self) -> None:
        cols = ", ".join(f'"{c}" {t}' for c, t, _ in NORMALISED_COLUMNS)
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS events ({cols}, actor1 VARCHAR, actor2 VARCHAR, "
            "file_sha256 VARCHAR)"
        )
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS mentions (mention_key VARCHAR, event_id VARCHAR, "
            "event_time TIMESTAMP, mention_time TIMESTAMP, mention_type INTEGER, "
            "source_name VARCHAR, url VARCHAR, confidence DOUBLE, doc_tone DOUBLE, "
            "reliability DOUBLE, line BIGINT, file_sha256 VARCHAR, key_hash UBIGINT)"
        )
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS files (path VARCHAR, sha256 VARCHAR, format VARCHAR, "
            "ingested_at TIMESTAMP, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
            "duplicates_dropped BIGINT, ingest_id BIGINT, status VARCHAR, error VARCHAR)"
        )
        names = {str(r[1]) for r in self.con.execute("PRAGMA table_info('files')").fetchall()}
        # stores made before ingests recorded their status (or an older, half-migrated one)
        kinds = (("ingest_id", "BIGINT"), ("status", "VARCHAR"), ("error", "VARCHAR"))
        for column, kind in kinds:
            if column not in names:
                self.con.execute(f"ALTER TABLE files ADD COLUMN {column} {kind}")
        if "status" not in names:
            self.con.execute("UPDATE files SET status = 'complete', ingest_id = rowid + 1")
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (name VARCHAR, value VARCHAR)")
        self._ensure_key_hash()
        self.con.execute("CREATE TABLE IF NOT EXISTS cameo (code VARCHAR, goldstein DOUBLE)")
        (n,) = self._one("SELECT count(*) FROM cameo")
        if n == 0:
            text = (resources.files("detente.monitor") / "data" / "cameo_goldstein.tsv").read_text(
                encoding="utf-8"
            )
            rows = [ln.split("\t") for ln in text.splitlines()[1:] if ln.strip()]
            table = pa.table(
                {"code": [c for c, _ in rows], "goldstein": [float(g) for _, g in rows]}
            )
            self.con.register("cameo_rows", table)
            self.con.execute("INSERT INTO cameo SELECT code, goldstein FROM cameo_rows")
            self.con.unregister("cameo_rows")

    def _ensure_key_hash(self) -> None:
        """Add ``key_hash`` to stores made before it; recompute it if ``hash()`` changed."""
        con = self.con
        for table, key in _KEYED:
            names = {str(r[1]) for r in con.execute(f"PRAGMA table_info('{table}')").fetchall()}
            if "key_hash" not in names:
                con.execute(f"ALTER TABLE {table} ADD COLUMN key_hash UBIGINT")
                con.execute(f"UPDATE {table} SET key_hash = hash({key})")
        (probe,) = self._one("SELECT hash(?)::VARCHAR", [_HASH_PROBE])
        row = con.execute("SELECT value FROM meta WHERE name = 'key_hash_probe'").fetchone()
        if row is not None and row[0] == probe:
            return
        if row is not None:  # the hash function changed (DuckDB upgrade): rehash every key
            for table, key in _KEYED:
                con.execute(f"UPDATE {table} SET key_hash = hash({key})")
        con.execute("DELETE FROM meta WHERE name = 'key_hash_probe'")
        con.execute("INSERT INTO meta VALUES ('key_hash_probe', ?)", [probe])

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...]:
        rows = self.con.execute(sql, list(params)).fetchall()
        assert rows
        return tuple(rows[0])

    # ---------------------------------------------------------------- ingest
    def ingest(
        self, path: Path, *, fmt: str | None = None, mapping: ActorMapping | None = None
    ) -> IngestReport:
        """Stream one file into the store and return its accounting."""
        path = Path(path)
        fmt = fmt or detect_format(path)
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        started = time.perf_counter()
        report = IngestReport(str(path), fmt, _sha256(path))
        self._load_mapping(mapping or default_mapping())
        reliability = FORMATS[fmt].reliability
        (ingest_id,) = self._one("SELECT coalesce(max(ingest_id), 0) + 1 FROM files")
        self.con.execute(
            "INSERT INTO files (path, sha256, format, ingested_at, rows_read, rows_loaded, "
            "rows_rejected, duplicates_dropped, ingest_id, status) "
            "VALUES (?, ?, ?, ?, 0, 0, 0, 0, ?, 'started')",
            [
                report.path,
                report.sha256,
                fmt,
                _dt.datetime.now(_dt.UTC).replace(tzinfo=None),
                ingest_id,
            ],
        )
        # rows are de-duplicated by line before each insert, so the physical order in which a
        # batch is written does not matter: let DuckDB write in parallel
        self.con.execute("SET preserve_insertion_order = false")
        try:
            with open_binary(path) as fh, _damaged(path, report):
                sql, batches = self._reader(path, fmt, fh, reliability)
                for batch in batches:
                    counts = _counts(report)
                    committed = False
                    try:
                        self.con.begin()
                        self._ingest_batch(batch, sql, report, mentions=fmt == "gdelt2-mentions")
                        with signals_held():  # committed and counted, or neither
                            self._record(ingest_id, report, "started")
                            self.con.commit()
                            committed = True
                    except BaseException:
                        if not committed:  # a signal may land after the commit: keep that batch
                            with contextlib.suppress(duckdb.Error):  # none open: nothing to undo
                                self.con.rollback()
                            _restore_counts(report, counts)  # the batch is not in the store
                        raise
            report.seconds = time.perf_counter() - started
            self._record(ingest_id, report, "complete")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):  # the store itself may be what broke
                self._record(ingest_id, report, "failed", _failure(exc))
            raise
        finally:
            self.con.execute("RESET preserve_insertion_order")
        return report

    def _record(self, ingest_id: int, report: IngestReport, status: str, error: str = "") -> None:
        """Write the running counts and the status of ingest ``ingest_id``."""
        self.con.execute(
            "UPDATE files SET rows_read = ?, rows_loaded = ?, rows_rejected = ?, "
            "duplicates_dropped = ?, status = ?, error = nullif(?, '') WHERE ingest_id = ?",
            [
                report.rows_read,
                report.rows_loaded,
                report.rows_rejected,
                report.duplicates_dropped,
                status,
                error,
                ingest_id,
            ],
        )

    def unfinished_ingests(self) -> list[dict[str, Any]]:
        """Ingests that did not complete (killed: ``started``; stopped by an error:
        ``failed``) and whose file no later ingest completed: their events may be partial."""
        names = {str(r[1]) for r in self.con.execute("PRAGMA table_info('files')").fetchall()}
        if "status" not in names:
            return []
        cur = self.con.execute(
            "SELECT path, sha256, format, status, rows_read, rows_loaded, error FROM files f "
            "WHERE status <> 'complete' AND NOT EXISTS (SELECT 1 FROM files g WHERE "
            "g.sha256 = f.sha256 AND g.status = 'complete') ORDER BY ingest_id"
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def warnings(self) -> list[str]:
        """One line per unfinished ingest (see :meth:`unfinished_ingests`)."""
        out = []
        for u in self.unfinished_ingests():
            how = (
                "was interrupted (status: started)"
                if u["status"] == "started"
                else f"failed ({u['error']})"
            )
            out.append(
                f"warning: the ingest of {u['path']} [{u['format']}] {how} after "
                f"{u['rows_loaded']} rows were loaded: its events in the store are partial; "
                "ingest the file again to complete it"
            )
        return out

    def _reader(
        self, path: Path, fmt: str, fh: Any, reliability: float
    ) -> tuple[str, Iterator[pa.Table]]:
        if fmt in ("gdelt1", "gdelt2", "gdelt2-mentions"):
            sql = (
                gdelt.mentions_sql(reliability)
                if fmt == "gdelt2-mentions"
                else gdelt.event_sql(1 if fmt == "gdelt1" else 2, fmt, reliability)
            )
            return sql, _rebatch(gdelt.raw_line_batches(fh))
        if fmt == "icews":
            header, it = csv_raw_batches(fh, delimiter="\t", quoting=3, latin1_fallback=True)
            _require(path, header, icews.REQUIRED)
            return icews.event_sql(reliability), it
        header, it = csv_raw_batches(fh)
        cols = set(header)
        if fmt == "acled":
            _require(path, header, acled.REQUIRED)
            return acled.event_sql(reliability, cols), it
        if fmt == "ucdp":
            _require(path, header, ucdp.REQUIRED)
            return ucdp.event_sql(reliability, cols), it
        _require(path, header, counts.REQUIRED)
        return counts.event_sql(reliability), it

    def _load_mapping(self, mapping: ActorMapping) -> None:
        self.con.execute("CREATE OR REPLACE TEMP TABLE actor_map (key VARCHAR, actor VARCHAR)")
        if mapping.table:
            self.con.executemany("INSERT INTO actor_map VALUES (?, ?)", mapping.rows())

    def _ingest_batch(
        self, batch: pa.Table, sql: str, report: IngestReport, *, mentions: bool
    ) -> None:
        con = self.con
        con.register("raw", batch)
        key = "mention_key" if mentions else "event_key"
        table = "mentions" if mentions else "events"
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE staged AS SELECT *, hash({key}) AS key_hash "
                f"FROM ({sql})"
            )
        finally:
            with contextlib.suppress(duckdb.Error):  # never hide the error that aborted
                con.unregister("raw")
        self._reject_out_of_range(mentions=mentions)
        n = batch.num_rows
        report.rows_read += n
        for reason, k in con.execute(
            "SELECT reject_reason, count(*) FROM staged WHERE reject_reason IS NOT NULL GROUP BY 1"
        ).fetchall():
            report.rejected_by_reason[reason] = report.rejected_by_reason.get(reason, 0) + k
            report.rows_rejected += k
        if len(report.examples) < _MAX_EXAMPLES:
            report.examples += [
                (int(ln), str(r))
                for ln, r in con.execute(
                    "SELECT line, reject_reason FROM staged WHERE reject_reason IS NOT NULL "
                    f"ORDER BY line LIMIT {_MAX_EXAMPLES - len(report.examples)}"
                ).fetchall()
            ]
        (valid,) = self._one("SELECT count(*) FROM staged WHERE reject_reason IS NULL")
        has_old = self._stored_keys(table, key)
        fresh = (
            f"WITH s AS (SELECT * FROM staged WHERE reject_reason IS NULL "
            f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY line) = 1), "
            + (
                f"f AS (SELECT * FROM s WHERE NOT EXISTS "
                f"(SELECT 1 FROM old_keys o WHERE o.k = s.{key})) "
                if has_old
                else "f AS (SELECT * FROM s) "
            )
        )
        if mentions:
            cols = (
                "mention_key, event_id, event_time, mention_time, mention_type, "
                "source_name, url, confidence, doc_tone, reliability, line"
            )
            insert = (
                f"INSERT INTO mentions ({cols}, file_sha256, key_hash) {fresh} "
                f"SELECT {cols}, ?, key_hash FROM f"
            )
        else:
            names = ", ".join(f'"{c}"' for c, _, _ in NORMALISED_COLUMNS)
            sel = ", ".join(f'f."{c}"' for c, _, _ in NORMALISED_COLUMNS)
            insert = (
                f"INSERT INTO events ({names}, actor1, actor2, file_sha256, key_hash) {fresh} "
                f"SELECT {sel}, coalesce(m1.actor, n1.actor, "
                f"CASE WHEN f.source_format = 'counts' THEN f.actor1_code END), "
                "coalesce(m2.actor, n2.actor), ?, f.key_hash FROM f "
                "LEFT JOIN actor_map m1 ON m1.key = upper(trim(f.actor1_code)) "
                "LEFT JOIN actor_map n1 ON n1.key = upper(trim(f.actor1_name)) "
                "LEFT JOIN actor_map m2 ON m2.key = upper(trim(f.actor2_code)) "
                "LEFT JOIN actor_map n2 ON n2.key = upper(trim(f.actor2_name))"
            )
        row = con.execute(insert, [report.sha256]).fetchone()
        loaded = int(row[0]) if row else 0
        report.rows_loaded += loaded
        report.duplicates_dropped += int(valid) - loaded
        con.execute("DROP TABLE staged")
        if has_old:
            con.execute("DROP TABLE old_keys")

    def _reject_out_of_range(self, *, mentions: bool) -> None:
        """Reject staged rows with non-finite or impossible numbers or dates; drop impossible
        coordinates (one rule for every format)."""
        lo, hi = EARLIEST_DATE, LATEST_DATE
        why_date = f"date outside {lo.isoformat()}..{hi.isoformat()}"
        con = self.con
        if mentions:
            con.execute(
                "UPDATE staged SET reject_reason = ? WHERE reject_reason IS NULL AND "
                "(event_time < ? OR event_time > ? OR mention_time < ? OR mention_time > ?)",
                [why_date, lo, hi, lo, hi],
            )
            for col in ("confidence", "doc_tone"):
                con.execute(f"UPDATE staged SET {col} = NULL WHERE NOT isfinite({col})")
            return
        con.execute(
            "UPDATE staged SET reject_reason = ? WHERE reject_reason IS NULL AND "
            "(date < ? OR date > ? OR date_end > ?)",
            [why_date, lo, hi, hi],
        )
        for col in ("fatalities_best", "fatalities_low", "fatalities_high"):
            con.execute(
                f"UPDATE staged SET reject_reason = ? WHERE reject_reason IS NULL AND {col} IS NOT "
                f"NULL AND (NOT isfinite({col}) OR {col} < 0 OR {col} > ?)",
                [
                    f"bad fatalities ({col.split('_')[1]}: not a finite number in "
                    f"0..{MAX_FATALITIES:,})",
                    MAX_FATALITIES,
                ],
            )
        con.execute(
            "UPDATE staged SET reject_reason = ? WHERE reject_reason IS NULL AND "
            "(count IS NULL OR NOT isfinite(count) OR count < 0 OR count > ?)",
            [f"bad value (expected a number in 0..{MAX_DAILY_COUNT:,})", MAX_DAILY_COUNT],
        )
        for col, limit in (("latitude", 90), ("longitude", 180)):
            con.execute(
                f"UPDATE staged SET {col} = NULL WHERE NOT isfinite({col}) OR abs({col}) > {limit}"
            )

    def _stored_keys(self, table: str, key: str) -> bool:
        """Fill temp table ``old_keys(k)`` with the stored keys whose hash a staged row has.

        Returns False (and creates nothing) when no stored hash matches, the usual case.
        """
        con = self.con
        rowids = [
            int(r[0])
            for r in con.execute(
                f"SELECT rowid FROM {table} WHERE key_hash IN "
                "(SELECT key_hash FROM staged WHERE reject_reason IS NULL)"
            ).fetchall()
        ]
        if not rowids:
            return False
        if len(rowids) <= _MAX_ROWID_FETCH:
            # a literal rowid list is fetched directly, without scanning the key column
            found = f"rowid IN ({', '.join(map(str, rowids))})"
        else:
            found = "key_hash IN (SELECT key_hash FROM staged WHERE reject_reason IS NULL)"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE old_keys AS SELECT {key} AS k FROM {table} WHERE {found}"
        )
        return True

    # ---------------------------------------------------------------- queries
    def apply_mapping(self, mapping: ActorMapping) -> None:
        """Re-map actor ids of every stored event with ``mapping``."""
        self._load_mapping(mapping)
        self.con.execute(
            "UPDATE events SET "
            "actor1 = coalesce((SELECT actor FROM actor_map WHERE key = upper(trim(actor1_code))),"
            " (SELECT actor FROM actor_map WHERE key = upper(trim(actor1_name))),"
            " CASE WHEN source_format = 'counts' THEN actor1_code END), "
            "actor2 = coalesce((SELECT actor FROM actor_map WHERE key = upper(trim(actor2_code))),"
            " (SELECT actor FROM actor_map WHERE key = upper(trim(actor2_name))))"
        )

    def count(self) -> int:
        """Number of stored events."""
        return int(self._one("SELECT count(*) FROM events")[0])

    def export_parquet(self, out: Path) -> Path:
        """Write all events to a Parquet file."""
        self.con.execute(
            f"COPY (SELECT * EXCLUDE (key_hash) FROM events ORDER BY date, event_key) "
            f"TO '{_sql_path(out)}' (FORMAT parquet)"
        )
        return out

    def daily(
        self,
        *,
        start: _dt.date,
        end: _dt.date,
        region: str | None = None,
        actors: Sequence[str] = (),
        event_class: str = "material_conflict",
        measure: str = "events",
        role: str = "either",
    ) -> list[float]:
        """Daily totals over ``[start, end)`` (events or best fatalities).

        Events spanning several days (UCDP ``date_prec`` > 1) are spread evenly over their days.
        ``actors``: keep events with any of them as actor 1 or actor 2 (empty: all events);
        with ``role="actor1"`` only events they initiate (actor 1).
        """
        if measure not in ("events", "fatalities"):
            raise InputError(f"measure must be 'events' or 'fatalities', not {measure!r}")
        value = "coalesce(fatalities_best, 0)" if measure == "fatalities" else "count"
        cond, params = region_condition(region)
        actor_cond = "TRUE"
        if actors:
            marks = ", ".join("?" for _ in actors)
            if role == "actor1":
                actor_cond = f"actor1 IN ({marks})"
                params += [*actors]
            else:
                actor_cond = f"(actor1 IN ({marks}) OR actor2 IN ({marks}))"
                params += [*actors, *actors]
        sql = f"""
            SELECT (t.d::DATE - ?::DATE) AS i,
                   sum({value} / ((date_end - date) + 1)) AS v
            FROM (SELECT * FROM events WHERE event_class = ? AND date < ? AND date_end >= ?
                  AND {cond} AND {actor_cond}) e,
                 unnest(generate_series(greatest(e.date, ?::DATE),
                                        least(e.date_end, ?::DATE - 1), INTERVAL 1 DAY)) AS t(d)
            GROUP BY 1
        """
        rows = self.con.execute(
            sql, [start, event_class, end, start, *params, start, end]
        ).fetchall()
        out = [0.0] * max(0, (end - start).days)
        for i, v in rows:
            out[int(i)] = float(v)
        return out

    def reported(
        self,
        *,
        start: _dt.date,
        end: _dt.date,
        region: str | None = None,
        event_class: str = "material_conflict",
    ) -> list[bool]:
        """Which days of ``[start, end)`` the store has reports for.

        An event dataset (GDELT, ICEWS, ACLED, UCDP) reports every day from its first to its
        last stored event: a day without events in that span is a day with zero events. A
        daily-count feed reports only the days it has a row for (a row of value 0 is a report
        of zero; a missing day is *no report*, not zero) in the region and event class.
        """
        n = max(0, (end - start).days)
        out = [False] * n
        spans = self.con.execute(
            "SELECT min(date), max(date_end) FROM events WHERE source_format <> 'counts' "
            "GROUP BY source_format"
        ).fetchall()
        for lo, hi in spans:
            a = max(0, (lo - start).days)
            b = min(n, (hi - start).days + 1)
            for i in range(a, b):
                out[i] = True
        cond, params = region_condition(region)
        for (d,) in self.con.execute(
            f"SELECT DISTINCT date FROM events WHERE source_format = 'counts' AND "
            f"event_class = ? AND date >= ? AND date < ? AND {cond}",
            [event_class, start, end, *params],
        ).fetchall():
            out[(d - start).days] = True
        return out

    def absent(self, *, actors: Sequence[str] = (), region: str | None = None) -> str | None:
        """Why the store holds no data at all for these actors or this region, else None."""
        for actor in actors:
            (n,) = self._one(
                "SELECT count(*) FROM events WHERE actor1 = ? OR actor2 = ?", [actor, actor]
            )
            if n == 0:
                return (
                    f"actor {actor!r} appears in no stored event (check the actor mapping or the "
                    "ingested files)"
                )
        cond, params = region_condition(region)
        if cond != "TRUE":
            (n,) = self._one(f"SELECT count(*) FROM events WHERE {cond}", params)
            if n == 0:
                return f"region {region!r} matches no stored event"
        return None

    def has_fatalities(self) -> bool:
        """Whether any stored event carries a fatality estimate."""
        return bool(self._one("SELECT count(fatalities_best) > 0 FROM events")[0])


def check_store_file(path: Path, option: str = "--db") -> None:
    """The event store's option (``--db``; ``serve``'s ``--store``) must name a DuckDB
    database or a new path: never another file DuckDB would read as a view (Parquet, CSV,
    JSON) and silently not write to."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{path}: cannot open the event store ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory; the event store is a DuckDB file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file; the event store is a DuckDB file")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the event store ({exc.strerror})") from None
    if head[8:12] == b"DUCK":
        return
    kind = (
        "an empty file"
        if not head
        else "a Parquet file"
        if head.startswith(b"PAR1")
        else "a zip file"
        if head.startswith(b"PK")
        else "a text file (CSV or JSON?)"
        if all(32 <= b < 127 or b in (9, 10, 13) for b in head)
        else "not a DuckDB database"
    )
    raise InputError(
        f"{path}: is {kind}, not a DuckDB event store; {option} must name a store made by "
        "`detente monitor ingest` or a new path (nothing was written)"
    )


_DAMAGE = (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, pa.ArrowInvalid)
"""What reading a damaged file raises (csv field too large, bad zip CRC or data, ...)."""


@contextlib.contextmanager
def _damaged(path: Path, report: IngestReport) -> Iterator[None]:
    """A damaged file met while opening or reading it becomes an error naming the file."""
    try:
        yield
    except _DAMAGE as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise InputError(
            f"{path}: cannot read the file after row {report.rows_read} ({first}); "
            f"{report.rows_loaded} rows before it were loaded and the ingest is recorded as "
            "failed"
        ) from None


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _require(path: Path, header: list[str], required: Sequence[str]) -> None:
    if any("\udc80" <= ch <= "\udcff" for h in header for ch in h):
        raise InputError(f"{path}, line 1: the header is not valid UTF-8 text")
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}, line 1: header lacks column(s) {', '.join(missing)}")


def _rebatch(batches: Iterator[pa.Table], rows: int = _BATCH_ROWS) -> Iterator[pa.Table]:
    """Group small Arrow batches into ~``rows``-row tables (fewer, larger DuckDB passes)."""
    buf: list[pa.Table] = []
    n = 0
    for b in batches:
        buf.append(b)
        n += b.num_rows
        if n >= rows:
            yield pa.concat_tables(buf)
            buf, n = [], 0
    if buf:
        yield pa.concat_tables(buf)


def _counts(report: IngestReport) -> tuple[Any, ...]:
    """The running counts of ``report`` (restored when a batch is rolled back)."""
    return (
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
        report.duplicates_dropped,
        dict(report.rejected_by_reason),
        list(report.examples),
    )


def _restore_counts(report: IngestReport, counts: tuple[Any, ...]) -> None:
    (
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
        report.duplicates_dropped,
        report.rejected_by_reason,
        report.examples,
    ) = counts


def _failure(exc: BaseException) -> str:
    """The error recorded for a failed ingest. DuckDB turns a signal that arrives during a
    query into ``RuntimeError: Query interrupted``: recorded as an interruption, like the
    ``KeyboardInterrupt`` raised between queries."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower():
        text = f"Interrupted ({text})"
    return text[:500]
