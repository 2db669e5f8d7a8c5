"""Package hygiene: the public API is pinned, entry points import, the core stays light."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import detente


def test_public_api_is_pinned() -> None:
    assert sorted(detente.__all__) == [
        "DEFAULT_SEED",
        "Scenario",
        "ScenarioError",
        "__version__",
        "analyze",
        "backtest",
        "forecast",
        "load_scenario",
        "monitor",
        "replay_trust",
        "report",
        "score_proposals",
        "simulate",
        "what_it_takes",
    ]
    for name in detente.__all__:
        assert hasattr(detente, name)
    for name in ("analyze", "simulate", "forecast", "report", "backtest", "monitor"):
        assert callable(getattr(detente, name)) or name == "monitor"
    store = detente.monitor.open_store("events.duckdb")
    for name in ("ingest", "measures", "flags", "verify"):
        assert callable(getattr(store, name))


def test_import_is_light() -> None:
    """``import detente`` loads no engine and no heavy library (the front door is lazy)."""
    import subprocess
    import sys

    heavy = ("detente", "numpy", "pandas", "pydantic")
    code = f"import sys, detente; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['detente']"


def test_every_console_script_imports() -> None:
    eps = [
        ep
        for ep in metadata.entry_points(group="console_scripts")
        if ep.value.startswith("detente")
    ]
    assert eps, "no console scripts registered"
    for ep in eps:
        assert callable(ep.load())


def test_every_registered_command_module_and_section_imports() -> None:
    import importlib

    from detente.cli.app import COMMAND_MODULES
    from detente.report.sections import SECTION_MODULES

    for name in COMMAND_MODULES:
        assert callable(importlib.import_module(name).register)
    for name in SECTION_MODULES:
        assert callable(importlib.import_module(name).build)


def test_import_has_no_heavy_side_effects() -> None:
    code = (
        "import sys, detente, detente.scenario;"
        "mods = ('altair', 'duckdb', 'pyarrow', 'vl_convert', 'scipy');"
        "heavy = [m for m in mods if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_code_directory_is_a_regular_package() -> None:
    """A folder of modules without __init__.py is left out of the wheel (namespaces = false)."""
    from pathlib import Path

    root = Path(detente.__file__).parent
    missing = [
        str(d.relative_to(root))
        for d in root.rglob("*")
        if d.is_dir()
        and d.name != "__pycache__"
        and "scenarios" not in d.relative_to(root).parts
        and any(d.glob("*.py"))
        and not (d / "__init__.py").is_file()
    ]
    assert not missing, missing
