"""Report section: Monte Carlo talks while fighting.

Shows the probability of agreement by period (95 % Wilson band), fan charts of the line of
contact, allies' support and trust (50 % and 90 % bands of the simulated runs, quantiles
computed from the runs, not Vega-Lite's error bands), the survival of agreements (Kaplan–
Meier), the distribution of terms per issue, and the anatomy of one seeded run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from detente.report.base import ReportContext, Section, esc, html_table

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


def agreement_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """P(agreement by period) with its Wilson band."""
    x = {"field": "period", "type": "quantitative", "title": "Period"}
    return {
        "$schema": SCHEMA,
        "title": "Probability of a first agreement by each period",
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
                        "title": "P(first agreement by then)",
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
    rows: list[dict[str, Any]], variable: str, title: str, y_title: str | None = None
) -> dict[str, Any]:
    """A fan chart: 90 % band (q05–q95), 50 % band (q25–q75) and median by period."""
    data = [r for r in rows if r["variable"] == variable]
    x = {"field": "period", "type": "quantitative", "title": "Period"}
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
                    "y": {"field": "q05", "type": "quantitative", "title": y_title},
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


def survival_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Kaplan–Meier survival of first agreements with its 95 % band."""
    x = {"field": "age", "type": "quantitative", "title": "Periods since signature"}
    return {
        "$schema": SCHEMA,
        "title": "Survival of first agreements (band: 95 % interval)",
        "width": 520,
        "height": 160,
        "data": {"values": survival_band(rows)},
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


def terms_chart(terms: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Distribution of agreed terms per issue: 90 % line, 50 % bar, median tick."""
    rows = [{"issue": k} | v for k, v in terms.items() if v.get("q50") is not None]
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
    s = ctx.scenario
    actors = {a.id: a.name for a in s.actors}
    issues = {i.id: i.name for i in s.issues}
    return {
        **{
            f"line.{i}": (f"Line of contact: {n}", "Position on the issue (0–100)")
            for i, n in issues.items()
        },
        **{
            f"trust.{a}": (f"{n}: trust that the other side delivers", "Expected trust (0–1)")
            for a, n in actors.items()
        },
    }


def label_of(variable: str, labels: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """A variable's title and axis title in words (support.X.key -> X's support: key)."""
    if variable in labels:
        return labels[variable]
    kind, _, rest = variable.partition(".")
    if kind == "support":
        who, _, key = rest.partition(".")
        return (f"Support for {who}: {key.replace('_', ' ')}", "Share of its full level")
    if kind == "trust":
        return (f"Trust: {rest.replace('.', ' in ')}", "Expected trust (0–1)")
    return (variable.replace("_", " "), "")


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
    return keep[:40]


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
    s = result.summary()
    fan = result.fan()
    variables = list(dict.fromkeys(r["variable"] for r in fan))
    shown = [v for v in variables if v.startswith(("line.", "support.", "trust."))]
    labels = _labels(ctx)
    fans = "".join(
        f"<figure>{to_svg(fan_chart(fan, v, *label_of(v, labels)))}</figure>" for v in shown[:8]
    )
    lo, hi = s["p_agreement_ci"]
    p = s["p_agreement"]
    partial = sorted(
        (
            (a["p_agreement"], a["bundle"])
            for a in s.get("agreements", [])[1:]
            if a["p_agreement"] is not None and a["p_agreement"] >= 0.05
        ),
        reverse=True,
    )
    partial_text = (
        "; partial deals: "
        + ", ".join(f"{esc(b)} {q:.2f}" for q, b in partial[:4])
        + (f" (+{len(partial) - 4} more)" if len(partial) > 4 else "")
        if partial
        else "; no partial deal in ≥ 5 % of runs"
    )
    headline = (
        f"P(settlement within {PERIODS} periods) = {p:.2f} (95 % CI {lo:.2f}–{hi:.2f}) "
        f"over {s['runs']} runs, seed {esc(s['seed'])}{partial_text}; strategies "
        + ", ".join(f"{esc(a)}: {esc(n)}" for a, n in s["strategies"].items())
        + f"; protocol {esc(s['protocol'])}."
    )
    facts = [
        {"measure": "median periods to agreement", "value": s["median_periods_to_agreement"]},
        {"measure": "P(breakdown within 1 year)", "value": s["p_breakdown_1y"]},
        {"measure": "P(breakdown within 2 years)", "value": s["p_breakdown_2y"]},
        {"measure": "mean agreements per run", "value": s["mean_agreements_per_run"]},
    ] + [{"measure": f"mean cost of fighting, {a}", "value": c} for a, c in s["mean_cost"].items()]
    body = [f"<p>{headline}</p>", html_table(facts, caption="Summary")]
    if p:
        body.append(
            f"<figure>{to_svg(agreement_chart(result.agreement_by_period()))}<figcaption>"
            "Probability that a first agreement has been reached by each period (line) with "
            "its 95 % Wilson interval (band).</figcaption></figure>"
        )
    else:  # a chart of zeros is one block of band: say it in words
        body.append(
            f"<p>No run reached an agreement within {PERIODS} periods, so there is no "
            f"agreement curve to draw; with {s['runs']} runs the probability is below "
            f"{hi:.2f} (upper end of the 95 % interval).</p>"
        )
    body.append(
        f"<div class='fans'>{fans}</div><p class='muted'>Fan charts: dark band 50 %, light band "
        "90 % of the simulated runs; line: median. Line of contact on the issue's 0–100 scale; "
        "support as a share of its full level; trust as each side's belief that the other "
        "delivers an agreement (its integrity, and its capacity to restrain any spoilers)."
        "</p>"
    )
    if p:
        body.append(
            f"<figure>{to_svg(survival_chart(result.survival()))}<figcaption>Kaplan–Meier "
            "survival of first agreements (censored at the end of the horizon), with its "
            "pointwise 95 % interval (Greenwood, log-log scale).</figcaption>"
            f"</figure><figure>{to_svg(terms_chart(s['terms']))}<figcaption>Terms of first "
            "agreements per issue: 90 % range (line), 50 % (bar), median (tick).</figcaption>"
            "</figure>"
        )
    body.append(
        "<h3>Anatomy of one run</h3><p class='muted'>Run 0 of this seed, period by period: the "
        "periods in which talks, overtures, gestures, agreements, violations or breakdowns "
        "happened, with the line of contact after them (first 40).</p>"
        + html_table(_anatomy_rows(anatomy, {i.id: i.name for i in ctx.scenario.issues}))
    )
    return Section(
        anchor="simulation",
        title="Talks while fighting (simulation)",
        body="".join(body),
        summary=headline,
    )
