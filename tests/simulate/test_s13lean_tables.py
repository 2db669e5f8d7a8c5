"""Per-run tables of two-issue linear utilities store no utilities (branch s13lean): every
reader computes the utility it reads from the table's linear form through one accessor
(``cells._utility_at``), bit for bit what the stored array held; tables of any other form
keep their array, read through the same accessor."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table

from detente.bargaining.utility import utility_arrays
from detente.scenario import Scenario
from detente.simulate import RunInputs, simulate_block
from detente.simulate import model as model_module
from detente.simulate.cells import _utility_at
from detente.simulate.model import build_model, candidate_table
from detente.simulate.protocols import Round, accepts, mediator_text
from detente.simulate.search import values_of
from detente.simulate.strategies import Move
from detente.simulate.tables import (
    NO_LINEAR,
    TalkTable,
    build_table,
    linear_tables,
)

_ACCESSORS = [_utility_at, getattr(_utility_at, "py_func", _utility_at)]


def _grid(k: int) -> np.ndarray:
    opts = np.linspace(0.0, 100.0, k)
    return np.stack(np.meshgrid(opts, opts, indexing="ij"), axis=-1).reshape(-1, 2)


def _odd_weights(rng: np.random.Generator, n: int, n_a: int) -> np.ndarray:
    """Weights of every sign, with zeros, NaN and ±inf: utilities clipped at both ends,
    NaN utilities, ties."""
    w = rng.uniform(-0.6, 1.4, (n, n_a, 2))
    w[1] = 0.0  # every utility 1
    w[2, 0, 1] = np.nan  # NaN utilities for side 0
    w[3, 1, 0] = np.inf  # NaN (0·inf) and 0 utilities
    w[4, :, 0] = -np.inf
    w[5, :, 1] = 0.0  # one issue only: ties
    w[6] = 5.0  # losses above 1: utility 0
    w[7] = -5.0  # negative losses: utility 1
    return w


@pytest.mark.parametrize(("n_a", "side"), [(2, 23), (3, 23), (2, 10), (3, 7)])
def test_the_accessor_is_the_tables_arithmetic_bit_for_bit(n_a: int, side: int) -> None:
    """Rows sorted by insertion (529 candidates) or as 32-bit keys (100, 49: the utilities
    kept a chunk at a time while its keys are packed and unpacked)."""
    rng = np.random.default_rng(n_a)
    n, cand = 40 if side > 7 else 500, _grid(side)
    k = cand.shape[0]
    ideal = rng.uniform(-10.0, 110.0, (n_a, 2))
    w = _odd_weights(rng, n, n_a)
    feasible = rng.random((n, k)) < 0.85
    table = linear_tables(ideal, w, cand, feasible)
    assert table.stored_utility.size == 0 and table.linear_form is not None  # nothing stored
    with np.errstate(all="ignore"):
        expected = utility_arrays(ideal, w[:, None], np.ones(n_a), cand[None])
    assert np.isnan(expected).any() and (expected == 0.0).any() and (expected == 1.0).any()
    # the whole array, computed on demand, is the bargaining engine's and build_table's
    assert table.utility.tobytes() == expected.tobytes()
    assert_same_table(table, build_table(expected, feasible))
    # single cells through the accessor, compiled and interpreted, and no candidate
    flat = np.ascontiguousarray(table.flat_utility)
    dist, lin_w = table.linear_arrays
    for get in _ACCESSORS:
        for _ in range(400):
            row, q, a = int(rng.integers(n)), int(rng.integers(k)), int(rng.integers(n_a))
            got = get(flat, dist, lin_w, row, k, row * k + q, a)
            assert np.float64(got).tobytes() == expected[row, q, a].tobytes()
        assert np.isnan(get(flat, dist, lin_w, 3, k, -1, 0))


def test_a_table_of_any_other_form_keeps_its_array() -> None:
    """Stored utilities (negative, NaN, above 1: a bundle's values, a risk-averse actor) are
    read as they are, through the same accessor; the risk-averse model's per-run tables and
    linear tables over more than two issues keep their arrays."""
    rng = np.random.default_rng(5)
    r, k = 12, 300
    u = rng.uniform(-0.5, 1.7, (r, k, 3))
    u[2, 5, 0] = np.nan
    u[3, 7, 1] = -np.inf
    feasible = rng.random((r, k)) < 0.9
    table = build_table(u, feasible)
    assert table.linear_form is None and table.linear_arrays is NO_LINEAR
    assert table.stored_utility is table.utility
    assert table.utility.tobytes() == u.tobytes()
    flat = np.ascontiguousarray(table.flat_utility)
    for get in _ACCESSORS:
        for row in range(r):
            for q in (0, 5, 7, k - 1):
                for a in range(3):
                    got = get(flat, *NO_LINEAR, row, k, row * k + q, a)
                    assert np.float64(got).tobytes() == u[row, q, a].tobytes()
    ideal = np.array([[0.0, 0.0, 0.0], [100.0, 100.0, 100.0]])
    w = rng.uniform(0.2, 0.8, (r, 2, 3))
    three = linear_tables(ideal, w, rng.uniform(0.0, 100.0, (600, 3)), np.ones(600, bool))
    assert three.linear_form is None and three.stored_utility.shape == (r, 600, 2)
    m = build_model(_scenario(10, "alternating", third=False, risk=2.0))
    risky = candidate_table(m, rng.uniform(0.2, 0.8, (r, 2, 2)))
    assert risky.linear_form is None and risky.stored_utility.shape == (r, 100, 2)


def _scenario(k: int, protocol: str, third: bool, risk: float = 1.0) -> Scenario:
    """The NegMAS workload's scenario (two parties, two issues of ``k`` values: every
    outcome a candidate), under ``protocol``, with a third veto party holding positions
    (``third``) and a mediator for the single text."""
    options = [{"id": f"v{j}", "value": 100.0 * j / (k - 1), "label": f"{j}"} for j in range(k)]
    issue = {
        "status_quo": 50.0,
        "anchors": [{"value": 0, "label": "low"}, {"value": 100, "label": "high"}],
        "options": options,
    }
    party = {"kind": "state", "veto": True, "belligerent": True, "cost_of_fighting": 0.0}
    actors: list[dict[str, Any]] = [
        {"id": aid, "name": aid, **party, "reservation": 0.0, "risk": risk} for aid in ("A", "B")
    ]
    ideals = [("A", 0.0), ("B", 100.0)]
    if third:
        actors.append({"id": "C", "name": "C", "kind": "state", "veto": True, "reservation": 0.3})
        ideals.append(("C", 40.0))
    simulation: dict[str, Any] = {
        "protocol": protocol,
        "strategies": {"A": "boulware", "B": "conceder"},
        "concession_periods": 40,
        "optimism": 0.0,
        "cost_spread": 0.0,
        "resolve_spread": 0.0,
        "sucker_loss": 0.0,
    }
    if protocol == "single_text":
        actors.append({"id": "M", "name": "M", "kind": "state"})
        simulation["mediator"] = "M"
    doc = {
        "schema_version": 1,
        "meta": {"name": "linear tables", "as_of": "2026-01-01"},
        "actors": actors,
        "issues": [{"id": f"i{j}", "name": f"issue {j}", **issue} for j in range(2)],
        "positions": [
            {"actor": a, "issue": f"i{j}", "ideal": ideal, "salience": 0.5}
            for a, ideal in ideals
            for j in range(2)
        ],
        "war": {"belligerents": ["A", "B"], "line_volatility": 0.0},
        "simulation": simulation,
    }
    return Scenario.model_validate(doc)


def _stored_tables(
    ideal: np.ndarray,
    weights: np.ndarray,
    candidates: np.ndarray,
    feasible: np.ndarray,
    memory: object = None,
) -> TalkTable:
    """linear_tables' table built from its stored utilities instead (no linear form)."""
    u = utility_arrays(ideal, weights[:, None], np.ones(ideal.shape[0]), candidates[None])
    return build_table(u, np.broadcast_to(feasible, u.shape[:2]))


