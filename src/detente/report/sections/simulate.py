"""Report section: Monte Carlo talks while fighting.

Shows the probability of agreement by period (95 % Wilson band), fan charts of the line of
contact, allies' support and trust (50 % and 90 % bands of the simulated runs, quantiles
computed from the runs, not Vega-Lite's error bands), the survival of agreements (Kaplan–
Meier), the distribution of terms per issue, and the anatomy of one seeded run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from detente.labels import Names, humanize, protocol_label, strategy_label
from detente.report.base import (
    DataTable,
    ReportContext,
    Section,
    data_link,
    esc,
    fmt_bound,
    fmt_interval,
    fmt_prob,
    fmt_prob_is,
    html_table,
    in_force_text,
    not_estimated_text,
    period_unit,
    term_text,
)

if TYPE_CHECKING:
    from detente.simulate.results import SimulationResult

__all__ = [
    "agreement_chart",
    "build",
    "fan_chart",
    "survival_band",
    "survival_chart",
    "terms_chart",
]

QUICK_RUNS = 300
PERIODS = 104
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def agreement_chart(
    rows: list[dict[str, Any]], bundle: str = "Full settlement", unit: str = "period"
) -> dict[str, Any]:
    """P(first agreement on ``bundle`` by each period) with its Wilson band."""
    x = {"field": "period", "type": "quantitative", "title": f"{unit.capitalize()}s from now"}
    return {
        "$schema": SCHEMA,
        "title": f"Probability of {_lower_first(bundle)} by each {unit}",
        "width": 520,
        "height": 180,
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "area", "color": "#c6d6ee"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "P(reached by then)",
                    },
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "line", "color": "#2a5caa"},
                "encoding": {"x": x, "y": {"field": "p_agreement", "type": "quantitative"}},
            },
        ],
    }


def fan_chart(
    rows: list[dict[str, Any]],
    variable: str,
    title: str,
    y_title: str | None = None,
    unit: str = "period",
) -> dict[str, Any]:
    """A fan chart: 90 % band (q05–q95), 50 % band (q25–q75) and median by period."""
    data = [r for r in rows if r["variable"] == variable]
    x = {"field": "period", "type": "quantitative", "title": f"{unit.capitalize()}s from now"}
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 250,
        "height": 140,
        "data": {"values": data},
        "layer": [
            {
                "mark": {"type": "area", "color": "#dde6f3"},
                "encoding": {
                    "x": x,
                    "y": {"field": "q05", "type": "quantitative", "title": y_title or "Value"},
                    "y2": {"field": "q95"},
                },
            },
            {
                "mark": {"type": "area", "color": "#98b3da"},
                "encoding": {
                    "x": x,
                    "y": {"field": "q25", "type": "quantitative"},
                    "y2": {"field": "q75"},
                },
            },
            {
                "mark": {"type": "line", "color": "#1d3f73"},
                "encoding": {"x": x, "y": {"field": "q50", "type": "quantitative"}},
            },
        ],
    }


Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""


def survival_band(rows: list[dict[str, Any]], z: float = Z95) -> list[dict[str, Any]]:
    """Kaplan–Meier rows (``age``, ``survival``, ``at_risk`` after the age's removals) with a
    pointwise 95 % band: Greenwood's variance, on the log(−log S) scale so the band stays in
    [0, 1] (Kalbfleisch & Prentice 1980, §1.3). Events at an age are recovered from the drop
    of S: d = n (1 − S(t) / S(t−1)), n the number at risk before it."""
    out: list[dict[str, Any]] = []
    acc, prev_s, prev_n = 0.0, 1.0, None
    for r in rows:
        s, n = r["survival"], r["at_risk"]
        if not math.isfinite(s):
            break
        if prev_n is not None and prev_n > 0 and prev_s > 0:
            d = prev_n * (1.0 - s / prev_s)
            if prev_n - d > 0:
                acc += d / (prev_n * (prev_n - d))
        if 0.0 < s < 1.0 and acc > 0.0:
            se = math.sqrt(acc) / abs(math.log(s))
            low, high = s ** math.exp(z * se), s ** math.exp(-z * se)
        else:
            low = high = s
        out.append({**r, "low": low, "high": high})
        prev_s, prev_n = s, n
    return out


def survival_chart(
    rows: list[dict[str, Any]], bundle: str = "Full settlement", unit: str = "period"
) -> dict[str, Any]:
    """Kaplan–Meier survival of first agreements on ``bundle`` with its 95 % band (rows of
    :meth:`SimulationResult.survival`, or already banded by :func:`survival_band`)."""
    x = {"field": "age", "type": "quantitative", "title": f"{unit.capitalize()}s since signature"}
    banded = rows if rows and "low" in rows[0] else survival_band(rows)
    return {
        "$schema": SCHEMA,
        "title": f"Survival of {_lower_first(bundle)} once signed (band: 95 % interval)",
        "width": 520,
        "height": 160,
        "data": {"values": banded},
        "layer": [
            {
                "mark": {"type": "area", "interpolate": "step-after", "color": "#e8c9c9"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "Share still holding",
                        "scale": {"domain": [0, 1]},
                    },
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "line", "interpolate": "step-after", "color": "#7a2a2a"},
                "encoding": {"x": x, "y": {"field": "survival", "type": "quantitative"}},
            },
        ],
    }


def terms_chart(
    terms: dict[str, dict[str, float]], names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Distribution of agreed terms per issue: 90 % line, 50 % bar, median tick.
    ``names``: issue id -> name."""
    nm = names or {}
    rows = [{"issue": nm.get(k, k)} | v for k, v in terms.items() if v.get("q50") is not None]
    y = {"field": "issue", "type": "nominal", "title": "Issue", "sort": None}
    return {
        "$schema": SCHEMA,
        "title": "Terms of first agreements per issue",
        "width": 520,
        "height": max(60, 30 * len(rows)),
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#555"},
                "encoding": {
                    "x": {
                        "field": "q05",
                        "type": "quantitative",
                        "title": "Agreed value (0–100)",
                        "scale": {"domain": [0, 100]},
                    },
                    "x2": {"field": "q95"},
                    "y": y,
                },
            },
            {
                "mark": {"type": "bar", "color": "#6b8fc7", "size": 10},
                "encoding": {
                    "x": {"field": "q25", "type": "quantitative"},
                    "x2": {"field": "q75"},
                    "y": y,
                },
            },
            {
                "mark": {"type": "tick", "color": "#b00", "thickness": 3, "size": 16},
                "encoding": {"x": {"field": "q50", "type": "quantitative"}, "y": y},
            },
        ],
    }


