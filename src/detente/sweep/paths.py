"""Values at dotted paths in a scenario's plain data (read and replace, with sharing).

``actors.UA.cost_of_fighting`` picks the list item whose ``id`` is ``UA``;
``positions.RU.donetsk.acceptable[0]`` picks, among positions, those with ``actor`` RU and
``issue`` donetsk and, when several are dated, the latest-dated one (the position in force).
A replacement copies only the containers along the path, so a point's scenario shares all other
data with its base.
"""

from __future__ import annotations

import re
from typing import Any

from detente.errors import InputError

__all__ = ["get_value", "set_value", "split_path"]

_SEG = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_KEYS = ("id", "actor", "issue")


def split_path(path: str) -> list[str | int]:
    """``"a.b[0].c"`` → ``["a", "b", 0, "c"]``."""
    parts: list[str | int] = []
    for name in path.split("."):
        m = _SEG.fullmatch(name)
        if m is None:
            raise InputError(f"bad path segment {name!r} in {path!r}")
        parts.append(m.group(1))
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return parts


def _pick(
    items: list[Any] | tuple[Any, ...], parts: list[str | int], k: int, path: str
) -> tuple[int, int]:
    """Index of the list item addressed by ``parts[k:]``, and how many parts it consumed."""
    candidates = [i for i, it in enumerate(items) if isinstance(it, dict)]
    used = 0
    while k + used < len(parts) and isinstance(parts[k + used], str):
        seg = parts[k + used]
        narrowed = [i for i in candidates if any(items[i].get(key) == seg for key in _KEYS)]
        if not narrowed:
            break
        candidates, used = narrowed, used + 1
    if used == 0:
        shown = ".".join(str(p) for p in parts[:k])
        raise InputError(f"path {path!r}: no item of {shown!r} has id/actor/issue {parts[k]!r}")
    if len(candidates) > 1:
        dated = [i for i in candidates if items[i].get("date") is not None]
        if len(dated) == len(candidates):
            latest = max(str(items[i]["date"]) for i in dated)
            last = [i for i in dated if str(items[i]["date"]) == latest]
            if len(last) == 1:
                return last[0], used
        raise InputError(f"path {path!r} matches {len(candidates)} items; add a key to pick one")
    return candidates[0], used


def _walk(data: Any, path: str) -> list[tuple[Any, str | int]]:
    """The (container, key) pairs from the root to the addressed value."""
    parts = split_path(path)
    trail: list[tuple[Any, str | int]] = []
    node, k = data, 0
    while k < len(parts):
        part = parts[k]
        if node is None and isinstance(part, str) and trail:
            node = {}  # an unset optional section (e.g. `simulation:`): filled in by set_value
        if isinstance(node, dict):
            if isinstance(part, str) and part not in node and not node:
                trail.append((node, part))
                node, k = None, k + 1
                continue
            if not isinstance(part, str) or part not in node:
                where = ".".join(str(p) for p in parts[:k]) or "the scenario"
                raise InputError(f"path {path!r}: {where} has no field {part!r}")
            trail.append((node, part))
            node, k = node[part], k + 1
        elif isinstance(node, list | tuple):
            if isinstance(part, int):
                if not 0 <= part < len(node):
                    raise InputError(f"path {path!r}: index {part} out of range ({len(node)})")
                trail.append((node, part))
                node, k = node[part], k + 1
            else:
                idx, used = _pick(node, parts, k, path)
                trail.append((node, idx))
                node, k = node[idx], k + used
        else:
            raise InputError(f"path {path!r}: cannot go into a {type(node).__name__} value")
    if not trail:
        raise InputError(f"path {path!r} is empty")
    return trail


def get_value(data: Any, path: str) -> Any:
    """The value at ``path`` (an :class:`InputError` names what is missing)."""
    container, key = _walk(data, path)[-1]
    return container.get(key) if isinstance(container, dict) else container[key]


def set_value(data: Any, path: str, value: Any) -> Any:
    """A copy of ``data`` with ``path`` set to ``value``; only the path's containers are copied."""
    trail = _walk(data, path)
    new_child: Any = value
    for container, key in reversed(trail):
        copy: Any = dict(container) if isinstance(container, dict) else list(container)
        copy[key] = new_child
        new_child = tuple(copy) if isinstance(container, tuple) else copy
    return new_child