def _digest(out: object) -> list[bytes]:
    got = []
    for f in fields(out):  # type: ignore[arg-type]
        v = getattr(out, f.name)
        if isinstance(v, dict):
            got += [np.ascontiguousarray(v[key]).tobytes() for key in sorted(v)]
        elif isinstance(v, np.ndarray):
            got.append(np.ascontiguousarray(v).tobytes())
        else:
            got.append(repr(v).encode())
    return got


@pytest.mark.parametrize(
    ("protocol", "third"),
    [("alternating", False), ("single_text", False), ("multilateral", True)],
)
def test_talks_read_the_same_utilities_from_the_linear_form(
    protocol: str, third: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reader of a block's per-run tables (the talk round, the single text's drafts,
    the multilateral check of the third party, the reasons, the first positions) gives the
    same bytes from the linear form as from the stored utilities."""
    m = build_model(_scenario(23, protocol, third))
    n_a = len(m.actor_ids)
    rng = np.random.default_rng(7)
    w = rng.uniform(0.2, 0.8, (48, n_a, 2))
    w /= w.sum(axis=2, keepdims=True)
    table = candidate_table(m, w)
    assert table.linear_form is not None and table.stored_utility.size == 0
    runs = []
    for stored in (False, True):
        if stored:
            monkeypatch.setattr(model_module, "linear_tables", _stored_tables)
            assert candidate_table(m, w).linear_form is None
        out = simulate_block(m, 48, 50, np.random.SeedSequence(3), inputs=RunInputs(weights=w))
        runs.append(_digest(out))
        assert (out.first_agreement >= 0).any()
    assert runs[0] == runs[1]


def test_the_protocols_and_reasons_read_the_same_utilities() -> None:
    """accepts (with the third party's check), mediator_text, values_of and best_for on a
    table of the linear form and on the same table stored."""
    m = build_model(_scenario(23, "multilateral", True))
    rng = np.random.default_rng(11)
    n = 30
    w = rng.uniform(0.2, 0.8, (n, 3, 2))
    lin = candidate_table(m, w)
    u = utility_arrays(m.ideal, w[:, None], m.risk, m.candidates[None])
    stored = build_table(u, np.broadcast_to(lin.feasible, u.shape[:2]))
    cand = rng.integers(-1, lin.size, n)
    assert values_of(lin, cand).tobytes() == values_of(stored, cand).tobytes()
    for side in (0, 1):
        assert lin.best_for[side].tobytes() == stored.best_for[side].tobytes()
    demand = rng.uniform(0.2, 0.9, (n, 2))
    value = rng.uniform(0.0, 0.5, (n, 2))
    assert np.array_equal(mediator_text(lin, demand, value), mediator_text(stored, demand, value))
    move = Move(
        demand=demand[:, 0],
        accept=demand[:, 0] - 0.2,
        overture=np.zeros(n, dtype=bool),
        gesture=np.zeros(n, dtype=bool),
        attends=np.ones(n, dtype=bool),
        bad_faith=np.zeros(n, dtype=bool),
    )
    got = []
    for t in (lin, stored):
        r = Round(
            t,
            np.ones(n, dtype=bool),
            (move, move),
            value,
            np.full((n, 2), 0.9),
            np.zeros((n, 2)),
            cand,
            np.zeros(n, dtype=np.int64),
            np.full(n, -1),
            np.full((n, 2), np.nan),
            np.full((n, 2), np.nan),
        )
        got.append(accepts(m, r, 0, cand))
    assert np.array_equal(got[0], got[1]) and got[0].any() and not got[0].all()