def _labels(ctx: ReportContext) -> dict[str, tuple[str, str]]:
    """Simulation variable -> (chart title, y-axis title) in words."""
    names = Names.of(ctx.scenario)
    s = ctx.scenario
    return {
        **{
            f"line.{i.id}": (f"Line of contact: {i.name}", "Position on the issue (0–100)")
            for i in s.issues
        },
        **{
            f"trust.{a.id}": (
                f"{a.name}: trust that the other side delivers",
                "Expected trust (0–1)",
            )
            for a in s.actors
        },
        **{
            f"support.{a.id}.{line.id}": (
                f"Support for {a.name}: {names.support_line(a.id, line.id)}",
                "Share of its full level",
            )
            for a in s.actors
            for line in a.support
        },
    }


def label_of(variable: str, labels: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """A variable's title and axis title in words (unknown variables: their id in words)."""
    if variable in labels:
        return labels[variable]
    kind, _, rest = variable.partition(".")
    if kind == "support":
        who, _, key = rest.partition(".")
        return (f"Support for {who}: {humanize(key)}", "Share of its full level")
    if kind == "trust":
        return (f"Trust: {rest.replace('.', ' in ')}", "Expected trust (0–1)")
    return (humanize(variable), "Value")


def _anatomy_rows(rows: list[dict[str, Any]], issues: dict[str, str]) -> list[dict[str, Any]]:
    """Periods where something other than a battle happened, with the line of contact after
    them (the other state variables are in the fan charts)."""
    keep = []
    for r in rows:
        events = [e for e in r["events"] if not e.startswith("battle won by")]
        if not events:
            continue
        rec: dict[str, Any] = {"period": r["period"], "what happened": "; ".join(events)}
        for k, v in r.items():
            if k.startswith("line."):
                rec[f"line: {issues.get(k[5:], k[5:])}"] = round(float(v), 1)
        keep.append(rec)
    return keep


ANATOMY_ROWS = 40
"""Periods of the anatomy table shown in the page (all of them are in the data bundle)."""


def build(ctx: ReportContext) -> Section | None:
    """The simulation section, or ``None`` when the scenario has no war model."""
    from detente.errors import InputError
    from detente.report.charts import to_svg
    from detente.simulate import anatomy_of_run, run_simulation

    if ctx.scenario.war is None:
        return None
    runs = min(ctx.runs, QUICK_RUNS) if ctx.quick else ctx.runs
    try:
        result: SimulationResult = run_simulation(
            ctx.scenario, runs, ctx.seed, PERIODS, scenario_hash=ctx.scenario_hash
        )
        anatomy = anatomy_of_run(ctx.scenario, ctx.seed, PERIODS, runs, run=0)
    except InputError as err:
        return Section(
            anchor="simulation",
            title="Talks while fighting (simulation)",
            body=f"<p class='muted'>Not simulated: {esc(err)}</p>",
            summary="Not simulated.",
        )
    ctx.cache["simulation"] = result
    names = Names.of(ctx.scenario)
    s = result.summary()
    unit = period_unit(ctx.scenario)
    horizon = f"{PERIODS} {unit}s"
    fan = result.fan()
    variables = list(dict.fromkeys(r["variable"] for r in fan))
    shown = [v for v in variables if v.startswith(("line.", "support.", "trust."))][:FANS]
    labels = _labels(ctx)
    fans = "".join(
        f"<figure>{to_svg(fan_chart(fan, v, *label_of(v, labels), unit=unit))}<figcaption>"
        f"{data_link(ANCHOR, 'fans', 'Data (CSV)')}</figcaption></figure>"
        for v in shown
    )
    agreements = s.get("agreements") or []
    settle_id = agreements[0]["bundle"] if agreements else "settlement"
    settle = names.bundle(settle_id)
    lo, hi = s["p_agreement_ci"]
    p = s["p_agreement"]
    partial = sorted(
        (
            (a["p_agreement"], names.bundle(a["bundle"]))
            for a in agreements[1:]
            if a["p_agreement"] is not None
            and a["p_agreement"] >= 0.05
            and "in_force_at_start" not in a
        ),
        key=lambda x: -x[0],
    )
    in_force = {
        a["bundle"]: text for a in agreements if (text := in_force_text(a, unit)) is not None
    }
    in_force_part = "".join(f"; {names.bundle(b)} {text}" for b, text in in_force.items())
    fixed = {a["bundle"]: text for a in agreements if (text := term_text(a, unit)) is not None}
    has_term = bool(fixed) or any(
        "term_ends" in (a.get("in_force_at_start") or {}) for a in agreements
    )
    partial_text = (
        "; partial deals: "
        + ", ".join(f"{b} (P {fmt_prob_is(q)})" for q, b in partial[:4])
        + (f" (+{len(partial) - 4} more)" if len(partial) > 4 else "")
        if partial
        else "; no partial deal in ≥ 5 % of runs"
    ) + in_force_part
    headline = (
        f"P({settle} within {horizon}) {fmt_prob_is(p)} (95 % CI {fmt_interval(lo, hi)}) "
        f"over {s['runs']} runs, seed {s['seed']}{partial_text}; strategies: "
        + ", ".join(f"{strategy_label(n)} ({names.actor(a)})" for a, n in s["strategies"].items())
        + f"; protocol: {protocol_label(s['protocol'])}."
    )
    measures = (
        (f"median {unit}s to agreement", "median_periods_to_agreement"),
        ("P(breakdown within 1 year)", "p_breakdown_1y"),
        ("P(breakdown within 2 years)", "p_breakdown_2y"),
        ("mean agreements per run", "mean_agreements_per_run"),
    )
    # the page says why a figure has none; its CSV leaves the cell empty, as the JSON's null
    shown_facts = [
        {"measure": m, "value": not_estimated_text(k, p) if s[k] is None else s[k]}
        for m, k in measures
    ]
    facts = [{"measure": m, "value": s[k]} for m, k in measures] + [
        {"measure": f"mean cost of fighting, {names.actor(a)}", "value": c}
        for a, c in s["mean_cost"].items()
    ]
    deal_rows = [
        {
            "bundle": a["bundle"],
            "name": names.bundle(a["bundle"]),
            "p_agreement": a["p_agreement"],
            "ci_low": a["p_agreement_ci"][0],
            "ci_high": a["p_agreement_ci"][1],
            f"median_{unit}s_to_agreement": a["median_periods_to_agreement"],
            "p_breakdown_1y": a["p_breakdown_1y"],
        }
        | (_in_force_fields(a) if in_force else {})
        | (_term_fields(a, list(s["mean_cost"])) if has_term else {})
        for a in agreements
    ]
    shown_deals = [
        {
            "bundle": r["name"],
            "P(agreement)": fmt_prob(r["p_agreement"]),
            "95 % interval": fmt_interval(r["ci_low"], r["ci_high"]),
        }
        | ({"in force at the start": in_force.get(r["bundle"], "no")} if in_force else {})
        | ({"fixed term": fixed.get(r["bundle"], "none")} if fixed else {})
        for r in deal_rows
    ]
    by_period = result.agreement_by_period()
    data: list[DataTable] = [
        DataTable("summary", "Simulation summary", facts),
        DataTable("agreements", "P(agreement) per bundle with its 95 % interval", deal_rows),
        DataTable("agreement-by-period", f"P({settle}) by each {unit}", by_period),
    ]
    body = [
        f"<p>{esc(headline)}</p>",
        html_table(shown_facts + facts[len(measures) :], caption="Summary"),
        html_table(
            shown_deals,
            caption=f"Probability of each agreement within {horizon} "
            "(first agreement on the bundle; 95 % Wilson interval)"
            + (
                "; a bundle in force at the start: P(signed anew) after it ends" if in_force else ""
            ),
        ),
    ]
    if p:
        body.append(
            f"<figure>{to_svg(agreement_chart(by_period, settle, unit))}<figcaption>"
            f"Probability that {esc(settle.lower())} has been reached by each {unit} (line) "
            f"with its 95 % Wilson interval (band). {data_link(ANCHOR, 'agreement-by-period')}"
            "</figcaption></figure>"
        )
    else:  # a chart of zeros is one block of band: say it in words
        body.append(
            f"<p>No run reached {esc(_lower_first(settle))} (the bundle settling every issue) "
            f"within {horizon}, so there is no curve of it to draw; with {s['runs']} runs its "
            f"probability is below {esc(fmt_bound(hi, up=True))} (upper end of the 95 % "
            "interval). Partial deals are in the table above.</p>"
        )
    fan_rows = [
        {"variable": r["variable"], "title": label_of(r["variable"], labels)[0]} | r for r in fan
    ]
    data.append(DataTable("fans", "Fan charts: quantiles of every simulated variable", fan_rows))
    body.append(
        f"<div class='fans'>{fans}</div><p class='muted'>Fan charts: dark band 50 %, light band "
        "90 % of the simulated runs; line: median. Line of contact on the issue's 0–100 scale; "
        "support as a share of its full level; trust as each side's belief that the other "
        "delivers an agreement (its integrity, and its capacity to restrain any spoilers)."
        "</p>"
    )
    if p:
        surv = survival_band(result.survival(settle_id))
        terms = [{"issue": k, "name": names.issue(k)} | v for k, v in s["terms"].items()]
        data += [
            DataTable("survival", f"Survival of {settle.lower()} (Kaplan–Meier, 95 % band)", surv),
            DataTable("terms", "Terms of first agreements per issue (quantiles)", terms),
        ]
        body.append(
            f"<figure>{to_svg(survival_chart(surv, settle, unit))}<figcaption>Kaplan–Meier "
            "survival of first agreements (censored at the end of the horizon), with its "
            "pointwise 95 % interval (Greenwood, log-log scale). "
            f"{data_link(ANCHOR, 'survival')}</figcaption>"
            f"</figure><figure>{to_svg(terms_chart(s['terms'], names.issues))}<figcaption>Terms "
            "of first agreements per issue: 90 % range (line), 50 % (bar), median (tick). "
            f"{data_link(ANCHOR, 'terms')}</figcaption></figure>"
        )
    issue_names = dict(names.issues)
    anatomy_rows = [
        r | {"what happened": names.words(r["what happened"])}
        for r in _anatomy_rows(anatomy, issue_names)
    ]
    data.append(
        DataTable("anatomy", "Anatomy of one run (run 0): every eventful period", anatomy_rows)
    )
    body.append(
        f"<h3>Anatomy of one run</h3><p class='muted'>Run 0 of this seed, {unit} by {unit}: the "
        f"{unit}s in which talks, overtures, gestures, agreements, violations or breakdowns "
        f"happened, with the line of contact after them (first {ANATOMY_ROWS}; all of them: "
        f"{data_link(ANCHOR, 'anatomy')}).</p>" + html_table(anatomy_rows[:ANATOMY_ROWS])
    )
    return Section(
        anchor=ANCHOR,
        title="Talks while fighting (simulation)",
        body="".join(body),
        summary=headline,
        data=tuple(data),
    )


FANS = 8
"""Fan charts drawn (the data bundle has every variable)."""
ANCHOR = "simulation"


def _in_force_fields(a: Mapping[str, Any]) -> dict[str, Any]:
    """A bundle's ``in_force_at_start`` figures as data-table columns (None when the bundle
    was not in force at the scenario's date)."""
    start = a.get("in_force_at_start") or {}
    return {
        "in_force_since": start.get("since"),
        "in_force_age_periods": start.get("age_periods"),
        "p_in_force_at_horizon": start.get("p_in_force_at_horizon"),
        "p_ended_1y": start.get("p_ended_1y"),
    }


def _term_fields(a: Mapping[str, Any], belligerents: Sequence[str]) -> dict[str, Any]:
    """A bundle's fixed term and P(lapsed at a term's end within a year) as data-table
    columns (None without a term, :mod:`detente.simulate.terms`); with the term of an
    agreement in force at the start, when it ends, P(it lapsed within a year) and what each
    belligerent received of it by the accounts at the start, one number column per
    belligerent (``in_force_received_at_start_RU``: the share 0 to 1; empty, as the JSON's
    null, when no part owed to it is scored or without such an agreement). The page says it
    in words (:func:`detente.report.base.received_words`: ``RU none scored, UA 1.00``)."""
    term = a.get("term") or {}
    start = a.get("in_force_at_start") or {}
    return {
        "term_days": term.get("days"),
        "term_renewal": term.get("renewal"),
        "p_lapsed_1y": term.get("p_lapsed_1y"),
        "in_force_term_ends": start.get("term_ends"),
        "in_force_p_lapsed_1y": start.get("p_lapsed_1y"),
    } | {
        f"in_force_received_at_start_{side}": (start.get("received_at_start") or {}).get(side)
        for side in belligerents
    }


def _lower_first(text: str) -> str:
    """``Full settlement`` -> ``full settlement`` (a name in all capitals is kept)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
