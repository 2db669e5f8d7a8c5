"""Report section: trust per dimension — the matrix at the latest date, trajectories with the
ledger entries marked, and the top reasons for each large move.

Puts the military compliance matrix ``(truster, trustee) -> probability`` into
``ctx.cache["compliance"]`` for the sections that follow (bargaining, simulation).
"""

from __future__ import annotations

from typing import Any

from detente.labels import Names, humanize
from detente.report.base import (
    TRUST_WINDOW_YEARS,
    DataTable,
    ReportContext,
    Section,
    data_link,
    esc,
    html_table,
)

__all__ = ["LARGE_MOVE", "MAX_PAIRS", "build"]

LARGE_MOVE = 0.05
"""A contribution to expected trust at least this large is listed as a reason."""

MAX_PAIRS = 6
"""Most pairs charted and explained (veto and belligerent actors first)."""

WINDOW_YEARS = TRUST_WINDOW_YEARS
"""Default years the trust chart shows up to the scenario's date (recent change readable;
``detente report --trust-window``); the state at the window's start is carried in, and the
tables cover the whole ledger."""


def windowed(records: list[dict[str, Any]], start: str) -> list[dict[str, Any]]:
    """The records dated from ``start`` on, plus each series' last state before it re-dated to
    ``start`` (so every line begins at the window's left edge)."""
    before: dict[tuple[str, str, str], dict[str, Any]] = {}
    inside = []
    for r in records:
        if str(r["date"]) < start:
            before[(r["truster"], r["trustee"], r["dimension"])] = r
        else:
            inside.append(r)
    carried = [
        {**r, "date": start, "cause": "(state at the window's start)"} for r in before.values()
    ]
    return carried + inside


def _focus_actors(ctx: ReportContext) -> list[str]:
    s = ctx.scenario
    key = [a.id for a in s.actors if a.veto or a.belligerent]
    return key if len(key) >= 2 else [a.id for a in s.actors]


def build(ctx: ReportContext) -> Section | None:
    """The trust section, or ``None`` if the scenario has neither trust priors nor a ledger."""
    from detente.report.charts import to_svg
    from detente.trust import DIMENSIONS, replay, trust_state
    from detente.trust.chart import pair_label, trajectory_chart

    s = ctx.scenario
    if not s.trust and not s.ledger:
        return None
    n = Names.of(s)
    hist = replay(s)
    opinions = hist.opinions()
    state = trust_state(s)  # the one trust state (same replay): compliance from it
    military = state.compliance("military")
    focus = _focus_actors(ctx)
    compliance: dict[tuple[str, str], float] = {}
    matrix: list[dict[str, Any]] = []
    for ter in hist.actors:
        for tee in hist.actors:
            if ter == tee:
                continue
            ops = {d: opinions[(ter, tee, d)] for d in DIMENSIONS}
            p = military[(ter, tee)]
            compliance[(ter, tee)] = p
            if ter in focus and tee in focus:
                row: dict[str, Any] = {"truster": n.actor(ter), "trustee": n.actor(tee)}
                for d, o in ops.items():
                    row[humanize(d)] = (
                        f"{o.expected:.2f} ({o.reading()}; b {o.b:.2f} d {o.d:.2f} u {o.u:.2f})"
                    )
                row["P(comply, military)"] = p
                matrix.append(row)
    ctx.cache["compliance"] = compliance

    pairs = [(a, b) for a in focus for b in focus if a != b][:MAX_PAIRS]
    records = [r for r in hist.records() if (r["truster"], r["trustee"]) in set(pairs)]
    chart_html = ""
    data = [DataTable("matrix", f"Trust at {s.meta.as_of}", matrix)]
    years = ctx.trust_window
    if records:
        ends = [
            {**r, "cause": "(end date)"}
            for r in hist.snapshot()
            if (r["truster"], r["trustee"]) in set(pairs)
        ]
        as_of = s.meta.as_of
        try:
            start = as_of.replace(year=as_of.year - years)
        except ValueError:  # 29 February
            start = as_of.replace(year=as_of.year - years, day=28)
        shown = windowed([*records, *ends], start.isoformat())
        span = "last year" if years == 1 else f"last {years} years"
        data.append(
            DataTable(
                "trajectories",
                f"Trust trajectories, {span} (one row per ledger entry and dimension)",
                [
                    {
                        "pair": pair_label(r["truster"], r["trustee"], n.actors),
                        **{k: v for k, v in r.items() if k != "pair"},
                    }
                    for r in shown
                ],
            )
        )
        chart_html = (
            "<figure>"
            + to_svg(
                trajectory_chart(
                    shown,
                    title=f"Expected trust, {span} (band: belief … belief + uncertainty)",
                    names=n.actors,
                )
            )
            + f"<figcaption>Expected trust per dimension from {start.isoformat()} to the "
            "scenario's date, one panel per pair; points mark ledger entries (the window: "
            "<code>--trust-window</code>). The tables below cover the whole ledger. "
            f"{data_link(ANCHOR, 'trajectories')}</figcaption></figure>"
        )
    reasons: list[dict[str, Any]] = []
    for ter, tee in pairs:
        for d in DIMENSIONS:
            for row in hist.explain(ter, tee, d, top=3):
                if abs(row["contribution"]) >= LARGE_MOVE:
                    reasons.append(
                        {
                            "truster": n.actor(ter),
                            "trustee": n.actor(tee),
                            "dimension": humanize(d),
                            "date": row["date"],
                            "cause": row["cause"],
                            "contribution": row["contribution"],
                            "note": row["note"],
                        }
                    )
    resolutions = [
        {
            k: n.words(v) if k in ("by", "outcome") and isinstance(v, str) else v
            for k, v in rec.items()
        }
        for rec in (r.as_record() for r in hist.resolutions)
    ]
    data += [
        DataTable("reasons", "Entries that moved expected trust most", reasons),
        DataTable("resolutions", "Commitments and claims resolved", resolutions),
    ]
    end = s.meta.as_of.isoformat()
    body = (
        f"<p>Trust replayed from {len(s.ledger)} ledger entries up to {esc(end)} with the "
        "evidence rule. Each cell gives expected trust and its reading: <em>unknown</em> "
        "(uncertainty ≥ 0.5) is kept apart from <em>distrusted</em> (disbelief ≥ 0.5).</p>"
        + html_table(matrix, caption=f"Trust at {end}")
        + chart_html
        + "<h3>Top reasons for large moves</h3>"
        + html_table(reasons, caption=f"Entries that moved expected trust by ≥ {LARGE_MOVE}")
        + "<h3>Commitments and claims resolved</h3>"
        + html_table(resolutions)
    )
    worst = min(
        ((p, k) for k, p in compliance.items() if k[0] in focus and k[1] in focus),
        default=None,
    )
    summary = ""
    if worst is not None:
        (ter, tee) = worst[1]
        summary = (
            f"Lowest military compliance expectation: {n.actor(ter)} expects {n.actor(tee)} to "
            f"comply with probability {worst[0]:.2f}."
        )
    return Section(anchor=ANCHOR, title="Trust", body=body, summary=summary, data=tuple(data))


ANCHOR = "trust"
