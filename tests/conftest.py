"""Shared test helpers: the repository's path, the CLI app, and the Hypothesis profiles.

The suite needs nothing outside the repository (data it reads ships in ``data/`` and
``tests/**/fixtures``). Hypothesis runs derandomised by default (profile ``ci``: the same
examples every run, so a failure reproduces); ``HYPOTHESIS_PROFILE=dev`` draws fresh random
examples to explore.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


def _cache_test_kernels_by_the_engines_sources() -> None:
    """Cache the kernels the tests compile (``detente.core.jit.kernel`` in a test module) in
    detente's own cache directory, named by the engines' sources (:func:`detente.core.jit.
    cache_dir`), not beside the test file. Numba's default keys a cached kernel on its own
    file alone, so a test kernel calling detente's kernels could load machine code built
    against an older ``detente.core`` (noticed by fx21): now any change to the engines starts
    a fresh cache, and a change to the test file is seen by Numba's own stamp of that file."""
    from numba.core import caching

    from detente.core import jit

    tests = Path(__file__).resolve().parent
    engine_locator: Any = jit._EngineCacheLocator

    class TestKernelLocator(engine_locator):  # type: ignore[misc, valid-type]
        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if jit.cache_dir() is None or not Path(py_file).resolve().is_relative_to(tests):
                return None
            parent: Any = super(jit._UserProvidedCacheLocator, cls)  # as the engine's locator
            return parent.from_function(py_func, py_file)

    if not any(c.__name__ == "TestKernelLocator" for c in caching.CacheImpl._locator_classes):
        caching.CacheImpl._locator_classes.insert(0, TestKernelLocator)


_cache_test_kernels_by_the_engines_sources()


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
# Units start longest first (LPT) once the kernels are compiled: the units that call no
# compiled kernel (KERNEL_FREE) first, while the kernel warm-up below runs, then the FIRST
# modules in that order (measured the longest), then the others by their number of tests. A
# worker takes its next unit when it has at most one test left, so that no long unit waits
# behind another on one worker while the other worker runs out of work. Scheduling decides
# only which worker runs a test and when; no test's outcome depends on it.

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
KERNEL_FREE = (
    "tests/test_gates.py",
    "tests/scenarios/test_reference_scenarios.py",
    "tests/scenario/",
    "tests/forecast/",
    "tests/monitor/test_measures.py",
    "tests/monitor/test_reliability.py",
    "tests/monitor/test_loaders.py",
    "tests/monitor/test_cli.py",
    "tests/monitor/test_dedup.py",
    "tests/monitor/test_flags.py",
    "tests/monitor/test_ground.py",
    "tests/test_layering.py",
    "tests/test_docs.py::test_relative_links_resolve",
    "tests/test_package.py",
    "tests/test_check_vocabulary.py",
    "tests/test_api_reference.py",
    "tests/test_cli_reference.py",
    "tests/test_output.py",
    "tests/test_core.py",
    "tests/trust/test_opinion.py",
    "tests/trust/test_contact.py",
    "tests/test_conftest_warm_up.py",
)
"""Node-id prefixes of the tests that call no compiled kernel, the longest first: each group
was run in one process with a warm cache, recording every kernel a process uses (compiles or
loads) for the first time; none did."""
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


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _unit(nodeid: str) -> str:
    """The unit of work a test belongs to (see above)."""
    module = _module(nodeid)
    for prefix, group in GROUPS.items():
        if module.startswith(prefix):
            return group
    return nodeid if module in SPLIT else module


def _kernel_free(nodeid: str) -> bool:
    return nodeid.startswith(KERNEL_FREE)


def _rank(unit: str) -> int:
    if _warming and _kernel_free(unit):  # while the kernels compile: these first
        return next(k for k, prefix in enumerate(KERNEL_FREE) if unit.startswith(prefix))
    module = _module(unit)
    return len(KERNEL_FREE) + (FIRST.index(module) if module in FIRST else len(FIRST))


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

        def _reschedule(self, node: Any) -> None:
            # xdist tops a worker up when it has two tests left; one is enough (a worker runs
            # a test once it knows the next one or has none)
            busy = self._pending_of(self.assigned_work[node]) > 1
            if busy and self.workqueue and not node.shutting_down:
                return
            super()._reschedule(node)

    return UnitScheduling(config, log)


