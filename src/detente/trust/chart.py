"""Trust trajectory charts (Altair → Vega-Lite; rendered offline by ``report.charts``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["pair_label", "trajectory_chart", "trajectory_rows"]


def pair_label(truster: str, trustee: str, names: Mapping[str, str] | None = None) -> str:
    """A trust pair in words: ``Ukraine's trust in Russia`` (ids without ``names``:
    ``UA → RU``)."""
    if not names:
        return f"{truster} → {trustee}"
    return f"{names.get(truster, truster)}'s trust in {names.get(trustee, trustee)}"


def trajectory_rows(
    records: Iterable[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The last row per (truster, trustee, dimension, date), with the band b … b + u (the
    range expected trust could take for any base rate) and the causes of that date.
    ``names``: actor id -> name, for the pair's label."""
    last: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for rec in records:
        key = (rec["truster"], rec["trustee"], rec["dimension"], str(rec["date"]))
        prev = last.get(key)
        causes = [*prev["causes"], rec["cause"]] if prev else [rec["cause"]]
        last[key] = {
            "date": str(rec["date"]),
            "pair": pair_label(rec["truster"], rec["trustee"], names),
            "dimension": rec["dimension"],
            "expected": rec["expected"],
            "low": rec["belief"],
            "high": rec["belief"] + rec["uncertainty"],
            "causes": list(dict.fromkeys(causes)),
        }
    rows = list(last.values())
    for r in rows:
        r["cause"] = ", ".join(r.pop("causes"))
    return rows


def trajectory_chart(
    records: Iterable[Mapping[str, Any]],
    *,
    title: str = "Trust",
    names: Mapping[str, str] | None = None,
) -> Any:
    """Expected trust over time per dimension, one panel per pair; the shaded band spans
    belief … belief + uncertainty (wide = unknown, low = known to cheat); points mark the
    ledger entries (tooltip: cause). Values change only at the rows given (forgetting in
    between shows at the next row), so callers append an end-date snapshot."""
    import altair as alt

    rows = trajectory_rows(records, names)
    data = alt.Data(values=rows)  # type: ignore[no-untyped-call]
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Date"),
        color=alt.Color("dimension:N", title="Dimension"),
    )
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("low:Q", title="Expected trust (0–1)", scale=alt.Scale(domain=[0, 1])),
        y2="high:Q",
    )
    line = base.mark_line(interpolate="step-after").encode(y="expected:Q")
    pts = base.mark_point(filled=True, size=30).encode(
        y="expected:Q",
        tooltip=["date:T", "pair:N", "dimension:N", "expected:Q", "cause:N"],
    )
    return (
        alt.layer(band, line, pts)
        .properties(width=360, height=180)
        .facet(facet=alt.Facet("pair:N", title=None), columns=2)
        .properties(title=title)
    )
