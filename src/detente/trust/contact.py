"""Summits: face-to-face contact between leaders as trust evidence (issue 18).

A summit that happens (a ledger ``event`` of type ``summit`` with two or more participants)
is, besides a public act and a contact that reduces uncertainty
(:data:`detente.trust.events.CONTACT_WEIGHT`), *interpersonal* evidence: each participant
learns, face to face, how the others reason and what they intend. The rule:

    every participant i, about every other participant j of the summit, gains positive
    evidence  w = magnitude × verification confidence × (SUMMIT_INTENTION on peaceful
    intention, SUMMIT_PREDICTABILITY on predictability);  non-participants gain none.

The evidence accumulates over repeated summits (and is forgotten at the replay's half-life
of good evidence, two years), so a series of summits moves expected trust step by step, each
step smaller in expectation as evidence accumulates (Beta arithmetic), while a single summit
moves it little. Sources: Holmes 2013 ("The force of face-to-face diplomacy", International
Organization 67(4)): face-to-face meetings let leaders read the other's intentions
(sincerity) in a way remote signals do not; Wheeler 2018 (*Trusting Enemies*, Oxford UP):
trust between adversaries' leaders grows from repeated face-to-face interaction (the
Reagan–Gorbachev summits, four in three years); Allport 1954 (*The Nature of Prejudice*):
contact reduces hostility between groups. The weights are assumptions: a summit is worth
half a verified material act (1) on predictability and a quarter on intention — more than
cheap talk (0.1), because what is learnt is first-hand, less than a costly act, because a
meeting binds no one (docs/explanation/tracks.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from detente.scenario.schema import EventEntry, EventType

__all__ = ["SUMMIT_INTENTION", "SUMMIT_PREDICTABILITY", "summit_evidence", "summit_impulses"]

SUMMIT_PREDICTABILITY = 0.5
"""Evidence weight per summit on the other participants' predictability (× magnitude)."""
SUMMIT_INTENTION = 0.25
"""Evidence weight per summit on the other participants' peaceful intention (× magnitude)."""


def summit_evidence(e: EventEntry, confidence: float) -> tuple[float, float, float, float]:
    """Signed evidence per dimension (capacity, peaceful intention, integrity,
    predictability) one participant of summit ``e`` gains about each other participant;
    ``confidence`` is the weight its verification level keeps
    (:data:`detente.trust.events.VERIFICATION_CONFIDENCE`)."""
    w = e.magnitude * confidence
    return (0.0, SUMMIT_INTENTION * w, 0.0, SUMMIT_PREDICTABILITY * w)


def summit_impulses(
    e: EventEntry, index: dict[str, int], confidence: float
) -> Iterator[tuple[str, tuple[int, ...], tuple[float, float, float, float]]]:
    """``(trustee, trusters, evidence)`` of a summit: every known participant as trustee,
    seen by the other participants only. Nothing for other events or a lone participant."""
    if e.type is not EventType.summit:
        return
    party = list(dict.fromkeys([*e.actors, *(x for x in (e.by, e.against) if x)]))
    known = [p for p in party if p in index]
    if len(known) < 2:
        return
    signed = summit_evidence(e, confidence)
    for who in known:
        yield who, tuple(index[p] for p in known if p != who), signed
