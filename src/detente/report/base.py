"""The building blocks every report section uses: ``Section`` and ``ReportContext``."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.core import DEFAULT_SEED

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "DATA_DIR",
    "MAX_TRUST_WINDOW",
    "NOT_SCORED",
    "TABLE_ROWS",
    "TRUST_WINDOW_YEARS",
    "DataTable",
    "ReportContext",
    "Section",
    "data_href",
    "data_link",
    "esc",
    "fmt_bound",
    "fmt_interval",
    "fmt_prob",
    "html_table",
    "in_force_text",
    "not_estimated_text",
    "period_unit",
    "received_words",
    "term_text",
]

DATA_DIR = "data"
"""Folder (beside ``report.html``) of the data bundle: one CSV per table, and one JSON."""

TRUST_WINDOW_YEARS = 5
"""Default window of the trust chart: this many years up to the scenario's date."""

MAX_TRUST_WINDOW = 100
"""Longest trust window, in years (``--trust-window``)."""


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
    trust_window: int = TRUST_WINDOW_YEARS


@dataclass(frozen=True)
class DataTable:
    """Tidy data behind a chart or table of a section: written to the data bundle as
    ``data/<section anchor>-<name>.csv`` (``name``: lower-case letters, digits and hyphens)."""

    name: str
    title: str
    rows: Sequence[Mapping[str, Any]]

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"data table name {self.name!r}: use a-z, 0-9 and '-'")


_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def data_href(anchor: str, name: str) -> str:
    """The bundle file (relative to ``report.html``) of table ``name`` of section ``anchor``."""
    return f"{DATA_DIR}/{anchor}-{name}.csv"


def data_link(anchor: str, name: str, text: str = "data (CSV)") -> str:
    """A relative link to a table of the data bundle (works offline, beside the report)."""
    return f"<a class='data' href='{esc(data_href(anchor, name))}'>{esc(text)}</a>"


@dataclass(frozen=True)
class Section:
    """One titled part of the HTML report; ``body`` is trusted HTML (escape inputs!).
    ``data``: the tidy tables behind its charts and tables (the data bundle)."""

    anchor: str
    title: str
    body: str
    summary: str = ""
    data: tuple[DataTable, ...] = ()


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


