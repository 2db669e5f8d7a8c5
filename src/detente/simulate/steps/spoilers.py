"""``spoil``: spoiler factions attack while talks are under way (before the ``talk`` step).

Spoilers act during talks as well as against agreements (Stedman 1997; Kydd & Walter 2002:
extremists attack to derail negotiations whose terms they reject). In every period with a
round of talks scheduled and no cease-fire in force, each faction ``f`` of a belligerent
attacks with probability ``q_f = spoiler_rate · 2·s_f · (1 − c_f) · (1 − U_f(x))`` (capped
at 1; the factor 2 makes a half-strength faction without control attack at ``spoiler_rate``
when fully dissatisfied, the rate it violates agreements at), with ``s_f`` its
strength (capability / its parent's,
:func:`detente.simulate.durability_covariates.spoiler_factions`),
``c_f`` its leaders' control and ``U_f(x)`` its utility of the package on the table (the
standing offer, else the mediator's text, else the status quo). An attack derails the round
with probability ``spoiler_escalation`` (no round is held that period). Either way it is a
spoiler act of the faction: the other side sees it with the detection probability and counts
it against the parent's *capacity* only (:mod:`detente.simulate.steps.verify`), never its
intention or integrity: the act is attributed to the faction, not to the state.
"""

from __future__ import annotations

import numpy as np

from detente.simulate.events import flag
from detente.simulate.model import SimModel, utility
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step

__all__ = ["SPOIL", "talk_attack_probability"]


def talk_attack_probability(m: SimModel, s: RunState) -> np.ndarray:
    """(N, F) probability that each faction attacks the talks this period (module doc)."""
    n_f = m.faction_control.size
    on_table = np.where(s.standing[:, 0] >= 0, s.standing[:, 0], s.text[:, 0])  # settlement
    x = np.where((on_table >= 0)[:, None], m.candidates[np.maximum(on_table, 0)], s.line)  # (N, I)
    fu = utility(m.faction_ideal, m.faction_weights, np.ones(n_f), x)  # (N, F)
    dissat = np.clip(1.0 - fu, 0.0, 1.0)
    share = 2.0 * m.faction_strength * (1.0 - m.faction_control)  # (F,)
    out: np.ndarray = np.clip(m.settings.spoiler_rate * share[None, :] * dissat, 0.0, 1.0)
    return out


def _spoil(m: SimModel, s: RunState, d: Draws) -> RunState:
    n_f = m.faction_control.size
    if not n_f:
        return s
    scheduled = s.fighting & (s.period % m.settings.talks_every == 0)
    if not scheduled.any():
        return s
    q = talk_attack_probability(m, s)
    spoil = s.spoil.copy()
    derailed = s.derailed.copy()
    for f in range(n_f):
        attack = scheduled & (d.u[:, f] < q[:, f])
        spoil[:, m.faction_parent[f]] |= attack
        derailed |= attack & (d.u[:, n_f + f] < m.settings.spoiler_escalation)
    ev = s.events
    ev = ev | np.where(spoil.any(axis=1), flag("spoiler"), 0).astype(np.int32)
    ev = ev | np.where(derailed, flag("talks_derailed"), 0).astype(np.int32)
    return evolve(s, spoil=spoil, derailed=derailed, events=ev)


# without spoiler factions no one attacks the talks: the step never runs (it draws nothing)
SPOIL = Step(
    "spoil",
    _spoil,
    lambda m: (2 * m.faction_control.size, 0),
    inert=lambda m: m.faction_control.size == 0,
)
