"""The implement step's single pass (issue 13, branch impl): breakdowns decided without
``expm1`` only where its rounding cannot matter, every bundle at once when no strategy has a
conduct to evaluate, new agreements' hazard ratios for all signers at once; the same numbers
as the formulas, bit for bit."""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.scenario.schema import Bundle
from detente.simulate.durability import COVARIATE_EFFECTS, Covariates, covariate_hazard_ratio
from detente.simulate.engine import PERIOD_STEPS, iter_periods, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState
from detente.simulate.steps import Step
from detente.simulate.steps import implement as impl
from detente.simulate.steps.breakdown import breakdown_hazards, exceeds
from detente.simulate.strategies import STRATEGIES, keeps_agreements
from detente.trust.behaviour import compliance_array

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [{"after_periods": 3, "fraction": 0.5}, {"after_periods": 9, "fraction": 0.5}]


def test_a_breakdown_is_decided_as_numpys_expm1_decides_it() -> None:
    rng = np.random.default_rng(11)
    e = -rng.exponential(0.05, 20_000)
    e[:200] = -rng.uniform(0.0, 40.0, 200)  # large hazards
    e[200:210] = [0.0, -0.0, -1e-300, -5e-324, -np.inf, np.nan, 1e-3, -1.0, -1.0 - 1e-16, -2.0]
    e[220:240] = -np.logspace(-320, 1, 20)
    h = -np.expm1(e)
    u = rng.uniform(size=e.size)
    # and uniforms at the boundary: h itself and its neighbours
    k = np.arange(240, 240 + 6_000)
    u[k] = np.nextafter(h[k], np.where(k % 3 == 0, -np.inf, np.inf))
    u[k[::3] + 1] = h[k[::3] + 1]
    u = np.clip(np.nan_to_num(u, nan=0.5), 0.0, np.nextafter(1.0, 0.0))
    want = h > u
    got = np.array([exceeds(float(a), float(b)) for a, b in zip(e, u, strict=True)])
    decided = got >= 0
    assert (got[decided] == want[decided]).all()
    assert decided.mean() > 0.6  # most comparisons need no expm1
    with np.errstate(invalid="ignore", over="ignore"):
        surely_not = u > -e * (1.0 + 1e-6)
        lb = -e - 0.5 * e * e
        surely = (e >= -1.0) & (e <= 0.0) & (lb > 1e-270) & (u < lb * (1.0 - 1e-6))
    assert decided[surely_not | surely].all()


def _reference_log_hr(x: dict[str, Any]) -> Any:
    """The covariate model's log hazard ratio as the NumPy sum it replaced."""
    return sum(
        (e.beta * (x[k] - e.reference) for k, e in COVARIATE_EFFECTS.items()),
        start=np.zeros(()),
    )


def test_the_covariate_hazard_ratio_is_the_sum_in_covariate_order_bit_for_bit() -> None:
    rng = np.random.default_rng(2)
    n = 500
    cov = Covariates(
        peacekeepers=rng.uniform(size=n),
        verification=rng.uniform(size=n),
        specificity=0.3,
        power_shift=rng.uniform(size=n),
        trust=rng.uniform(size=n),
        spoiler_strength=rng.uniform(size=n),
        spoiler_control=0.25,
        guarantor_capability=rng.uniform(size=n),
        guarantor_trust=0.6,
        guarantor_constraint=rng.uniform(size=n),
        prior_failures=rng.integers(0, 9, n).astype(np.float64),
        decisiveness=rng.uniform(size=n),
        mechanism_hr=rng.uniform(0.5, 2.0, n),
    )
    want = np.asarray(cov.mechanism_hr) * np.exp(_reference_log_hr(cov.values()))
    assert covariate_hazard_ratio(cov).tobytes() == want.tobytes()
    scalar = Covariates(peacekeepers=1.0, trust=0.2, prior_failures=7.0)
    got = covariate_hazard_ratio(scalar)
    assert float(got) == float(np.exp(_reference_log_hr(scalar.values())))
    assert math.isclose(float(covariate_hazard_ratio(Covariates())), 1.0, abs_tol=1e-12)


def _capture(m: SimModel, n: int, periods: int, seed: int) -> list[tuple[RunState, RunState]]:
    """(state before, state after) of every implement step that ran."""
    pairs: list[tuple[RunState, RunState]] = []

    def wrap(step: Step) -> Step:
        if step.name != "implement":
            return step

        def apply(model: SimModel, s: RunState, d: Any) -> RunState:
            out = step.apply(model, s, d)
            pairs.append((s, out))
            return out

        return Step(step.name, apply, step.widths, step.inert, step.idle)

    steps = tuple(wrap(s) for s in PERIOD_STEPS)
    for _ in iter_periods(m, n, np.random.SeedSequence(seed), periods, steps=steps):
        pass
    return pairs


def _with_bundles() -> Scenario:
    sc = load_scenario(ROOT / "tests" / "simulate" / "fixtures" / "two_sides.yaml")
    bundles = [
        Bundle(id="sanctions_deal", name="Sanctions deal", issues=("sanctions",)),
        Bundle(id="truce", name="Truce on the line", issues=("land",), ceasefire=True),
    ]
    return sc.model_copy(update={"bundles": tuple(bundles)})


