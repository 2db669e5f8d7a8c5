"""Programmatic scenarios for simulation tests: two belligerents, three issues."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.scenario import Scenario, load_scenario, parse_scenario

if TYPE_CHECKING:
    from detente.simulate import RunInputs
    from detente.simulate.model import SimModel
    from detente.simulate.state import RunState
    from detente.simulate.tables import TalkTable

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def interpreted(statement: str) -> list[str]:
    """The words ``statement`` prints when run in a fresh interpreter with the kernels
    interpreted (``NUMBA_DISABLE_JIT=1``), the repository root on ``sys.path`` (so that it can
    import the tests' modules): compiled and interpreted code must give the same bytes."""
    code = f"import sys; sys.path.insert(0, sys.argv[1]); {statement}"
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    run = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    return run.stdout.split()


def fixture_scenario() -> Scenario:
    return load_scenario(FIXTURES / "two_sides.yaml")


def make_scenario(
    *,
    strategies: tuple[str, str] = ("good_faith", "good_faith"),
    optimism: float = 0.0,
    reservation: tuple[float | None, float | None] = (None, None),
    cost: tuple[float, float] = (0.004, 0.004),
    factions: bool = False,
    mechanisms: tuple[str, ...] = (),
    volatility: float = 0.5,
    stalemate: float = 0.2,
    simulation: dict[str, Any] | None = None,
    red_lines: dict[tuple[str, str], tuple[float, float]] | None = None,
    crossing_cost: float | None = None,
    third_party: tuple[float, float] | None = None,
    trust: list[dict[str, Any]] | None = None,
    schedule: list[dict[str, Any]] | None = None,
    sanctioned: str | None = None,
    capability: tuple[float, float] = (1.0, 1.0),
    front: dict[str, Any] | None = None,
    bloc_contested: bool = False,
    bloc_front: dict[str, Any] | None = None,
    shocks: list[dict[str, Any]] | None = None,
    support: tuple[float, float] | None = None,
    private: bool = False,
) -> Scenario:
    """A stylised two-sided war; keyword arguments switch the features under test.

    ``red_lines`` maps (actor, issue) to an ``acceptable`` range; ``third_party`` adds a veto
    actor C (not a belligerent) with that range on ``bloc``; ``trust`` is the trust section;
    ``schedule`` the layers of the ``ss`` staged-sanctions mechanism (``sanctioned`` its
    beneficiary). ``front`` / ``bloc_front`` are the issues' front dynamics (``bloc_contested``
    makes the war decide ``bloc`` too), ``shocks`` the shocks section, ``support`` each side's
    allies' support capability (line ``aid``), ``private`` turns on private information
    (default: full information, no cost or resolve uncertainty).
    """
    actors: list[dict[str, Any]] = []
    for side, aid in enumerate(("A", "B")):
        a: dict[str, Any] = {
            "id": aid,
            "name": f"Side {aid}",
            # a civil war (a state against an organisation), as the calibration war: the
            # durability baseline's population (Fortna's civil-war cease-fires)
            "kind": "state" if side == 0 else "organisation",
            "veto": True,
            "belligerent": True,
            "capability": capability[side],
            "cost_of_fighting": cost[side],
        }
        if reservation[side] is not None:
            a["reservation"] = reservation[side]
        if support is not None:
            a["support"] = [
                {"id": "aid", "capability": support[side], "level": 1.0, "responsiveness": 0.8}
            ]
        actors.append(a)
    if factions:
        actors.append(
            {
                "id": "B_HARD",
                "name": "Hard-liners",
                "kind": "faction",
                "parent": "B",
                "control": 0.2,
            }
        )
    positions = [
        {"actor": "A", "issue": "land", "ideal": 100, "salience": 1.0},
        {"actor": "A", "issue": "bloc", "ideal": 100, "salience": 0.3},
        {"actor": "B", "issue": "land", "ideal": 0, "salience": 1.0},
        {"actor": "B", "issue": "bloc", "ideal": 0, "salience": 0.8},
    ]
    if factions:
        positions.append({"actor": "B_HARD", "issue": "land", "ideal": 0, "salience": 1.0})
    if third_party is not None:
        actors.append({"id": "C", "name": "Neighbour", "kind": "state", "veto": True})
        positions.append(
            {
                "actor": "C",
                "issue": "bloc",
                "ideal": (third_party[0] + third_party[1]) / 2,
                "salience": 1.0,
                "acceptable": list(third_party),
            }
        )
    for pos in positions:
        rl = (red_lines or {}).get((pos["actor"], pos["issue"]))
        if rl is not None:
            pos["acceptable"] = list(rl)
            if crossing_cost is not None:
                pos["crossing_cost"] = crossing_cost
    ss: dict[str, Any] = {"id": "ss", "kind": "staged_sanctions", "name": "Staged relief"}
    ss["schedule"] = schedule or [{"after_periods": 13, "fraction": 0.5}]
    if sanctioned is not None:
        ss["beneficiary"] = sanctioned
    sim: dict[str, Any] = {
        "strategies": {"A": strategies[0], "B": strategies[1]},
        "optimism": optimism,
        "mechanisms": list(mechanisms),
    }
    if not private:
        sim |= {"cost_spread": 0.0, "resolve_spread": 0.0}
    sim.update(simulation or {})
    doc = {
        "schema_version": 1,
        "meta": {"name": "test war", "as_of": "2026-01-01"},
        "actors": actors,
        "issues": [
            {
                "id": "land",
                "name": "Land",
                "anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}],
                "status_quo": 50,
                "contested": True,
                **({"front": front} if front is not None else {}),
            },
            {
                "id": "bloc",
                "name": "Bloc",
                "anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}],
                "status_quo": 50,
                "contested": bloc_contested,
                **({"front": bloc_front} if bloc_front is not None else {}),
            },
        ],
        "positions": positions,
        "mechanisms": [
            {"id": "pk", "kind": "peacekeepers", "name": "Peacekeepers"},
            {"id": "mon", "kind": "monitors", "name": "Monitors", "detection": 0.9},
            ss,
        ],
        "war": {
            "belligerents": ["A", "B"],
            "stalemate": stalemate,
            "horizon_periods": 104,
            "line_volatility": volatility,
        },
        "simulation": sim,
        "trust": trust or [],
        "shocks": shocks or [],
    }
    return parse_scenario(json.dumps(doc))


TABLE_FIELDS = ("utility", "feasible", "order", "sorted_u", "n_feasible")

NO_ORDER = np.zeros(0, dtype=np.int16)
NO_DIST = np.zeros((0, 2, 0))
NO_W = np.zeros((0, 0, 2))
NO_COUNTS = np.zeros(0, dtype=np.int64)
"""What the search kernels (``search._hint_at``, ``_find_at``, ``_search_at``) are given
besides stored rows: no order, no linear form, no feasible counts (a stored row's values are
read as they are, ``cells._sorted_at``)."""


def stored_row(
    keys: NDArray[np.float64], base: int, off: float, k: int, x: float
) -> tuple[Any, ...]:
    """``search._hint_at`` / ``_find_at``'s arguments up to the key, for stored rows ``keys``
    (entries from ``base``, ``off`` added to each value): append the hint or the code."""
    return (keys, NO_ORDER, NO_DIST, NO_W, 0, 0, base, off, k, 0, x)


def stored_source(keys: NDArray[np.float64], k: int) -> tuple[Any, ...]:
    """``search._search_at``'s source of one side's stored rows ``keys`` of ``k`` entries
    each (row ``row`` from ``row·k``)."""
    starts = np.arange(keys.shape[0] // max(k, 1), dtype=np.int64) * k
    return (keys, NO_ORDER, NO_DIST, NO_W, 0, starts)


def assert_same_table(a: TalkTable, b: TalkTable) -> None:
    """Two talk tables are byte for byte the same: their stored fields and every derived one."""
    for f in TABLE_FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.shape == y.shape and x.dtype == y.dtype, f
        assert np.ascontiguousarray(x).tobytes() == np.ascontiguousarray(y).tobytes(), f
    for side in (0, 1):
        assert a.flat_sorted[side].tobytes() == b.flat_sorted[side].tobytes()
        assert a.flat_order[side].tobytes() == b.flat_order[side].tobytes()
        assert a.best_for[side].tobytes() == b.best_for[side].tobytes()
    assert a.top.tobytes() == b.top.tobytes()


def negmas_workload(k: int, pairing: str, n: int, seed: int) -> tuple[SimModel, RunInputs]:
    """The NegMAS comparison's workload (``benchmarks/vs_negmas.py``): ``k`` options on each of
    two issues, ``pairing``'s strategies, ``n`` runs' opposed weights drawn from U(0.2, 0.8) as
    the benchmark draws them (generator seeded with ``seed``)."""
    from tests import repo_scripts

    from detente.simulate import RunInputs
    from detente.simulate.model import build_model

    bench = repo_scripts.vs_negmas()
    a, b, reserved = bench.PAIRINGS[pairing]
    m = build_model(bench.negotiation_scenario(k, a, b, reserved))
    rng = np.random.default_rng(seed)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    weights = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    return m, RunInputs(weights=weights)


def negmas_talks_with_hints_reset(
    pairing: str, reset: Callable[[NDArray[np.int64]], None], n: int = 24, periods: int = 40
) -> Iterator[tuple[RunState, RunState]]:
    """The NegMAS workload at 1,024 outcomes (``pairing``, per-run weights drawn as NegMAS
    draws them, seed 3): per period, the state of the talks as run and of the same talks with
    ``reset`` applied to every run's search hints (``RunState.search_hint``, a copy) before
    each round."""
    from dataclasses import replace

    from detente.simulate.engine import iter_periods
    from detente.simulate.state import Draws, evolve
    from detente.simulate.steps import PERIOD_STEPS
    from detente.simulate.steps.talk import TALK

    m, inputs = negmas_workload(32, pairing, n, seed=3)

    def forgetting(model: SimModel, s: RunState, d: Draws) -> RunState:
        if s.search_hint is not None:
            hints = s.search_hint.copy()
            reset(hints)
            s = evolve(s, search_hint=hints)
        return TALK.apply(model, s, d)

    steps = tuple(
        replace(step, apply=forgetting) if step.name == TALK.name else step for step in PERIOD_STEPS
    )
    seed = np.random.SeedSequence(4)
    plain = iter_periods(m, n, seed, periods, inputs=inputs)
    other = iter_periods(m, n, seed, periods, inputs=inputs, steps=steps)
    return zip(plain, other, strict=True)


def assert_same_talks(x: RunState, y: RunState) -> None:
    """The talks' state of two runs' blocks is the same, to the bit."""
    for name in ("rounds", "standing", "standing_by", "signed_terms", "events"):
        assert np.array_equal(getattr(x, name), getattr(y, name)), name
    for name in ("prev_demand", "pos_u", "prev_pos_u", "refused_u", "offered_u"):
        assert getattr(x, name).tobytes() == getattr(y, name).tobytes(), name


def under_protocol(sc: Scenario, protocol: str) -> Scenario:
    """``sc`` (the teaching scenario) simulated under ``protocol``; Lakeland (``LAK``) drafts
    the single negotiating text."""
    from detente.scenario.simulation import SimulationSettings

    base = sc.simulation or SimulationSettings()
    update: dict[str, object] = {"protocol": protocol}
    if protocol == "single_text":
        update["mediator"] = "LAK"
    sim = SimulationSettings.model_validate(base.model_dump() | update)
    return sc.model_copy(update={"simulation": sim})
