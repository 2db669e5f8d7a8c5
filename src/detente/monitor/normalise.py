"""The normalised event schema and the shared pieces every reader uses.

Each reader turns its file into *raw batches*: Arrow tables of string columns plus ``_line``
(1-based physical line of the row's start) and ``_err`` (a rejection found while splitting the
row: wrong column count, invalid text encoding). Its ``NORMALISE_SQL`` then maps a raw batch
(registered in DuckDB as ``raw``) to the normalised columns below plus ``reject_reason``
(NULL when the row is loaded). All parsing is vectorised in DuckDB; no row becomes a Python
object on the GDELT path.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from typing import IO, Any

import pyarrow as pa

__all__ = [
    "EVENT_CLASSES",
    "NORMALISED_COLUMNS",
    "class_sql",
    "csv_raw_batches",
    "quad_sql",
]

NORMALISED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_key", "VARCHAR", "de-duplication key (format-specific, see event-formats.md)"),
    ("source_format", "VARCHAR", "input format name (gdelt1, gdelt2, icews, acled, ucdp, counts)"),
    ("event_id", "VARCHAR", "the source's own event id"),
    ("date", "DATE", "first day of the event"),
    ("date_end", "DATE", "last day of the event (= date unless the source gives a span)"),
    ("date_precision", "VARCHAR", "day | days | week | month | year | unknown"),
    ("actor1_code", "VARCHAR", "source code or name of actor 1 (CAMEO country code if any)"),
    ("actor1_name", "VARCHAR", "source name of actor 1"),
    ("actor2_code", "VARCHAR", "source code or name of actor 2"),
    ("actor2_name", "VARCHAR", "source name of actor 2"),
    (
        "event_class",
        "VARCHAR",
        "verbal_cooperation | material_cooperation | verbal_conflict | material_conflict | other",
    ),
    ("quad_class", "TINYINT", "CAMEO QuadClass 1-4 (NULL for 'other')"),
    ("cameo_code", "VARCHAR", "CAMEO event code as a string (leading zeros kept)"),
    ("goldstein", "DOUBLE", "Goldstein value of the CAMEO code (official table)"),
    ("fatalities_best", "DOUBLE", "best fatality estimate (NULL when the source has none)"),
    ("fatalities_low", "DOUBLE", "low fatality estimate"),
    ("fatalities_high", "DOUBLE", "high fatality estimate"),
    ("admin1", "VARCHAR", "first-order administrative unit (name or GDELT ADM1 code)"),
    ("admin2", "VARCHAR", "second-order administrative unit"),
    ("region", "VARCHAR", "admin1 name with ' oblast'/' province'/' region' suffix removed"),
    ("place", "VARCHAR", "place name as given by the source"),
    ("latitude", "DOUBLE", "latitude (WGS84)"),
    ("longitude", "DOUBLE", "longitude (WGS84)"),
    ("geo_precision", "VARCHAR", "the source's location precision code"),
    ("source", "VARCHAR", "publisher / source name(s)"),
    ("reliability", "DOUBLE", "source reliability in [0, 1] (format default, documented)"),
    ("indicator", "VARCHAR", "indicator name (daily counts) or event type"),
    ("count", "DOUBLE", "events this row stands for (1, or the daily count's value)"),
    ("line", "BIGINT", "line number in the input file"),
)

EVENT_CLASSES = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)


def quad_sql(code: str) -> str:
    """SQL: CAMEO QuadClass from the root (first two digits) of a code expression."""
    root = f"substr({code}, 1, 2)"
    return (
        f"(CASE WHEN {root} BETWEEN '01' AND '05' THEN 1 WHEN {root} BETWEEN '06' AND '09' "
        f"THEN 2 WHEN {root} BETWEEN '10' AND '14' THEN 3 WHEN {root} BETWEEN '15' AND '20' "
        "THEN 4 END)"
    )


def class_sql(quad: str) -> str:
    """SQL: event class name from a QuadClass expression."""
    return (
        f"(CASE {quad} WHEN 1 THEN 'verbal_cooperation' WHEN 2 THEN 'material_cooperation' "
        "WHEN 3 THEN 'verbal_conflict' WHEN 4 THEN 'material_conflict' ELSE 'other' END)"
    )


def region_sql(admin1: str) -> str:
    """SQL: region = admin1 without a trailing administrative word, NULL if empty."""
    return (
        f"nullif(trim(regexp_replace({admin1}, "
        r"'\s+(oblast|province|region|raion|governorate|special republican city)$', '', 'i')), '')"
    )


def _decode_lines(fh: IO[bytes], *, latin1_fallback: bool) -> Iterator[str]:
    """Decode lines; undecodable bytes become surrogates (the row is then rejected),
    or with ``latin1_fallback`` a non-UTF-8 line is read as ISO-8859-1 (ICEWS)."""
    first = True
    for raw in fh:
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode(
                "latin-1" if latin1_fallback else "utf-8",
                "strict" if latin1_fallback else "surrogateescape",
            )


def _has_surrogates(row: Sequence[str]) -> bool:
    try:
        "".join(row).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def csv_raw_batches(
    fh: IO[bytes],
    *,
    delimiter: str = ",",
    quoting: int = csv.QUOTE_MINIMAL,
    latin1_fallback: bool = False,
    batch_rows: int = 50_000,
) -> tuple[list[str], Iterator[pa.Table]]:
    """Header (lower-cased, spaces -> ``_``) and raw batches of a delimited file with header.

    A row whose field count differs from the header's is kept with ``_err`` set and its fields
    NULL; blank lines are skipped (they hold no row). Text that is not valid UTF-8 is rejected
    (``latin1_fallback``: read as ISO-8859-1 instead).
    """
    lines = _decode_lines(fh, latin1_fallback=latin1_fallback)
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting)  # type: ignore[arg-type]
    header_row = next(reader, None) or []
    header = [h.strip().lower().replace(" ", "_") for h in header_row]

    def batches() -> Iterator[pa.Table]:
        cols: list[list[str | None]] = [[] for _ in header]
        line_col: list[int] = []
        err_col: list[str | None] = []
        start = reader.line_num + 1
        for row in _located(reader):
            if not row or (len(row) == 1 and not row[0].strip()):
                start = reader.line_num + 1
                continue
            err: str | None = None
            if len(row) != len(header):
                err = f"wrong column count: expected {len(header)}, got {len(row)}"
            elif _has_surrogates(row):
                err = "invalid UTF-8 text"
            for i, c in enumerate(cols):
                c.append(None if err else row[i])
            line_col.append(start)
            err_col.append(err)
            start = reader.line_num + 1
            if len(line_col) >= batch_rows:
                yield _table(header, cols, line_col, err_col)
                cols = [[] for _ in header]
                line_col, err_col = [], []
        if line_col:
            yield _table(header, cols, line_col, err_col)

    return header, batches()


def _located(reader: Any) -> Iterator[list[str]]:
    """Rows of a csv reader; a malformed row (a field beyond the size limit …) raises
    ``csv.Error`` naming its line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise csv.Error(f"line {reader.line_num}: {exc}") from None
        yield row


def _table(
    header: list[str], cols: list[list[str | None]], line: list[int], err: list[str | None]
) -> pa.Table:
    arrays = [pa.array(c, type=pa.string()) for c in cols]
    arrays += [pa.array(line, type=pa.int64()), pa.array(err, type=pa.string())]
    return pa.table(arrays, names=[*header, "_line", "_err"])
