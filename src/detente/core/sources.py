"""The engines' source code as one digest: what a cache of computed results is keyed on.

A cache of anything the engines compute (compiled kernels, the development set's simulated
figures in ``validation/simulated.json``) must go stale with any change to the code that
computes it, even one meant to be byte-identical. The digest covers every ``.py`` file of the
installed ``detente`` package, path and bytes in path order, except the front doors, which
only take options, present or write results: the Python API (``api``, whose functions check
their options and call the engines), ``cli``, ``web``, ``report``, ``sweep``, the file writers
(``outputs.py``), the human labels (``labels.py``) and the generated-page helper
(``generated.py``). What stays in: the engines, ``core``, the package's ``__init__``, and the
shared modules the engines import (``errors.py``, ``manifest.py``).

Sound only while nothing that computes a cached figure reaches a front door:
``tests/core/test_sources.py`` checks that no engine module imports one (transitively, also
inside functions) and that ``validation/score.py``, which scores through the engines
(``detente.simulate.run_simulation``, not the front door ``detente.simulate(...)``), loads
none.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path, PurePath

__all__ = ["FRONT_DOORS", "engine_sources_sha256", "is_front_door", "sources_sha256"]

FRONT_DOORS = frozenset(
    {"api", "cli", "web", "report", "sweep", "outputs.py", "labels.py", "generated.py"}
)
"""Sub-packages and modules of ``detente`` that cannot change a cached figure (left out)."""

_PACKAGE = Path(__file__).resolve().parents[1]


def is_front_door(rel: PurePath) -> bool:
    """Whether the file at ``rel`` (relative to the package folder) is left out of the digest."""
    return rel.parts[0] in FRONT_DOORS


def sources_sha256(package: Path) -> str:
    """SHA-256 over the sources of the package folder ``package`` (the module's notes)."""
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if is_front_door(rel):
            continue
        h.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def engine_sources_sha256() -> str:
    """SHA-256 over the installed engines' sources; read once per process."""
    return sources_sha256(_PACKAGE)
