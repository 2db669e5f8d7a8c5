"""Front door to the trust engine: ``replay_trust`` and its explanations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import as_scenario, check_as_of, one_of, parse_date
from detente.api.results import Result
from detente.errors import OptionValueError
from detente.manifest import build_manifest, json_ready, scenario_sha256

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario
    from detente.trust.replay import TrustHistory

__all__ = ["TrustExplanation", "TrustReplay", "TrustResolutions", "replay_trust"]


@dataclass(frozen=True)
class TrustReplay(Result):
    """Trust per dimension replayed from the ledger (``detente trust``).

    ``to_dict()`` is the CLI's JSON: a list of records ``date, truster, trustee, dimension,
    belief, disbelief, uncertainty, expected, reading, cause`` (the trajectory), or the state
    at the end date when ``snapshot`` (with ``r`` and ``s``). ``history`` is the engine's
    :class:`detente.trust.TrustHistory`.
    """

    history: TrustHistory = field(repr=False, kw_only=True)
    scenario: Scenario = field(repr=False, kw_only=True)
    title = "Trust"

    def records(self) -> list[dict[str, Any]]:
        return list(self.document)

    def snapshot(self) -> list[dict[str, Any]]:
        """The trust state at the end date, one record per (truster, trustee, dimension)."""
        return list(json_ready(self.history.snapshot()))

    def explain(
        self, truster: str, trustee: str, dimension: str, *, top: int = 10
    ) -> TrustExplanation:
        """The ledger entries that moved one trust value most (``detente trust explain``).

        An id that is not one of the scenario's actors, the same actor twice, or a dimension
        that is not one of :data:`detente.core.TRUST_DIMENSIONS` is an
        :class:`~detente.errors.OptionValueError` naming the option (exit 2 on the command
        line)."""
        from detente.api.numbers import TOP, whole
        from detente.core.dimensions import TRUST_DIMENSIONS

        top = whole(top, TOP)
        _check_pair(truster, trustee, self.history.actors, both=True)
        one_of(dimension, TRUST_DIMENSIONS, "dimension", "--dimension", "trust dimension")
        rows = self.history.explain(truster, trustee, dimension, top=top)
        m = dict(self.manifest)
        m["parameters"] = m["parameters"] | {
            "truster": truster,
            "trustee": trustee,
            "dimension": dimension,
            "top": top,
        }
        return TrustExplanation(json_ready(rows), m)

    def resolutions(self) -> TrustResolutions:
        """How each due commitment (and claim with terms) resolved, and what decided it."""
        rows = [r.as_record() for r in self.history.resolutions]
        return TrustResolutions(json_ready(rows), dict(self.manifest))

    def chart(self) -> Any:
        """Trust trajectories per dimension (expected trust by date)."""
        from detente.trust.chart import trajectory_chart

        records = list(self.history.records())
        ends = [{**r, "cause": "(end date)"} for r in self.history.snapshot()]
        names = {a.id: a.name for a in self.scenario.actors}
        return trajectory_chart(
            [*records, *ends], title=f"Trust: {self.scenario.meta.name}", names=names
        )


def _check_pair(
    truster: str | None, trustee: str | None, actors: Sequence[str], *, both: bool
) -> None:
    """Refuse (:class:`OptionValueError`) a truster or trustee that is not one of ``actors``
    (the scenario's ids, listed in the message); with ``both`` (one trust value) also the same
    actor twice."""
    for keyword, who in (("truster", truster), ("trustee", trustee)):
        if who is not None or both:
            one_of(who, actors, keyword, f"--{keyword}", keyword, "one of the scenario's actors")
    if both and truster == trustee:
        raise OptionValueError(
            "trustee", "--trustee", f"must differ from the truster; got {trustee!r} for both"
        )


@dataclass(frozen=True)
class TrustExplanation(Result):
    """The entries that moved one trust value, with contributions (``detente trust explain``)."""

    title = "Why trust moved"

    def records(self) -> list[dict[str, Any]]:
        return list(self.document)


@dataclass(frozen=True)
class TrustResolutions(Result):
    """How due commitments resolved (``detente trust resolutions``)."""

    title = "Ledger resolutions"

    def records(self) -> list[dict[str, Any]]:
        return list(self.document)


def replay_trust(
    scenario: Scenario | str | Path,
    *,
    truster: str | None = None,
    trustee: str | None = None,
    as_of: dt.date | str | None = None,
    rule: str = "evidence",
    snapshot: bool = False,
    all_pairs: bool = False,
) -> TrustReplay:
    """Replay the scenario's ledger up to ``as_of`` (default, and latest: the scenario's date;
    a later one is an :class:`~detente.errors.OptionValueError`) with the update ``rule``
    (``evidence`` or ``bayes``), optionally for one truster and/or trustee. An unknown rule, or
    a truster or trustee that is not one of the scenario's actors, is an
    :class:`~detente.errors.OptionValueError` naming the option (exit 2 on the command line).

    Only known pairs are listed (a trust prior in the scenario, or a pair moved by a ledger
    entry; :func:`detente.trust.replay.known_pairs`) unless ``all_pairs``; asking for one
    pair that is not known is an :class:`~detente.errors.OptionValueError` naming the known
    pairs.

    The model is in docs/explanation/trust-model.md.
    """
    from detente.trust import replay
    from detente.trust.replay import known_pairs
    from detente.trust.rules import RULES

    one_of(rule, sorted(RULES), "rule", "--rule", "trust rule")
    s = as_scenario(scenario)
    when = check_as_of(parse_date(as_of, "as_of"), s, scenario)
    _check_pair(truster, trustee, [a.id for a in s.actors], both=False)
    hist = replay(s, rule=rule, truster=truster, trustee=trustee, as_of=when)
    rows = hist.snapshot() if snapshot else list(hist.records())
    if not all_pairs:
        known = known_pairs(s, when)
        if truster is not None and trustee is not None and (truster, trustee) not in known:
            where = f" of {scenario}" if isinstance(scenario, str | Path) else ""
            raise OptionValueError(  # a usage error naming the option (exit 2)
                "trustee",
                "--trustee",
                f"no trust prior or ledger entry{where} concerns {truster}'s trust in "
                f"{trustee}; "
                "known pairs: "
                + (", ".join(f"{a}→{b}" for a, b in sorted(known)) or "none")
                + " (all_pairs / --all-pairs lists the default prior of every pair)",
            )
        rows = [r for r in rows if (r["truster"], r["trustee"]) in known]
    manifest = build_manifest(
        command="trust",
        scenario_hash=scenario_sha256(s),
        parameters={
            "truster": truster,
            "trustee": trustee,
            "as_of": None if when is None else when.isoformat(),
            "rule": rule,
            "snapshot": snapshot,
            "all_pairs": all_pairs,
        },
    )
    return TrustReplay(json_ready(rows), manifest, history=hist, scenario=s)