@pytest.mark.parametrize("bundles", [False, True])
def test_new_agreements_take_the_covariate_models_ratio_at_trust_at_signature(
    bundles: bool,
) -> None:
    sc = _with_bundles() if bundles else make_scenario(factions=True, mechanisms=("ss",))
    m = build_model(sc)
    checked = 0
    for before, after in _capture(m, 64, 60, 3):
        runs, bs = np.nonzero(after.agreements > before.agreements)
        for r, b in zip(runs.tolist(), bs.tolist(), strict=True):
            trust = np.nan_to_num(before.trust[r], nan=0.5)
            q = compliance_array(trust[None], "military")  # (1, 2)
            failures = m.durability[b].base.prior_failures + float(before.agreements[r, b])
            want = m.durability[b].rest_hazard_ratio(q.mean(axis=1), np.array([failures]))
            assert after.deal_hr[r, b] == want[0]
            checked += 1
    assert checked >= 5


def _digest(m: SimModel, n: int, periods: int, seed: int) -> str:
    out = simulate_block(m, n, periods, np.random.SeedSequence(seed))
    h = hashlib.sha256()
    for f in fields(out):
        v = getattr(out, f.name)
        for a in v.values() if isinstance(v, dict) else [v]:
            h.update(np.ascontiguousarray(a).tobytes() if isinstance(a, np.ndarray) else b"")
    return h.hexdigest()


@pytest.mark.parametrize(
    "scenario",
    ["factions", "bundles", "ukraine-2022-11"],
)
def test_the_single_pass_gives_the_bundle_by_bundle_results(
    scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strategies that keep what they sign: every bundle in one pass gives the bytes of the
    bundle-by-bundle path (conduct evaluated, nobody defects, rearms or stalls)."""
    if scenario == "bundles":
        sc = _with_bundles()
    elif scenario.startswith("ukraine"):  # several agreements in force at once in a run
        sc = load_scenario(Path(__file__).parents[2] / "scenarios" / f"{scenario}.yaml")
        m = build_model(sc)
        in_force = [
            (s.phase > 0).sum(axis=1) for s in iter_periods(m, 96, np.random.SeedSequence(5), 60)
        ]
        assert max(int(x.max()) for x in in_force) > 1
    else:
        sc = make_scenario(
            factions=True,
            mechanisms=("ss",),
            schedule=LAYERS,
            sanctioned="B",
            strategies=("conceder", "good_faith"),
        )
    m = build_model(sc)
    assert impl._plan(m).keeps
    fast = _digest(m, 96, 60, 5)
    plan = impl._plan

    def general(model: SimModel) -> impl._Plan:
        return plan(model)._replace(keeps=False)

    monkeypatch.setattr(impl, "_plan", general)
    assert _digest(m, 96, 60, 5) == fast


def test_an_agreement_older_than_the_periods_so_far_is_kept_or_broken() -> None:
    """A state built by hand can hold an agreement older than the engine's table of ``ΔH``
    (the engine's own never do): the table grows and the ages move on."""
    m = build_model(make_scenario(factions=True))
    pairs = _capture(m, 32, 30, 1)
    before, _ = next((b, a) for b, a in pairs if (b.phase > 0).any() and not b.signed.any())
    old = before.age.copy()
    old[before.phase > 0] += 5_000
    state = replace(before, age=old)
    width = impl.IMPLEMENT.widths(m)[0]
    u = np.random.default_rng(0).uniform(size=(state.n, width))
    after = impl.IMPLEMENT.apply(m, state, Draws(u=u, z=np.empty((state.n, 0))))
    kept = (before.phase > 0) & (after.phase > 0)
    assert kept.any()
    assert (after.age[kept] == old[kept] + 1).all()
    assert (state.age == old).all()  # the incoming state is left as it was


def test_uniforms_at_the_probability_itself_are_decided_by_numpys_expm1() -> None:
    """Uniforms placed exactly at each side's breakdown probability, or one float below it:
    the step decides as ``h > u`` with NumPy's ``h`` (those comparisons are the undecided
    ones, left to ``expm1``)."""
    m = build_model(make_scenario(factions=True))
    pairs = _capture(m, 64, 40, 2)
    before = next(b for b, _ in pairs if (b.phase[:, 0] > 0).sum() > 10 and not b.signed.any())
    runs = np.flatnonzero(before.phase[:, 0] > 0)
    h = breakdown_hazards(
        m, 0, runs, before.period, before.deal_hr, before.age, before.verified, None
    )
    width = impl.IMPLEMENT.widths(m)[0]
    u = np.full((before.n, width), np.nextafter(1.0, 0.0))
    below = np.nextafter(h[:, :2], 0.0)
    pick = (np.arange(runs.size)[:, None] + np.arange(2)[None, :]) % 2 == 0
    u[runs[:, None], np.arange(2)[None, :]] = np.where(pick, h[:, :2], below)
    after = impl.IMPLEMENT.apply(m, before, Draws(u=u, z=np.empty((before.n, 0))))
    want = h[:, :2] > u[runs][:, :2]
    assert want.any() and not want.all()
    assert (after.defect[runs] == want).all()


def test_a_strategy_keeps_its_agreements_only_with_the_complying_conduct(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The single pass is taken only for strategies whose conduct is the complying one: not
    for a bad-faith strategy, nor for a complying one whose conduct is replaced on the
    instance (a custom strategy); the step then evaluates the conduct bundle by bundle."""
    assert keeps_agreements("good_faith") and keeps_agreements("boulware")
    assert not keeps_agreements("peace_offensive")
    strategy = STRATEGIES["good_faith"]
    custom = copy.copy(strategy)
    object.__setattr__(custom, "conduct", lambda d: strategy.conduct(d))
    monkeypatch.setitem(STRATEGIES, "good_faith", custom)
    assert not keeps_agreements("good_faith")
