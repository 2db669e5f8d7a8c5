"""Charts (Vega-Lite specifications with titles in words, axis labels and tooltips) and the
tables behind them as CSV or JSON downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import Response

from detente.outputs import spreadsheet_safe

__all__ = ["bundle_rows", "download", "to_csv", "to_json", "trust_chart", "zone_chart", "zone_rows"]


def zone_rows(doc: dict[str, Any], names: dict[str, str], label: str = "") -> list[dict[str, Any]]:
    """One row per issue: the zone under distrust and without it, and the status quo."""
    rows = []
    for iid in doc["issues"]:
        z = doc["zone"]["issues"].get(iid) or [None, None]
        zn = doc["zone_without_distrust"]["issues"].get(iid) or [None, None]
        rows.append(
            {
                "scenario": label,
                "issue_id": iid,
                "issue": names.get(iid, iid),
                "status_quo": doc["status_quo"].get(iid),
                "zone_low": z[0],
                "zone_high": z[1],
                "no_distrust_low": zn[0],
                "no_distrust_high": zn[1],
            }
        )
    return rows


def bundle_rows(
    doc: dict[str, Any], names: dict[str, str], label: str = ""
) -> list[dict[str, Any]]:
    """One row per bundle (partial deal) of an analysis: is its zone open under distrust, how
    wide (radius, scale points), and how far a closed one is from opening (distance)."""
    rows = []
    for b in doc.get("bundles") or []:
        size = b.get("size") or {}
        rows.append(
            {
                "scenario": label,
                "bundle_id": b["id"],
                "bundle": b.get("name") or b["id"],
                "issues": ", ".join(names.get(i, i) for i in b.get("issues", [])),
                "ceasefire": bool(b.get("ceasefire")),
                "zone": "open" if b.get("zone_exists") else "closed",
                "radius": size.get("radius"),
                "distance": b.get("distance"),
            }
        )
    return rows


def zone_chart(rows: Sequence[dict[str, Any]], title: str) -> dict[str, Any]:
    """Per issue: the zone without distrust (light), under distrust (dark), the status quo."""
    long = []
    for r in rows:
        for kind, lo, hi in (
            ("without distrust", r["no_distrust_low"], r["no_distrust_high"]),
            ("under distrust", r["zone_low"], r["zone_high"]),
        ):
            if lo is not None and hi is not None:
                long.append({**r, "zone": kind, "low": lo, "high": hi})
    row_field = (
        {"field": "scenario", "title": "Scenario"} if any(r["scenario"] for r in rows) else None
    )
    y: dict[str, Any] = {"field": "issue", "type": "nominal", "title": "Issue", "sort": None}
    tooltip = [
        {"field": "issue", "title": "Issue"},
        {"field": "zone", "title": "Zone"},
        {"field": "low", "title": "Low (0–100)"},
        {"field": "high", "title": "High (0–100)"},
        {"field": "status_quo", "title": "Status quo"},
    ]
    layer: list[dict[str, Any]] = [
        {
            "data": {"values": long},
            "mark": {"type": "bar", "height": 10},
            "encoding": {
                "y": y,
                "x": {
                    "field": "low",
                    "type": "quantitative",
                    "title": "Position on the issue (0–100)",
                    "scale": {"domain": [0, 100]},
                },
                "x2": {"field": "high"},
                "color": {
                    "field": "zone",
                    "type": "nominal",
                    "title": "Zone of agreement",
                    "scale": {
                        "domain": ["without distrust", "under distrust"],
                        "range": ["#9ecae1", "#08519c"],
                    },
                },
                "tooltip": tooltip,
            },
        },
        {
            "data": {"values": list(rows)},
            "mark": {"type": "tick", "color": "#d62728", "thickness": 2},
            "encoding": {
                "y": y,
                "x": {
                    "field": "status_quo",
                    "type": "quantitative",
                    "title": "Position on the issue (0–100)",
                    "scale": {"domain": [0, 100]},
                },
                "tooltip": [
                    {"field": "issue", "title": "Issue"},
                    {"field": "status_quo", "title": "Status quo"},
                ],
            },
        },
    ]
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
    }
    if row_field:
        panels = []
        for name in dict.fromkeys(r["scenario"] for r in rows):
            panel = [
                {**lay, "data": {"values": values}}
                for lay in layer
                if (values := [v for v in lay["data"]["values"] if v["scenario"] == name])
            ]
            panels.append({"title": name, "width": 480, "layer": panel})
        return spec | {"vconcat": panels}
    # an empty layer (no zone at all) would be an unlabelled, empty mark group: leave it out
    return spec | {"width": 480, "layer": [lay for lay in layer if lay["data"]["values"]]}


def trust_chart(rows: Sequence[dict[str, Any]], title: str) -> dict[str, Any]:
    """Expected trust (0–1) per dimension and pair, one bar each."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": list(rows)},
        "mark": "bar",
        "encoding": {
            "y": {"field": "pair", "type": "nominal", "title": "Who trusts whom"},
            "x": {
                "field": "expected",
                "type": "quantitative",
                "title": "Expected trust (0–1)",
                "scale": {"domain": [0, 1]},
            },
            "color": {"field": "dimension", "type": "nominal", "title": "Dimension"},
            "yOffset": {"field": "dimension"},
            "tooltip": [
                {"field": "scenario", "title": "Scenario"},
                {"field": "pair", "title": "Who trusts whom"},
                {"field": "dimension", "title": "Dimension"},
                {"field": "expected", "title": "Expected trust", "format": ".2f"},
                {"field": "uncertainty", "title": "Uncertainty", "format": ".2f"},
            ],
        },
    }


def to_json(rows: Any) -> str:
    """JSON text (no NaN: values are finite or null)."""
    return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV text with a header of every column seen; formulas neutralised for spreadsheets."""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in cols})
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple | dict):
        return json.dumps(v, ensure_ascii=False)
    return spreadsheet_safe(v)


def download(rows: list[dict[str, Any]], fmt: str, stem: str) -> Response:
    """``rows`` as a CSV or JSON attachment named ``stem.fmt`` (404 for another format)."""
    if fmt == "csv":
        body, media = to_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, media = to_json(rows), "application/json"
    else:
        raise HTTPException(404, "Downloads are .csv or .json")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )
