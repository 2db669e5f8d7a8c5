"""Scenario -> :class:`IssueData`: one issue per scenario issue.

Each actor's position on an issue is :meth:`Scenario.current_positions` (the latest position
dated on or before ``meta.as_of``; undated positions count as current). The actor's
``capability`` and the position's ``ideal`` and ``salience`` feed the models; the issue's
``status_quo`` and ``outcome`` (if known) go with it. Actors are ordered by id, so the result
does not depend on the order of the scenario file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from detente.forecast.data import IssueData, make_issue

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["issues_from_scenario", "scenario_issues"]


def issues_from_scenario(scenario: Scenario) -> list[IssueData]:
    """Convert a loaded scenario into issues (see module docstring)."""
    current = scenario.current_positions()
    capability = {a.id: float(a.capability) for a in scenario.actors}
    issues = []
    for issue in scenario.issues:
        positions = sorted(
            (pos for (_, iid), pos in current.items() if iid == issue.id), key=lambda p: p.actor
        )
        issues.append(
            make_issue(
                issue.id,
                [p.actor for p in positions],
                [float(p.ideal) for p in positions],
                [float(p.salience) for p in positions],
                [capability.get(p.actor, 1.0) for p in positions],
                status_quo=float(issue.status_quo),
                outcome=None if issue.outcome is None else float(issue.outcome),
            )
        )
    return issues


def scenario_issues(path: Path) -> list[IssueData]:
    """Load a scenario file and convert it (the loader's errors are located InputErrors)."""
    from detente.scenario import load_scenario

    return issues_from_scenario(load_scenario(path))
