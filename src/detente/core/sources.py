"""The engines' source code as one digest: what a cache of computed results is keyed on.

A cache of anything the engines compute (compiled kernels, the development set's simulated
figures) must go stale with any change to the code that computes it, even one meant to be
byte-identical. The digest covers every ``.py`` file of the installed ``detente`` package, path
and bytes in path order, except the front doors, which only present or write results.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["FRONT_DOORS", "engine_sources_sha256"]

FRONT_DOORS = frozenset({"cli", "web", "report", "sweep", "outputs.py"})
"""Sub-packages and modules of ``detente`` that cannot change a computed figure."""

_PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def engine_sources_sha256() -> str:
    """SHA-256 over the engines' sources (the module's notes); read once per process."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        rel = path.relative_to(_PACKAGE)
        if rel.parts[0] in FRONT_DOORS:
            continue
        h.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
