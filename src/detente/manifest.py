"""Provenance in one place: run manifests, the scenario hash, and the one JSON encoder.

Every result records a manifest (style guide §6): what produced it (package and library
versions), its inputs' hash, its seed, every option that changes it, and the time. The manifest
is plain data so it can be embedded in JSON output, report footers and Parquet metadata alike.
:func:`to_json` is the only JSON encoder of results in the package: the CLI prints with it, the
front door's ``to_dict`` documents round-trip through it, and files are written with it.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import hashlib
import json
import math
import os
import platform
from collections.abc import Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = ["build_manifest", "content_hash", "json_ready", "scenario_sha256", "to_json"]


def content_hash(data: bytes | str) -> str:
    """SHA-256 hex digest of ``data`` (text is encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def file_hash(path: str | os.PathLike[str]) -> tuple[int, str]:
    """``(size in bytes, SHA-256 hex digest)`` of the file at ``path``, read in chunks (memory
    does not grow with the file): :func:`content_hash` of its bytes."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
        return fh.tell(), digest


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of a scenario's canonical bytes: its validated content as compact JSON with
    sorted keys. Two files that load to the same scenario (comments, key order and layout
    aside) share the hash, and a scenario built in Python has one too."""
    data = scenario.model_dump(mode="json")
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return content_hash(text)


def _default(obj: object) -> object:
    if isinstance(obj, _dt.date | _dt.datetime):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return obj.tolist()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean(obj: Any) -> Any:
    """Replace non-finite floats by ``None`` so the output is strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def json_ready(document: Any) -> Any:
    """``document`` as plain JSON values (what :func:`to_json` prints, parsed back)."""
    return _clean(json.loads(json.dumps(document, default=_default)))


def to_json(document: Any) -> str:
    """Stable, strict JSON (UTF-8 text, two-space indent, no NaN): dates as ISO strings, enums
    as values, numpy values as numbers, non-finite floats as ``null``; key order kept."""
    return json.dumps(json_ready(document), indent=2, ensure_ascii=False)


@functools.cache
def _version(dist: str) -> str | None:
    """The installed version of ``dist`` (looked up once per process: the metadata search
    reads the installation's directories)."""
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
    The time stamp (``created``) is the only field that differs between two identical runs;
    byte-identity checks compare results, not manifests.
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
