"""Overview section: who the parties are, what is at stake, where each stands, what is on file."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from detente.labels import Names, humanize
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
    shown_actors = [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind.value,
            "part of": names.actor(a.parent) if a.parent else None,
            "veto": (
                ("on " + ", ".join(a.veto_issues) if a.veto_issues else "yes") if a.veto else "no"
            ),
            "belligerent": a.belligerent,
            "capability": a.capability,
            "cost of fighting": a.cost_of_fighting,
            "control": a.control,
            "support": [f"{names.support_line(a.id, sp.id)} ({sp.level:g})" for sp in a.support],
        }
        for a in s.actors
    ]
    shown_issues = [
        {
            "name": r["name"],
            "status quo": r["status_quo"],
            "0 means": r["low_anchor"],
            "100 means": r["high_anchor"],
            "contested": r["contested"],
        }
        for r in issues
    ]
    parts = [
        html_table(shown_actors, caption="Actors"),
        html_table(shown_issues, caption="Issues (0–100 scales)"),
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
                [
                    {
                        "party": names.actor(r["actor"]),
                        "issue": names.issue(r["issue"]),
                        **{k: r[k] for k in ("ideal", "salience", "acceptable", "date", "sources")},
                    }
                    for r in pos
                ]
            )
            + "</details>"
        )
    if s.proposals:
        data.append(DataTable("proposals", "Proposals", proposal_rows(s)))
        parts.append(
            html_table(
                [
                    {
                        "name": p.name,
                        "proposer": names.actor(p.proposer) if p.proposer else None,
                        "date": p.date,
                        "terms": [f"{names.issue(k)} {v:g}" for k, v in p.terms.items()],
                        "mechanisms": [names.mechanism(m) for m in p.mechanisms],
                    }
                    for p in s.proposals
                ],
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
            + html_table(
                [
                    r | {"who": names.words(str(r["who"])), "what": _bracket_words(r["what"])}
                    for r in ledger_rows(s)
                ],
                ["date", "id", "kind", "who", "what"],
            )
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
    vetoes = (
        ", ".join(
            names.actor(a.id) + (f" (on {', '.join(a.veto_issues)})" if a.veto_issues else "")
            for a in s.veto_actors
        )
        or "none"
    )
    summary = (
        f"{len(s.actors)} actors (veto: {vetoes}), {len(s.issues)} issues, "
        f"{len(s.proposals)} proposals, {len(s.ledger)} ledger entries."
    )
    return Section("overview", "Scenario overview", "".join(parts), summary, tuple(data))


def _bracket_words(text: object) -> str:
    """A ledger line's ``[partly_kept; single_source]`` prefix in words."""
    return re.sub(r"^\[([^\]]*)\]", lambda m: f"[{humanize(m.group(1))}]", str(text))


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
