"""Issue linkage: "actor A accepts X only with Y" as a condition on what an agreement settles.

A linkage (``linkages:`` in a scenario) names an actor, issues X and issues Y. An agreement
(a bundle or a proposal) that settles any issue of X without settling every issue of Y is
unacceptable to the actor, whatever its terms: linkage is a condition on the *scope* of an
agreement, not a bound on its terms, so it is checked on the agreement's settled set, not in
the zone LP, and no red-line crossing, payment or mechanism can satisfy it — only adding Y to
the agreement can. A deferral of an issue of Y satisfies the linkage only when the linkage
says so (``deferral_suffices``); deferring an issue of X does not settle it and does not
trigger the linkage.

A linkage may also name **the cease-fire itself** as its trigger (``ceasefire``): the actor
accepts an agreement that stops the fighting only if it settles every issue of Y ("no
cease-fire before Y is settled"; "nothing is agreed until everything is agreed", a rule of the
Northern Ireland multi-party talks of 1996-98 and of Colombia's General Agreement of 2012). A
cease-fire takes the pressure of the war off the other side (Schelling 1966: the power to hurt
is bargaining power) and gives both a pause to rearm in (Fortna 2004); a party that expects the
war to win it Y refuses a pause that leaves Y open. It is a condition on the agreement's scope
like the issue trigger, so the stand-alone cease-fire is closed whatever number it writes on
a sequencing issue, and a deal that leaves the fighting going on (an exchange, a corridor) is
never caught by it, provided it says so: a proposal counts as a cease-fire unless it says
``ceasefire: false`` (``proposals.proposal_agreement``), a declared bundle only with
``ceasefire: true``.

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
    ceasefire: bool = False  # also triggered by any agreement that stops the fighting

    @staticmethod
    def of(lk: Linkage) -> LinkageRule:
        return LinkageRule(
            lk.id,
            lk.actor,
            tuple(lk.issues),
            tuple(lk.requires),
            bool(lk.deferral_suffices),
            bool(lk.ceasefire),
        )

    @property
    def statement(self) -> str:
        """``linkage L1: RU accepts crimea only with sanctions`` (``... accepts a cease-fire
        ...`` for the cease-fire trigger)."""
        what = [*(["a cease-fire"] if self.ceasefire else []), *self.issues]
        return (
            f"linkage {self.id}: {self.actor} accepts {', '.join(what)} only with "
            f"{', '.join(self.requires)}"
        )


@dataclass(frozen=True)
class LinkageBreach:
    """A linkage an agreement breaks: the issues of X it settles (none when only the cease-fire
    triggered it) and those of Y it leaves out."""

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
        if not hit and not (r.ceasefire and agreement.ceasefire):
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
