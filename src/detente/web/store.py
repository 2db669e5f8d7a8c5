"""Where the workspace gets scenarios: a served directory (by id) and uploads (by content hash).

No request ever names a file path: ids are looked up in a catalogue built from the directory
listing. Parsed scenarios and analyses live in one bounded LRU cache keyed by content hash,
the only state shared between requests (values are immutable results).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import detente
from detente.scenario import Scenario, parse_scenario
from detente.scenario.load import MAX_BYTES

__all__ = ["ID_PATTERN", "UPLOAD_PREFIX", "Entry", "LRUCache", "ScenarioStore", "default_dir"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
UPLOAD_PREFIX = "upload-"
SUFFIXES = (".yaml", ".yml", ".json")

T = TypeVar("T")


def default_dir() -> Path:
    """The scenarios shipped with detente."""
    return Path(detente.__file__).parent / "scenarios"


class LRUCache:
    """A thread-safe, bounded least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Any, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]  # type: ignore[no-any-return]
        value = make()
        self.put(key, value)
        return value

    def get(self, key: Any) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
            return self._data.get(key)

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


@dataclass(frozen=True)
class Entry:
    """A scenario the workspace can show: its id, content hash and parsed form."""

    id: str
    sha256: str
    scenario: Scenario
    text: bytes


_META_BLOCK = re.compile(r"^meta:[ \t]*\n((?:[ \t]+.*\n|[ \t]*\n)*)", re.M)


def _read_meta(path: Path) -> dict[str, Any] | str:
    """Name, date and description from a scenario file's top-level ``meta`` block (a YAML
    block mapping; JSON or flow style falls back to loading the whole file), or why not."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        if path.stat().st_size > MAX_BYTES:
            return f"file is larger than {MAX_BYTES:,} bytes"
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read: {exc}"
    block = _META_BLOCK.search(text)
    try:
        if block is not None:
            meta = (YAML(typ="safe").load("meta:\n" + block.group(1)) or {}).get("meta")
        else:
            meta = parse_scenario(text, name=path.name).meta.model_dump(mode="json")
    except YAMLError as exc:
        return f"{path.name}: not valid YAML ({exc.__class__.__name__})"
    except detente.ScenarioError as err:
        return str(err)
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        return f"{path.name}: meta.name is missing"
    return {
        "name": meta["name"],
        "as_of": str(meta.get("as_of", "")),
        "description": str(meta.get("description") or ""),
    }


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another worker meanwhile
        return 0.0


class ScenarioStore:
    """Scenarios by id: ``<stem>`` for files of the served directory, ``upload-<hash>`` for
    uploads (kept while they stay in the bounded cache)."""

    def __init__(
        self, directory: Path | None = None, *, cache_size: int = 64, shared: Path | None = None
    ) -> None:
        self.directory = (directory or default_dir()).resolve()
        self.cache = LRUCache(cache_size)
        self.cache_size = cache_size
        self.shared = shared
        """Uploads as files, for the other worker processes (``detente serve --workers``)."""
        if shared is not None:
            shared.mkdir(parents=True, exist_ok=True)

    def catalogue(self) -> dict[str, Path]:
        """Served scenario ids -> files (only regular files directly in the directory)."""
        out: dict[str, Path] = {}
        if not self.directory.is_dir():
            return out
        for p in sorted(self.directory.iterdir()):
            if p.suffix.lower() in SUFFIXES and p.is_file() and ID_PATTERN.match(p.stem):
                out.setdefault(p.stem, p)
        return out

    def listing(self) -> list[dict[str, Any]]:
        """Every served scenario with its name, date and description, read from its ``meta``
        block only (opening a scenario validates the whole file and shows located errors)."""
        rows: list[dict[str, Any]] = []
        for sid, path in self.catalogue().items():
            key = ("meta", str(path), path.stat().st_mtime_ns)
            meta = self.cache.get_or_make(key, functools.partial(_read_meta, path))
            if isinstance(meta, str):
                rows.append({"id": sid, "name": sid, "error": meta})
            else:
                rows.append({"id": sid, **meta})
        return rows

    def get(self, sid: str) -> Entry:
        """The scenario with this id; KeyError if there is none."""
        if not ID_PATTERN.match(sid):
            raise KeyError(sid)
        if sid.startswith(UPLOAD_PREFIX):
            entry = self.cache.get(("upload", sid))
            if entry is None:
                entry = self._shared_upload(sid)
            if entry is None:
                raise KeyError(sid)
            return entry  # type: ignore[no-any-return]
        path = self.catalogue().get(sid)
        if path is None:
            raise KeyError(sid)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        return self.cache.get_or_make(
            ("file", sid, digest),
            lambda: Entry(sid, digest, parse_scenario(data, name=path.name), data),
        )

    def add_upload(self, data: bytes, filename: str) -> Entry:
        """Parse an upload with the CLI's safe loader; raise ScenarioError (located) if bad."""
        scenario = parse_scenario(data, name=filename)
        digest = hashlib.sha256(data).hexdigest()
        entry = Entry(UPLOAD_PREFIX + digest[:16], digest, scenario, data)
        self.cache.put(("upload", entry.id), entry)
        if self.shared is not None:
            tmp = self.shared / f".{entry.id}.{threading.get_ident()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, self.shared / entry.id)
            kept = sorted(self.shared.glob(UPLOAD_PREFIX + "*"), key=_mtime)
            for old in kept[: max(len(kept) - self.cache_size, 0)]:
                old.unlink(missing_ok=True)  # as many as the cache holds, newest kept
        return entry

    def _shared_upload(self, sid: str) -> Entry | None:
        """An upload another worker stored in the shared directory (parsed again here)."""
        if self.shared is None:
            return None
        try:
            data = (self.shared / sid).read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if UPLOAD_PREFIX + digest[:16] != sid:
            return None
        entry = Entry(sid, digest, parse_scenario(data, name=sid), data)
        self.cache.put(("upload", sid), entry)
        return entry

    def analysis(self, entry: Entry, seed: int, key: Any = None) -> Any:
        """``detente.analyze`` of a scenario, cached by (content hash, seed, variant key)."""
        return self.cache.get_or_make(
            ("analyze", entry.sha256, seed, key),
            lambda: detente.analyze(entry.scenario, seed=seed),
        )

    def trust(self, entry: Entry) -> Any:
        """``detente.replay_trust`` of a scenario, cached by content hash."""
        return self.cache.get_or_make(
            ("trust", entry.sha256), lambda: detente.replay_trust(entry.scenario)
        )
