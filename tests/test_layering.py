"""The intended layering (docs/explanation/architecture.md), enforced on the import graph.

Engines (scenario, trust, bargaining, forecast, simulate, monitor, core) never import a front
door (cli, api, report, web), ``rich``, or the output/file helpers; progress is a callback and
executors are passed in. Every ``import`` statement counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"
ENGINES = ("scenario", "trust", "bargaining", "forecast", "simulate", "monitor", "core")
FORBIDDEN = (
    "detente.cli",
    "detente.api",
    "detente.report",
    "detente.web",
    "detente.outputs",
    "rich",
    "typer",
)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def _hits(name: str, banned: tuple[str, ...]) -> bool:
    return any(name == b or name.startswith(b + ".") for b in banned)


ENGINE_FILES = sorted(
    p for e in ENGINES for p in (SRC / e).rglob("*.py") if "scenarios" not in p.parts
)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=[str(p.relative_to(SRC)) for p in ENGINE_FILES])
def test_engines_import_no_front_door(path: Path) -> None:
    bad = [f"line {n}: {m}" for n, m in _imports(path) if _hits(m, FORBIDDEN)]
    assert not bad, f"{path.relative_to(SRC)} imports a front door or I/O helper: {bad}"


def test_the_report_and_the_front_door_never_import_the_cli() -> None:
    for part in ("report", "api"):
        for path in (SRC / part).rglob("*.py"):
            bad = [m for _, m in _imports(path) if _hits(m, ("detente.cli", "typer"))]
            assert not bad, f"{path.relative_to(SRC)} imports the CLI: {bad}"


def test_shared_modules_import_no_front_door() -> None:
    for name in ("errors.py", "manifest.py", "outputs.py", "generated.py"):
        bad = [m for _, m in _imports(SRC / name) if _hits(m, (*FORBIDDEN[:4], "rich"))]
        assert not bad, f"{name} imports a front door: {bad}"


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("def g():\n    from detente.cli.output import to_json\n", encoding="utf-8")
    assert _hits(_imports(f)[0][1], FORBIDDEN)
