"""Conflict event data in, say/do gaps and peace-offensive flags out, verified evidence to trust.

Readers for GDELT 1.0/2.0 events and 2.0 mentions, ICEWS, ACLED, UCDP GED and a generic
daily-count CSV stream into one normalised, file-backed DuckDB store
(:mod:`detente.monitor.store`). On top of it: say-vs-do measures per dyad, region and window
(:mod:`~detente.monitor.measures`), a quasi-Poisson claim test (:mod:`~detente.monitor.claims`),
peace-offensive and de-escalation flags (:mod:`~detente.monitor.flags`) and ledger verification
(:mod:`~detente.monitor.verify`). See ``docs/reference/event-formats.md``.
"""

from __future__ import annotations

from detente.monitor.claims import Claim, ClaimParams, ClaimResult, check_claim
from detente.monitor.flags import DeescalationParams, Flag, deescalation_test, flag_claim
from detente.monitor.formats import FORMATS, detect_format
from detente.monitor.mapping import ActorMapping, default_mapping, load_mapping
from detente.monitor.measures import dyad_measures
from detente.monitor.store import EventStore, IngestReport

__all__ = [
    "FORMATS",
    "ActorMapping",
    "Claim",
    "ClaimParams",
    "ClaimResult",
    "DeescalationParams",
    "EventStore",
    "Flag",
    "IngestReport",
    "check_claim",
    "deescalation_test",
    "default_mapping",
    "detect_format",
    "dyad_measures",
    "flag_claim",
    "load_mapping",
]