def fmt_bound(x: float | None, *, up: bool) -> str:
    """An interval's end as text: two decimals, but below 0.01 two significant digits rounded
    outwards (``up``: the upper end, rounded up), so a small bound never prints as 0.00."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x <= 0.0:
        return "0"
    if x >= 1.0:
        return "1"
    if 0.01 <= x <= 0.99:
        return f"{x:.2f}"
    small = x if x < 0.01 else 1.0 - x  # two significant digits of the distance to 0 or 1
    decimals = 1 - math.floor(math.log10(small))
    scale = 10.0**decimals
    v = (math.ceil(x * scale - 1e-6) if up else math.floor(x * scale + 1e-6)) / scale
    if v <= 0.0:
        return "0"
    if v >= 1.0:
        return "1"
    return f"{v:.{decimals}f}".rstrip("0")


def fmt_interval(low: float | None, high: float | None) -> str:
    """A probability interval as text, ``0.12–0.34`` (small ends: see :func:`fmt_bound`)."""
    return f"{fmt_bound(low, up=False)}–{fmt_bound(high, up=True)}"


def fmt_prob(p: float | None) -> str:
    """A probability as text: two decimals; exactly 0 or 1 as ``0`` or ``1``; a value
    that would round to 0.00 or 1.00 without being it as ``< 0.01`` or ``> 0.99``."""
    if p is None or not math.isfinite(p):
        return "n/a"
    if p <= 0.0:
        return "0"
    if p >= 1.0:
        return "1"
    if p < 0.005:
        return "< 0.01"
    if p >= 0.995:
        return "> 0.99"
    return f"{p:.2f}"


def fmt_prob_is(p: float | None) -> str:
    """A probability after its name, with its relation: ``= 0.42``, ``= 1``, ``> 0.99`` or
    ``< 0.01`` (:func:`fmt_prob`), so that ``f"P {fmt_prob_is(p)}"`` never reads ``P = > 0.99``."""
    text = fmt_prob(p)
    return text if text.startswith(("<", ">")) else f"= {text}"


def period_unit(scenario: Scenario) -> str:
    """The unit of a scenario's simulated periods (its war's ``period``: ``week``), or
    ``period`` without a war model."""
    war = scenario.war
    return "period" if war is None else str(getattr(war.period, "value", war.period))


_BREAKDOWN_YEARS = {"p_breakdown_1y": 1, "p_breakdown_2y": 2, "p_breakdown_5y": 5}


def not_estimated_text(field: str, p_agreement: Any) -> str | None:
    """Why a simulated figure has no value (the JSON's ``null``), as every front door that
    prints it says (``detente simulate``'s table and CSV, the report): a median time to
    agreement when fewer than half the runs agree, a breakdown probability when no run agreed
    or no agreement was followed that long before the horizon (Kaplan–Meier). ``field`` is
    the summary's key (or a dotted name ending in it); None for any other field."""
    field = field.rpartition(".")[2]
    if field == "median_periods_to_agreement":
        return "not reached: fewer than half the runs agreed within the horizon"
    if field in _BREAKDOWN_YEARS:
        if p_agreement == 0:
            return "not estimated: no run agreed"
        years = _BREAKDOWN_YEARS[field]
        return (
            f"not estimated: no agreement was followed {years} year{'s' if years > 1 else ''} "
            "after its signature before the horizon (a longer horizon gives the figure)"
        )
    return None


def in_force_text(rec: Mapping[str, Any], unit: str) -> str | None:
    """How every front door (report, ``detente simulate``'s table and CSV, the workspace)
    labels a bundle whose agreement was in force at the scenario's date: ``in force since
    2022-07-22 (age 16 weeks): P(still in force at the horizon) 0.85, P(ended within a year)
    0.10, P(signed anew) 0.15``, from an ``agreements`` record of a simulation summary with
    ``in_force_at_start`` (None without one); ``unit``: :func:`period_unit`. Its
    ``p_agreement`` is P(signed anew within the horizon) (:mod:`detente.simulate.in_force`);
    a one-year figure the horizon does not reach reads so, never as 0."""
    start = rec.get("in_force_at_start")
    if not start:
        return None
    age = int(start["age_periods"])
    ended = start.get("p_ended_1y")
    return (
        f"in force since {start['since']} (age {age} {unit if age == 1 else unit + 's'}): "
        f"P(still in force at the horizon) {fmt_prob(start.get('p_in_force_at_horizon'))}, "
        "P(ended within a year) "
        + (fmt_prob(ended) if ended is not None else "not observed (horizon under a year)")
        + _term_end_text(start)
        + f", P(signed anew) {fmt_prob(rec.get('p_agreement'))}"
    )


def _renewal_words(term: Mapping[str, Any]) -> str:
    return "renewed by consent" if term.get("renewal") == "by_consent" else "not renewable"


def _term_end_text(start: Mapping[str, Any]) -> str:
    """``; its term ends 2022-11-19 (renewed by consent): P(lapsed within a year) 0.00;
    received at the start RU none scored, UA 1.00`` for an agreement in force with a term
    (:mod:`detente.simulate.terms`), else nothing."""
    if "term_ends" not in start:
        return ""
    lapsed = start.get("p_lapsed_1y")
    got = received_words(start)
    return (
        f"; its term ends {start['term_ends']} ({_renewal_words(start.get('term') or {})}): "
        "P(lapsed, not renewed, within a year) "
        + (
            fmt_prob(lapsed)
            if lapsed is not None
            else "not observed: "
            + str((start.get("why_null") or {}).get("p_lapsed_1y", "horizon under a year"))
        )
        + ("" if got is None else f"; received at the start {got}")
    )


NOT_SCORED = "none scored"
"""What a belligerent's ``received_at_start`` null reads as: no part owed to it has an
account at the scenario's date (no condition at renewal; :mod:`detente.simulate.terms`)."""


def received_words(start: Mapping[str, Any]) -> str | None:
    """``RU none scored, UA 1.00``: each belligerent's received share of the parts of an
    agreement in force owed to it, by the accounts at the scenario's date
    (``in_force_at_start.received_at_start``, :func:`detente.simulate.terms.start_share`;
    None without one)."""
    got = start.get("received_at_start")
    if not got:
        return None
    return ", ".join(
        f"{side} {NOT_SCORED if share is None else f'{share:.2f}'}" for side, share in got.items()
    )


def term_text(rec: Mapping[str, Any], unit: str) -> str | None:
    """How every front door labels a bundle whose agreements are made for a fixed term:
    ``term 30 days (4 weeks), renewed by consent: P(lapsed at a term's end within a year)
    0.00`` (None without a term; :mod:`detente.simulate.terms`). A lapse is not a breakdown:
    with a term, ``p_breakdown_1y`` is the breakdown's cumulative incidence with a lapse
    competing. A null figure shows its reason (``term.why_null``)."""
    term = rec.get("term")
    if not term:
        return None
    n = int(term["periods"])
    lapsed = term.get("p_lapsed_1y")
    return (
        f"term {term['days']} days ({n} {unit if n == 1 else unit + 's'}), "
        f"{_renewal_words(term)}: P(lapsed at a term's end within a year) "
        + (
            fmt_prob(lapsed)
            if lapsed is not None
            else "not observed: " + str((term.get("why_null") or {}).get("p_lapsed_1y"))
        )
    )
