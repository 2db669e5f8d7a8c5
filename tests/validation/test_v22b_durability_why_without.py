"""``validation/durability_why.py``'s "without" column (helper v22b): the pooled one-year
breakdown with one hazard-ratio factor removed, by proportional-hazards arithmetic on the
measured bundles and the scorer's pooling; and ``--all``, every case with a breakdown check."""

from __future__ import annotations

import pytest

from .test_v17a_durability_why import _tool  # the tool, loaded once


def test_without_factor_inverts_a_proportional_hazard() -> None:
    tool = _tool()
    # Arusha's settlement 0.199 without UNAMIR's 0.59: 1 - 0.801^(1/0.59) = 0.313 (v22b §1)
    assert tool.without_factor(0.199, 0.59) == pytest.approx(0.31346, abs=1e-4)
    for b, f in ((0.343, 0.749), (0.05, 2.0), (0.6, 1.0)):
        back = 1.0 - (1.0 - tool.without_factor(b, f)) ** f
        assert back == pytest.approx(b, abs=1e-12)
    assert tool.without_factor(0.0, 0.5) == 0.0 and tool.without_factor(1.0, 0.5) == 1.0
    with pytest.raises(ValueError, match="factor > 0"):
        tool.without_factor(0.3, 0.0)


def test_breakdown_cases_are_every_case_with_a_breakdown_check() -> None:
    cases = _tool().breakdown_cases()
    assert cases == sorted(cases)
    assert {"aceh_2005", "arusha_1993", "beagle_1984", "minsk_i_2014"} <= set(cases)
    for c in cases:
        assert _tool()._checks(c)


def test_decompose_pools_each_factor_removed_with_the_scorers_rule() -> None:
    """A short run (60 runs) of Arusha: each 'without' figure is the scorer's pooling of the
    bundles with that factor divided out where the bundle carries it; removing the
    peacekeepers' factor (< 1) raises the figure, removing the spoiler's (> 1) lowers it."""
    tool = _tool()
    import simscore

    row = tool.decompose("arusha_1993", runs=60)
    recs = [
        {"p_agreement": b["p_agreement"], "p_breakdown_1y": b["p_breakdown_1y"]}
        for b in row["bundles"]
    ]
    assert simscore.pooled_breakdown({"agreements": recs}) == pytest.approx(row["pooled"])
    assert "peacekeepers" in row["without"] and "spoiler" in row["without"]
    for name, value in row["without"].items():
        expect = simscore.pooled_breakdown(
            {
                "agreements": [
                    {
                        "p_agreement": b["p_agreement"],
                        "p_breakdown_1y": (
                            tool.without_factor(b["p_breakdown_1y"], b["factors"][name])
                            if b["p_breakdown_1y"] is not None and name in b["factors"]
                            else b["p_breakdown_1y"]
                        ),
                    }
                    for b in row["bundles"]
                ]
            }
        )
        assert value == pytest.approx(expect, abs=1e-12), name
    assert row["without"]["peacekeepers"] > row["pooled"] > row["without"]["spoiler"]
    assert "pooled without one factor" in tool.markdown([row])
