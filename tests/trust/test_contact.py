"""Summits as interpersonal contact (trust/contact.py): a replayed series of summits moves
the participants' trust in each other's predictability and intention by the documented rule
(Holmes 2013; Wheeler 2018), and nobody else's."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from detente.scenario.schema import EventType, Verification
from detente.trust import contact
from detente.trust.events import CONTACT_WEIGHT, VERIFICATION_CONFIDENCE
from detente.trust.replay import ReplaySettings, replay

from .conftest import make_scenario

DATES = ("2023-01-10", "2023-04-10", "2023-07-10", "2023-10-10")
NO_FORGETTING = ReplaySettings(half_life_good=1e12, half_life_bad=1e12)


def _summits(n: int, magnitude: float = 1.0) -> list[dict[str, Any]]:
    return [
        {"kind": "event", "id": f"s{k}", "date": DATES[k], "type": "summit",
         "actors": ["A", "B"], "magnitude": magnitude, "verification": "independently_verified"}
        for k in range(n)
    ]  # fmt: skip


def _op(n: int, truster: str, trustee: str, dim: str) -> Any:
    s = make_scenario(_summits(n))
    return replay(s, settings=NO_FORGETTING).opinions()[(truster, trustee, dim)]


def test_each_summit_adds_the_rules_evidence() -> None:
    conf = VERIFICATION_CONFIDENCE[Verification.independently_verified]
    per_summit_contact = CONTACT_WEIGHT[EventType.summit]
    for n in range(1, 5):
        op = _op(n, "A", "B", "predictability")
        # contact adds its weight to the total evidence; the rule adds w to positive evidence
        expected_total = n * (per_summit_contact + contact.SUMMIT_PREDICTABILITY * conf)
        assert op.r + op.s == pytest.approx(expected_total, rel=1e-9)


def test_repeated_summits_raise_predictability_and_intention_step_by_step() -> None:
    for dim in ("predictability", "peaceful_intention"):
        series = [_op(n, "A", "B", dim).expected for n in range(5)]
        assert series[0] == pytest.approx(0.5)
        steps = [b - a for a, b in itertools.pairwise(series)]
        assert all(d > 0 for d in steps), (dim, series)
        # each step smaller than the last: evidence accumulates (Beta arithmetic)
        assert all(b < a for a, b in itertools.pairwise(steps)), (dim, steps)
        # both ways: B's trust in A moves the same (the rule is symmetric)
        assert _op(4, "B", "A", dim).expected == pytest.approx(series[-1])
    # predictability moves more than intention (weights 0.5 vs 0.25)
    assert (
        _op(4, "A", "B", "predictability").expected
        > _op(4, "A", "B", "peaceful_intention").expected
    )
    # a participant's view of intention moves more than an outsider's (who sees only the
    # public act of meeting)
    outsider = _op(4, "C", "B", "peaceful_intention").expected
    assert _op(4, "A", "B", "peaceful_intention").expected - 0.5 > 2 * (outsider - 0.5)


def test_without_the_rule_contact_alone_does_not_raise_predictability(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(contact, "SUMMIT_PREDICTABILITY", 0.0)
    monkeypatch.setattr(contact, "SUMMIT_INTENTION", 0.0)
    assert _op(4, "A", "B", "predictability").expected == pytest.approx(0.5)


def test_non_participants_learn_nothing_interpersonal() -> None:
    # C was not there: its view of B's predictability does not move
    assert _op(4, "C", "B", "predictability").expected == pytest.approx(0.5)
    assert _op(4, "C", "B", "predictability").u == pytest.approx(1.0)
    # and a summit with one known participant is no contact at all
    lone = {"kind": "event", "id": "x", "date": "2023-01-10", "type": "summit",
            "actors": ["A"], "magnitude": 1.0}  # fmt: skip
    ops = replay(make_scenario([lone]), settings=NO_FORGETTING).opinions()
    assert ops[("B", "A", "predictability")].u == pytest.approx(1.0)
