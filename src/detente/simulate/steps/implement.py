"""``implement``: agreements signed, staged, kept, rearmed under, stalled or broken.

An agreement signed this period starts as a cease-fire (the front freezes); after
``settlement_after`` periods its terms take effect on every issue (unless a party stalls
implementation). Each period of an agreement in force:

- each party's strategy sets its **conduct** (:class:`~detente.simulate.strategies.Conduct`):
  a party that signed in bad faith rearms during the pause (its power grows by the larger of
  ``rearm_shift`` and ``war.truce_power_shift`` over ``war.implementation_periods``) and defects
  on purpose once the pause has served it (after ``regroup_periods``, when it is no longer under
  pressure or has finished rearming); a staller blocks the settlement stage;
- each party also defects **by chance** with the calibrated Weibull hazard
  (:mod:`detente.simulate.durability`) split between the two, times the deal's covariate
  hazard ratio set at signature (:mod:`detente.simulate.steps.breakdown`: verification,
  peacekeepers, specificity, permitted power shift, trust at signature, guarantor, earlier
  failures, decisiveness, other mechanisms), times ``rearm_hazard^(excess / 0.1)`` for a party
  that rearmed beyond the permitted shift, times ``1 − DETERRENCE·(R_total − R(n))`` for a
  party under staged sanctions (``R(n)`` the relief released after ``n`` periods of verified
  compliance: pending relief is forfeited by reneging);
- each faction of a belligerent violates it with probability
  ``spoiler_rate · (1 − control) · (1 − U_f(terms))`` (a violation: evidence on its parent's
  capacity) and brings it down with the spoilers' share of the covariate hazard.

A defection (deliberate or by chance) or an escalating spoiler ends the agreement: fighting
resumes and talks may start again.

Every bundle's agreement (:mod:`detente.simulate.agenda`) runs through this machinery on its
own: its own signature, stage, conduct, hazard and spoilers (its own random numbers: columns
``b·(2 + 2F)`` on of the step's draws), and its terms take effect on its settled issues only
(the others stay at the line). Only an agreement that stops the fighting (a cease-fire,
framework or settlement) freezes the front. A settlement signed supersedes the partial
agreements in force (they end without breaking down); staged sanctions relief follows the
settlement. The per-period ``defect``, ``spoil``, ``stalled`` and ``implementing`` fields are
over all agreements in force.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.distrust import DETERRENCE
from detente.simulate.durability import period_hazard
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.breakdown import faction_hazards, signature_hazard_ratio
from detente.simulate.steps.talk import pressure
from detente.simulate.strategies import Conduct, DealState, get_strategy

__all__ = ["IMPLEMENT", "select_conduct"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def select_conduct(m: SimModel, s: RunState, side: int, d: DealState) -> Conduct:
    """The conduct of ``side`` in every run, each run following its current strategy."""
    idx = s.strategy[:, side]
    first = int(idx[0]) if idx.size else 0
    if idx.size == 0 or (idx == first).all():
        return get_strategy(m.strategy_pool[first]).conduct(d)
    out: Conduct | None = None
    for j in np.unique(idx):
        c = get_strategy(m.strategy_pool[int(j)]).conduct(d)
        if out is None:
            out = c
            continue
        pick = idx == j
        out = Conduct(
            *(np.where(pick, getattr(c, f), getattr(out, f)) for f in Conduct.__dataclass_fields__)
        )
    assert out is not None
    return out


def _implement(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    n_b = s.phase.shape[1]
    phase, age = s.phase.copy(), s.age.copy()
    terms, verified = s.terms.copy(), s.verified.copy()
    bad_faith, agreements = s.bad_faith.copy(), s.agreements.copy()
    first, first_terms = s.first.copy(), s.first_terms.copy()
    duration, broke, in_first = s.duration.copy(), s.broke.copy(), s.in_first.copy()
    superseded = s.superseded.copy()
    new_all = s.signed.copy()
    new_all[:, 1:] &= ~new_all[:, :1]  # a settlement signed in the same period contains them
    phase[new_all] = 1
    age[new_all] = 0
    terms[new_all] = s.signed_terms[new_all]
    verified[new_all] = 0
    bad_faith[new_all] = s.signed_bad_faith[new_all]
    deal_hr = s.deal_hr.copy()
    for j in np.flatnonzero(new_all.any(axis=0)).tolist():
        signers = np.flatnonzero(new_all[:, j])  # the ratio of the runs signing only
        deal_hr[signers, j] = signature_hazard_ratio(m, s, j, agreements[signers, j], signers)
    agreements += new_all
    is_first = new_all & (first < 0)
    first[is_first] = s.period
    first_terms[is_first] = s.signed_terms[is_first]
    first_track = np.where(is_first, s.talk_track, s.first_track)
    in_first |= is_first
    # a settlement signed supersedes the partial agreements in force (it contains them)
    ends = new_all[:, :1] & (phase[:, 1:] > 0)
    if ends.any():
        sub = in_first[:, 1:] & ends
        duration[:, 1:] = np.where(sub, age[:, 1:], duration[:, 1:])
        superseded[:, 1:] |= sub
        in_first[:, 1:] &= ~ends
        phase[:, 1:] = np.where(ends, 0, phase[:, 1:])

    cap = max(abs(m.truce_shift), st.rearm_shift)
    rate = cap / max(m.implementation, 1)
    press = pressure(m, s)
    shift = s.shift  # copied on the first rearmament (kept as it is, the fight step reuses β)
    line = s.line
    n_f = m.faction_control.size
    width = 2 + 2 * n_f
    stall_any = np.zeros((s.n, 2), dtype=bool)
    deliberate_any = np.zeros((s.n, 2), dtype=bool)
    defect_any = np.zeros((s.n, 2), dtype=bool)
    spoil_any = s.spoil.copy()  # acts against the talks this period (steps/spoilers.py) kept
    in_any = np.zeros(s.n, dtype=bool)
    settle0 = np.zeros(s.n, dtype=bool)
    down_by = np.zeros((s.n, n_b), dtype=bool)
    for b in range(n_b):
        new = new_all[:, b]
        in_deal = (phase[:, b] > 0) & ~new
        if not in_deal.any():
            continue
        spec = m.agenda.bundles[b]
        cand = m.candidates if b == 0 else spec.candidates
        u = d.u[:, b * width : (b + 1) * width]
        conducts = []
        for side in (0, 1):
            ds = DealState(
                age=age[:, b],
                bad_faith=bad_faith[:, b, side],
                pressure=press[:, side],
                shift=shift[:, side],
                shift_cap=cap,
                regroup=st.regroup_periods,
            )
            c = select_conduct(m, s, side, ds)
            conducts.append(c)
            rearm = in_deal & c.rearm
            if rearm.any():
                shift = shift.copy() if shift is s.shift else shift
                shift[:, side] = np.where(
                    rearm, np.minimum(shift[:, side] + rate, cap), shift[:, side]
                )
        stall = np.stack([in_deal & c.stall for c in conducts], axis=1)
        deliberate = np.stack([in_deal & c.defect for c in conducts], axis=1)

        settle = (
            in_deal & (phase[:, b] == 1) & (age[:, b] >= m.settlement_after) & ~stall.any(axis=1)
        )
        phase[settle, b] = 2
        if settle.any():
            x = cand[np.maximum(terms[:, b], 0)]
            put = settle[:, None] & spec.settled  # issues outside the bundle stay at the line
            line = np.where(put, x, line)
        if b == 0:
            settle0 = settle

        excess = np.maximum(shift - abs(m.truce_shift), 0.0)  # the permitted shift is a covariate
        # no excess anywhere: the factor is h ** 0 = 1 for both sides (no power pass), and
        # the ratios broadcast over the sides, as the (N, 2) age and draws below
        rearmed = st.rearm_hazard ** (excess / 0.1) if excess.any() else 1.0
        hr_side = 0.5 * deal_hr[:, b, None] * rearmed
        if b == 0 and m.relief_step.size and m.relief_step[-1] > 0.0:
            # withheld relief is forfeited by reneging
            total = float(m.relief_step[-1])
            done = m.relief_step[np.minimum(verified[:, b], m.relief_step.size - 1)]
            hr_side = hr_side * np.where(m.sanctioned, 1.0 - DETERRENCE * (total - done), 1.0)
        h = period_hazard(age[:, b, None], m.period_years, hr_side)  # (N, 2) or (N, 1)
        chance = in_deal[:, None] & (h > u[:, 0:2])
        defect = chance | deliberate

        spoil = np.zeros((s.n, 2), dtype=bool)
        escalate = np.zeros(s.n, dtype=bool)
        if n_f:
            fu = m.faction_utility[b][np.maximum(terms[:, b], 0)]  # (N, F)
            brings_down = faction_hazards(m, b, age[:, b], deal_hr[:, b])  # (N, F)
            for f in range(n_f):
                dissat = np.clip(1.0 - fu[:, f], 0.0, 1.0)
                q = st.spoiler_rate * (1.0 - m.faction_control[f]) * dissat
                act = in_deal & (u[:, 2 + f] < q)
                down_f = in_deal & (u[:, 2 + n_f + f] < brings_down[:, f])
                spoil[:, m.faction_parent[f]] |= act | down_f
                escalate |= down_f
        down = in_deal & (defect.any(axis=1) | escalate)
        ends_first = down & in_first[:, b]
        duration[ends_first, b] = age[ends_first, b] + 1
        broke[ends_first, b] = True
        in_first[:, b] &= ~down
        phase[down, b] = 0
        age[:, b] = np.where(in_deal & ~down, age[:, b] + 1, age[:, b])
        duration[:, b] = np.where(in_first[:, b], age[:, b], duration[:, b])
        stall_any |= stall
        deliberate_any |= deliberate
        defect_any |= defect
        spoil_any |= spoil
        in_any |= in_deal
        down_by[:, b] = down

    violation = defect_any | spoil_any
    ev = s.events
    for name, mask in (
        ("settlement", settle0),
        ("spoiler", spoil_any.any(axis=1)),
        ("violation", violation.any(axis=1)),
        ("breakdown", down_by[:, 0]),
        ("partial_breakdown", down_by[:, 1:].any(axis=1)),
        ("stalling", stall_any.any(axis=1)),
    ):
        ev = ev | np.where(mask, flag(name), 0).astype(np.int32)
    return evolve(
        s,
        phase=phase,
        age=age,
        terms=terms,
        verified=verified,
        bad_faith=bad_faith,
        deal_hr=deal_hr,
        agreements=agreements,
        first=first,
        first_terms=first_terms,
        first_track=first_track,
        duration=duration,
        broke=broke,
        in_first=in_first,
        superseded=superseded,
        shift=shift,
        line=line,
        defect=defect_any,
        deliberate=deliberate_any,
        spoil=spoil_any,
        stalled=stall_any,
        implementing=in_any,
        events=ev,
    )


def _idle(m: SimModel, s: RunState) -> bool:
    """No agreement signed this period nor in force, and no spoiler act against the talks (it
    is recorded as a violation here), in any run: nothing to implement or record."""
    return not (s.signed.any() or s.phase.any() or s.spoil.any())


IMPLEMENT = Step(
    "implement",
    _implement,
    lambda m: (len(m.bundle_ids) * (2 + 2 * m.faction_control.size), 0),
    idle=_idle,
)
