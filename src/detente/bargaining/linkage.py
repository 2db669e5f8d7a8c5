"""Issue linkage: "actor A accepts X only with Y" as a condition on what an agreement settles.

A linkage (``linkages:`` in a scenario) names an actor, issues X and issues Y. An agreement
(a bundle or a proposal) that settles any issue of X without settling every issue of Y is
unacceptable to the actor, whatever its terms: linkage is a condition on the *scope* of an
agreement, not a bound on its terms, so it is checked on the agreement's settled set, not in
the zone LP, and no red-line crossing, payment or mechanism can satisfy it — only adding Y to
the agreement can. A deferral of an issue of Y satisfies the linkage only when the linkage
says so (``deferral_suffices``); deferring an issue of X does not settle it and does not
trigger the linkage.

Because the condition only removes agreements, a linkage never enlarges any zone (a property
test): it closes a bundle that settles X without Y and leaves every other bundle unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.bargaining.bundles import Agreement
from detente.bargaining.problem import BargainingProblem

if TYPE_CHECKING:
    from detente.scenario.schema import Linkage

__all__ = ["LinkageBreach", "LinkageRule", "breaches"]


@dataclass(frozen=True)
class LinkageRule:
    """A linkage as the bargaining engine uses it."""

    id: str
    actor: str
    issues: tuple[str, ...]
    requires: tuple[str, ...]
    deferral_suffices: bool = False

    @staticmethod
    def of(lk: Linkage) -> LinkageRule:
        return LinkageRule(
            lk.id, lk.actor, tuple(lk.issues), tuple(lk.requires), bool(lk.deferral_suffices)
        )

    @property
    def statement(self) -> str:
        """``linkage L1: RU accepts crimea only with sanctions``."""
        return (
            f"linkage {self.id}: {self.actor} accepts {', '.join(self.issues)} only with "
            f"{', '.join(self.requires)}"
        )


@dataclass(frozen=True)
class LinkageBreach:
    """A linkage an agreement breaks: the issues of X it settles and those of Y it leaves out."""

    linkage: str
    actor: str
    settled: tuple[str, ...]
    missing: tuple[str, ...]
    reason: str


def breaches(
    problem: BargainingProblem,
    agreement: Agreement,
    rules: Sequence[LinkageRule],
    *,
    veto_only: bool = False,
) -> tuple[LinkageBreach, ...]:
    """The linkages ``agreement`` breaks (only those of veto parties if ``veto_only``)."""
    col = {iid: k for k, iid in enumerate(problem.issues)}
    deferred = set(agreement.deferred_ids)
    veto = {a for a, v in zip(problem.actors, problem.veto, strict=True) if v}

    def settled(iid: str) -> bool:
        k = col.get(iid)
        return k is not None and bool(agreement.settled[k])

    out: list[LinkageBreach] = []
    for r in rules:
        if veto_only and r.actor not in veto:
            continue
        hit = tuple(i for i in r.issues if settled(i))
        if not hit:
            continue
        missing = tuple(
            i for i in r.requires if not settled(i) and not (r.deferral_suffices and i in deferred)
        )
        if missing:
            out.append(
                LinkageBreach(
                    r.id, r.actor, hit, missing, f"{r.statement} (missing: {', '.join(missing)})"
                )
            )
    return tuple(out)
