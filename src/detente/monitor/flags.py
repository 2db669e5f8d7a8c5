"""Flags: peace offensive, genuine de-escalation, and claim outcomes.

*Peace offensive*: a verbal overture (a ledger claim/commitment to cease or decrease fighting,
or a burst of CAMEO verbal cooperation by the party) while material conflict in the claimed
area does not fall by at least ``min_fall`` (rate ratio above ``1 − min_fall``) and the party's
stated positions do not change. When positions cannot be assessed the flag is still raised and
its evidence says so.

Whether the party *gains ground* meanwhile is reported with the flag (evidence ``ground``:
``gained``, ``not gained`` or ``not assessed``; it does not change whether the flag is raised).
Two sources, in order (:func:`ground_assessment`):

1. **Territory counts.** Daily-count rows with indicator ``ground_indicator`` (default
   ``territory_gain``: area, e.g. km², an actor took that day in a region). If any such row lies
   in the judged window and region, the party gained ground when its total there exceeds the
   counterpart's (``net > 0``).
2. **Initiative share** (proxy, only for CAMEO-coded sources — GDELT, ICEWS — where actor 1 is
   the initiator; in UCDP and ACLED the actor order says nothing about who attacked). The
   party's share of the material-conflict events between it and the counterpart that it
   initiates, judged window vs baseline: gained ground if the share rose by at least
   ``initiative_rise`` with at least ``initiative_min_events`` events in each window.

Otherwise ``not assessed``.

*Genuine de-escalation* from date ``t``: over a window of ``window_days`` (at least
``sustain_days``) after ``t``, the rate ratio against the ``baseline_days`` before ``t`` is at
most ``1 − min_fall`` with its upper confidence bound below 1, and no ``sustain_days`` block of
the window returns to the baseline rate. Defaults (≥ 50% for ≥ 28 days, 90-day windows) were
fixed before looking at any test case.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from detente.monitor.claims import (
    Claim,
    ClaimParams,
    check_claim,
    choose_measure,
    compare_rates,
    no_data,
    reported_only,
)
from detente.monitor.store import region_condition

if TYPE_CHECKING:
    from detente.monitor.store import EventStore

__all__ = [
    "FLAG_KINDS",
    "DeescalationParams",
    "Flag",
    "deescalation_test",
    "flag_claim",
    "ground_assessment",
    "scan_overtures",
]

FlagKind = Literal[
    "peace_offensive", "genuine_deescalation", "claim_broken", "claim_kept", "inconclusive"
]
FLAG_KINDS: tuple[str, ...] = (
    "peace_offensive",
    "genuine_deescalation",
    "claim_broken",
    "claim_kept",
    "inconclusive",
)


@dataclass(frozen=True)
class DeescalationParams:
    """Thresholds for genuine de-escalation and peace offensives (fixed in advance)."""

    min_fall: float = 0.5
    """A fall of at least half counts as de-escalation; less is 'does not fall'."""
    sustain_days: int = 28
    """The fall must last at least four weeks."""
    baseline_days: int = 90
    """Baseline window before the date (as in :class:`ClaimParams`)."""
    window_days: int = 90
    """Window after the date over which a sustained fall is judged (≥ ``sustain_days``)."""
    confidence: float = 0.95
    """Confidence level of the rate-ratio interval."""
    overture_factor: float = 2.0
    """Scan: a week of verbal cooperation at least this multiple of its baseline mean..."""
    overture_min_events: int = 5
    """... and at least this many events is an overture."""
    ground_indicator: str = "territory_gain"
    """Daily-count indicator holding the area an actor took that day (any unit, e.g. km²)."""
    initiative_rise: float = 0.10
    """Initiative proxy: a rise of ten percentage points in the share of the dyad's material
    conflict the party initiates is a shift to the offensive, not noise of a few events..."""
    initiative_min_events: int = 20
    """... given at least this many dyad events in each window (a share of fewer is too noisy:
    its standard error would exceed 0.1)."""


@dataclass(frozen=True)
class Flag:
    """One flag: who, when, what kind, where, and the numbers behind it."""

    actor: str
    date: _dt.date
    kind: FlagKind
    region: str | None
    evidence: dict[str, Any]
    ref: str | None = None

    def record(self) -> dict[str, Any]:
        """JSON-able record (keys ``actor, date, kind, region, evidence, ref``)."""
        return {
            "actor": self.actor,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "region": self.region,
            "evidence": self.evidence,
            "ref": self.ref,
        }


def deescalation_test(
    store: EventStore,
    *,
    date: _dt.date,
    region: str | None,
    actors: tuple[str, ...] = (),
    window_days: int | None = None,
    params: DeescalationParams | None = None,
    measure: str | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Whether a genuine de-escalation starts at ``date``; returns (verdict, evidence)."""
    p = params or DeescalationParams()
    measure = measure or choose_measure(store, ClaimParams())
    n = window_days or p.window_days
    ev: dict[str, Any] = {"measure": measure, "window_days": n, "params": asdict(p)}
    if n < p.sustain_days:
        ev["reason"] = f"window of {n} days is shorter than sustain_days={p.sustain_days}"
        return False, ev
    day = _dt.timedelta(days=1)
    kw: dict[str, Any] = {"region": region, "actors": list(actors), "measure": measure}
    base_w = (date - p.baseline_days * day, date)
    post_w = (date, date + n * day)
    missing = no_data(store, actors[0] if actors else None, region, base_w, post_w)
    if isinstance(missing, str):
        ev["reason"] = f"no data: {missing}"
        return False, ev
    rep0, rep1 = missing
    base = reported_only(store.daily(start=base_w[0], end=base_w[1], **kw), rep0)
    post_all = store.daily(start=post_w[0], end=post_w[1], **kw)
    post = reported_only(post_all, rep1)
    cmp = compare_rates(base, post, p.confidence)
    r0 = cmp.baseline_rate
    blocks = []
    for i in range(0, n - p.sustain_days + 1, p.sustain_days):
        got = reported_only(post_all[i : i + p.sustain_days], rep1[i : i + p.sustain_days])
        if got:  # a block without a reported day says nothing
            blocks.append(sum(got) / len(got))
    relapse = any(b >= r0 for b in blocks) if r0 > 0 else True
    fall_ok = cmp.rate_ratio <= 1 - p.min_fall and cmp.ci_high < 1.0
    ev |= {
        "baseline_rate_per_day": round(r0, 4),
        "post_rate_per_day": round(cmp.post_rate, 4),
        "rate_ratio": round(cmp.rate_ratio, 4),
        "ci_low": round(cmp.ci_low, 4),
        "ci_high": round(cmp.ci_high, 4),
        "dispersion": round(cmp.dispersion, 3),
        "block_rates_per_day": [round(b, 4) for b in blocks],
        "relapse": relapse,
    }
    ok = fall_ok and not relapse
    ev["reason"] = (
        f"rate fell to {cmp.rate_ratio:.2f}× baseline (upper bound {cmp.ci_high:.2f}) with no "
        f"{p.sustain_days}-day block back at the baseline rate"
        if ok
        else "no significant fall of at least "
        f"{p.min_fall:.0%}" + (" sustained over every block" if fall_ok else "")
    )
    return ok, ev


