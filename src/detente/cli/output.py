"""Rendering of results for every command: ``--format table|json|csv``.

Commands build plain data (records: a list of flat mappings, or a JSON-able document) and hand
it here, so every subcommand prints tables, JSON and CSV the same way. JSON output is stable:
keys are emitted in the order the command gives them, floats unchanged, dates as ISO strings.

Text from a scenario or an event file (names, notes, ids, file names) could carry terminal
control sequences; everything printed through this module's consoles is passed through
:func:`sanitize` first, so a file cannot move the cursor, clear the screen, recolour, retitle the
terminal or reverse text direction. In JSON the escape is a valid JSON ``\\uXXXX`` escape of the
same character (lossless); in tables and CSV it is literal text.
"""

from __future__ import annotations

import csv
import datetime as _dt
import enum
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from detente.manifest import to_json

__all__ = [
    "OutputFormat",
    "console",
    "emit",
    "err_console",
    "render_records",
    "sanitize",
    "to_json",
]

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal may act on: C0 controls but tab and newline (ESC starts every ANSI
sequence; CR overwrites a line), DEL, C1 controls (0x9B is a one-byte CSI), and the Unicode
bidirectional controls (which reorder what is shown)."""


def sanitize(text: str) -> str:
    """``text`` with every control character written as a visible ``\\uXXXX`` escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _SafeConsole(Console):
    """A rich console whose ``print`` sanitises string arguments (see :func:`sanitize`)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(sanitize(o) if isinstance(o, str) else o for o in objects), **kwargs)


class OutputFormat(enum.StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"
    csv = "csv"


console: Console = _SafeConsole(soft_wrap=True, emoji=False)
err_console: Console = _SafeConsole(stderr=True, soft_wrap=True, emoji=False)


def emit(text: str) -> None:
    """Print rendered output to stdout, exactly once and ending in one newline."""
    console.print(text, markup=False, highlight=False, end="" if text.endswith("\n") else "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def render_records(
    records: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    columns: Iterable[str] | None = None,
    document: Any = None,
) -> str:
    """Render ``records`` as a rich table, CSV or JSON text.

    For JSON, ``document`` (if given) is emitted instead of the bare records, so a command can
    wrap its records with a manifest or summary. Table output is rendered to text here so that
    callers (and tests) get a string.
    """
    cols = list(columns) if columns is not None else _columns(records)
    if fmt is OutputFormat.json:
        return to_json(document if document is not None else list(records))
    if fmt is OutputFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for rec in records:
            writer.writerow([_csv_cell(rec.get(c)) for c in cols])
        return buf.getvalue()
    table = Table(title=None if title is None else sanitize(title), show_lines=False)
    for c in cols:
        table.add_column(sanitize(c), overflow="fold")
    for rec in records:
        table.add_row(*(sanitize(_cell(rec.get(c))) for c in cols))
    out = Console(width=160, record=True, file=io.StringIO(), force_terminal=False)
    out.print(table)
    return out.export_text()


def _csv_cell(value: Any) -> Any:
    """One CSV cell: a list joined with ``;``, a mapping as ``key=value`` pairs joined with
    ``;`` (never Python's ``{'key': value}``), a date as ``YYYY-MM-DD``, a missing or
    non-finite number empty."""
    if isinstance(value, list | tuple):
        return ";".join(str(_csv_cell(v)) for v in value)
    if isinstance(value, Mapping):
        return ";".join(f"{k}={_csv_cell(v)}" for k, v in value.items())
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, _dt.date):
        return value.isoformat()
    return "" if value is None else value


def _columns(records: Sequence[Mapping[str, Any]]) -> list[str]:
    cols: dict[str, None] = {}
    for rec in records:
        for k in rec:
            cols.setdefault(k, None)
    return list(cols)
