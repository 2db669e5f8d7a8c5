"""Altair charts of a sweep: Sobol bars, tornado, PRIM trade-off, an output over an input.

Each function takes the sweep's document (``SweepResult.to_dict()``) or result and returns an
``altair.Chart``; saving (HTML, SVG via vl-convert) is the caller's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.errors import InputError

if TYPE_CHECKING:
    from detente.sweep.engine import SweepResult

__all__ = ["output_over_input", "prim_tradeoff", "sobol_bars", "tornado"]


def _alt() -> Any:
    import altair as alt

    return alt


def sobol_bars(doc: dict[str, Any], output: str) -> Any:
    """First-order and total Sobol indices of ``output`` with their confidence intervals."""
    alt = _alt()
    rows = []
    for r in doc["sobol"]:
        if r["output"] != output or r["S1"] is None:
            continue
        for kind in ("S1", "ST"):
            v, c = r[kind], r[f"{kind}_conf"] or 0.0
            rows.append({"input": r["input"], "index": kind, "value": v, "lo": v - c, "hi": v + c})
    if not rows:
        raise InputError(f"no Sobol indices for {output!r} (design must be sobol)")
    data = alt.Data(values=rows)
    base = alt.Chart(data).encode(
        y=alt.Y("input:N", sort="-x", title=None), yOffset="index:N", color="index:N"
    )
    bars = base.mark_bar().encode(x=alt.X("value:Q", title=f"Sobol index of {output}"))
    err = base.mark_rule().encode(x="lo:Q", x2="hi:Q")
    return (bars + err).properties(title=f"What drives {output}")


def tornado(doc: dict[str, Any], output: str) -> Any:
    """One-at-a-time swings of ``output`` (design ``oat``), widest first."""
    alt = _alt()
    rows = [
        {"input": r["input"], "low": r["low"], "high": r["high"], "base": r["base"]}
        for r in doc["tornado"]
        if r["output"] == output and r["low"] is not None
    ]
    if not rows:
        raise InputError(f"no tornado for {output!r} (design must be oat)")
    order = [r["input"] for r in rows]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("input:N", sort=order, title=None),
            x=alt.X("low:Q", title=output),
            x2="high:Q",
        )
    )
    rule = alt.Chart(alt.Data(values=[{"base": rows[0]["base"]}])).mark_rule().encode(x="base:Q")
    return (chart + rule).properties(title=f"Tornado: {output}")


def prim_tradeoff(doc: dict[str, Any], output: str) -> Any:
    """PRIM peeling trajectory: coverage against density; the chosen box is marked."""
    alt = _alt()
    rows = [r for r in doc["prim_trajectory"] if r["output"] == output]
    if not rows:
        raise InputError(f"no PRIM trajectory for {output!r}")
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True)
        .encode(
            x=alt.X("coverage:Q", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("density:Q", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("mass:Q"),
            shape="chosen:N",
            tooltip=["step:Q", "coverage:Q", "density:Q", "mass:Q"],
        )
        .properties(title=f"PRIM trade-off: {rows[0]['target']}")
    )


def output_over_input(result: SweepResult, output: str, input_name: str) -> Any:
    """``output`` (e.g. P(agreement)) at every point against one swept input."""
    alt = _alt()
    rows = [
        {"x": r[input_name], "y": r[output]}
        for r in result.table()
        if r.get(output) is not None and input_name in r
    ]
    if not rows:
        raise InputError(f"no values of {output!r} against {input_name!r}")
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_circle()
        .encode(
            x=alt.X("x:Q" if isinstance(rows[0]["x"], float) else "x:N", title=input_name),
            y=alt.Y("y:Q", title=output),
        )
        .properties(title=f"{output} over {input_name}")
    )