def flag_claim(
    store: EventStore,
    claim: Claim,
    claim_params: ClaimParams | None = None,
    params: DeescalationParams | None = None,
    *,
    positions_changed: bool | None = None,
) -> list[Flag]:
    """Flags for one claim: its test outcome, a peace offensive, a genuine de-escalation."""
    p = params or DeescalationParams()
    res = check_claim(store, claim, claim_params)
    ev = res.evidence()
    kind: FlagKind = {"kept": "claim_kept", "broken": "claim_broken"}.get(  # type: ignore[assignment]
        res.outcome, "inconclusive"
    )
    flags = [Flag(claim.actor, claim.start, kind, claim.region, ev, claim.ref)]
    cmp = res.comparison
    if cmp is None:
        return flags
    if (
        claim.overture
        and claim.direction in ("cease", "decrease")
        and cmp.rate_ratio > 1 - p.min_fall
        and positions_changed is not True
    ):
        po_ev = dict(ev)
        po_ev["positions"] = "unchanged" if positions_changed is False else "not assessed"
        po_ev["reason"] = (
            f"overture while material conflict did not fall by {p.min_fall:.0%} "
            f"(rate ratio {cmp.rate_ratio:.2f})"
        )
        _add_ground(
            po_ev,
            ground_assessment(
                store,
                actor=claim.actor,
                counterpart=claim.counterpart,
                region=claim.region,
                baseline=res.baseline_window,
                post=res.post_window,
                params=p,
            ),
        )
        flags.append(
            Flag(claim.actor, claim.start, "peace_offensive", claim.region, po_ev, claim.ref)
        )
    window = (res.post_window[1] - res.post_window[0]).days if claim.deadline else None
    actors = tuple(a for a in (claim.actor, claim.counterpart) if a)
    ok, de_ev = deescalation_test(
        store,
        date=claim.start,
        region=claim.region,
        actors=actors,
        window_days=window,
        params=p,
        measure=res.measure,
    )
    if ok:
        flags.append(
            Flag(claim.actor, claim.start, "genuine_deescalation", claim.region, de_ev, claim.ref)
        )
    return flags


