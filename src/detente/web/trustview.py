"""The trust explorer's data: one pair's trajectories on the four dimensions inside a date
window, with the ledger entries that moved them, and its chart (zoomable in time).

Everything comes from ``detente.replay_trust`` (records: date, truster, trustee, dimension,
belief, disbelief, uncertainty, expected, reading, cause).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["WINDOW_YEARS", "parse_window", "trust_series", "trust_trajectory_chart"]

WINDOW_YEARS = 5
"""Default window: this many years up to the scenario's date."""


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def parse_window(
    params: Mapping[str, str], first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date, list[str]]:
    """The window ``from``–``to`` from query parameters, defaulting to the last
    :data:`WINDOW_YEARS` years up to ``last`` (the scenario's own date). A date is read by the
    CLI's rules (:func:`detente.web.dates.query_date`): only ``YYYY-MM-DD``, a day that exists,
    on or before ``last``; anything else raises :class:`detente.errors.InputError` naming the
    parameter (a 400 page with the message). A window given backwards is shown reversed, with
    that said in the problems returned."""
    from detente.web.dates import query_date

    problems: list[str] = []
    start = query_date(params, "from", last) or max(first, _years_before(last, WINDOW_YEARS))
    end = query_date(params, "to", last) or last
    if start > end:
        problems.append(f"the window starts ({start}) after it ends ({end}): showing it reversed")
        start, end = end, start
    return start, end, problems


def trust_series(
    records: Sequence[Mapping[str, Any]],
    truster: str,
    trustee: str,
    start: dt.date,
    end: dt.date,
) -> list[dict[str, Any]]:
    """One pair's rows inside the window: each dimension's last state before ``start`` carried
    to ``start`` (so lines begin at the left edge), the rows dated in the window (several on
    one date: the last, its causes joined), and each dimension's state at ``end``."""
    lo, hi = start.isoformat(), end.isoformat()
    before: dict[str, dict[str, Any]] = {}
    inside: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        if r["truster"] != truster or r["trustee"] != trustee:
            continue
        day, dim = str(r["date"]), str(r["dimension"])
        row = {
            "date": day,
            "dimension": dim,
            "expected": r["expected"],
            "low": r["belief"],
            "high": r["belief"] + r["uncertainty"],
            "reading": r["reading"],
            "cause": str(r["cause"]),
        }
        if day < lo:
            before[dim] = row
        elif day <= hi:
            prev = inside.get((dim, day))
            if prev is not None:
                row["cause"] = f"{prev['cause']}, {row['cause']}"
            inside[(dim, day)] = row
    carried = [
        {**row, "date": lo, "cause": "(state at the window's start)"}
        for dim, row in before.items()
        if (dim, lo) not in inside
    ]
    rows = sorted([*carried, *inside.values()], key=lambda x: (x["date"], x["dimension"]))
    last = {r["dimension"]: r for r in rows}
    ends = [
        {**row, "date": hi, "cause": "(state at the window's end)"}
        for row in last.values()
        if row["date"] != hi
    ]
    return rows + ends


def trust_trajectory_chart(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """Expected trust per dimension over time (step lines), the band belief … belief +
    uncertainty, and a point at each ledger entry (tooltip: what moved it). Drag to pan and
    scroll to zoom along time; double-click resets."""
    x = {"field": "date", "type": "temporal", "title": "Date"}
    colour = {"field": "dimension", "type": "nominal", "title": "Dimension"}
    entries = [r for r in rows if not str(r["cause"]).startswith("(state at")]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 260,
        "layer": [
            {
                "data": {"values": list(rows)},
                "params": [
                    {
                        "name": "zoom",
                        "select": {"type": "interval", "encodings": ["x"]},
                        "bind": "scales",
                    }
                ],
                "mark": {"type": "area", "opacity": 0.15, "interpolate": "step-after"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "Expected trust (0–1)",
                        "scale": {"domain": [0, 1]},
                    },
                    "y2": {"field": "high"},
                    "color": colour,
                },
            },
            {
                "data": {"values": list(rows)},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": x,
                    "y": {"field": "expected", "type": "quantitative"},
                    "color": colour,
                },
            },
            {
                "data": {"values": entries or list(rows)},
                "mark": {"type": "point", "filled": True, "size": 40},
                "encoding": {
                    "x": x,
                    "y": {"field": "expected", "type": "quantitative"},
                    "color": colour,
                    "tooltip": [
                        {"field": "date", "type": "temporal", "title": "Date"},
                        {"field": "dimension", "title": "Dimension"},
                        {"field": "expected", "title": "Expected trust", "format": ".2f"},
                        {"field": "reading", "title": "Reading"},
                        {"field": "cause", "title": "Moved by"},
                    ],
                },
            },
        ],
    }
