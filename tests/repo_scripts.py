"""The repository's scripts that are not part of the package, loaded for the tests: the
reference snapshots' builder (``scenarios/build_reference.py``), the validation scorers
(``validation/dynamics.py``, ``validation/score.py``, the diagnostic tools through
:func:`validation_script`) and the NegMAS benchmark's workload
(``benchmarks/vs_negmas.py``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def build_reference() -> Any:
    """``scenarios/build_reference.py`` (imported from its folder, which holds its tables)."""
    sys.path.insert(0, str(ROOT / "scenarios"))
    try:
        import build_reference as br
    finally:
        sys.path.remove(str(ROOT / "scenarios"))
    return br


def validation_script(stem: str) -> ModuleType:
    """``validation/<stem>.py``, loaded once per session as ``validation_<stem>``."""
    name = f"validation_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "validation" / f"{stem}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def validation_dynamics() -> ModuleType:
    """``validation/dynamics.py``, loaded once per session as ``validation_dynamics``."""
    return validation_script("dynamics")


def validation_score() -> ModuleType:
    """``validation/score.py``, executed afresh on each call (registered once, as
    ``validation_score``, for the dataclasses it defines)."""
    spec = importlib.util.spec_from_file_location(
        "validation_score", ROOT / "validation" / "score.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("validation_score", module)
    spec.loader.exec_module(module)
    return module


def vs_negmas() -> ModuleType:
    """``benchmarks/vs_negmas.py`` (the NegMAS workload's scenarios), executed afresh."""
    spec = importlib.util.spec_from_file_location("vs_negmas", ROOT / "benchmarks" / "vs_negmas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
