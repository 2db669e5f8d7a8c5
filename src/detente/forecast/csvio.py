"""Reader for the long backtest CSV (references §3): one row per issue × actor.

Columns (any order, header required, names exact)::

    issue_id, actor, position, salience, capability, status_quo, outcome

- ``position`` empty: the actor states no position on this issue (the row is ignored).
- ``salience`` / ``capability`` empty: equal saliences / capabilities. Within one issue, the
  actors with a position must either all give the column or all leave it empty.
- ``status_quo`` and ``outcome`` are repeated on each row of an issue and must agree; an
  empty outcome means "unknown" (such issues are skipped by the backtest and counted).

Every malformed row raises :class:`~detente.errors.InputError` naming the file, the line, the
column and what was expected. Rows of one issue need not be contiguous.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import InputError
from detente.forecast.data import IssueData, make_issue

__all__ = ["COLUMNS", "LongRow", "read_long_csv", "read_long_csv_text"]

COLUMNS: tuple[str, ...] = (
    "issue_id",
    "actor",
    "position",
    "salience",
    "capability",
    "status_quo",
    "outcome",
)


@dataclass
class LongRow:
    """Accumulated rows of one issue while reading (internal)."""

    first_line: int
    actors: list[str] = field(default_factory=list)
    positions: list[float] = field(default_factory=list)
    saliences: list[float | None] = field(default_factory=list)
    capabilities: list[float | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    status_quo: float | None = None
    outcome: float | None = None
    seen_actors: set[str] = field(default_factory=set)


def _number(text: str, where: str, column: str, *, nonneg: bool = False) -> float | None:
    text = text.strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"{where}: column {column!r}: expected a number, got {text!r}")
    if nonneg and value < 0:
        raise InputError(f"{where}: column {column!r}: expected a number >= 0, got {text!r}")
    return value


def read_long_csv_text(text: str, name: str = "<text>") -> list[IssueData]:
    """Parse long-form CSV text into issues (in order of first appearance)."""
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{name}: the file is empty; expected a header row") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name}, line 1: missing column(s) {', '.join(missing)}; "
            f"expected header {','.join(COLUMNS)}"
        )
    index = {c: header.index(c) for c in COLUMNS}
    issues: dict[str, LongRow] = {}
    for lineno, row in enumerate(reader, start=2):
        if not row or all(cell.strip() == "" for cell in row):
            continue
        where = f"{name}, line {lineno}"
        if len(row) != len(header):
            raise InputError(f"{where}: expected {len(header)} fields, got {len(row)}")
        cell = {c: row[i] for c, i in index.items()}
        issue_id = cell["issue_id"].strip()
        actor = cell["actor"].strip()
        if not issue_id:
            raise InputError(f"{where}: column 'issue_id': expected an issue id, got ''")
        if not actor:
            raise InputError(f"{where}: column 'actor': expected an actor id, got ''")
        position = _number(cell["position"], where, "position")
        salience = _number(cell["salience"], where, "salience", nonneg=True)
        capability = _number(cell["capability"], where, "capability", nonneg=True)
        status_quo = _number(cell["status_quo"], where, "status_quo")
        outcome = _number(cell["outcome"], where, "outcome")
        acc = issues.get(issue_id)
        if acc is None:
            acc = issues[issue_id] = LongRow(
                first_line=lineno, status_quo=status_quo, outcome=outcome
            )
        else:
            for column, old, new in (
                ("status_quo", acc.status_quo, status_quo),
                ("outcome", acc.outcome, outcome),
            ):
                if old != new:
                    raise InputError(
                        f"{where}: column {column!r}: expected {_show(old)} as on line "
                        f"{acc.first_line} (same issue {issue_id!r}), got {_show(new)}"
                    )
        if actor in acc.seen_actors:
            raise InputError(
                f"{where}: column 'actor': actor {actor!r} appears twice in issue {issue_id!r}"
            )
        acc.seen_actors.add(actor)
        if position is None:
            continue
        acc.actors.append(actor)
        acc.positions.append(position)
        acc.saliences.append(salience)
        acc.capabilities.append(capability)
        acc.lines.append(lineno)
    return [_build(issue_id, acc, name) for issue_id, acc in issues.items()]


def _show(value: float | None) -> str:
    return "''" if value is None else repr(f"{value:g}")


def _column(
    values: list[float | None], lines: list[int], column: str, name: str
) -> list[float] | None:
    given = [v is not None for v in values]
    if not any(given):
        return None
    if not all(given):
        bad = lines[given.index(False)] if given[0] else lines[given.index(True)]
        raise InputError(
            f"{name}, line {bad}: column {column!r}: expected every actor of the issue to give "
            f"a {column} or none to (empty = all equal)"
        )
    return [float(v) for v in values if v is not None]


def _build(issue_id: str, acc: LongRow, name: str) -> IssueData:
    sal = _column(acc.saliences, acc.lines, "salience", name)
    cap = _column(acc.capabilities, acc.lines, "capability", name)
    try:
        return make_issue(
            issue_id,
            acc.actors,
            acc.positions,
            sal,
            cap,
            status_quo=acc.status_quo,
            outcome=acc.outcome,
        )
    except InputError as err:
        raise InputError(f"{name}, line {acc.first_line}: {err}") from None


def read_long_csv(path: Path) -> list[IssueData]:
    """Read a long-form CSV file (see module docstring)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})") from None
    return read_long_csv_text(text, str(path))
