"""Report section: say vs do — ledger claims tested against conflict event data.

Shown only when an event store is available (``ctx.cache["monitor_db"]``: path of a DuckDB
store made by ``detente monitor ingest``) and the scenario has measurable ledger claims. For
each claimant/counterpart dyad it draws a weekly timeline of what was *said* (verbal
cooperation events) and what was *done* (material conflict: fatalities where the source has
them, else events), with the claims' dates and their flags marked, then tabulates the flags.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.labels import Names, flag_label
from detente.report.base import DataTable, ReportContext, Section, data_link, esc, html_table

if TYPE_CHECKING:
    from detente.monitor.store import EventStore
    from detente.monitor.verify import Verified

__all__ = ["build", "timeline_chart"]

_MARGIN = _dt.timedelta(days=120)
_FLAG_COLOURS = {
    "claim_broken": "#7b3294",
    "peace_offensive": "#d7191c",
    "inconclusive": "#969696",
    "claim_kept": "#1a9641",
    "genuine_deescalation": "#2c7bb6",
}


def _weekly(
    store: EventStore, actors: list[str], start: _dt.date, end: _dt.date, measure: str
) -> list[dict[str, Any]]:
    marks = ", ".join("?" for _ in actors)
    value = "coalesce(fatalities_best, 0)" if measure == "fatalities" else "count"
    rows = store.con.execute(
        f"""SELECT date_trunc('week', date)::DATE AS week,
              sum(CASE WHEN event_class = 'material_conflict' THEN {value} ELSE 0 END) AS done,
              sum(CASE WHEN event_class = 'verbal_cooperation' THEN count ELSE 0 END) AS said
            FROM events WHERE date >= ? AND date < ?
              AND (actor1 IN ({marks}) OR actor2 IN ({marks}))
            GROUP BY 1 ORDER BY 1""",
        [start, end, *actors, *actors],
    ).fetchall()
    out = []
    for week, done, said in rows:
        out.append(
            {
                "week": week.isoformat(),
                "series": f"do: material conflict ({measure})",
                "value": float(done),
            }
        )
        out.append(
            {
                "week": week.isoformat(),
                "series": "say: verbal cooperation (events)",
                "value": float(said),
            }
        )
    return out


def timeline_chart(
    series: list[dict[str, Any]], marks: list[dict[str, Any]], title: str
) -> dict[str, Any]:
    """Vega-Lite: weekly say and do lines, claim dates as rules coloured by flag."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 200,
        "layer": [
            {
                "data": {"values": series},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": {"field": "week", "type": "temporal", "title": "Week"},
                    "y": {"field": "value", "type": "quantitative", "title": "Per week"},
                    "color": {"field": "series", "type": "nominal", "title": None},
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "title": "Flag",
                        "scale": {
                            "domain": [flag_label(k) for k in _FLAG_COLOURS],
                            "range": list(_FLAG_COLOURS.values()),
                        },
                    },
                    "tooltip": [
                        {"field": "ref", "title": "Claim"},
                        {"field": "kind", "title": "Flag"},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
    }


def _render(store: EventStore, verified: list[Verified], n: Names) -> tuple[str, list[DataTable]]:
    from detente.report.charts import to_svg

    parts: list[str] = []
    series_rows: list[dict[str, Any]] = []
    dyads: dict[tuple[str, str | None], list[Verified]] = {}
    for v in verified:
        dyads.setdefault((v.result.claim.actor, v.result.claim.counterpart), []).append(v)
    for (actor, other), items in dyads.items():
        dates = [v.result.claim.start for v in items]
        actors = [a for a in (actor, other) if a]
        series = _weekly(
            store, actors, min(dates) - _MARGIN, max(dates) + _MARGIN, items[0].result.measure
        )
        marks = [
            {"date": f.date.isoformat(), "kind": flag_label(f.kind), "ref": f.ref or ""}
            for v in items
            for f in v.flags
        ]
        if series:
            title = f"Say vs do: {n.actor(actor)}" + (f" – {n.actor(other)}" if other else "")
            series_rows += [{"dyad": title.removeprefix("Say vs do: ")} | r for r in series]
            parts.append(
                f"<figure>{to_svg(timeline_chart(series, marks, title))}<figcaption>"
                "Weekly events said and done, claims' dates marked by their flag. "
                f"{data_link('monitor', 'weekly')}</figcaption></figure>"
            )
    rows = []
    for v in verified:
        for f in v.flags:
            ev = f.evidence
            rows.append(
                {
                    "claim": f.ref,
                    "actor": n.actor(f.actor),
                    "date": f.date.isoformat(),
                    "region": f.region,
                    "flag": flag_label(f.kind),
                    "rate ratio": ev.get("rate_ratio"),
                    "CI low": ev.get("ci_low"),
                    "CI high": ev.get("ci_high"),
                    "ground": ev.get("ground", ""),
                    "why": ev.get("reason", ""),
                }
            )
    parts.append(html_table(rows, caption="Claims tested against event data"))
    data = [
        DataTable("weekly", "Weekly say and do per dyad", series_rows),
        DataTable("flags", "Claims tested against event data", rows),
    ]
    return "\n".join(parts), data


def build(ctx: ReportContext) -> Section | None:
    """The section, or None without an event store or measurable ledger claims."""
    db = ctx.cache.get("monitor_db")
    if not db or not Path(str(db)).is_file():
        return None
    from detente.monitor.store import EventStore
    from detente.monitor.verify import claims_from_scenario, verify_scenario

    if not claims_from_scenario(ctx.scenario):
        return None
    with EventStore(Path(str(db)), read_only=True) as store:
        verified = verify_scenario(ctx.scenario, store)
        body, data = _render(store, verified, Names.of(ctx.scenario))
    n_broken = sum(1 for v in verified if v.result.outcome == "broken")
    summary = f"{len(verified)} claim term(s) tested; {n_broken} contradicted by the events."
    note = (
        "<p class='muted'>Event store: " + esc(Path(str(db)).name) + ". UCDP data: UCDP "
        "Georeferenced Event Dataset (Sundberg &amp; Melander 2013), CC BY 4.0.</p>"
    )
    return Section(
        anchor="monitor",
        title="Say vs do: claims against event data",
        body=body + note,
        summary=summary,
        data=tuple(data),
    )
