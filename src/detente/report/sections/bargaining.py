"""Report section: the zone of agreement with and without distrust, a two-issue slice, the
proposal scorecard heatmap, and what it would take to open the zone.

Puts ``ctx.cache["zone"]`` (issue id → (low, high): the zone with distrust if it exists, else
the zone without distrust) for the forecast section, and ``ctx.cache["bargaining"]`` (the
:class:`~detente.bargaining.analysis.Analysis`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.labels import Names
from detente.report.base import DataTable, ReportContext, Section, data_link, esc, html_table

if TYPE_CHECKING:
    from detente.bargaining.analysis import Analysis, RelaxationReport
    from detente.bargaining.relax import Relaxation
    from detente.bargaining.whatittakes import WhatItTakes

__all__ = ["build", "scorecard_chart", "scorecard_rows", "slice_chart", "zone_chart"]

SLICE_CELLS = 30


def zone_chart(
    a: Analysis, names: dict[str, str] | None = None, actors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Per issue: zone ranges (with / without distrust), status quo, veto actors' ideals, and
    the deal (Nash point) when the zone under distrust is open. ``names``: issue id -> name;
    ``actors``: actor id -> name."""
    p = a.problem
    nm = names or {}
    an = actors or {}
    rows: list[dict[str, Any]] = []
    for label, zone in (("without distrust", a.zone_without_distrust), ("with distrust", a.zone)):
        if zone.exists:
            rows += [
                {"issue": nm.get(iid, iid), "zone": label, "low": float(lo), "high": float(hi)}
                for iid, (lo, hi) in zip(p.issues, zone.intervals, strict=True)
            ]
    points = [
        {"issue": nm.get(iid, iid), "who": "status quo", "value": float(p.status_quo[k])}
        for k, iid in enumerate(p.issues)
    ]
    for i, actor in enumerate(p.actors):
        if p.veto[i]:
            points += [
                {
                    "issue": nm.get(iid, iid),
                    "who": f"{an.get(actor, actor)}'s ideal",
                    "value": float(p.ideal[i, k]),
                }
                for k, iid in enumerate(p.issues)
                if p.weights[i, k] > 0
            ]
    if a.deal is not None and a.zone.exists:
        points += [
            {"issue": nm.get(iid, iid), "who": "deal (Nash point)", "value": float(a.deal[k])}
            for k, iid in enumerate(p.issues)
        ]
    y = {
        "field": "issue",
        "type": "nominal",
        "title": "Issue",
        "sort": [nm.get(i, i) for i in p.issues],
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 560,
        "height": max(80, 40 * p.n_issues),
        "title": "Zone of agreement per issue",
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "bar", "opacity": 0.55},
                "encoding": {
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "scale": {"domain": [0, 100]},
                        "title": "Issue scale (0–100)",
                    },
                    "x2": {"field": "high"},
                    "y": y,
                    "yOffset": {"field": "zone"},
                    "color": {
                        "field": "zone",
                        "type": "nominal",
                        "title": "Zone of agreement",
                        "scale": {
                            "domain": ["without distrust", "with distrust"],
                            "range": ["#c9d9ee", "#5aa05a"],
                        },
                    },
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 70, "color": "#1d2330"},
                "encoding": {
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 100]},
                        "title": "Issue scale (0–100)",
                    },
                    "y": y,
                    "shape": {"field": "who", "type": "nominal", "title": "Marker"},
                    "tooltip": [
                        {"field": "issue", "title": "Issue"},
                        {"field": "who", "title": "Marker"},
                        {"field": "value", "title": "Value (0–100)", "format": ".0f"},
                    ],
                },
            },
        ],
    }


def slice_issues(a: Analysis) -> tuple[int, int] | None:
    """The two issues that matter most to the veto actors (summed weights)."""
    p = a.problem
    if p.n_issues < 2:
        return None
    total = p.weights[p.veto].sum(axis=0)
    order = np.argsort(-total, kind="stable")
    return int(order[0]), int(order[1])


