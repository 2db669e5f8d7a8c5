"""GDELT 1.0 / 2.0 events and GDELT 2.0 mentions: tab-separated, no header, often zipped.

Rows are read as whole lines by pyarrow's streaming CSV reader (one binary column), checked for
UTF-8, and split into fields inside DuckDB, so 10 million rows never exist as Python objects.
Column positions follow the GDELT 1.0 and 2.0 event codebooks; 2.0 adds an ADM2 code to each of
the three geo blocks (61 columns). Actor countries are CAMEO codes (RUS, UKR).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from detente.monitor.normalise import class_sql, quad_sql, region_sql

__all__ = ["event_sql", "mentions_sql", "raw_line_batches"]


def raw_line_batches(fh: IO[bytes], *, block_size: int = 16 << 20) -> Iterator[pa.Table]:
    """Batches of ``_raw`` (line text), ``_line`` and ``_err`` (invalid UTF-8).

    Lines are split on a byte GDELT text never holds (0x1E, record separator); a line that
    does hold it is not a GDELT row: it is kept as a rejected row at its line number.
    """
    skipped: list[int] = []  # physical line numbers of lines holding 0x1E

    def on_invalid(row: Any) -> str:
        skipped.append(int(row.number) if row.number is not None else 0)
        return "skip"

    reader = pacsv.open_csv(
        io.BufferedReader(_SeparatorLinesAsText(fh)),
        read_options=pacsv.ReadOptions(
            column_names=["_raw"], block_size=block_size, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(
            delimiter="\x1e",
            quote_char=False,
            escape_char=False,
            double_quote=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={"_raw": pa.binary()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
    last = 0  # physical line number of the last row yielded
    for batch in reader:
        raw = batch.column(0)
        try:
            text = pc.cast(raw, pa.string())
            err = pa.nulls(len(raw), pa.string())
        except pa.ArrowInvalid:
            decoded: list[str | None] = []
            errs: list[str | None] = []
            for b in raw.to_pylist():
                try:
                    decoded.append(b.decode("utf-8"))
                    errs.append(None)
                except UnicodeDecodeError:
                    decoded.append(None)
                    errs.append("invalid UTF-8 text")
            text, err = pa.array(decoded, pa.string()), pa.array(errs, pa.string())
        n = len(raw)
        pending = sorted(x for x in skipped if x > last)
        lines = np.arange(last + 1, last + 1 + n + len(pending), dtype=np.int64)
        if pending:
            lines = np.setdiff1d(lines, np.array(pending, dtype=np.int64))
        lines = lines[:n]
        end = int(lines[-1]) if n else last
        yield pa.table([text, pa.array(lines), err], names=["_raw", "_line", "_err"])
        bad = [x for x in pending if x <= end or not n]
        if bad:
            yield _rejected(bad)
        skipped[:] = [x for x in skipped if x > end and x not in bad]
        last = max(end, *bad) if bad else end
    if skipped:
        yield _rejected(sorted(skipped))


class _SeparatorLinesAsText(io.RawIOBase):
    """``fh`` read in whole lines, where a line holding 0x1E is made valid UTF-8 (invalid
    bytes replaced): pyarrow decodes such a line before it calls the invalid-row handler, and
    would fail there. The line is rejected for its 0x1E anyway; other lines are unchanged."""

    def __init__(self, fh: IO[bytes], chunk: int = 1 << 20) -> None:
        super().__init__()
        self._fh, self._chunk, self._buf, self._pos = fh, chunk, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self._pos >= len(self._buf):
            data = self._fh.read(self._chunk)
            if data and not data.endswith(b"\n"):
                data += self._fh.readline()
            if b"\x1e" in data:
                data = b"\n".join(
                    line.decode("utf-8", "replace").encode("utf-8") if b"\x1e" in line else line
                    for line in data.split(b"\n")
                )
            self._buf, self._pos = data, 0
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n


def _rejected(lines: list[int]) -> pa.Table:
    reason = "control character 0x1E (record separator) in the line"
    return pa.table(
        [
            pa.nulls(len(lines), pa.string()),
            pa.array(lines, pa.int64()),
            pa.array([reason] * len(lines), pa.string()),
        ],
        names=["_raw", "_line", "_err"],
    )


def _geo(version: int) -> dict[str, int]:
    """1-based field positions (DuckDB lists are 1-based) of the ActionGeo block etc."""
    if version == 1:
        return {
            "type": 50,
            "name": 51,
            "adm1": 53,
            "adm2": 0,
            "lat": 54,
            "lon": 55,
            "added": 57,
            "url": 58,
        }
    return {
        "type": 52,
        "name": 53,
        "adm1": 55,
        "adm2": 56,
        "lat": 57,
        "lon": 58,
        "added": 60,
        "url": 61,
    }


def event_sql(version: int, fmt: str, reliability: float) -> str:
    """Normalising SELECT over ``raw`` for GDELT ``version`` 1 or 2 events."""
    g = _geo(version)
    ncols = "(57, 58)" if version == 1 else "(61)"
    adm2 = f"nullif(f[{g['adm2']}], '')" if g["adm2"] else "NULL"
    added_fmt = "%Y%m%d" if version == 1 else "%Y%m%d%H%M%S"
    code = "nullif(trim(f[27]), '')"
    q = quad_sql("c.code")
    return f"""
