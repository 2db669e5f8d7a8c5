"""Every file detente writes goes through here (front-door layer; engines never import it).

One place to decide how outputs are written: text is written atomically (a temporary file in the
same directory, then ``os.replace``), so an interrupted command never leaves half a file, and a
write that would replace one of the command's own inputs is refused (``protect``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.manifest import to_json

__all__ = [
    "ensure_dir",
    "prepare_output_dir",
    "protect",
    "require_own_files",
    "write_bytes",
    "write_json",
    "write_parquet",
    "write_text",
]


def protect(out: Path | str, inputs: Iterable[Path | str]) -> None:
    """Refuse (InputError) to write ``out`` when it is one of ``inputs``."""
    target = Path(out).resolve()
    for p in inputs:
        if Path(p).resolve() == target:
            raise InputError(f"{out}: refusing to overwrite an input of this command")


def ensure_dir(path: Path | str) -> Path:
    """Create the output directory ``path`` (and parents) if needed; return it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{p}: cannot create the output directory ({err.strerror})") from None
    return p


def prepare_output_dir(
    path: Path | str,
    owned: str,
    *,
    overwrite: bool = False,
    inputs: Iterable[Path | str] = (),
    command: str | None = None,
) -> Path:
    """Make ``path`` ready to receive a command's output folder; return it.

    A missing or empty folder is created or used as it is. A folder that already holds files is
    refused (InputError) unless ``overwrite`` is set; even then, every file in it must be one
    this kind of output writes (its name matches the regular expression ``owned``) or a
    temporary file of :func:`write_bytes`, and those are removed first, so the folder never
    mixes an earlier run's files with the new one's. Files detente did not write, subfolders
    and ``inputs`` of the command are never removed: their presence is an error. With
    ``command``, a ``manifest.json`` in the folder must be a detente manifest of that command.
    """
    p = Path(path)
    for src in inputs:
        src_path = Path(src).resolve()
        if src_path == p.resolve() or p.resolve() in src_path.parents:
            raise InputError(f"{p}: refusing to write output over or around an input ({src})")
    if p.exists() and not p.is_dir():
        raise InputError(f"{p}: exists and is not a directory")
    if not p.exists():
        return ensure_dir(p)
    present = sorted(p.iterdir())
    if not present:
        return p
    if not overwrite:
        raise InputError(
            f"{p}: output folder is not empty ({len(present)} entries); choose a new folder, "
            "or pass --overwrite to replace an earlier output of this command"
        )
    pattern = re.compile(owned)
    temp = re.compile(r"^\..+\.tmp$")
    foreign = [
        e.name
        for e in present
        if not e.is_file() or not (pattern.fullmatch(e.name) or temp.fullmatch(e.name))
    ]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise InputError(
            f"{p}: refusing to overwrite: the folder holds entries this command did not write "
            f"({shown}); choose a new folder"
        )
    if command is not None and (p / "manifest.json").is_file():
        _require_manifest_of(p / "manifest.json", command)
    for e in present:
        try:
            e.unlink()
        except OSError as err:
            raise InputError(f"{e}: cannot remove ({err.strerror})") from None
    return p


def require_own_files(
    directory: Path | str, names: Iterable[str], command: str, inputs: Iterable[Path | str] = ()
) -> None:
    """Refuse (InputError) to write ``names`` into ``directory`` when one of them exists and
    the folder's ``manifest.json`` is not a manifest of ``command`` (files detente did not
    write), or when one of them is an input of the command. An earlier output of the same
    command is replaced."""
    d = Path(directory)
    targets = [d / n for n in names]
    for t in targets:
        protect(t, inputs)
    if d.is_dir() and any(t.exists() for t in targets):
        _require_manifest_of(d / "manifest.json", command)


def _require_manifest_of(path: Path, command: str) -> None:
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("command") != command:
        raise InputError(
            f"{path}: refusing to overwrite: not a manifest written by `detente {command}`; "
            "choose a new folder"
        )


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    p = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    except OSError as err:
        raise InputError(f"{p}: cannot write ({err.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, p)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{p}: cannot write ({err.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_text(path: Path | str, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; return the path."""
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: Path | str, document: Any) -> Path:
    """Write ``document`` as detente's stable JSON (:func:`detente.manifest.to_json`)."""
    return write_text(path, to_json(document) + "\n")


def write_parquet(path: Path | str, table: Any) -> Path:
    """Write an Arrow ``table`` to ``path`` as Parquet, atomically; return the path."""
    import io

    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf)
    return write_bytes(path, buf.getvalue())
