"""The implement step's compiled kernels: the numbers of the formulas they replace, bit for
bit, and the same results interpreted (``NUMBA_DISABLE_JIT=1``)."""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace
from typing import Any

import numpy as np
import pytest

from detente.bargaining.distrust import DETERRENCE
from detente.errors import InputError
from detente.simulate.durability import (
    covariate_hazard_ratio,
    hazard_increments,
    increment_table,
    period_hazard,
)
from detente.simulate.engine import simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.steps.breakdown import breakdown_hazards, faction_ratios

from .helpers import interpreted, make_scenario

LAYERS = [{"after_periods": 3, "fraction": 0.5}, {"after_periods": 9, "fraction": 0.5}]


def _model(**kw: Any) -> SimModel:
    return build_model(
        make_scenario(factions=True, mechanisms=("ss",), schedule=LAYERS, sanctioned="B", **kw)
    )


@pytest.mark.parametrize("period_years", [7 / 365.25, 1 / 12, 0.25])
def test_the_increment_table_holds_each_ages_increment_bit_for_bit(period_years: float) -> None:
    ages = np.random.default_rng(3).integers(0, 700, 1_001)
    table = increment_table(period_years, 10)  # grown on demand below
    table = increment_table(period_years, int(ages.max()) + 1)
    assert table[ages].tobytes() == hazard_increments(ages, period_years).tobytes()
    single = np.array([hazard_increments(np.array([a]), period_years)[0] for a in ages[:50]])
    assert table[ages[:50]].tobytes() == single.tobytes()
    assert not table.flags.writeable


def test_breakdown_hazards_are_the_covariate_model_per_side_and_faction() -> None:
    m = _model()
    assert m.faction_control.size and m.relief_step[-1] > 0.0 and m.sanctioned.any()
    rng = np.random.default_rng(5)
    n, n_b = 300, len(m.bundle_ids)
    deal_hr = rng.uniform(0.2, 3.0, (n, n_b))
    age = rng.integers(0, 150, (n, n_b))
    verified = rng.integers(0, 20, (n, n_b, 2))
    runs = np.sort(rng.choice(n, 120, replace=False))
    rearmed = rng.uniform(1.0, 3.0, (2, runs.size))
    h = breakdown_hazards(m, 0, runs, 10, deal_hr, age, verified, rearmed)
    # the NumPy formulas the kernel replaces (implement and breakdown before compilation)
    relief = m.relief_step
    done = relief[np.minimum(verified[runs, 0], relief.size - 1)]
    factor = np.where(m.sanctioned, 1.0 - DETERRENCE * (float(relief[-1]) - done), 1.0)
    hr_side = 0.5 * deal_hr[runs, 0, None] * rearmed.T * factor
    side = period_hazard(age[runs, 0, None], m.period_years, hr_side)
    extra = faction_ratios(m, 0)
    fac = period_hazard(
        age[runs, 0, None],
        m.period_years,
        deal_hr[runs, 0, None] * extra[None, :],
    )
    assert h.tobytes() == np.concatenate([side, fac], axis=1).tobytes()
    plain_model = build_model(make_scenario())  # no factions, no sanctions
    plain = breakdown_hazards(plain_model, 0, runs, 10, deal_hr, age, verified, None)
    want = period_hazard(age[runs, 0, None], m.period_years, 0.5 * deal_hr[runs, 0, None])
    assert plain.tobytes() == np.broadcast_to(want, (runs.size, 2)).tobytes()


def test_the_rest_hazard_ratio_is_the_covariate_models_bit_for_bit() -> None:
    m = _model()
    dur = m.durability[0]
    rng = np.random.default_rng(9)
    trust = rng.uniform(-0.1, 1.1, 200)
    failures = rng.integers(0, 9, 200).astype(np.float64)
    cov = replace(dur.at_signature(trust, failures), spoiler_strength=0.0)
    got = dur.rest_hazard_ratio(trust, failures)
    assert got.tobytes() == covariate_hazard_ratio(cov).tobytes()
    with pytest.raises(InputError, match="prior_failures"):
        dur.rest_hazard_ratio(trust, -failures - 1.0)
    with pytest.raises(InputError, match="trust"):
        dur.rest_hazard_ratio(np.full(200, np.nan), failures)


def _digest(strategies: tuple[str, str]) -> str:
    out = simulate_block(_model(strategies=strategies), 48, 40, np.random.SeedSequence(4))
    h = hashlib.sha256()
    for f in fields(out):
        v = getattr(out, f.name)
        for a in v.values() if isinstance(v, dict) else [v]:
            h.update(np.ascontiguousarray(a).tobytes() if isinstance(a, np.ndarray) else b"")
    return h.hexdigest()


# both agree; the last pair keeps what it signs (every bundle in one pass)
PAIRS = [
    ("rearm_during_truce", "good_faith"),
    ("peace_offensive", "conceder"),
    ("conceder", "good_faith"),
]


def test_the_step_gives_the_same_bytes_interpreted() -> None:
    words = interpreted(
        "from tests.simulate.test_implement_kernels import PAIRS, _digest; "
        "print(' '.join(_digest(p) for p in PAIRS))"
    )
    assert words == [_digest(p) for p in PAIRS]
