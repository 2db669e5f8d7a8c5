"""The building blocks every report section uses: ``Section`` and ``ReportContext``."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.core import DEFAULT_SEED

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["TABLE_ROWS", "ReportContext", "Section", "esc", "html_table"]


def esc(text: object) -> str:
    """HTML-escape any value's string form."""
    return html.escape("" if text is None else str(text), quote=True)


@dataclass(frozen=True)
class ReportContext:
    """What a section may use: the scenario, run options, and a cache shared between sections.

    ``seed`` and ``runs`` size the stochastic sections (simulation, forecast bands). ``cache``
    lets one section reuse another's expensive result (e.g. the zone of agreement) by key.
    """

    scenario: Scenario
    scenario_hash: str
    seed: int = DEFAULT_SEED
    runs: int = 2000
    quick: bool = False
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One titled part of the HTML report; ``body`` is trusted HTML (escape inputs!)."""

    anchor: str
    title: str
    body: str
    summary: str = ""


TABLE_ROWS = 12
"""Rows a report table shows before the rest go behind a disclosure (``<details>``)."""


def html_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    caption: str | None = None,
    numeric_format: str = "{:.3g}",
    max_rows: int | None = TABLE_ROWS,
) -> str:
    """A plain, escaped HTML table from records; past ``max_rows`` rows, the rest are in a
    second table behind a disclosure (so long tables do not make the page long)."""
    if not rows:
        return "<p class='muted'>(none)</p>"
    cols = list(columns) if columns is not None else list(rows[0].keys())
    head = "<thead><tr>" + "".join(f"<th scope='col'>{esc(c)}</th>" for c in cols) + "</tr></thead>"
    body_rows = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            if isinstance(v, float):
                cells.append(f"<td class='num'>{esc(numeric_format.format(v))}</td>")
            elif isinstance(v, int) and not isinstance(v, bool):
                cells.append(f"<td class='num'>{v}</td>")
            elif isinstance(v, bool):
                cells.append(f"<td>{'yes' if v else 'no'}</td>")
            elif isinstance(v, list | tuple):
                cells.append(f"<td>{esc(', '.join(str(x) for x in v))}</td>")
            else:
                cells.append(f"<td>{esc('' if v is None else v)}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    shown, rest = (
        (body_rows, [])
        if max_rows is None or len(body_rows) <= max_rows + 2
        else (body_rows[:max_rows], body_rows[max_rows:])
    )
    out = f"<table>{cap}{head}<tbody>" + "".join(shown) + "</tbody></table>"
    if rest:
        out += (
            f"<details class='more'><summary>Show the other {len(rest)} rows</summary>"
            f"<table>{head}<tbody>" + "".join(rest) + "</tbody></table></details>"
        )
    return out