WITH s AS (
  SELECT _line, _err, string_split(rtrim(_raw, chr(13)), chr(9)) AS f FROM raw
), p AS (
  SELECT _line, _err, len(f) AS ncol, f,
    nullif(trim(f[1]), '') AS gid,
    try_strptime(f[2], '%Y%m%d')::DATE AS d,
    {code} AS code,
    try_strptime(f[{g["added"]}], '{added_fmt}') AS added
  FROM s
)
SELECT
  '{fmt}:' || p.gid AS event_key, '{fmt}' AS source_format, p.gid AS event_id,
  p.d AS date, p.d AS date_end, 'day' AS date_precision,
  coalesce(nullif(f[8], ''), nullif(f[6], '')) AS actor1_code, nullif(f[7], '') AS actor1_name,
  coalesce(nullif(f[18], ''), nullif(f[16], '')) AS actor2_code,
  nullif(f[17], '') AS actor2_name,
  {class_sql(q)} AS event_class, {q} AS quad_class, p.code AS cameo_code,
  c.goldstein AS goldstein,
  NULL::DOUBLE AS fatalities_best, NULL::DOUBLE AS fatalities_low,
  NULL::DOUBLE AS fatalities_high,
  nullif(f[{g["adm1"]}], '') AS admin1, {adm2} AS admin2,
  {region_sql(f"split_part(f[{g['name']}], ',', 1)")} AS region,
  nullif(f[{g["name"]}], '') AS place,
  try_cast(f[{g["lat"]}] AS DOUBLE) AS latitude, try_cast(f[{g["lon"]}] AS DOUBLE) AS longitude,
  nullif(f[{g["type"]}], '') AS geo_precision,
  nullif(f[{g["url"]}], '') AS source, {reliability} AS reliability,
  NULL::VARCHAR AS indicator, 1.0 AS count, p._line AS line,
  CASE
    WHEN p._err IS NOT NULL THEN p._err
    WHEN p.ncol NOT IN {ncols} THEN 'wrong column count: got ' || p.ncol
    WHEN p.gid IS NULL THEN 'missing GLOBALEVENTID'
    WHEN p.d IS NULL THEN 'bad date (SQLDATE, expected YYYYMMDD)'
    WHEN p.code IS NULL THEN 'missing CAMEO code'
    WHEN c.code IS NULL THEN 'unknown CAMEO code'
    WHEN p.added IS NULL THEN 'bad DATEADDED (expected {added_fmt.replace("%", "")})'
  END AS reject_reason
FROM p LEFT JOIN cameo c ON c.code = p.code
"""


def mentions_sql(reliability: float) -> str:
    """Normalising SELECT over ``raw`` for GDELT 2.0 mentions (16 columns)."""
    return f"""
WITH s AS (
  SELECT _line, _err, string_split(rtrim(_raw, chr(13)), chr(9)) AS f FROM raw
), p AS (
  SELECT _line, _err, len(f) AS ncol, f,
    nullif(trim(f[1]), '') AS gid,
    try_strptime(f[2], '%Y%m%d%H%M%S') AS event_time,
    try_strptime(f[3], '%Y%m%d%H%M%S') AS mention_time
  FROM s
)
SELECT
  'gdelt2-mentions:' || gid || ':' || coalesce(f[6], '') || ':' || coalesce(f[7], '')
    AS mention_key,
  gid AS event_id, event_time, mention_time, try_cast(f[4] AS INTEGER) AS mention_type,
  nullif(f[5], '') AS source_name, nullif(f[6], '') AS url,
  try_cast(f[12] AS DOUBLE) AS confidence, try_cast(f[14] AS DOUBLE) AS doc_tone,
  {reliability} AS reliability, _line AS line,
  CASE
    WHEN _err IS NOT NULL THEN _err
    WHEN ncol <> 16 THEN 'wrong column count: expected 16, got ' || ncol
    WHEN gid IS NULL THEN 'missing GLOBALEVENTID'
    WHEN event_time IS NULL THEN 'bad EventTimeDate (expected YYYYMMDDHHMMSS)'
    WHEN mention_time IS NULL THEN 'bad MentionTimeDate (expected YYYYMMDDHHMMSS)'
  END AS reject_reason
FROM p
"""