# Compiled kernels, once: a fresh clone has no Numba cache, and every test process would compile
# the engine's kernels on its first simulation (tens of seconds each): both workers and the
# commands the tests start (the browser tests' server, reports, …), side by side on the same
# cores. So while the workers start, one process compiles them into the cache
# (detente.core.jit: a directory named by the engines' sources), and the workers and every
# command then load them. Only when the cache holds no kernel yet; the machine code is the same
# whichever process compiles it, so no result depends on this.
#
# The compilation takes one core for a minute or more (single-threaded). Meanwhile the workers
# run the units that call no kernel (KERNEL_FREE, scheduled first: the lint and type gates, the
# scenario and event-data tests, ...); any other test waits until the cache is written (a
# worker reads the controller's signal, a file named in WARM_ENV). A KERNEL_FREE test that did
# call a kernel would only compile it itself: its result is the same.

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
# what the tests' processes (both workers, `detente serve` and its pool, the commands) would
# otherwise each compile for themselves: the kernels of implementation over a long horizon and
# of the settlement's reasons on the reference scenarios, and the trainer's (play) kernels
for path in ("scenarios/ukraine-2025-11.yaml", "scenarios/ukraine-2022-03.yaml",
             "tests/simulate/fixtures/two_sides.yaml"):
    d.simulate(d.load_scenario(root / path), runs=40, periods=104, seed=1)
from detente.simulate.play import offer, respond, start

state = start(d.load_scenario(root / "scenarios/teaching.yaml"), side="NOR",
              strategy="tit_for_tat")
state = respond(offer(state, {"valley": 90, "demilitarisation": 80}), False)
offer(state, {"valley": 80, "demilitarisation": 70})
"""
WARM_ENV = "DETENTE_TESTS_KERNELS_READY"
"""Names the file the controller writes when the warm-up has ended (``ok`` or what failed)."""
WARM_TIMEOUT = 900.0

_warming: list[subprocess.Popen[str]] = []
"""The warm-up while it runs (in the controller)."""
_warm_up_failed: list[str] = []


def _finish_warm_up(proc: subprocess.Popen[str], ready: Path) -> None:
    """Wait for the warm-up (in a thread of the controller) and tell the workers it ended,
    whatever happens while waiting (else every worker would wait WARM_TIMEOUT)."""
    status = "?"
    try:
        try:
            _, err = proc.communicate(timeout=WARM_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        status = "ok"
        if proc.returncode != 0:  # the tests that simulate will say what is wrong
            status = ((err or "").strip().splitlines() or ["?"])[-1]
    except Exception as exc:  # e.g. the pipe closed under the thread at the session's end
        status = f"{type(exc).__name__}: {exc}"
    finally:
        _warming.clear()
        if status != "ok":
            _warm_up_failed.append(status)
        try:
            tmp = ready.with_suffix(".tmp")
            tmp.write_text(status, encoding="utf-8")
            tmp.replace(ready)
        except OSError:  # the session ended first and removed the folder: nobody waits
            pass


def _stop_warm_up(proc: subprocess.Popen[str]) -> None:
    """At the session's end (which can come before the warm-up's: -x, -k, --lf), stop the
    warm-up before its folder is removed, so that no process outlives the session."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    """Start compiling the kernels (see above) before the workers start."""
    os.environ.pop(WARM_ENV, None)
    if len(specs) < 2 or os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
        return
    from detente.core.jit import cache_dir

    cache = cache_dir()
    if cache is None or next(cache.rglob("*.nbi"), None) is not None:
        return
    ready = Path(tempfile.mkdtemp(prefix="detente-warm-up-")) / "ready"
    config.add_cleanup(lambda: shutil.rmtree(ready.parent, ignore_errors=True))
    cmd = [sys.executable, "-c", WARM_UP, str(REPO)]
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    config.add_cleanup(lambda: _stop_warm_up(proc))  # runs before the rmtree (last in, first)
    _warming.append(proc)
    threading.Thread(target=_finish_warm_up, args=(proc, ready), daemon=True).start()
    os.environ[WARM_ENV] = str(ready)  # the workers inherit it


# a worker reads the signal's name and removes it from its environment, so that the commands its
# tests start do not inherit it
_waiting = [os.environ.pop(WARM_ENV, "")] if os.environ.get("PYTEST_XDIST_WORKER") else []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that may call a kernel starts once the warm-up has ended (see above)."""
    if not _waiting or not _waiting[0] or _kernel_free(item.nodeid):
        return
    ready = Path(_waiting.pop())
    deadline = time.monotonic() + WARM_TIMEOUT
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for status in _warm_up_failed:
        terminalreporter.write_line(
            f"kernel warm-up failed ({status}); test processes compiled their own"
        )