def slice_chart(
    a: Analysis, k1: int, k2: int, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """Two-issue slice through the deal point: which cells are in which zone."""
    from detente.bargaining.utility import feasible, utility

    p = a.problem
    base = a.deal if a.deal is not None else p.status_quo
    step = 100.0 / SLICE_CELLS
    grid = (np.arange(SLICE_CELLS) + 0.5) * step  # cell centres
    g1, g2 = np.meshgrid(grid, grid, indexing="ij")
    x = np.tile(base, (g1.size, 1))
    x[:, k1], x[:, k2] = g1.ravel(), g2.ravel()
    u = utility(p, x)[:, p.veto]
    ok = feasible(p, x)
    in_nd = ok & np.all(u >= a.zone_without_distrust.thresholds[p.veto] - 1e-12, axis=1)
    in_d = ok & np.all(u >= a.zone.thresholds[p.veto] - 1e-12, axis=1)
    label = np.where(in_d, "with distrust", np.where(in_nd, "without distrust only", "outside"))
    half = step / 2.0
    rows = [
        {
            "a": float(v1 - half),
            "b": float(v2 - half),
            "a2": float(v1 + half),
            "b2": float(v2 + half),
            "z": str(z),
        }
        for v1, v2, z in zip(x[:, k1], x[:, k2], label, strict=True)
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 320,
        "height": 320,
        "data": {"values": rows},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {
                "field": "a",
                "type": "quantitative",
                "title": f"{(names or {}).get(p.issues[k1], p.issues[k1])} (0–100)",
                "scale": {"domain": [0, 100], "nice": False},
            },
            "x2": {"field": "a2"},
            "y": {
                "field": "b",
                "type": "quantitative",
                "title": f"{(names or {}).get(p.issues[k2], p.issues[k2])} (0–100)",
                "scale": {"domain": [0, 100], "nice": False},
            },
            "y2": {"field": "b2"},
            "color": {
                "field": "z",
                "type": "nominal",
                "title": "Zone",
                "scale": {
                    "domain": ["with distrust", "without distrust only", "outside"],
                    "range": ["#5aa05a", "#c9d9ee", "#f3f3f3"],
                },
            },
        },
    }


