"""The HTML report's building blocks: capped tables, pruned empty chart layers, folded
sections, and the survival band (the browser test measures the whole page)."""

from __future__ import annotations

import math

import pytest

from detente.report.base import TABLE_ROWS, Section, html_table
from detente.report.build import _page
from detente.report.charts import prune_empty_layers
from detente.report.sections.simulate import survival_band
from detente.scenario import load_scenario
from detente.web.store import default_dir


def test_long_tables_show_a_cap_and_put_the_rest_behind_a_disclosure() -> None:
    rows = [{"n": k, "name": f"<b>{k}</b>"} for k in range(40)]
    html = html_table(rows, caption="Forty")
    first, rest = html.split("<details class='more'>")
    assert first.count("<tr>") == TABLE_ROWS + 1  # header + capped rows
    assert "Show the other 28 rows" in rest and rest.count("<tr>") == 28 + 1
    assert "<b>" not in html and "&lt;b&gt;" in html
    short = html_table(rows[: TABLE_ROWS + 2])
    assert "<details" not in short  # no disclosure for one or two extra rows


def test_empty_layers_are_pruned_but_a_chart_keeps_one_layer() -> None:
    spec = {"layer": [{"data": {"values": []}, "mark": "bar"}, {"data": {"values": [1]}}]}
    assert prune_empty_layers(spec)["layer"] == [{"data": {"values": [1]}}]
    empty = {"layer": [{"data": {"values": []}, "mark": "bar"}]}
    assert len(prune_empty_layers(empty)["layer"]) == 1


def test_every_section_is_folded_under_a_summary_first() -> None:
    s = load_scenario(default_dir() / "teaching.yaml")
    html = _page(
        s,
        [Section("a", "Alpha", "<p>body a</p>", "sum a"), Section("b", "Beta", "<p>b</p>")],
        [],
        {"detente": "x", "seed": 1},
    )
    assert html.index("Summary") < html.index("<details class='section' id='a'>")
    assert "<details class='section' id='b'><summary><h2>Beta</h2></summary>" in html
    assert "open" not in html.split("<details class='section'")[1].split(">")[0]


def test_survival_band_is_greenwood_on_the_log_log_scale() -> None:
    # 10 agreements: 2 break at age 1, 1 at age 2, 2 censored at age 3
    rows = [
        {"age": 0, "survival": 1.0, "at_risk": 10},
        {"age": 1, "survival": 0.8, "at_risk": 8},
        {"age": 2, "survival": 0.7, "at_risk": 7},
        {"age": 3, "survival": 0.7, "at_risk": 5},
    ]
    band = survival_band(rows)
    # Greenwood: sum d / (n (n - d)) = 2/(10*8) + 1/(8*7); se of log(-log S) = sqrt(sum)/|ln S|
    se = math.sqrt(2 / 80 + 1 / 56) / abs(math.log(0.7))
    z = 1.959963984540054
    assert band[2]["low"] == pytest.approx(0.7 ** math.exp(z * se), abs=1e-12)
    assert band[2]["high"] == pytest.approx(0.7 ** math.exp(-z * se), abs=1e-12)
    assert band[2]["low"] == pytest.approx(0.3287, abs=5e-4)  # by hand
    assert band[2]["high"] == pytest.approx(0.8919, abs=5e-4)
    assert band[3]["low"] == band[2]["low"]  # censoring alone does not move the band
    assert band[0]["low"] == band[0]["high"] == 1.0
    assert all(b["low"] <= b["survival"] <= b["high"] for b in band)
