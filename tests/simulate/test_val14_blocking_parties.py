"""Who closes the zone (branch fix14v, after val14; docs/explanation/simulation-model.md, "Why
the settlement was or was not reached"): in a ``no_zone`` run a party, belligerent or asked
third veto party, is named when no package inside the red lines that every other party
accepts reaches its need, or, where the others accept no package in common, when no package
inside the red lines reaches it at all (``reasons.blocking_parties``). teaching.yaml with
Lakeland (the mediator, ideal valley 40) a veto party of every issue with a stated
reservation, its floor; the runs' values of fighting are set (0: every package beats
fighting; 2: none does, utilities are at most 1)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tests.simulate.helpers import under_protocol
from tests.simulate.test_val13_veto_acceptance import TEACHING

from detente.core import TOL_UTILITY
from detente.scenario import Scenario, parse_scenario
from detente.simulate.model import SimModel, build_model
from detente.simulate.reasons import REASONS, _inside, settlement_reasons
from detente.simulate.state import Draws, RunState, initial_state
from detente.simulate.steps.talk import bundle_table

PROTOCOLS = ("alternating", "single_text", "multilateral")
NO_ZONE = REASONS.index("no_zone")
N = 8


def _scenario(floor: float, protocol: str) -> Scenario:
    """teaching.yaml, Lakeland a veto party of every issue with reservation ``floor`` and
    ideal valley 40, under ``protocol`` (``single_text``: Lakeland mediates)."""
    text = TEACHING.read_text(encoding="utf-8")
    lak = "  - id: LAK\n    name: Lakeland\n    kind: mediator\n"
    old = "{actor: LAK, issue: valley, ideal: 50,"
    assert lak in text and old in text
    text = text.replace(lak, lak + f"    veto: true\n    reservation: {floor!r}\n")
    text = text.replace(old, "{actor: LAK, issue: valley, ideal: 40,")
    return under_protocol(parse_scenario(text, name="teaching.yaml"), protocol)


def _state(m: SimModel, value: float) -> RunState:
    rng = np.random.default_rng(1)
    setup = Draws(rng.random((N, 2)), rng.standard_normal((N, m.status_quo.size)))
    s = initial_state(m, np.arange(N, dtype=np.int64), setup)
    return dataclasses.replace(s, value=np.full((N, 2), value))


def _named(floor: float, protocol: str, value: float) -> tuple[np.ndarray, np.ndarray]:
    """The runs' reasons, and (N, 3) whether NOR, SUD, LAK are named."""
    m = build_model(_scenario(floor, protocol))
    cols = [m.actor_ids.index(a) for a in ("NOR", "SUD", "LAK")]
    assert cols[:2] == [0, 1]
    why = settlement_reasons(m, _state(m, value))
    return why.reason, why.blocking_actor[:, cols]


def _top() -> float:
    """Lakeland's highest utility among the packages inside the red lines as stated (as the
    talks read it; the same under every protocol: the regime's red lines)."""
    m = build_model(_scenario(0.5, "alternating"))
    s = _state(m, 0.0)
    u = bundle_table(m, s, 0).utility[0][:, m.actor_ids.index("LAK")]
    return float(u[_inside(m, s, np.arange(N))[0]].max())


def test_lakeland_s_best_package_is_below_its_ideal() -> None:
    """The tests below read a top strictly inside (0, 1): a floor above it is reachable."""
    top = _top()
    assert 0.5 < top < 1.0 - 1e-3


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_low_floor_is_not_named_when_the_belligerents_close_the_zone(protocol: str) -> None:
    """Floor 0 (Lakeland accepts every package), no package beats fighting for either side:
    every run ``no_zone``, both belligerents named, Lakeland not (before fix14v it was named
    in every run: the packages the belligerents both accept are none, and none of none
    reached its floor)."""
    reason, named = _named(0.0, protocol, 2.0)
    assert (reason == NO_ZONE).all(), np.bincount(reason)
    assert named[:, :2].all()
    assert not named[:, 2].any()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_party_accepting_nothing_is_named(protocol: str) -> None:
    """Lakeland's floor 10⁻³ above its best package and no package beats fighting: all three
    refuse everything, all three named (before fix14v a run closed by a third party skipped
    the belligerents' check: Lakeland alone was named)."""
    reason, named = _named(_top() + 1e-3, protocol, 2.0)
    assert (reason == NO_ZONE).all(), np.bincount(reason)
    assert named.all()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_floor_above_every_package_is_named_alone(protocol: str) -> None:
    """Every package beats fighting for both sides, Lakeland's floor is above them all: it
    alone closes the zone."""
    reason, named = _named(_top() + 1e-3, protocol, 0.0)
    assert (reason == NO_ZONE).all(), np.bincount(reason)
    assert named[:, 2].all()
    assert not named[:, :2].any()


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("above", [0.0, 0.5])
def test_a_floor_at_a_package_s_utility_does_not_block(protocol: str, above: float) -> None:
    """Lakeland's floor at its best package's utility, or above it by half the tolerance
    (``TOL_UTILITY``, the talks' rule, ``protocols._others1``): the package is accepted,
    the runs are not ``no_zone`` when every package beats fighting, and with no package
    beating fighting Lakeland is not named. Twice the tolerance above, it blocks."""
    floor = _top() + above * TOL_UTILITY
    reason, named = _named(floor, protocol, 0.0)
    assert not (reason == NO_ZONE).any(), np.bincount(reason)
    reason, named = _named(floor, protocol, 2.0)
    assert (reason == NO_ZONE).all() and not named[:, 2].any()
    reason, named = _named(_top() + 2.0 * TOL_UTILITY, protocol, 0.0)
    assert (reason == NO_ZONE).all() and named[:, 2].all()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_only_the_side_accepting_nothing_is_named(protocol: str) -> None:
    """Lakeland accepts every package (floor 0), Norland's value of fighting is above every
    package and Sudmark's below all: Norland alone closes the zone, Sudmark is not named
    (before fix14v the belligerents' rule named a side whenever the packages the other
    accepts were none: the three development cases whose output documents changed, Aceh,
    Georgia and Rambouillet, are of this kind)."""
    m = build_model(_scenario(0.0, protocol))
    s = dataclasses.replace(_state(m, 0.0), value=np.tile([2.0, 0.0], (N, 1)))
    why = settlement_reasons(m, s)
    assert (why.reason == NO_ZONE).all(), np.bincount(why.reason)
    assert why.blocking_actor[:, 0].all()
    assert not why.blocking_actor[:, 1:].any()
