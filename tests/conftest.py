"""Shared test helpers: the repository's path, the CLI app, and the Hypothesis profiles.

The suite needs nothing outside the repository (data it reads ships in ``data/`` and
``tests/**/fixtures``). Hypothesis runs derandomised by default (profile ``ci``: the same
examples every run, so a failure reproduces); ``HYPOTHESIS_PROFILE=dev`` draws fresh random
examples to explore.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"

# deadline=None: a process's first call of a compiled kernel compiles it (seconds), which says
# nothing about the code under test
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("dev", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def app() -> typer.Typer:
    """The real ``detente`` Typer app, as the console script builds it."""
    from detente.cli.app import app as detente_app

    return detente_app


# Scheduling over pytest-xdist workers (``-n auto --dist loadgroup``, set in pyproject) -----------
#
# pytest-xdist's own ``loadgroup`` marks a test's group by appending ``@group`` to its node id,
# which pytest >= 9.2 no longer lets a plugin change (pytest-xdist issue #1386): every test then
# became its own unit of work, so the browser tests ran on both workers (two servers, two
# browsers, two reports) and each module-scoped fixture was computed by every worker that ran
# one of its module's tests. The scheduler below decides the units from node ids alone:
#
# - every test under a GROUPS prefix is one unit (the browser tests share one server and browser);
# - every test of a SPLIT module is a unit of its own (long, independent tests: both workers
#   take them);
# - any other module is one unit, so its module-scoped fixtures are computed once.
#
# Units start longest first (LPT): the FIRST modules in that order (measured the longest), then
# the others by their number of tests. Scheduling decides only which worker runs a test and
# when; no test's outcome depends on it.

GROUPS = {"tests/browser/": "browser"}
SPLIT = frozenset(
    {
        "tests/test_docs.py",
        "tests/test_cli_interrupt.py",
        "tests/test_shipped_scenarios.py",
        "tests/test_cli_reliability.py",
        "tests/trust/test_simulation_trust.py",
        "tests/trust/test_state_and_relations.py",
        "tests/simulate/test_red_lines.py",
    }
)
FIRST = (
    "browser",
    "tests/test_gates.py",
    "tests/test_cli_interrupt.py",
    "tests/sweep/test_catalog.py",
    "tests/fuzz/test_fuzz.py",
    "tests/test_docs.py",
    "tests/test_shipped_scenarios.py",
    "tests/test_validation_dynamics.py",
    "tests/sweep/test_backends.py",
    "tests/test_report_bundle.py",
    "tests/simulate/test_bundles.py",
)


def _unit(nodeid: str) -> str:
    """The unit of work a test belongs to (see above)."""
    module = nodeid.split("::", 1)[0]
    for prefix, group in GROUPS.items():
        if module.startswith(prefix):
            return group
    return nodeid if module in SPLIT else module


def _rank(unit: str) -> int:
    module = unit.split("::", 1)[0]
    return FIRST.index(module) if module in FIRST else len(FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            # the first unit of the lowest rank (the queue is in xdist's order: most tests first)
            unit = min(self.workqueue, key=_rank)
            self.workqueue.move_to_end(unit, last=False)
            super()._assign_work_unit(node)

    return UnitScheduling(config, log)


# Compiled kernels, once: a fresh clone has no Numba cache, and every test process would compile
# the engine's kernels on its first simulation (tens of seconds each): both workers and the
# commands the tests start (the browser tests' server, reports, …), side by side on the same
# cores. So while the workers start and collect, one process compiles them into the cache
# (detente.core.jit: a directory named by the engines' sources), and the first test starts when
# it is done; the workers and every command then load them. Only when the cache holds no kernel
# yet; the machine code is the same whichever process compiles it, so no result depends on this.

WARM_UP = """
import sys
from pathlib import Path

import detente as d
from detente.errors import InputError
from detente.scenario.simulation import Protocol, SimulationSettings

root = Path(sys.argv[1])
for path in ("scenarios/ukraine-2026-06.yaml", "scenarios/teaching.yaml",
             "tests/simulate/fixtures/two_sides.yaml"):
    s = d.load_scenario(root / path)
    for protocol in Protocol:
        sim = (s.simulation or SimulationSettings()).model_copy(update={"protocol": protocol})
        try:
            d.simulate(s.model_copy(update={"simulation": sim}), runs=40, periods=8, seed=1)
        except InputError:  # a protocol this scenario cannot take
            pass
"""

_warming: list[subprocess.Popen[str]] = []


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    """Start compiling the kernels (see above) before the workers start."""
    if len(specs) < 2 or os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
        return
    from detente.core.jit import cache_dir

    cache = cache_dir()
    if cache is None or next(cache.rglob("*.nbi"), None) is not None:
        return
    cmd = [sys.executable, "-c", WARM_UP, str(REPO)]
    _warming.append(
        subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """The first test starts once the kernels are compiled."""
    while _warming:
        proc = _warming.pop()
        _, err = proc.communicate(timeout=900)
        if proc.returncode != 0:  # the tests that simulate will say what is wrong
            tail = (err.strip().splitlines() or ["?"])[-1]
            print(f"\nkernel warm-up failed ({tail}); test processes compile their own")
