"""Scenario -> :class:`IssueData`: one issue per scenario issue.

Each actor's position on an issue is :meth:`Scenario.current_positions` (the latest position
dated on or before ``meta.as_of``; undated positions count as current). The position's
``ideal`` and ``salience`` feed the models; the issue's ``status_quo`` and ``outcome`` (if
known) go with it. Actors are ordered by id, so the result does not depend on the order of the
scenario file.

Capabilities are the actor's ``capability`` plus its allies' support, ``Σ support.capability ×
level`` (the same total :func:`detente.bargaining.build_problem` uses), recorded as
``capability_source = "scenario: capability + allies' support × level"``.

Each issue also carries a :class:`~detente.forecast.data.WarContext`: whether it is contested,
each actor's red lines and veto, and the war lottery (``p_a``, ``p_b``, stalemate, victory
terms) from :func:`detente.bargaining.build_problem`, which the ``front`` and ``nash-war``
models use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.forecast.data import IssueData, WarContext, make_issue

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["CAPABILITY_SOURCE", "issues_from_scenario", "scenario_issues"]

CAPABILITY_SOURCE = "scenario: capability + allies' support × level"


def issues_from_scenario(scenario: Scenario) -> list[IssueData]:
    """Convert a loaded scenario into issues (see module docstring)."""
    from detente.bargaining import build_problem

    problem = build_problem(scenario)
    row = {a: k for k, a in enumerate(problem.actors)}
    current = scenario.current_positions()
    capability = {
        a.id: float(a.capability) + sum(float(s.capability) * float(s.level) for s in a.support)
        for a in scenario.actors
    }
    veto = {a.id: bool(a.veto) for a in scenario.actors}
    belligerents = tuple(scenario.war.belligerents) if scenario.war is not None else ()
    p_a = float(problem.p_a)
    stalemate = float(problem.stalemate) if problem.has_war else 1.0
    p_b = max(0.0, 1.0 - p_a - stalemate) if problem.has_war else 0.0
    issues = []
    for k, issue in enumerate(scenario.issues):
        positions = sorted(
            (pos for (_, iid), pos in current.items() if iid == issue.id), key=lambda p: p.actor
        )
        actors = [p.actor for p in positions]
        lo = np.array([problem.lo[row[a], k] if a in row else 0.0 for a in actors])
        hi = np.array([problem.hi[row[a], k] if a in row else 100.0 for a in actors])
        context = WarContext(
            contested=bool(issue.contested),
            lo=lo,
            hi=hi,
            veto=np.array([veto.get(a, False) for a in actors], dtype=bool),
            belligerents=belligerents if problem.has_war else (),
            p_a=p_a if problem.has_war else 0.0,
            p_b=p_b,
            stalemate=stalemate,
            terms_a=float(problem.victory_terms[0, k]) if problem.has_war else None,
            terms_b=float(problem.victory_terms[1, k]) if problem.has_war else None,
        )
        issues.append(
            make_issue(
                issue.id,
                actors,
                [float(p.ideal) for p in positions],
                [float(p.salience) for p in positions],
                [capability.get(a, 1.0) for a in actors],
                status_quo=float(issue.status_quo),
                outcome=None if issue.outcome is None else float(issue.outcome),
                capability_source=CAPABILITY_SOURCE,
                context=context,
            )
        )
    return issues


def scenario_issues(path: Path) -> list[IssueData]:
    """Load a scenario file and convert it (the loader's errors are located InputErrors)."""
    from detente.scenario import load_scenario

    return issues_from_scenario(load_scenario(path))
