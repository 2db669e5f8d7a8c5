"""Run manifests: what produced a result (inputs' hash, seed, versions, time).

Every command that computes something records one (style guide §6). The manifest is plain data
so it can be embedded in JSON output, report footers and Parquet metadata alike.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

__all__ = ["build_manifest", "content_hash"]


def content_hash(data: bytes | str) -> str:
    """SHA-256 hex digest of ``data`` (text is encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def build_manifest(
    *,
    command: str,
    scenario_hash: str | None = None,
    seed: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    now: _dt.datetime | None = None,
) -> dict[str, Any]:
    """A manifest record for one run.

    ``seed`` is the root entropy of the run's ``numpy.random.SeedSequence`` (or ``None`` for a
    deterministic computation). ``parameters`` holds every option that changes the result.
    The time stamp is the only field that differs between two identical runs; byte-identity
    checks compare results, not manifests.
    """
    from detente import __version__

    stamp = (now or _dt.datetime.now(_dt.UTC)).replace(microsecond=0).isoformat()
    return {
        "command": command,
        "detente": __version__,
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "platform": platform.platform(terse=True),
        "scenario_sha256": scenario_hash,
        "seed": seed,
        "parameters": dict(parameters or {}),
        "created": stamp,
    }
