"""The engines' source digest (detente.core.sources) leaves out exactly the code that cannot
change a figure it keys: the validation cache (validation/simulated.json, written by
validation/score.py through validation/simscore.py) and the compiled-kernel cache.

Three guards: an edit to a front door (the Python API, the CLI, the report, the labels, the
file writers ...) leaves the digest alone while an edit to an engine or a module they import
changes it; no engine module reaches a left-out module through its imports (every ``import``,
also inside functions, followed transitively); and the scorer, run on a case with every check
kind, loads no left-out module at all (so a future scorer or engine path through a front door
fails here rather than leaving a stale cache current).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from detente.core import sources

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "detente"
ENGINES = ("scenario", "trust", "bargaining", "forecast", "simulate", "monitor", "core")


def _digest(package: Path) -> str:
    return sources.sources_sha256(package)


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("pkg") / "detente"
    shutil.copytree(SRC, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.mark.parametrize(
    ("edited", "counts"),
    [
        ("api/numbers.py", False),
        ("api/simulation.py", False),
        ("api/__init__.py", False),
        ("labels.py", False),
        ("generated.py", False),
        ("outputs.py", False),
        ("cli/app.py", False),
        ("report/build.py", False),
        ("simulate/engine.py", True),
        ("manifest.py", True),
        ("errors.py", True),
        ("__init__.py", True),
        ("core/jit.py", True),
    ],
)
def test_an_edit_moves_the_digest_only_outside_the_front_doors(
    package_copy: Path, edited: str, counts: bool
) -> None:
    before = _digest(package_copy)
    path = package_copy / edited
    text = path.read_bytes()
    try:
        path.write_bytes(text + b"\n# edited\n")
        assert (_digest(package_copy) != before) is counts, edited
    finally:
        path.write_bytes(text)
    assert _digest(package_copy) == before


def test_the_installed_digest_is_the_packages() -> None:
    assert sources.engine_sources_sha256() == _digest(Path(sources.__file__).resolve().parents[1])


def _module_files() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


MODULES = _module_files()


def _imported(name: str) -> set[str]:
    """The detente modules ``name`` imports (every statement, with its parent packages)."""
    path = MODULES[name]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                kept = here[: len(here) - node.level + 1]
                base = ".".join(kept + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found |= {base} | {f"{base}.{a.name}" for a in node.names}
    out: set[str] = set()
    for m in found:
        parts = m.strip(".").split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & MODULES.keys()
    return out


def _left_out(module: str) -> bool:
    path = MODULES[module].relative_to(SRC)
    return sources.is_front_door(PurePosixPath(path.as_posix()))


def test_no_engine_module_reaches_a_left_out_module() -> None:
    """The documentation generators (``docgen``, run as scripts to rewrite pages) are not
    engine code and may use the page helpers; anything else of an engine counts."""
    roots = [
        m
        for m in MODULES
        if m.split(".")[1:2] and m.split(".")[1] in ENGINES and not m.endswith(".docgen")
    ]
    seen: dict[str, str] = {}
    todo = [(m, m) for m in roots]
    while todo:
        module, via = todo.pop()
        if module in seen:
            continue
        seen[module] = via
        parts = module.split(".")
        todo += [(".".join(parts[:i]), via) for i in range(1, len(parts))]
        todo += [(m, f"{via} -> {m}") for m in _imported(module)]
    bad = sorted(seen[m] for m in seen if _left_out(m))
    assert not bad, f"an engine reaches code the digest leaves out: {bad}"
    assert not any(m.endswith(".docgen") for m in seen if m not in roots), (
        "an engine imports docgen"
    )


def test_the_scan_follows_imports_transitively_and_inside_functions() -> None:
    assert "detente.manifest" in _imported("detente.simulate.runner")
    assert "detente.api.numbers" in _imported("detente.api.simulation")  # inside a function
    assert _left_out("detente.api.numbers") and _left_out("detente.labels")
    assert not _left_out("detente.simulate.engine") and not _left_out("detente")


SCORER = r"""
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.repo_scripts import validation_score
score = validation_score()
sim = sys.modules["validation_simscore"]
sim.SIM_RUNS = 16
cases = Path({cases!r})
cache = sim.Cache(cases, cases.parent / "simulated.json", allow_run=True)
scores, _ = score.score_cases(cases, cache)
assert cache.ran >= 3, cache.ran
assert {{s.kind for s in scores}} >= score.KINDS | sim.SIM_KINDS, scores
from detente.core import sources
here = Path(sources.__file__).resolve().parents[1]
for name, module in sorted(sys.modules.items()):
    f = getattr(module, "__file__", None)
    if name.startswith("detente") and f and Path(f).resolve().is_relative_to(here):
        rel = Path(f).resolve().relative_to(here)
        if sources.is_front_door(rel):
            print(name)
"""


def test_the_scorer_loads_no_left_out_module(tmp_path: Path) -> None:
    """validation/score.py on a case with every check kind (the simulated ones through
    simscore, 16 runs) imports nothing the digest leaves out."""
    from tests.test_validation import CHECKS, _case

    _case(tmp_path, "border", {k: v for k, (v, _) in CHECKS.items()})
    code = SCORER.format(repo=str(REPO), cases=str(tmp_path / "cases"))
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [], f"the scorer loads left-out modules: {proc.stdout.split()}"


def test_the_scorer_records_what_the_front_door_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scorer calls the engine, not ``detente.simulate(...)``: the figures it keeps are the
    front door's all the same (the summary the user gets)."""
    from tests.repo_scripts import validation_score
    from tests.test_validation import _case

    import detente

    validation_score()
    sim = sys.modules["validation_simscore"]
    monkeypatch.setattr(sim, "SIM_RUNS", 24)
    _case(tmp_path, "border", {})
    got = sim.simulate(tmp_path / "cases", sim.Request("border", 52))
    front = detente.simulate(
        tmp_path / "cases" / "border" / "scenario.yaml", runs=24, seed=sim.sim_seed(), periods=52
    ).summary()
    assert got["p_agreement"] == front["p_agreement"]
    assert got["p_breakdown_1y"] == front["p_breakdown_1y"]
    keys = got["agreements"][0].keys()
    assert got["agreements"] == [{k: a.get(k) for k in keys} for a in front["agreements"]]
