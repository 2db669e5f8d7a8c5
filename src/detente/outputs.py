"""Every file detente writes goes through here (front-door layer; engines never import it).

One place to decide how outputs are written: text is written atomically (a temporary file in the
same directory, then ``os.replace``), so an interrupted command never leaves half a file, and a
write that would replace one of the command's own inputs is refused (``protect``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.manifest import to_json

__all__ = ["ensure_dir", "protect", "write_bytes", "write_json", "write_parquet", "write_text"]


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
