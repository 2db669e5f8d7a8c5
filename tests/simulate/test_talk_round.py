"""The talk step's compiled round (``steps.talk._round``) gives the same bytes interpreted
(``NUMBA_DISABLE_JIT=1``) under every protocol, on shared, red-line-regime and per-run
tables, including blocks of a few runs of which only some talk."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

import numpy as np

from detente.scenario import load_scenario
from detente.scenario.simulation import SimulationSettings
from detente.simulate import RunInputs, simulate_block
from detente.simulate.model import build_model

from .helpers import interpreted

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    ("alternating", 0),
    ("single_text", 0),
    ("multilateral", 0),
    ("alternating", 9),  # per-run weights: a per-run table of a few runs
    ("single_text", 9),
]


def _digest(protocol: str, per_run: int) -> str:
    teach = load_scenario(ROOT / "scenarios" / "teaching.yaml")
    sim = teach.simulation or SimulationSettings()
    actors = list(teach.war.belligerents)
    update: dict[str, object] = {
        "protocol": protocol,
        "strategies": dict(zip(actors, ("grit", "tit_for_tat"), strict=True)),
    }
    if protocol == "single_text":
        update["mediator"] = "LAK"
    m = build_model(teach.model_copy(update={"simulation": sim.model_copy(update=update)}))
    n, inputs = 14, None
    if per_run:
        n = per_run
        w = np.random.default_rng(5).random((n, len(m.actor_ids), len(m.issue_ids)))
        inputs = RunInputs(weights=w / w.sum(axis=2, keepdims=True))
    out = simulate_block(m, n, 16, np.random.SeedSequence(6), inputs=inputs)
    h = hashlib.sha256()
    for f in fields(out):
        v = getattr(out, f.name)
        for a in v.values() if isinstance(v, dict) else [v]:
            h.update(np.ascontiguousarray(a).tobytes() if isinstance(a, np.ndarray) else b"")
    return h.hexdigest()


def test_the_round_gives_the_same_bytes_interpreted() -> None:
    words = interpreted(
        "from tests.simulate.test_talk_round import CASES, _digest; "
        "print(' '.join(_digest(*c) for c in CASES))"
    )
    compiled = [_digest(*c) for c in CASES]
    assert words == compiled
    assert len(set(compiled[:2])) == 2  # the protocols differ: the test reads the round
