"""Overview section: who the parties are, what is at stake, where each stands, what is on file."""

from __future__ import annotations

from collections import Counter
from typing import Any

from detente.report.base import ReportContext, Section, esc, html_table
from detente.report.charts import to_svg
from detente.scenario.describe import (
    actor_rows,
    issue_rows,
    ledger_rows,
    position_rows,
    proposal_rows,
)

__all__ = ["build"]


def build(ctx: ReportContext) -> Section:
    """Scenario overview with a chart of positions per issue."""
    s = ctx.scenario
    parts = [
        html_table(
            actor_rows(s),
            [
                "id",
                "name",
                "kind",
                "parent",
                "veto",
                "belligerent",
                "capability",
                "cost_of_fighting",
                "control",
                "support",
            ],
            caption="Actors",
        ),
        html_table(
            issue_rows(s),
            ["id", "name", "status_quo", "low_anchor", "high_anchor", "contested"],
            caption="Issues (0–100 scales)",
        ),
    ]
    pos = position_rows(s)
    if pos:
        parts.append(f"<div class='chart'>{to_svg(_positions_chart(pos, issue_rows(s)))}</div>")
        parts.append(
            f"<details><summary>Positions in force on {s.meta.as_of} ({len(pos)})</summary>"
            + html_table(
                pos, ["actor", "issue", "ideal", "salience", "acceptable", "date", "sources"]
            )
            + "</details>"
        )
    if s.proposals:
        parts.append(
            html_table(
                proposal_rows(s),
                ["id", "name", "proposer", "date", "terms", "mechanisms"],
                caption="Proposals",
            )
        )
    if s.ledger:
        kinds = Counter(e.kind for e in s.ledger)
        parts.append(
            "<p>Ledger: "
            + ", ".join(f"{n} {esc(k)}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items()))
            + f", from {min(e.date for e in s.ledger)} to {max(e.date for e in s.ledger)}.</p>"
        )
        parts.append(
            "<details><summary>Ledger entries</summary>"
            + html_table(ledger_rows(s), ["date", "id", "kind", "who", "what"])
            + "</details>"
        )
    src_rows = [
        {
            "id": k,
            "title": v.title,
            "date": v.date,
            "reliability": v.reliability.value,
            "note": v.note,
        }
        for k, v in s.meta.sources.items()
    ]
    parts.append(
        "<details><summary>Sources ("
        + str(len(src_rows))
        + ")</summary>"
        + html_table(src_rows, ["id", "title", "date", "reliability", "note"])
        + "</details>"
    )
    vetoes = ", ".join(a.id for a in s.veto_actors) or "none"
    summary = (
        f"{len(s.actors)} actors (veto: {vetoes}), {len(s.issues)} issues, "
        f"{len(s.proposals)} proposals, {len(s.ledger)} ledger entries."
    )
    return Section("overview", "Scenario overview", "".join(parts), summary)


def _positions_chart(pos: list[dict[str, Any]], issues: list[dict[str, Any]]) -> dict[str, Any]:
    data = [
        {"issue": p["issue"], "actor": p["actor"], "value": p["ideal"], "salience": p["salience"]}
        for p in pos
    ]
    sq = [{"issue": i["id"], "value": i["status_quo"]} for i in issues]
    order = [i["id"] for i in issues]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Ideal points by issue (dot size = salience; black bar = status quo)",
        "width": 620,
        "layer": [
            {
                "data": {"values": data},
                "mark": {"type": "point", "filled": True, "opacity": 0.85},
                "encoding": {
                    "y": {"field": "issue", "type": "nominal", "sort": order, "title": None},
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 100]},
                        "title": "scale (0–100)",
                    },
                    "color": {"field": "actor", "type": "nominal"},
                    "size": {
                        "field": "salience",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1], "range": [20, 260]},
                    },
                },
            },
            {
                "data": {"values": sq},
                "mark": {"type": "tick", "color": "black", "thickness": 3},
                "encoding": {
                    "y": {"field": "issue", "type": "nominal", "sort": order},
                    "x": {"field": "value", "type": "quantitative"},
                },
            },
        ],
    }
