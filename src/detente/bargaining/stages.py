"""Staged proposals: a proposal's own stages (issues, start periods, mechanisms) compared with
the comprehensive deal now and with the reverse sequence.

For a proposal with terms x and stages s = 1..S (issues I_s, ``start_period`` p_s, mechanisms
M_s), F_s = I_1 ∪ … ∪ I_s are the issues settled by stage s (issues the proposal sets but no
stage names are settled with the last stage) and y_s is x on F_s, the status quo elsewhere.
Mechanisms in force at stage s: the proposal's own ``mechanisms`` plus M_1..M_s.

**When the fighting stops.** The *pause stage* s* is the first stage the scenario marks
``ceasefire: true``; a stage marked ``ceasefire: false`` is never the pause stage, and if every
stage is so marked the fighting never stops under the plan (every stage is settled while
fighting; the row's ``pause_stage`` is 0). Failing a mark, the first unmarked stage whose name says
"cease-fire" (or "ceasefire", "cease fire", "cease_fire", "armistice"); failing that, the
first stage settling an issue whose id does; failing that, the first stage settling a
``contested`` issue; failing that, stage 1. (The name heuristics apply only to scenarios that
do not mark the stage.)
Before it the war goes on over the unsettled issues, after it power shifts by
``truce_power_shift · min(1, (p − p_{s*}) / T)`` at period p (T = implementation periods).

**Per veto actor i** (``offset`` = stated reservation − war model value, as elsewhere):

- stage s < s* (settled while fighting): accepted if the war with F_s fixed is worth at least
  the war with F_{s−1} fixed (F_0 = ∅: the reservation V_i); no pause, so no commitment test.
- stage s ≥ s*: each stage must stand on its own (a party cannot count on later stages —
  that is what distrust means). Accepted if U_i(y_s) ≥ W_i(σ_s) + Δ_i(s), where W_i(σ) is the
  value of fighting over the issues still open at the pause (F_{s*−1} fixed) after a power
  shift σ, σ_s the shift accrued by p_s, and Δ_i(s) = t_i − V_i what distrust and the
  mechanisms in force at s add to the threshold (:func:`~detente.bargaining.distrust
  .thresholds`). Self-enforcing if U_i(y_s) ≥ W_i(σ) with σ the shift accrued when the stage
  ends (the next stage's start; the full shift for the last stage).
- red lines: x must respect i's red lines on every issue the plan settles.

Plans: ``as_proposed``; ``reversed`` (the stages, each with its issues, name and mechanisms,
in reverse order; start periods stay with the positions, so the first stage still starts at
p_1); ``comprehensive`` (one stage at period 0 settling every issue with every mechanism).
With one stage the plans coincide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.bargaining.distrust import DistrustState, MechanismEffect, apply_all, thresholds
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import utility
from detente.bargaining.war import shifted_p, war_value

__all__ = ["PAUSE_WORDS", "PlanRow", "PlanStage", "compare_staging", "pause_stage"]

PAUSE_WORDS = ("cease-fire", "ceasefire", "cease fire", "cease_fire", "armistice")


@dataclass(frozen=True)
class PlanStage:
    """One stage of a plan."""

    name: str
    issues: tuple[str, ...]
    start: int
    mechanisms: tuple[str, ...] = ()
    ceasefire: bool | None = None


@dataclass(frozen=True)
class PlanRow:
    """One veto actor under one plan of one proposal."""

    proposal: str
    plan: str
    actor: str
    pause_stage: int  # 1-based
    accepts: bool
    self_enforcing: bool
    note: str  # the first stage that fails, or the tightest margin


def _has_word(text: str) -> bool:
    return any(w in text.lower() for w in PAUSE_WORDS)


def pause_stage(stages: Sequence[PlanStage], contested: set[str]) -> int:
    """0-based index of the stage at which the fighting stops (module docstring);
    ``len(stages)`` when every stage is marked ``ceasefire: false``."""
    marked = [j for j, s in enumerate(stages) if s.ceasefire]
    if marked:
        return marked[0]
    if stages and all(s.ceasefire is False for s in stages):
        return len(stages)
    tests: tuple[Callable[[PlanStage], bool], ...] = (
        lambda s: _has_word(s.name),
        lambda s: any(_has_word(i) for i in s.issues),
        lambda s: any(i in contested for i in s.issues),
    )
    for test in tests:
        for j, stage in enumerate(stages):
            if stage.ceasefire is None and test(stage):
                return j
    return next((j for j, s in enumerate(stages) if s.ceasefire is None), 0)


def plans(
    stages: Sequence[PlanStage], terms: Sequence[str], mechanisms: tuple[str, ...]
) -> dict[str, list[PlanStage]]:
    """``as_proposed``, ``reversed`` and ``comprehensive`` (see module docstring)."""
    named = {i for s in stages for i in s.issues}
    rest = tuple(i for i in terms if i not in named)
    given = list(stages)
    if rest and given:
        last = given[-1]
        given[-1] = PlanStage(
            last.name, last.issues + rest, last.start, last.mechanisms, last.ceasefire
        )
    first = PlanStage("proposal mechanisms", (), 0, mechanisms)
    rev = [
        PlanStage(s.name, s.issues, given[j].start, s.mechanisms, s.ceasefire)
        for j, s in enumerate(reversed(given))
    ]
    every = tuple(i for s in given for i in s.issues)
    allm = mechanisms + tuple(m for s in given for m in s.mechanisms)
    return {
        "comprehensive": [PlanStage("everything", every, 0, allm)],
        "as_proposed": [_merge(first, given[0]), *given[1:]] if given else [],
        "reversed": [_merge(first, rev[0]), *rev[1:]] if rev else [],
    }


def _merge(first: PlanStage, s: PlanStage) -> PlanStage:
    return PlanStage(s.name, s.issues, s.start, first.mechanisms + s.mechanisms, s.ceasefire)


def evaluate_plan(
    problem: BargainingProblem,
    proposal: str,
    plan: str,
    x: FloatArray,
    stages: Sequence[PlanStage],
    base: DistrustState,
    effects: Mapping[str, MechanismEffect],
) -> list[PlanRow]:
    """Rows for every veto actor of one plan (module docstring)."""
    contested = {iid for k, iid in enumerate(problem.issues) if problem.contested[k]}
    col = {iid: k for k, iid in enumerate(problem.issues)}
    n = problem.n_issues
    s_star = pause_stage(stages, contested)
    offset = problem.reservation - war_value(problem)
    horizon = max(problem.implementation_periods, 1)
    shift = problem.truce_power_shift
    starts: list[int] = []
    for s in stages:
        starts.append(max(s.start, starts[-1]) if starts else s.start)
    settled = np.zeros(n, dtype=bool)
    fixed_before: list[FloatArray] = []  # x on F_{s−1}, NaN elsewhere
    fixed_after: list[FloatArray] = []  # x on F_s
    outcomes: list[FloatArray] = []
    in_force: list[str] = []
    deltas: list[FloatArray] = []
    for s in stages:
        fixed_before.append(np.where(settled, x, np.nan))
        for iid in s.issues:
            if iid in col:
                settled[col[iid]] = True
        outcomes.append(np.where(settled, x, problem.status_quo))
        fixed_after.append(np.where(settled, x, np.nan))
        in_force += [m for m in s.mechanisms if m in effects and m not in in_force]
        t = thresholds(problem, apply_all(base, [effects[m] for m in in_force]))
        deltas.append(t - problem.reservation)
    pause_fixed = fixed_before[s_star] if s_star < len(stages) else np.where(settled, x, np.nan)
    pause_start = starts[s_star] if s_star < len(stages) else 0

    at: dict[int, FloatArray] = {}  # every actor's war values, computed once per period

    def war_at(period: int) -> FloatArray:
        if period not in at:
            sigma = shift * min(1.0, max(0, period - pause_start) / horizon)
            at[period] = war_value(problem, shifted_p(problem, sigma), fixed=pause_fixed) + offset
        return at[period]

    after: dict[int, FloatArray] = {}  # war values once stage j is settled (while fighting)

    def war_after(j: int) -> FloatArray:
        if j not in after:
            after[j] = war_value(problem, fixed=fixed_after[j])
        return after[j]

    rows: list[PlanRow] = []
    for i, actor in enumerate(problem.actors):
        if not problem.veto[i]:
            continue
        ok = (x >= problem.lo[i] - 1e-9) & (x <= problem.hi[i] + 1e-9)
        broken = [problem.issues[k] for k in np.flatnonzero(settled & ~ok)]
        staged_ok, enforcing = True, True
        notes = [f"breaks its red lines on {', '.join(broken)}"] if broken else []
        prev = float(problem.reservation[i])
        for j, s in enumerate(stages):
            if j < s_star:
                w_after = float(war_after(j)[i] + offset[i])
                if w_after < prev - 1e-9 and staged_ok:
                    staged_ok = False
                    notes.append(
                        f"stage {j + 1} '{s.name}' (while fighting): war worth {w_after:.4f} "
                        f"< {prev:.4f} before"
                    )
                prev = w_after
                continue
            u = float(utility(problem, outcomes[j])[i])
            need = float(war_at(starts[j])[i] + deltas[j][i])
            end = starts[j + 1] if j + 1 < len(stages) else pause_start + horizon
            hold = float(war_at(end)[i])
            if u < need - 1e-9 and staged_ok:
                staged_ok = False
                notes.append(f"stage {j + 1} '{s.name}': U={u:.3f} < needs {need:.3f}")
            if u < hold - 1e-9 and enforcing:
                enforcing = False
                notes.append(
                    f"stage {j + 1} '{s.name}': U={u:.3f} < war by period {end} {hold:.3f}"
                )
        rows.append(
            PlanRow(
                proposal=proposal,
                plan=plan,
                actor=actor,
                pause_stage=s_star + 1 if s_star < len(stages) else 0,
                accepts=staged_ok and not broken,
                self_enforcing=enforcing,
                note="; ".join(notes) or "every stage passes",
            )
        )
    return rows


def compare_staging(
    problem: BargainingProblem,
    proposal: str,
    x: FloatArray,
    stages: Sequence[PlanStage],
    terms: Sequence[str],
    mechanisms: tuple[str, ...],
    base: DistrustState,
    effects: Mapping[str, MechanismEffect],
) -> list[PlanRow]:
    """The three plans of one staged proposal, every veto actor (module docstring)."""
    out: list[PlanRow] = []
    for name, plan in plans(stages, terms, mechanisms).items():
        if plan:
            out += evaluate_plan(problem, proposal, name, x, plan, base, effects)
    return out