def scan_overtures(
    store: EventStore,
    *,
    actor: str,
    start: _dt.date,
    end: _dt.date,
    region: str | None = None,
    params: DeescalationParams | None = None,
) -> list[Flag]:
    """Peace offensives found in the event data itself: weeks of unusual verbal cooperation
    by ``actor`` (CAMEO QuadClass 1) followed by no fall in material conflict."""
    p = params or DeescalationParams()
    verbal = store.daily(
        start=start,
        end=end,
        actors=[actor],
        event_class="verbal_cooperation",
        measure="events",
        role="actor1",
    )
    weeks = [sum(verbal[i : i + 7]) for i in range(0, len(verbal) - 6, 7)]
    base_weeks = max(1, p.baseline_days // 7)
    flags: list[Flag] = []
    for w in range(base_weeks, len(weeks)):
        mean = sum(weeks[w - base_weeks : w]) / base_weeks
        if weeks[w] < p.overture_min_events or weeks[w] < p.overture_factor * max(mean, 1e-9):
            continue
        t = start + _dt.timedelta(days=7 * w)
        claim = Claim(
            actor=actor, start=t, direction="decrease", region=region, size=p.min_fall, ref=None
        )
        res = check_claim(store, claim)
        cmp = res.comparison
        if cmp is not None and cmp.rate_ratio > 1 - p.min_fall:
            ev = res.evidence() | {
                "overture_events_week": weeks[w],
                "overture_baseline_mean": round(mean, 3),
                "positions": "not assessed",
            }
            _add_ground(
                ev,
                ground_assessment(
                    store,
                    actor=actor,
                    counterpart=None,
                    region=region,
                    baseline=res.baseline_window,
                    post=res.post_window,
                    params=p,
                ),
            )
            flags.append(Flag(actor, t, "peace_offensive", region, ev))
    return flags


_INITIATOR_FORMATS = ("gdelt1", "gdelt2", "icews")
"""Formats whose actor 1 is the initiator of the event (CAMEO source actor)."""


def _add_ground(ev: dict[str, Any], ground: dict[str, Any]) -> None:
    ev["ground"] = ground["verdict"]
    ev["ground_evidence"] = ground
    if ground["verdict"] == "gained":
        ev["reason"] += f" while it gained ground ({ground['method']})"


def ground_assessment(
    store: EventStore,
    *,
    actor: str,
    counterpart: str | None,
    region: str | None,
    baseline: tuple[_dt.date, _dt.date],
    post: tuple[_dt.date, _dt.date],
    params: DeescalationParams | None = None,
) -> dict[str, Any]:
    """Did ``actor`` gain ground in ``region`` over ``post`` (``[start, end)``)?

    Returns ``verdict`` (``gained`` | ``not gained`` | ``not assessed``), ``method``
    (``territory_counts`` | ``initiative_share`` | None) and the numbers behind it; the rules
    are in the module docstring.
    """
    p = params or DeescalationParams()
    cond, rp = region_condition(region)
    con = store.con
    rows = con.execute(
        f"SELECT actor1, sum(count) FROM events WHERE indicator = ? AND date >= ? AND date < ? "
        f"AND {cond} GROUP BY 1",
        [p.ground_indicator, post[0], post[1], *rp],
    ).fetchall()
    if rows:
        totals = {r[0]: float(r[1] or 0.0) for r in rows}
        own = totals.get(actor, 0.0)
        other = (
            totals.get(counterpart, 0.0)
            if counterpart
            else sum(v for a, v in totals.items() if a != actor)
        )
        net = own - other
        return {
            "verdict": "gained" if net > 0 else "not gained",
            "method": "territory_counts",
            "indicator": p.ground_indicator,
            "own": round(own, 3),
            "counterpart": round(other, 3),
            "net": round(net, 3),
        }
    marks = ", ".join("?" for _ in _INITIATOR_FORMATS)
    if counterpart:
        dyad = "((actor1 = ? AND actor2 = ?) OR (actor1 = ? AND actor2 = ?))"
        dp: list[object] = [actor, counterpart, counterpart, actor]
    else:
        dyad = "(actor1 = ? OR actor2 = ?)"
        dp = [actor, actor]
    rows = con.execute(
        f"SELECT date >= ? AS judged, sum(CASE WHEN actor1 = ? THEN count ELSE 0 END), "
        f"sum(count) FROM events WHERE event_class = 'material_conflict' "
        f"AND source_format IN ({marks}) AND date >= ? AND date < ? AND {dyad} AND {cond} "
        "GROUP BY 1",
        [post[0], actor, *_INITIATOR_FORMATS, baseline[0], post[1], *dp, *rp],
    ).fetchall()
    got = {bool(r[0]): (float(r[1] or 0.0), float(r[2] or 0.0)) for r in rows}
    (own0, n0), (own1, n1) = got.get(False, (0.0, 0.0)), got.get(True, (0.0, 0.0))
    if min(n0, n1) >= p.initiative_min_events:
        s0, s1 = own0 / n0, own1 / n1
        return {
            "verdict": "gained" if s1 - s0 >= p.initiative_rise else "not gained",
            "method": "initiative_share",
            "baseline_share": round(s0, 4),
            "judged_share": round(s1, 4),
            "baseline_events": n0,
            "judged_events": n1,
            "min_rise": p.initiative_rise,
        }
    return {
        "verdict": "not assessed",
        "method": None,
        "reason": f"no '{p.ground_indicator}' counts in the judged window and fewer than "
        f"{p.initiative_min_events} CAMEO-coded dyad events in a window "
        f"(baseline {n0:g}, judged {n1:g})",
    }
