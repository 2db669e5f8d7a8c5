"""Overview section: who the parties are, what is at stake, where each stands, what is on file."""

from __future__ import annotations

from collections import Counter
from typing import Any

from detente.labels import Names
from detente.report.base import DataTable, ReportContext, Section, data_link, esc, html_table
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
    names = Names.of(s)
    actors, issues = actor_rows(s), issue_rows(s)
    data = [DataTable("actors", "Actors", actors), DataTable("issues", "Issues", issues)]
    parts = [
        html_table(
            actors,
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
            issues,
            ["id", "name", "status_quo", "low_anchor", "high_anchor", "contested"],
            caption="Issues (0–100 scales)",
        ),
    ]
    pos = position_rows(s)
    if pos:
        data.append(DataTable("positions", f"Positions in force on {s.meta.as_of}", pos))
        parts.append(
            f"<figure>{to_svg(_positions_chart(pos, issues, names))}<figcaption>Each party's "
            "ideal point per issue (dot size: salience; black bar: status quo). "
            f"{data_link('overview', 'positions')}</figcaption></figure>"
        )
        parts.append(
            f"<details><summary>Positions in force on {s.meta.as_of} ({len(pos)})</summary>"
            + html_table(
                pos, ["actor", "issue", "ideal", "salience", "acceptable", "date", "sources"]
            )
            + "</details>"
        )
    if s.proposals:
        data.append(DataTable("proposals", "Proposals", proposal_rows(s)))
        parts.append(
            html_table(
                proposal_rows(s),
                ["id", "name", "proposer", "date", "terms", "mechanisms"],
                caption="Proposals",
            )
        )
    if s.ledger:
        data.append(DataTable("ledger", "Ledger entries", ledger_rows(s)))
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
    data.append(DataTable("sources", "Sources", src_rows))
    parts.append(
        "<details><summary>Sources ("
        + str(len(src_rows))
        + ")</summary>"
        + html_table(src_rows, ["id", "title", "date", "reliability", "note"])
        + "</details>"
    )
    vetoes = ", ".join(names.actor(a.id) for a in s.veto_actors) or "none"
    summary = (
        f"{len(s.actors)} actors (veto: {vetoes}), {len(s.issues)} issues, "
        f"{len(s.proposals)} proposals, {len(s.ledger)} ledger entries."
    )
    return Section("overview", "Scenario overview", "".join(parts), summary, tuple(data))


def _positions_chart(
    pos: list[dict[str, Any]], issues: list[dict[str, Any]], names: Names
) -> dict[str, Any]:
    data = [
        {
            "issue": names.issue(p["issue"]),
            "actor": names.actor(p["actor"]),
            "value": p["ideal"],
            "salience": p["salience"],
        }
        for p in pos
    ]
    sq = [{"issue": i["name"], "value": i["status_quo"]} for i in issues]
    order = [i["name"] for i in issues]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Ideal points by issue (dot size = salience; black bar = status quo)",
        "width": 620,
        "layer": [
            {
                "data": {"values": data},
                "mark": {"type": "point", "filled": True, "opacity": 0.85},
                "encoding": {
                    "y": {"field": "issue", "type": "nominal", "sort": order, "title": "Issue"},
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 100]},
                        "title": "Position on the issue (0–100)",
                    },
                    "color": {"field": "actor", "type": "nominal", "title": "Party"},
                    "size": {
                        "field": "salience",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1], "range": [20, 260]},
                        "title": "Salience",
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
