"""Verify a scenario's ledger claims and commitments against the event store.

Each measurable term (direction ``cease``, ``decrease`` or ``maintain``) of a ledger ``claim``
or ``commitment`` becomes a :class:`~detente.monitor.claims.Claim` and is tested (judged window
end: a claim's ``deadline``, else its term's; a commitment term's ``deadline``, else the
commitment's; neither: ``ClaimParams.post_days``); the result is
written as a ledger ``observation`` entry the scenario format accepts (paste or include it), with
the post-window rate as ``value``, the baseline rate as ``baseline``, ``assessment`` kept /
broken / unverifiable (inconclusive) and a verification level from the sources behind it:

- ``monitor_verified``: daily counts from a monitoring mission (format ``counts``);
- ``independently_verified``: human-coded, multi-source datasets (UCDP GED, ACLED);
- ``single_source``: machine-coded news events (GDELT, ICEWS).

The highest level among the formats of the events in the tested windows is used.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.monitor.claims import Claim, ClaimParams, ClaimResult, check_claim
from detente.monitor.flags import DeescalationParams, Flag, flag_claim
from detente.monitor.store import region_condition

if TYPE_CHECKING:
    from detente.monitor.store import EventStore
    from detente.scenario.schema import ClaimEntry, Commitment, Scenario

__all__ = ["LEVELS", "Verified", "claims_from_scenario", "positions_changed", "verify_scenario"]

LEVELS: dict[str, str] = {
    "counts": "monitor_verified",
    "ucdp": "independently_verified",
    "acled": "independently_verified",
    "gdelt1": "single_source",
    "gdelt2": "single_source",
    "icews": "single_source",
}
_RANK = ["unverified", "single_source", "independently_verified", "monitor_verified"]
_ASSESS = {"kept": "kept", "broken": "broken", "inconclusive": "unverifiable"}
_SOURCE_NAMES = {
    "ucdp": "UCDP GED",
    "acled": "ACLED",
    "gdelt1": "GDELT 1.0",
    "gdelt2": "GDELT 2.0",
    "icews": "ICEWS",
    "counts": "monitoring counts",
}


@dataclass(frozen=True)
class Verified:
    """One tested term: the result, its flags and the observation entry written."""

    result: ClaimResult
    flags: tuple[Flag, ...]
    observation: dict[str, Any]


def claims_from_scenario(scenario: Scenario) -> list[tuple[ClaimEntry | Commitment, Claim]]:
    """(ledger entry, claim) for every term of every claim/commitment."""
    out: list[tuple[ClaimEntry | Commitment, Claim]] = []
    for entry in scenario.ledger:
        if entry.kind not in ("claim", "commitment"):
            continue
        overture = bool(getattr(entry, "overture", True))
        for term in entry.terms:
            # a claim's own deadline closes the judged window of all its terms (fallback: the
            # term's deadline); a commitment's term deadline comes first (fallback: the entry's)
            if entry.kind == "claim":
                deadline = entry.deadline or term.deadline
            else:
                deadline = term.deadline or entry.deadline
            out.append(
                (
                    entry,
                    Claim(
                        actor=entry.by,
                        start=term.start or entry.date,
                        direction=term.direction.value,
                        region=term.region,
                        size=term.size,
                        deadline=deadline,
                        counterpart=entry.to[0] if entry.to else None,
                        indicator=term.indicator,
                        ref=entry.id,
                        overture=overture,
                    ),
                )
            )
    return out


def positions_changed(
    scenario: Scenario, actor: str, start: _dt.date, end: _dt.date
) -> bool | None:
    """Did ``actor`` state a different ideal point on any issue in ``[start, end)``?

    ``None`` when no dated position of the actor falls in the window (cannot be assessed).
    """
    before = scenario.current_positions(start - _dt.timedelta(days=1))
    during = [
        p
        for p in scenario.positions
        if p.actor == actor and p.date is not None and start <= p.date < end
    ]
    if not during:
        return None
    return any(
        (actor, p.issue) not in before or before[(actor, p.issue)].ideal != p.ideal for p in during
    )


def _level(store: EventStore, res: ClaimResult) -> tuple[str, list[str]]:
    cond, params = region_condition(res.claim.region)
    rows = store.con.execute(
        f"SELECT DISTINCT source_format FROM events WHERE date < ? AND date_end >= ? AND {cond}",
        [res.post_window[1], res.baseline_window[0], *params],
    ).fetchall()
    fmts = sorted(str(r[0]) for r in rows)
    levels = [LEVELS.get(f, "unverified") for f in fmts] or ["unverified"]
    return max(levels, key=_RANK.index), fmts


def observation(store: EventStore, res: ClaimResult, index: int = 1) -> dict[str, Any]:
    """A ledger ``observation`` entry (plain dict) for one claim result."""
    level, fmts = _level(store, res)
    c, cmp = res.claim, res.comparison
    unit = "deaths/day (best)" if res.measure == "fatalities" else "events/day"
    end = res.post_window[1] - _dt.timedelta(days=1)
    text = (
        f"Event data ({', '.join(_SOURCE_NAMES.get(f, f) for f in fmts) or 'none'}): "
        f"{res.outcome} — {res.reason}. Material conflict in {c.region or 'all regions'} "
    )
    if cmp is not None:
        text += (
            f"{cmp.post_rate:.3g} {unit} over {res.post_window[0]}–{end} vs "
            f"{cmp.baseline_rate:.3g} over the {cmp.baseline_days} days before "
            f"(rate ratio {cmp.rate_ratio:.3g}, {res.params.confidence:.0%} CI "
            f"{cmp.ci_low:.3g}–{cmp.ci_high:.3g}, dispersion {cmp.dispersion:.3g})."
        )
    return {
        "kind": "observation",
        "id": f"{c.ref or 'claim'}-monitor-{index}",
        "date": end.isoformat(),
        "text": text,
        "observer": "detente monitor",
        "about": c.actor,
        "verification": level,
        "region": c.region,
        "indicator": f"material_conflict_{res.measure}_per_day",
        "value": None if cmp is None else round(cmp.post_rate, 4),
        "baseline": None if cmp is None else round(cmp.baseline_rate, 4),
        "refers_to": [c.ref] if c.ref else [],
        "assessment": _ASSESS[res.outcome],
    }


def verify_scenario(
    scenario: Scenario,
    store: EventStore,
    claim_params: ClaimParams | None = None,
    params: DeescalationParams | None = None,
) -> list[Verified]:
    """Test every measurable ledger term; return results, flags and observation entries."""
    out: list[Verified] = []
    counter: dict[str, int] = {}
    for _entry, claim in claims_from_scenario(scenario):
        res = check_claim(store, claim, claim_params)
        changed = positions_changed(
            scenario,
            claim.actor,
            res.post_window[0] - _dt.timedelta(days=res.params.baseline_days),
            res.post_window[1],
        )
        flags = tuple(flag_claim(store, claim, claim_params, params, positions_changed=changed))
        key = claim.ref or "claim"
        counter[key] = counter.get(key, 0) + 1
        out.append(Verified(res, flags, observation(store, res, counter[key])))
    return out


def observation_records(verified: Sequence[Verified]) -> list[dict[str, Any]]:
    """The observation entries alone (what ``verify --out`` writes)."""
    return [v.observation for v in verified]
