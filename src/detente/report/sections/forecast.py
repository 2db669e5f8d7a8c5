"""Report section: per-issue outcome forecasts with Monte Carlo bands next to positions.

Uses the default forecast model (``front`` for a scenario: territorial issues stay at the line
of contact unless a named mechanism moves them; the compromise model otherwise) for the bands,
and shows the other
registered non-tunable models' point forecasts in the table for comparison. If another section
cached a zone of agreement (``ctx.cache["zone"]``: issue id -> (low, high)), it is drawn too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente.labels import Names
from detente.report.base import DataTable, ReportContext, Section, data_link, esc, html_table

if TYPE_CHECKING:
    from detente.forecast.data import IssueData
    from detente.forecast.uncertainty import ForecastBand

__all__ = ["build", "forecast_chart"]

QUICK_RUNS = 200
POINT_MODELS: tuple[str, ...] = ("compromise", "median", "nash", "bdm")


def forecast_chart(
    issues: list[IssueData],
    bands: list[ForecastBand],
    zone: Mapping[str, tuple[float, float]] | None = None,
    names: Mapping[str, str] | None = None,
    actors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Vega-Lite spec: positions (dots), 90 % band (line), 50 % band (bar), forecast (tick).
    ``names``: issue id -> name, ``actors``: actor id -> name (the chart shows names)."""
    nm, an = names or {}, actors or {}
    band_rows = [b.as_record() | {"issue": nm.get(b.issue_id, b.issue_id)} for b in bands]
    pos_rows = [
        {
            "issue": nm.get(i.issue_id, i.issue_id),
            "actor": an.get(a, a),
            "position": float(p),
            "salience": float(s),
        }
        for i in issues
        for a, p, s in zip(i.actors, i.positions, i.saliences, strict=True)
    ]
    y = {"field": "issue", "type": "nominal", "title": "Issue", "sort": None}
    layers: list[dict[str, Any]] = []
    if zone:
        zone_rows = [
            {"issue": nm.get(k, k), "low": float(lo), "high": float(hi)}
            for k, (lo, hi) in zone.items()
        ]
        layers.append(
            {
                "data": {"values": zone_rows},
                "mark": {"type": "bar", "color": "#cfe8cf", "size": 26},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative"},
                    "x2": {"field": "high"},
                    "y": y,
                },
            }
        )
    layers += [
        {
            "data": {"values": band_rows},
            "mark": {"type": "rule", "color": "#555", "strokeWidth": 1.5},
            "encoding": {
                "x": {
                    "field": "q05",
                    "type": "quantitative",
                    "title": "Forecast outcome on the issue (0–100)",
                },
                "x2": {"field": "q95"},
                "y": y,
            },
        },
        {
            "data": {"values": band_rows},
            "mark": {"type": "bar", "color": "#6b8fc7", "size": 10},
            "encoding": {
                "x": {"field": "q25", "type": "quantitative"},
                "x2": {"field": "q75"},
                "y": y,
            },
        },
        {
            "data": {"values": band_rows},
            "mark": {"type": "tick", "color": "#b00", "thickness": 3, "size": 18},
            "encoding": {"x": {"field": "forecast", "type": "quantitative"}, "y": y},
        },
        {
            "data": {"values": pos_rows},
            "mark": {"type": "circle", "color": "#222", "opacity": 0.6},
            "encoding": {
                "x": {"field": "position", "type": "quantitative"},
                "y": y,
                "size": {"field": "salience", "type": "quantitative", "legend": None},
                "tooltip": [
                    {"field": "actor", "title": "Party"},
                    {"field": "position", "title": "Position"},
                    {"field": "salience", "title": "Salience"},
                ],
            },
        },
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Forecast outcome per issue, with the parties' positions",
        "width": 560,
        "height": max(60, 34 * len(issues)),
        "layer": layers,
    }


def build(ctx: ReportContext) -> Section | None:
    """The forecast section, or ``None`` when no issue has at least one actor position."""
    from detente.forecast.base import default_forecast_model, get_model
    from detente.forecast.scenario_adapter import issues_from_scenario
    from detente.forecast.uncertainty import forecast_bands
    from detente.report.charts import to_svg

    issues = [i for i in issues_from_scenario(ctx.scenario) if i.n_actors >= 1]
    n = Names.of(ctx.scenario)
    if not issues:
        return None
    runs = min(ctx.runs, QUICK_RUNS) if ctx.quick else ctx.runs
    main = default_forecast_model(issues)
    bands = forecast_bands(get_model(main), issues, runs=runs, seed=ctx.seed)
    zone = ctx.cache.get("zone")
    others = {name: get_model(name) for name in POINT_MODELS}
    rows: list[dict[str, Any]] = []
    for issue, band in zip(issues, bands, strict=True):
        row: dict[str, Any] = {
            "issue": n.issue(issue.issue_id),
            "actors": issue.n_actors,
            main: band.forecast,
            "50% band": f"{band.q25:.3g} – {band.q75:.3g}",
            "90% band": f"{band.q05:.3g} – {band.q95:.3g}",
        }
        if band.mechanisms:
            row["why"] = "; ".join(str(m) for m in band.mechanisms)
        for name, model in others.items():
            if name == main:
                continue
            row[name] = model.predict(issue) if issue.n_actors >= 3 else None
        if zone and issue.issue_id in zone:
            lo, hi = zone[issue.issue_id]
            row["zone of agreement"] = f"{lo:.3g} – {hi:.3g}"
        if issue.status_quo is not None:
            row["status quo"] = issue.status_quo
        rows.append(row)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    spec = forecast_chart(
        issues, bands, zone if isinstance(zone, Mapping) else None, n.issues, n.actors
    )
    svg = to_svg(spec)
    data = (
        DataTable(
            "bands",
            f"Forecast per issue ({main} model) with 50 % and 90 % bands",
            [
                {"issue_id": b.issue_id} | b.as_record() | {"issue": n.issue(b.issue_id)}
                for b in bands
            ],
        ),
        DataTable("models", "Forecast per issue, other models' point forecasts", rows),
    )
    body = (
        f"<figure>{svg}<figcaption>Red tick: {esc(main)}-model forecast (the median of the "
        "runs; the models are explained in detente's documentation). Blue bar: 50 % band; "
        f"grey line: 90 % band, from {runs} Monte Carlo "
        f"runs over input uncertainty (seed {esc(ctx.seed)}). Dots: actors' positions, sized "
        "by salience."
        + (" Green: zone of agreement." if zone else "")
        + f" {data_link('forecast', 'bands')}</figcaption></figure>"
        + html_table(rows, columns, caption="Forecast per issue (other models: point forecasts)")
        + "<p class='muted'>How much to trust these models: run <code>detente forecast "
        "backtest</code> on issues with known outcomes.</p>"
    )
    return Section(
        anchor="forecast",
        title="Outcome forecasts",
        body=body,
        summary=f"{len(issues)} issue(s) forecast with 50 % and 90 % bands ({runs} runs).",
        data=data,
    )
