"""Accepted event-data formats, their detection, and opening (plain or zipped) input files.

A format is recognised from its header (ICEWS, ACLED, UCDP GED, daily counts) or, for the
header-less GDELT files, from the number of tab-separated columns of the first line: 57 or 58
(GDELT 1.0 events), 61 (GDELT 2.0 events), 16 (GDELT 2.0 mentions). ``--format`` overrides.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from detente.errors import InputError

__all__ = ["FORMATS", "FormatSpec", "detect_format", "open_binary"]


@dataclass(frozen=True)
class FormatSpec:
    """One accepted input format."""

    name: str
    """Short name used by ``--format`` and stored with every event."""
    description: str
    """Human description (shown in docs and errors)."""
    reliability: float
    """Default source reliability in [0, 1] attached to its events (documented defaults)."""


FORMATS: dict[str, FormatSpec] = {
    s.name: s
    for s in (
        FormatSpec("gdelt1", "GDELT 1.0 events: tab-separated, no header, 57 or 58 columns", 0.3),
        FormatSpec("gdelt2", "GDELT 2.0 events: tab-separated, no header, 61 columns", 0.3),
        FormatSpec("gdelt2-mentions", "GDELT 2.0 mentions: tab-separated, 16 columns", 0.3),
        FormatSpec("icews", "ICEWS events: tab-separated, header, ISO-8859-1, 20 columns", 0.4),
        FormatSpec("acled", "ACLED events: CSV with header (event_id_cnty, event_date, ...)", 0.8),
        FormatSpec("ucdp", "UCDP GED events: CSV with header (id, side_a, date_prec, ...)", 0.9),
        FormatSpec("counts", "daily counts: CSV date,actor,region,indicator,value,source", 0.7),
    )
}

COUNTS_HEADER = ("date", "actor", "region", "indicator", "value", "source")


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open ``path`` for binary reading; a ``.zip`` yields its single member (GDELT style)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InputError(f"{path}: damaged or unsupported zip file ({exc})") from None
        with zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise InputError(f"{path}: a zip must hold exactly one file, found {len(members)}")
            try:
                member = zf.open(members[0])
            except (
                zipfile.BadZipFile,
                NotImplementedError,
                RuntimeError,  # an encrypted member
                OSError,
                EOFError,
                ValueError,
            ) as exc:
                raise InputError(f"{path}: damaged or unsupported zip file ({exc})") from None
            with member as fh:
                yield fh
    else:
        with path.open("rb") as fh:
            yield fh


def _first_line(path: Path) -> str:
    with open_binary(path) as fh:
        try:
            raw = fh.readline(1 << 20)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(f"{path}: damaged file, cannot read its first line ({exc})") from None
    return raw.decode("latin-1").rstrip("\r\n").lstrip("\ufeff").lstrip("ï»¿")


def detect_format(path: Path) -> str:
    """The format name of ``path`` from its header or column count; InputError if unknown."""
    line = _first_line(path)
    if not line:
        raise InputError(f"{path}: empty file, cannot detect its format (use --format)")
    lower = line.lower()
    if lower.startswith("event id\tevent date"):
        return "icews"
    fields = [f.strip().strip('"').lower() for f in line.split(",")]
    if "event_id_cnty" in fields and "event_date" in fields:
        return "acled"
    if "side_a" in fields and "date_prec" in fields:
        return "ucdp"
    if tuple(fields[:6]) == COUNTS_HEADER:
        return "counts"
    n = len(line.split("\t"))
    if n in (57, 58):
        return "gdelt1"
    if n == 61:
        return "gdelt2"
    if n == 16:
        return "gdelt2-mentions"
    raise InputError(
        f"{path}: cannot detect the format (first line has {n} tab-separated fields and no "
        f"known header); pass --format one of {', '.join(FORMATS)}"
    )
