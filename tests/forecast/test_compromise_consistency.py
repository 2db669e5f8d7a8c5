"""The two "compromise" computations: when they coincide and how they differ otherwise.

``detente.forecast`` weights actor i on issue k by ``(capability_i + Σ support.capability ×
level) × salience_ik`` (raw salience; allies' support included since issue 15).
``detente.bargaining`` (``compromise_point``) weights it by ``(capability_i + Σ
support.capability × level) × salience_ik / Σ_j salience_ij`` (salience normalised over the
actor's issues, allies' support included). Documented in
docs/explanation/forecast-models.md and docs/explanation/bargaining-model.md.
"""

from __future__ import annotations

import pytest

from detente.bargaining import build_problem
from detente.bargaining.solutions import compromise_point
from detente.forecast import get_model
from detente.forecast.scenario_adapter import issues_from_scenario
from detente.scenario import Scenario, parse_scenario

IDEALS = {"A": (10.0, 90.0), "B": (70.0, 20.0), "C": (40.0, 60.0)}
CAPABILITY = {"A": 3.0, "B": 1.0, "C": 0.5}


def _scenario(
    saliences: dict[str, tuple[float, float]], support: dict[str, tuple[float, float]]
) -> Scenario:
    """Three actors, two issues; ``support[actor] = (capability, level)`` adds a support line."""
    lines = [
        "schema_version: 1",
        "meta: {name: Compromise check, description: test, as_of: 2025-01-01}",
        "actors:",
    ]
    for aid, cap in CAPABILITY.items():
        lines.append(f"  - id: {aid}")
        lines.append(f"    name: Actor {aid}")
        lines.append("    kind: state")
        lines.append(f"    capability: {cap}")
        if aid in support:
            c, lvl = support[aid]
            lines.append(f"    support: [{{id: aid_{aid}, capability: {c}, level: {lvl}}}]")
    lines.append("issues:")
    for iid in ("x", "y"):
        lines.append(
            f"  - {{id: {iid}, name: Issue {iid}, status_quo: 50, "
            "anchors: [{value: 0, label: none}, {value: 100, label: all}]}"
        )
    lines.append("positions:")
    for aid, ideals in IDEALS.items():
        for k, iid in enumerate(("x", "y")):
            lines.append(
                f"  - {{actor: {aid}, issue: {iid}, ideal: {ideals[k]}, "
                f"salience: {saliences[aid][k]}}}"
            )
    return parse_scenario("\n".join(lines) + "\n")


def _both(scenario: Scenario) -> tuple[list[float], list[float]]:
    model = get_model("compromise")
    forecast = [model.predict(i) for i in issues_from_scenario(scenario)]
    bargaining = compromise_point(build_problem(scenario)).tolist()
    return forecast, bargaining


def _aid(support: dict[str, tuple[float, float]], actor: str) -> float:
    """Capability an actor's support line adds: capability × level (0 without one)."""
    c, level = support.get(actor, (0.0, 0.0))
    return c * level


def _documented(
    saliences: dict[str, tuple[float, float]], support: dict[str, tuple[float, float]]
) -> tuple[list[float], list[float]]:
    """Both formulas written out by hand, as the docs state them."""
    forecast, bargaining = [], []
    for k in range(2):
        cap = {a: CAPABILITY[a] + _aid(support, a) for a in IDEALS}
        fw = {a: cap[a] * saliences[a][k] for a in IDEALS}
        bw = {a: cap[a] * saliences[a][k] / sum(saliences[a]) for a in IDEALS}
        forecast.append(sum(fw[a] * IDEALS[a][k] for a in IDEALS) / sum(fw.values()))
        bargaining.append(sum(bw[a] * IDEALS[a][k] for a in IDEALS) / sum(bw.values()))
    return forecast, bargaining


@pytest.mark.parametrize(
    "saliences",
    [
        # Every actor equally salient on every issue.
        {"A": (0.6, 0.6), "B": (0.6, 0.6), "C": (0.6, 0.6)},
        # Unequal saliences, but every actor's saliences sum to the same total.
        {"A": (0.9, 0.3), "B": (0.2, 1.0), "C": (0.6, 0.6)},
    ],
)
def test_coincide_without_support_and_equal_salience_totals(
    saliences: dict[str, tuple[float, float]],
) -> None:
    forecast, bargaining = _both(_scenario(saliences, {}))
    assert forecast == pytest.approx(bargaining, abs=1e-9)
    assert forecast == pytest.approx(_documented(saliences, {})[0], abs=1e-9)


def test_differ_when_salience_levels_differ_between_actors() -> None:
    # Equal across issues for each actor is not enough: per-actor normalisation removes the
    # level (A's 0.9 and C's 0.1 both become 1/2), the forecast keeps it.
    saliences = {"A": (0.9, 0.9), "B": (0.5, 0.5), "C": (0.1, 0.1)}
    forecast, bargaining = _both(_scenario(saliences, {}))
    doc_forecast, doc_bargaining = _documented(saliences, {})
    assert forecast == pytest.approx(doc_forecast, abs=1e-9)
    assert bargaining == pytest.approx(doc_bargaining, abs=1e-9)
    assert max(abs(f - b) for f, b in zip(forecast, bargaining, strict=True)) > 1.0


def test_support_counts_in_both() -> None:
    saliences = {"A": (0.6, 0.6), "B": (0.6, 0.6), "C": (0.6, 0.6)}
    support = {"B": (4.0, 0.5)}  # B's capability is 1 + 4 × 0.5 = 3 in both computations
    forecast, bargaining = _both(_scenario(saliences, support))
    doc_forecast, doc_bargaining = _documented(saliences, support)
    assert forecast == pytest.approx(doc_forecast, abs=1e-9)
    assert bargaining == pytest.approx(doc_bargaining, abs=1e-9)
    assert forecast == pytest.approx(bargaining, abs=1e-9)
    # The support line moves the forecast: allies count.
    without = _both(_scenario(saliences, {}))[0]
    assert max(abs(f - w) for f, w in zip(forecast, without, strict=True)) > 1.0
