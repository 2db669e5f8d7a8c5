"""Flags: peace offensive, genuine de-escalation, and claim outcomes.

*Peace offensive*: a verbal overture (a ledger claim/commitment to cease or decrease fighting,
or a burst of CAMEO verbal cooperation by the party) while material conflict in the claimed
area does not fall by at least ``min_fall`` (rate ratio above ``1 − min_fall``) and the party's
stated positions do not change. When positions cannot be assessed the flag is still raised and
its evidence says so.

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

from detente.monitor.claims import Claim, ClaimParams, check_claim, choose_measure, compare_rates

if TYPE_CHECKING:
    from detente.monitor.store import EventStore

__all__ = [
    "FLAG_KINDS",
    "DeescalationParams",
    "Flag",
    "deescalation_test",
    "flag_claim",
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
    base = store.daily(start=date - p.baseline_days * day, end=date, **kw)
    post = store.daily(start=date, end=date + n * day, **kw)
    cmp = compare_rates(base, post, p.confidence)
    r0 = cmp.baseline_rate
    blocks = [
        sum(post[i : i + p.sustain_days]) / p.sustain_days
        for i in range(0, n - p.sustain_days + 1, p.sustain_days)
    ]
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
            flags.append(Flag(actor, t, "peace_offensive", region, ev))
    return flags
