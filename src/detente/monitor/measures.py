"""Say-vs-do measures per dyad, region and window.

For each window (day, week, month, quarter, year), dyad (actor 1 -> actor 2, scenario ids;
unmapped actors are ``None``) and region: event counts and Goldstein sums of the four classes
(verbal/material × cooperation/conflict), best fatalities, and the say/do divergence

    say_do_gap = mean Goldstein of verbal events − mean Goldstein of material events,

in Goldstein points (−20…+20): positive when a party *says* more cooperative things than it
*does*. It is ``None`` when the window has no verbal or no material events. Events are placed
on their first day (``date``); counts rows contribute their ``value``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.errors import InputError
from detente.monitor.normalise import EVENT_CLASSES

if TYPE_CHECKING:
    from detente.monitor.store import EventStore

__all__ = ["WINDOWS", "Measures", "dyad_measures", "measures", "measures_sql"]

WINDOWS = ("day", "week", "month", "quarter", "year")
_SHORT = {
    "verbal_cooperation": "vcoop",
    "material_cooperation": "mcoop",
    "verbal_conflict": "vconf",
    "material_conflict": "mconf",
}


def measures_sql(window: str, where: str = "TRUE") -> str:
    """The aggregating SELECT over ``events`` (used by the store and the benchmark)."""
    if window not in WINDOWS:
        raise InputError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
    parts = []
    for cls in EVENT_CLASSES:
        s = _SHORT[cls]
        parts.append(f"sum(CASE WHEN event_class = '{cls}' THEN count ELSE 0 END) AS {s}_n")
        parts.append(
            f"sum(CASE WHEN event_class = '{cls}' THEN goldstein * count ELSE 0 END) AS {s}_g"
        )
    verbal = "event_class IN ('verbal_cooperation', 'verbal_conflict')"
    material = "event_class IN ('material_cooperation', 'material_conflict')"
    return f"""
SELECT date_trunc('{window}', date)::DATE AS period, actor1, actor2, region,
  {", ".join(parts)},
  sum(coalesce(fatalities_best, 0)) AS fatalities,
  sum(CASE WHEN {verbal} THEN goldstein * count END)
    / nullif(sum(CASE WHEN {verbal} AND goldstein IS NOT NULL THEN count END), 0)
  - sum(CASE WHEN {material} THEN goldstein * count END)
    / nullif(sum(CASE WHEN {material} AND goldstein IS NOT NULL THEN count END), 0)
    AS say_do_gap
FROM events WHERE {where}
GROUP BY ALL
ORDER BY period, actor1 NULLS LAST, actor2 NULLS LAST, region NULLS LAST
"""


def dyad_measures(
    store: EventStore,
    *,
    window: str = "week",
    start: _dt.date | None = None,
    end: _dt.date | None = None,
    actor: str | None = None,
    region: str | None = None,
    by_region: bool = True,
) -> list[dict[str, Any]]:
    """Records of the measures (one per period × dyad × region)."""
    from detente.monitor.store import region_condition

    conds: list[str] = []
    params: list[object] = []
    if start:
        conds.append("date >= ?")
        params.append(start)
    if end:
        conds.append("date < ?")
        params.append(end)
    if actor:
        conds.append("(actor1 = ? OR actor2 = ?)")
        params += [actor, actor]
    rc, rp = region_condition(region)
    conds.append(rc)
    params += rp
    sql = measures_sql(window, " AND ".join(conds) if conds else "TRUE")
    if not by_region:
        sql = sql.replace(", region,", ", NULL::VARCHAR AS region,", 1)
    cur = store.con.execute(sql, params)
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(names, row, strict=True))
        for k, v in rec.items():
            if isinstance(v, float):
                rec[k] = round(v, 6)
        out.append(rec)
    return out


@dataclass(frozen=True)
class Measures:
    """The measures' records and the store's warnings (unfinished ingests: partial data)."""

    records: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def measures(
    store: EventStore,
    *,
    window: str = "week",
    start: _dt.date | None = None,
    end: _dt.date | None = None,
    actor: str | None = None,
    region: str | None = None,
    by_region: bool = True,
) -> Measures:
    """:func:`dyad_measures` with the warnings of :meth:`EventStore.warnings` (print them)."""
    records = dyad_measures(
        store,
        window=window,
        start=start,
        end=end,
        actor=actor,
        region=region,
        by_region=by_region,
    )
    return Measures(records, store.warnings())