def scorecard_rows(a: Analysis, actors: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One record per (proposal, party): margin over what the party needs under distrust
    (−1 when a red line is broken) and its verdict."""
    an = actors or {}
    return [
        {
            "proposal": c.name,
            "actor": an.get(r.actor, r.actor) + ("" if r.veto else " (no veto)"),
            "margin": r.margin_distrust if not r.red_lines_broken else -1.0,
            "verdict": "accept"
            if r.accept_distrust
            else ("red line" if r.red_lines_broken else "reject"),
        }
        for c in a.cards
        for r in c.rows
    ]


def scorecard_chart(a: Analysis, actors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Heatmap: proposal × actor, colour = margin with distrust, text = verdict."""
    rows = scorecard_rows(a, actors)
    enc_x = {
        "field": "actor",
        "type": "nominal",
        "title": "Party",
        "axis": {"labelAngle": -30, "labelLimit": 140},
    }
    enc_y = {
        "field": "proposal",
        "type": "nominal",
        "title": "Proposal",
        "axis": {"labelLimit": 260},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Proposal scorecard: each party's verdict under distrust",
        "width": max(160, 70 * a.problem.n_actors),
        "height": max(60, 30 * len(a.cards)),
        "data": {"values": rows},
        "encoding": {"x": enc_x, "y": enc_y},
        "layer": [
            {
                "mark": "rect",
                "encoding": {
                    "color": {
                        "field": "margin",
                        "type": "quantitative",
                        "title": "Margin (utility − need)",
                        "scale": {"scheme": "redblue", "domainMid": 0, "domain": [-1, 1]},
                    }
                },
            },
            {"mark": {"type": "text", "fontSize": 10}, "encoding": {"text": {"field": "verdict"}}},
        ],
    }


def _first_upper(text: str) -> str:
    """The text with its first letter capitalised (names inside keep their case)."""
    return text[:1].upper() + text[1:]


def _zone_text(a: Analysis, names: dict[str, str] | None = None) -> str:
    z, zn = a.zone, a.zone_without_distrust
    if z.red_line_conflicts:
        soft = "would exist" if a.zone_soft.exists else "would still be empty"
        on = ", ".join((names or {}).get(i, i) for i in z.red_line_conflicts)
        return (
            f"the zone is closed by conflicting red lines on {on}; "
            f"if red lines were soft, a zone {soft} even with distrust"
        )
    nd = "exists" if zn.exists else "is empty"
    d = "exists" if z.exists else "is empty"
    return f"without distrust the zone {nd}; with distrust it {d}"


def _wit_rows(a: Analysis, w: WhatItTakes, n: Names) -> list[dict[str, Any]]:
    rows = []
    for rank, o in enumerate(w.options, start=1):
        rows.append(
            {
                "rank": rank,
                "mechanisms": ", ".join(n.mechanism(m) for m in o.mechanisms) or "(none needed)",
                "total cost": o.total_cost,
                "zone": "; ".join(
                    f"{n.issue(iid)} {lo:.0f}–{hi:.0f}"
                    for iid, (lo, hi) in zip(a.problem.issues, o.zone.intervals, strict=True)
                ),
                "Nash point": ""
                if o.nash is None
                else "; ".join(
                    f"{n.issue(iid)} {v:.0f}"
                    for iid, v in zip(a.problem.issues, o.nash.x, strict=True)
                ),
            }
        )
    return rows


def _by_actor(r: Relaxation, n: Names) -> str:
    return ", ".join(f"{n.actor(x)} {v:.0f}" for x, v in r.points_by_actor().items())


def _relaxation_rows(relax: RelaxationReport, n: Names) -> list[dict[str, Any]]:
    r = relax.relaxation
    if r is None:
        return []
    return [
        {
            "actor": n.actor(mv.actor),
            "issue": n.issue(mv.issue),
            "red line": "minimum" if mv.bound == "min" else "maximum",
            "now": mv.start,
            "would have to be": mv.end,
            "points": mv.points,
        }
        for mv in r.moves
    ]


def _relaxation_html(a: Analysis, relax: RelaxationReport, n: Names) -> str:
    r = relax.relaxation
    if r is None:
        return (
            "<p>No relaxation of red lines alone opens the zone under distrust: some veto "
            "party needs more than any point gives it.</p>"
        )
    if not r.moves:
        return "<p>Red lines need not move: the zone is closed by utilities, not red lines.</p>"
    rows = _relaxation_rows(relax, n)
    one = "; ".join(
        f"if only {' and '.join(n.actor(m) for m in members)} conceded: "
        + ("impossible" if o is None else f"{o.points:.0f} points (weighted {o.total:.2f})")
        for members, o in relax.one_sided.values()
    )
    return (
        html_table(
            rows,
            caption=f"Smallest red-line concessions opening the zone under distrust: "
            f"{r.points:.0f} points in total ({_by_actor(r, n)}; salience-weighted {r.total:.2f}); "
            f"{one}. Minimised: points × the conceding party's salience of the issue.",
        )
        + _ratification_html(a, n, [(m.actor, m.issue, m.bound, m.end) for m in r.moves])
        + f"<p class='data'>{data_link(ANCHOR, 'red-lines')}</p>"
    )


def _ratification_html(a: Analysis, n: Names, moves: list[tuple[str, str, str, float]]) -> str:
    """A paragraph naming each reported red-line move (actor, issue, bound, to) that goes past
    a public commitment naming a ratification: who must ratify, the latest acceptance share
    and whether it clears the majority (:mod:`detente.bargaining.ratification`); empty when
    none does."""
    from detente.bargaining.ratification import move_ratification, ratification_note

    notes: dict[tuple[str, str], str] = {}
    for actor, issue, bound, to in moves:
        rec = move_ratification(a.ratifications, actor, issue, bound, to)
        if rec is not None and (actor, issue) not in notes:
            notes[(actor, issue)] = ratification_note(n.actor(actor), n.issue(issue), rec)
    if not notes:
        return ""
    return "<p>Ratification: " + esc("; ".join(notes.values())) + ".</p>"


_BUNDLE_CAPTION = (
    "Partial agreements (bundles): zone with distrust and red lines as stated; distance = "
    "price of the cheapest package of red-line crossings, payments and mechanisms that opens "
    "it, priced by each party's alternative (0 when open)"
)


_IN_FORCE_CAPTION = (
    "; a bundle in force at the scenario's date (agreements_in_force) is not a deal still to "
    "reach: its zone is that of signing it anew once it ends"
)


def _bundle_rows(
    a: Analysis, n: Names, in_force: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per bundle; ``in_force`` (bundle id → date, the scenario's
    ``agreements_in_force``; none: the column is left out) adds whether it is in force."""
    names = dict(n.issues)
    rows = []
    for r in a.bundles:
        ag = r.agreement
        extra = (
            {
                "in force at the scenario's date": f"since {in_force[ag.id]}"
                if ag.id in in_force
                else "no"
            }
            if in_force
            else {}
        )
        rows.append(
            {
                "bundle": ag.name,
                "issues": ", ".join(
                    names.get(iid, iid) for k, iid in enumerate(a.problem.issues) if ag.settled[k]
                ),
                "stops the fighting": ag.ceasefire,
                "deferred": ", ".join(n.issue(d) for d in ag.deferred_ids) or None,
                "zone": "open"
                if r.exists
                else "closed (linkage)"
                if r.linkage_blocked
                else "closed",
                "distance": r.distance,
                "blocking red lines": "; ".join(
                    [n.words(b.reason) for b in r.linkages]
                    + [
                        f"{n.actor(m.actor)} {n.issue(m.issue)} {m.stated:g}→{m.to:g}"
                        for m in r.blocking
                    ]
                )
                or None,
            }
            | extra
        )
    return rows


ANCHOR = "bargaining"


def build(ctx: ReportContext) -> Section | None:
    """The bargaining section, or ``None`` without positions or veto actors."""
    from detente.bargaining.analysis import analyze, run_red_line_relaxation, run_what_it_takes
    from detente.errors import InputError
    from detente.report.charts import to_svg

    try:
        a = analyze(ctx.scenario, seed=ctx.seed, samples=1000 if ctx.quick else 4000)
    except InputError:
        return None
    p = a.problem
    n = Names.of(ctx.scenario)
    names = dict(n.issues)
    actors = dict(n.actors)
    ctx.cache["bargaining"] = a
    zone = a.zone if a.zone.exists else a.zone_without_distrust
    if zone.exists:
        ctx.cache["zone"] = {
            iid: (float(lo), float(hi))
            for iid, (lo, hi) in zip(p.issues, zone.intervals, strict=True)
        }
    w = run_what_it_takes(a, seed=ctx.seed)
    zone_spec = zone_chart(a, names, actors)
    zone_data = [{"layer": "zone", **r} for r in zone_spec["layer"][0]["data"]["values"]] + [
        {"layer": "marker", **r} for r in zone_spec["layer"][1]["data"]["values"]
    ]
    data = [DataTable("zone", "Zone of agreement per issue, with markers", zone_data)]
    vetoes = ", ".join(n.actor(x) for x, v in zip(p.actors, p.veto, strict=True) if v)
    parts = [
        f"<p>Veto parties: {esc(vetoes)}."
        f" {esc(_first_upper(_zone_text(a, names)))}. Compliance from "
        f"{esc(n.words(a.compliance_source))}. "
        "The model is explained in detente's documentation (the bargaining model).</p>",
        f"<figure>{to_svg(zone_spec)}<figcaption>Zone of agreement per issue: light bar "
        "without distrust, green with distrust (each issue's range of values over the zone; the "
        "zone itself is a polytope inside these ranges); points: status quo, each veto "
        f"party's ideal and the deal (Nash point). {data_link(ANCHOR, 'zone')}"
        "</figcaption></figure>",
    ]
    if a.zone.red_line_detail:
        parts.append(
            "<p>Conflicting red lines (no mechanism changes them): "
            + "; ".join(esc(n.words(d)) for d in a.zone.red_line_detail)
            + ".</p>"
        )
    actor_rows = [
        {
            "actor": n.actor(x),
            "veto": bool(p.veto[i]),
            "value of fighting": float(p.reservation[i]),
            "needs (with distrust)": float(a.zone.thresholds[i]) if p.veto[i] else None,
            "shortfall": float(a.zone.shortfall[i]) if not a.zone.exists and p.veto[i] else None,
            "renege at period": a.renege[i],
        }
        for i, x in enumerate(p.actors)
    ]
    in_force = {x.bundle: x.since.isoformat() for x in ctx.scenario.agreements_in_force}
    bundle_rows = _bundle_rows(a, n, in_force)
    data += [
        DataTable("thresholds", "Reservation values and thresholds", actor_rows),
        DataTable("bundles", "Partial agreements (bundles)", bundle_rows),
    ]
    parts.append(html_table(actor_rows, caption="Reservation values and thresholds (utility 0–1)"))
    parts.append(
        html_table(bundle_rows, caption=_BUNDLE_CAPTION + (_IN_FORCE_CAPTION if in_force else ""))
    )
    parts.append(
        _ratification_html(
            a, n, [(m.actor, m.issue, m.bound, m.to) for r in a.bundles for m in r.blocking]
        )
    )
    pair = slice_issues(a)
    if pair is not None:
        k1, k2 = pair
        spec = slice_chart(a, k1, k2, names)
        n1, n2 = names.get(p.issues[k1], p.issues[k1]), names.get(p.issues[k2], p.issues[k2])
        if any(r["z"] != "outside" for r in spec["data"]["values"]):
            spec["title"] = f"Slice of the zone: {n1} × {n2}"
            data.append(
                DataTable(
                    "slice",
                    f"Slice of the zone: {n1} × {n2}",
                    [
                        {n1 + " from": r["a"], n1 + " to": r["a2"]}
                        | {n2 + " from": r["b"], n2 + " to": r["b2"], "zone": r["z"]}
                        for r in spec["data"]["values"]
                    ],
                )
            )
            parts.append(
                f"<figure>{to_svg(spec)}<figcaption>Slice of the zone through the deal point: "
                f"{esc(n1)} × {esc(n2)}, other issues held at the deal's values. "
                f"{data_link(ANCHOR, 'slice')}</figcaption></figure>"
            )
        else:  # an all-grey square says nothing: say it in words
            parts.append(
                f"<p>No slice chart: on {esc(n1)} × {esc(n2)} (the two issues that matter most "
                "to the veto parties), with the other issues at the "
                + ("deal's" if a.deal is not None else "status quo's")
                + " values, no point is in the zone, with or without distrust.</p>"
            )
    if a.cards:
        data.append(DataTable("scorecard", "Proposal scorecard", scorecard_rows(a, actors)))
        parts.append(
            f"<figure>{to_svg(scorecard_chart(a, actors))}<figcaption>Proposal scorecard: "
            "colour is the margin over what each party needs under distrust (red: short; blue: "
            f"ahead). {data_link(ANCHOR, 'scorecard')}</figcaption></figure>"
        )
        near_rows = [
            {
                "proposal": c.name,
                "all veto accept": c.accepted_by_all_veto,
                "all veto accept (distrust)": c.accepted_by_all_veto_distrust,
                "smallest amendment": "none (zone empty)"
                if c.nearest is None
                else "; ".join(
                    f"{n.issue(iid)} {v:.0f}" for iid, v in zip(p.issues, c.nearest, strict=True)
                ),
                "change (points)": c.nearest_distance,
            }
            for c in a.cards
        ]
        data.append(
            DataTable("proposals", "Proposals and their nearest acceptable form", near_rows)
        )
        parts.append(html_table(near_rows, caption="Proposals and their nearest acceptable form"))
    if a.effects:
        wit = _wit_rows(a, w, n)
        if wit:
            data.append(DataTable("what-it-takes", "Cheapest mechanism sets", wit))
        parts.append(
            html_table(
                wit,
                caption=f"What would it take: cheapest mechanism sets opening the zone under "
                f"distrust ({w.method} search over {len(a.effects)} mechanisms)",
            )
            if w.options
            else "<p>No set of the scenario's mechanisms opens the zone under distrust.</p>"
        )
    relax = None if a.zone.exists else run_red_line_relaxation(a, seed=ctx.seed)
    if relax is not None:
        if relax.relaxation is not None and relax.relaxation.moves:
            data.append(
                DataTable(
                    "red-lines",
                    "Smallest red-line concessions opening the zone",
                    _relaxation_rows(relax, n),
                )
            )
        parts.append(_relaxation_html(a, relax, n))
    if a.stages:
        stage_rows = [
            {
                "plan": n.words(s.plan),
                "actor": n.actor(s.actor),
                "accepts": s.accepts,
                "self-enforcing": s.self_enforcing,
                "why": n.words(s.note),
            }
            for s in a.stages
        ]
        data.append(DataTable("staging", f"Staging of the deal ({a.deal_source})", stage_rows))
        parts.append(html_table(stage_rows, caption=f"Staging of the deal ({a.deal_source})"))
    if a.staged:
        staged_rows = [
            {
                "proposal": n.proposals.get(r.proposal) or n.words(r.proposal),
                "plan": n.words(r.plan),
                "actor": n.actor(r.actor),
                "fighting stops at stage": r.pause_stage,
                "accepts": r.accepts,
                "self-enforcing": r.self_enforcing,
                "why": n.words(r.note),
            }
            for r in a.staged
        ]
        data.append(DataTable("staged-proposals", "Staged proposals", staged_rows))
        parts.append(
            html_table(
                staged_rows,
                caption="Staged proposals: the proposal's own stages, the reverse order, and "
                "everything at once (each stage must stand on its own)",
            )
        )
    summary = _first_upper(_zone_text(a, names))
    if not a.zone.exists and w.options:
        cheapest = ", ".join(n.mechanism(m) for m in w.options[0].mechanisms) or "none"
        summary += f"; cheapest opening set: {cheapest}"
    elif not a.zone.exists and a.effects and not a.zone.red_line_conflicts:
        summary += "; no mechanism set opens it"
    if relax is not None and relax.relaxation is not None and relax.relaxation.moves:
        r = relax.relaxation
        summary += f"; red lines would have to move {r.points:.0f} points ({_by_actor(r, n)})"
    return Section(
        anchor=ANCHOR,
        title="Zone of agreement under distrust",
        body="".join(parts),
        summary=summary + ".",
        data=tuple(data),
    )
