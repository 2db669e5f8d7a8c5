"""Front door to the bargaining engine: ``analyze``, ``what_it_takes``, ``score_proposals``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import as_scenario, check_as_of, parse_date
from detente.api.numbers import SEED, TOP, whole
from detente.api.results import Result, altair_chart
from detente.core import DEFAULT_SEED
from detente.manifest import build_manifest, json_ready, scenario_sha256

if TYPE_CHECKING:
    from detente.bargaining.analysis import Analysis
    from detente.scenario.schema import Scenario

__all__ = [
    "AnalysisResult",
    "ProposalScores",
    "WhatItTakesResult",
    "analyze",
    "score_proposals",
    "what_it_takes",
]


def _analysis(
    scenario: Scenario | str | Path,
    as_of: dt.date | str | None,
    seed: int,
    *,
    packages: bool = True,
) -> tuple[Analysis, str]:
    from detente.bargaining.analysis import analyze as run

    seed = whole(seed, SEED)
    s = as_scenario(scenario)
    when = check_as_of(parse_date(as_of, "as_of"), s, scenario)
    a = run(s, as_of=when, seed=seed, packages=packages)
    return a, scenario_sha256(s)


def _manifest(command: str, digest: str, seed: int, as_of: Any, **extra: Any) -> dict[str, Any]:
    when = parse_date(as_of, "as_of")
    return build_manifest(
        command=command,
        scenario_hash=digest,
        seed=seed,
        parameters={"as_of": None if when is None else when.isoformat(), **extra},
    )


@dataclass(frozen=True)
class AnalysisResult(Result):
    """The zone of agreement with and without distrust, reservations and solutions.

    ``analysis`` is the engine's :class:`detente.bargaining.analysis.Analysis` (arrays);
    ``to_dict()`` is the ``detente analyze --format json`` document; the table has one row
    per issue (the zone's bounds with and without distrust, and each solution's value).
    """

    analysis: Analysis = field(repr=False, kw_only=True)
    title = "Bargaining analysis"

    @property
    def zone_exists(self) -> bool:
        """Is there a deal every veto party prefers to fighting on, under distrust?"""
        return bool(self.document["zone"]["exists"])

    def records(self) -> list[dict[str, Any]]:
        doc, p = self.document, self.analysis.problem
        rows = []
        for k, iid in enumerate(p.issues):
            zr = doc["zone"]["issues"][iid] or [None, None]
            zn = doc["zone_without_distrust"]["issues"][iid] or [None, None]
            row: dict[str, Any] = {
                "issue": iid,
                "status_quo": float(p.status_quo[k]),
                "zone_low": zr[0],
                "zone_high": zr[1],
                "no_distrust_low": zn[0],
                "no_distrust_high": zn[1],
            }
            for name, sol in doc["solutions"].items():
                row[name] = sol[iid]
            rows.append(row)
        return rows

    def actor_records(self) -> list[dict[str, Any]]:
        """One row per actor: veto, reservation, compliance, threshold, slack, commitment."""
        doc, p = self.document, self.analysis.problem
        powell = {r["actor"]: r for r in doc["commitment"]["powell"]}
        return [
            {
                "actor": x,
                "veto": bool(p.veto[i]),
                "reservation": doc["reservation"][x],
                "compliance": doc["deal_compliance"].get(x),
                "threshold": doc["zone"]["thresholds"].get(x),
                "slack": doc["zone"]["slack"].get(x),
                "shortfall": doc["zone"].get("shortfall", {}).get(x),
                "preventive_war": powell[x]["war_unavoidable"] if x in powell else None,
                "renege_period": doc["commitment"]["renege_period"][x],
            }
            for i, x in enumerate(p.actors)
        ]

    def chart(self) -> Any:
        """The zone per issue, with and without distrust, and the solution points."""
        from detente.report.sections.bargaining import zone_chart

        return altair_chart(zone_chart(self.analysis))


def analyze(
    scenario: Scenario | str | Path,
    *,
    as_of: dt.date | str | None = None,
    seed: int = DEFAULT_SEED,
    packages: bool = True,
) -> AnalysisResult:
    """Reservation values, the zone of agreement with and without distrust, and solutions.

    ``as_of`` uses the positions current at that date (on or before the scenario's own date;
    a later one is an :class:`~detente.errors.OptionValueError`); ``seed`` drives the
    zone-volume estimate.
    ``packages=False`` skips the search for the cheapest package opening each closed bundle
    (most of the time of a large scenario): each closed bundle's ``distance`` and
    ``cheapest_package`` are then None, its ``blocking`` empty and its ``search.method``
    ``"skipped"``; every zone and everything else equals the full analysis (the workspace's
    what-if sliders use it).
    The model is in docs/explanation/bargaining-model.md.
    """
    from detente.bargaining.analysis import analysis_document

    a, digest = _analysis(scenario, as_of, seed, packages=packages)
    extra = {} if packages else {"packages": False}
    manifest = _manifest("analyze", digest, seed, as_of, **extra)
    doc = analysis_document(a) | {"manifest": manifest}
    return AnalysisResult(json_ready(doc), manifest, analysis=a)


@dataclass(frozen=True)
class ProposalScores(Result):
    """Each named proposal scored for each actor (``detente proposals``)."""

    analysis: Analysis = field(repr=False, kw_only=True)
    title = "Proposal scorecards"

    def records(self) -> list[dict[str, Any]]:
        """One row per (proposal, actor)."""
        return [
            {
                "proposal": prop["id"],
                "actor": r["actor"],
                "veto": r["veto"],
                "utility": r["utility"],
                "reservation": r["reservation"],
                "accept": r["accept"],
                "threshold": r["threshold"],
                "accept_distrust": r["accept_distrust"],
                "margin_distrust": r["margin_distrust"],
                "blocking": [b["issue"] for b in r["blocking"]],
            }
            for prop in self.document["proposals"]
            for r in prop["actors"]
        ]

    def chart(self) -> Any:
        """Each proposal's margin over each party's threshold."""
        from detente.report.sections.bargaining import scorecard_chart

        return altair_chart(scorecard_chart(self.analysis))


def score_proposals(
    scenario: Scenario | str | Path,
    *,
    as_of: dt.date | str | None = None,
    seed: int = DEFAULT_SEED,
) -> ProposalScores:
    """Scorecard of each named proposal for each actor (with and without distrust), and the
    smallest amendment every veto party would accept."""
    from detente.bargaining.analysis import proposals_document

    a, digest = _analysis(scenario, as_of, seed)
    manifest = _manifest("proposals", digest, seed, as_of)
    doc = proposals_document(a) | {"manifest": manifest}
    return ProposalScores(json_ready(doc), manifest, analysis=a)


@dataclass(frozen=True)
class WhatItTakesResult(Result):
    """Cheapest mechanism sets that open the zone, and the smallest red-line moves."""

    analysis: Analysis = field(repr=False, kw_only=True)
    method: str = field(kw_only=True)
    sets_examined: int = field(kw_only=True)
    title = "What would it take"

    def records(self) -> list[dict[str, Any]]:
        """The table of ``detente what-it-takes --format csv``, every number in a column of
        its own: one row per mechanism set and issue (kind ``mechanism_set``: ``rank``,
        ``mechanisms``, a list, empty when none is needed, ``total_cost``, ``issue``, the zone
        on the issue ``zone_low`` .. ``zone_high``, and its Nash point ``nash``), then one per
        red-line move (kind ``red_line_move``: ``actor``, ``issue``, ``bound``, ``from``,
        ``to``, ``points``, ``cost``)."""
        rows: list[dict[str, Any]] = []
        for rank, o in enumerate(self.document["options"], start=1):
            nash = o["nash"] or {}
            for issue, span in o["zone"]["issues"].items():
                rows.append(
                    {
                        "kind": "mechanism_set",
                        "rank": rank,
                        "mechanisms": list(o["mechanisms"]),
                        "total_cost": o["total_cost"],
                        "issue": issue,
                        "zone_low": None if span is None else span[0],
                        "zone_high": None if span is None else span[1],
                        "nash": nash.get(issue),
                    }
                )
        relax = self.document.get("red_line_relaxation") or {}
        rows += [{"kind": "red_line_move", **mv} for mv in relax.get("moves", [])]
        return rows


def what_it_takes(
    scenario: Scenario | str | Path,
    *,
    as_of: dt.date | str | None = None,
    seed: int = DEFAULT_SEED,
    top: int = 5,
    mechanisms: Sequence[str] = (),
) -> WhatItTakesResult:
    """The ``top`` cheapest sets of the scenario's mechanisms that open the zone under
    distrust, and the smallest red-line concessions that would (with ``mechanisms`` in force).
    A mechanism id the scenario does not have is an :class:`~detente.errors.OptionValueError`
    (the CLI's exit 2, naming ``--mechanisms``).
    """
    from detente.bargaining.analysis import (
        run_red_line_relaxation,
        run_what_it_takes,
        what_it_takes_document,
    )

    top = whole(top, TOP)
    mech_ids = tuple(mechanisms)
    a, digest = _analysis(scenario, as_of, seed)
    w = run_what_it_takes(a, top=top, seed=seed)
    relax = run_red_line_relaxation(a, mechanisms=mech_ids, seed=seed)
    manifest = _manifest("what-it-takes", digest, seed, as_of, top=top, mechanisms=list(mech_ids))
    doc = what_it_takes_document(a, w, relax) | {"manifest": manifest}
    return WhatItTakesResult(
        json_ready(doc), manifest, analysis=a, method=w.method, sets_examined=w.sets_examined
    )
