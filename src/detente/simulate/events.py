"""Event bits of a period of a run (the anatomy view and the Parquet paths decode them)."""

from __future__ import annotations

__all__ = ["EVENT_FLAGS", "flag"]

EVENT_FLAGS: dict[str, int] = {
    "battle_won_by_A": 1,
    "talks": 2,
    "overture_A": 4,
    "overture_B": 8,
    "gesture": 16,
    "agreement": 32,
    "violation": 64,
    "spoiler": 128,
    "breakdown": 256,
    "settlement": 512,
    "bad_faith_signature": 1024,
    "defection_detected": 2048,
    "shock": 4096,
    "leader_change": 8192,
    "stalling": 16384,
    "partial_agreement": 32768,
    "partial_breakdown": 65536,
    "red_line_moved": 131072,
    "talks_derailed": 262144,
    "bad_faith_detected": 524288,
    "refusal_lifted": 1048576,
    "lapse": 2097152,
    "signature_withheld": 4194304,
}
"""Bits of the per-period event code of a run. ``defection_detected``: a deliberate or chance
defection by a party that the other side observed (the evidence the trust step uses).
``agreement``, ``settlement`` and ``breakdown`` concern the full settlement;
``partial_agreement`` and ``partial_breakdown`` any other bundle; ``red_line_moved``: a veto
party crossed one of its stated red lines (:mod:`detente.simulate.agenda`);
``talks_derailed``: a spoiler faction's attack called off a round of talks;
``bad_faith_detected``: a side saw the other rearm under an agreement it signed in bad faith;
``refusal_lifted``: a refusal to meet holding at the start was lifted and a track it closed
holds its first round on a bundle only it could settle (:mod:`detente.simulate.steps.tracks`);
``lapse``: an agreement reached the end of its term and was not renewed (not a violation:
:mod:`detente.simulate.steps.expiry`); ``signature_withheld``: a text agreed on a track that
drafts for a summit a refusal to sign keeps closed was not signed, the refuser's gain from it
short of the signature's price (it lapses; the drafting goes on:
:mod:`detente.simulate.steps.tracks`), and ``refusal_lifted`` is then the period a refuser
signs."""


def flag(name: str) -> int:
    """The bit of event ``name``."""
    return EVENT_FLAGS[name]
