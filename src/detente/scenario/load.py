"""Loading scenario files (YAML, or JSON) into a validated :class:`Scenario`.

Every problem is reported with file, line, column, field path and what was expected, and all
problems are reported at once. YAML is parsed with ruamel.yaml's round-trip parser, which keeps
each node's position; no tag is ever constructed into an object (safe loading): a file with any
explicit tag (``!!python/object`` …) is rejected.

Loading is linear in the size of the file, whatever it holds:

- only a regular file is read (not a device such as ``/dev/zero``, a pipe or a socket), and at
  most :data:`MAX_BYTES` of it;
- nesting deeper than :data:`MAX_DEPTH` levels is refused where it happens (a scenario needs
  fewer than ten);
- aliases (``*name``) may repeat anchored content, but the whole document may grow by at most
  :data:`MAX_ALIAS_NODES` nodes through them: an "alias bomb" of a few lines that would expand
  to billions of nodes is refused at the alias that crosses the budget; an alias inside the
  node it names (a recursive structure) is refused;
- dates are read by the schema from their text, so an impossible date (``2024-02-30``) is a
  located error like any other.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import InputError
from detente.scenario.schema import SCHEMA_VERSION, Scenario
from detente.scenario.validate import (
    Finding,
    check_ceasefire_linkage,
    check_contradictions,
    check_linkage_veto,
    check_references,
    check_traceability,
)

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "Problem",
    "ScenarioError",
    "dump_scenario",
    "load_scenario",
    "locate_findings",
    "parse_scenario",
]

MAX_BYTES = 5_000_000
"""Largest scenario file accepted (bytes). Real scenarios are far smaller."""

MAX_DEPTH = 40
"""Deepest nesting of mappings and lists accepted (the scenario format needs fewer than ten)."""

MAX_ALIAS_NODES = 10_000
"""Most nodes that aliases may add to a document when expanded (each alias adds the size of
the node it names). Enough to reuse a block many times; far too few for an alias bomb."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file (line and column are 1-based; 0 = unknown)."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(InputError):
    """A scenario file could not be loaded; ``problems`` lists every located problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.problems[0].file}" if n else ""
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


def load_scenario(path: str | Path, *, strict: bool = False) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` listing all problems.

    ``strict`` also requires every object carrying numbers to cite a source or mark an
    assumption (the rule the shipped scenarios follow).
    """
    name = str(path)
    return parse_scenario(read_scenario_bytes(path), name=name, strict=strict)


def read_scenario_bytes(path: str | Path) -> bytes:
    """The bytes of a scenario file: a regular file of at most :data:`MAX_BYTES` (else
    :class:`ScenarioError`). Never reads more than the limit, never blocks on a pipe."""
    name = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(name, 0, 0, "", message)])

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise fail("is a directory, not a scenario file")
    if not stat.S_ISREG(st.st_mode):
        raise fail("is not a regular file (a device, pipe or socket); save the scenario to a file")
    if st.st_size > MAX_BYTES:
        raise fail(f"file is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise fail(f"file is more than {MAX_BYTES:,} bytes (the limit)")
    return data


def parse_scenario(data: bytes | str, *, name: str = "<string>", strict: bool = False) -> Scenario:
    """Validate scenario text (YAML or JSON); see :func:`load_scenario`."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ScenarioError(
                [Problem(name, 0, 0, "", f"input is {len(data):,} bytes; limit {MAX_BYTES:,}")]
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                [Problem(name, 0, 0, "", f"not UTF-8 text (byte {exc.start}); save as UTF-8")]
            ) from None
    else:
        text = data
    if not text.strip():
        raise ScenarioError([Problem(name, 0, 0, "", "file is empty; expected a scenario")])
    tree = _parse_yaml(text, name)
    if tree is None:
        raise ScenarioError([Problem(name, 0, 0, "", "file is empty (no YAML content)")])
    if not isinstance(tree, Mapping):
        line, col = _pos(tree)
        raise ScenarioError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"expected a mapping at the top level, got {_kind_of(tree)}",
                )
            ]
        )
    version = tree.get("schema_version")
    if version is None:
        raise ScenarioError(
            [
                Problem(
                    name, 1, 1, "schema_version", f"missing; add `schema_version: {SCHEMA_VERSION}`"
                )
            ]
        )
    if type(version) is not int or version != SCHEMA_VERSION:  # `true` is not version 1
        line, col = _key_pos(tree, "schema_version")
        raise ScenarioError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "schema_version",
                    f"unsupported version {version!r}; this detente reads schema_version "
                    f"{SCHEMA_VERSION}",
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(_plain(tree))
    except ValidationError as exc:
        raise ScenarioError(_from_pydantic(exc, tree, name)) from None
    findings = check_references(scenario) + check_contradictions(scenario)
    if strict:
        findings += (
            check_traceability(scenario)
            + check_linkage_veto(scenario)
            + check_ceasefire_linkage(scenario)
        )
    if findings:
        raise ScenarioError([_locate(f, tree, name) for f in findings])
    return scenario


def dump_scenario(scenario: Scenario, *, fmt: str = "yaml") -> str:
    """Serialise a scenario to YAML (or JSON) text that loads back to an equal scenario."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    if fmt == "json":
        from detente.manifest import to_json

        return to_json(data) + "\n"
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 100
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------- internals


class _Refused(Exception):
    """A document refused while composing or constructing it, at a position (0-based)."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line = int(getattr(mark, "line", -1)) + 1
        self.column = int(getattr(mark, "column", -1)) + 1
        self.message = message


@cache
def _loader_classes() -> tuple[Any, Any]:
    """ruamel composer and constructor classes that keep loading linear and located."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.events import AliasEvent
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    class BoundedComposer(Composer):
        """Refuses deep nesting and recursive aliases while composing; after composing,
        refuses a document whose aliases would expand it by more than the budget."""

        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.warn_double_anchors = False  # a reused anchor name is legal YAML
            self._depth = 0
            self._open: list[str] = []
            self._aliases: list[tuple[Any, Any]] = []  # (mark, node named) in document order

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent):
                if event.anchor in self._open:
                    raise _Refused(
                        event.start_mark,
                        f"alias *{event.anchor} lies inside the node it names (a recursive "
                        "structure, which has no end)",
                    )
                node = super().compose_node(parent, index)
                self._aliases.append((event.start_mark, node))
                return node
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark,
                    f"nested more than {MAX_DEPTH} levels deep (the scenario format needs "
                    "fewer than ten)",
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                self._open.append(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
                if anchor is not None:
                    self._open.pop()

        def get_single_node(self) -> Any:
            node = super().get_single_node()
            if node is not None and self._aliases:
                _check_expansion(node, self._aliases, MappingNode, SequenceNode)
            return node

    class TextDatesConstructor(RoundTripConstructor):
        """Dates stay text (the schema parses them, with located errors); a value that
        cannot be constructed (an integer of 5,000 digits …) is refused at its position."""

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, OverflowError, TypeError) as exc:
                raise _Refused(node.start_mark, f"cannot read this value: {exc}") from None

        def construct_mapping(self, node: Any, *args: Any, **kwargs: Any) -> Any:
            for key_node, _ in node.value:  # `? [a, b]` or `? {a: 1}`: a key that is no name
                if isinstance(key_node, MappingNode | SequenceNode):
                    raise _Refused(
                        key_node.start_mark,
                        "a key must be a name or a number, not a mapping or a list "
                        "(a YAML complex key `? ...`)",
                    )
            return super().construct_mapping(node, *args, **kwargs)

    TextDatesConstructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda self, node: str(node.value)
    )
    return BoundedComposer, TextDatesConstructor


def _check_expansion(
    root: Any, aliases: list[tuple[Any, Any]], mapping: Any, sequence: Any
) -> None:
    """Refuse when aliases would expand the document by more than MAX_ALIAS_NODES nodes.

    Sizes are counted over the node graph (each node once), so the check is linear in the
    file even when the expansion is astronomically large; sizes saturate at ``cap``.
    """
    cap = 1 << 62
    size: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size and not done:
            continue
        if isinstance(node, mapping):
            children = [c for pair in node.value for c in pair]
        elif isinstance(node, sequence):
            children = list(node.value)
        else:
            children = []
        if done:
            size[key] = min(cap, 1 + sum(size[id(c)] for c in children))
            continue
        size[key] = -1  # in progress (a cycle cannot occur: recursive aliases are refused)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    added = size[id(root)] - len(size)
    if added <= MAX_ALIAS_NODES:
        return
    running = 0
    where = aliases[-1][0]
    for mark, node in aliases:
        running += size.get(id(node), 1)
        if running > MAX_ALIAS_NODES:
            where = mark
            break
    shown = f"{added:,}" if added < cap // 2 else "an astronomical number of"
    raise _Refused(
        where,
        f"aliases would expand the document by {shown} nodes, more than the limit of "
        f"{MAX_ALIAS_NODES:,} (an alias bomb?); write the repeated content out or reuse less",
    )


def _parse_yaml(text: str, name: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer, yaml.Constructor = _loader_classes()
    try:
        tree = yaml.load(text)
    except _Refused as exc:
        line, col = (exc.line, exc.column) if exc.line > 0 else (0, 0)
        raise ScenarioError([Problem(name, line, col, "", exc.message)]) from None
    except RecursionError:  # pragma: no cover - nesting is bounded above; kept as a guard
        raise ScenarioError([Problem(name, 0, 0, "", "structure too deeply nested")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError(
            [Problem(name, line, col, "", f"not valid YAML/JSON: {what or exc}")]
        ) from None
    except YAMLError as exc:
        position = getattr(exc, "position", None)
        line, col = (0, 0)
        if isinstance(position, int):
            before = text[:position]
            line, col = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        character = getattr(exc, "character", None)
        if isinstance(character, str):
            reason = f"{reason} (character U+{ord(character):04X})"
        raise ScenarioError(
            [Problem(name, line, col, "", f"not valid YAML/JSON: {reason}")]
        ) from None
    tagged = _find_tag(tree, ())
    if tagged is not None:
        path, node, tag = tagged
        line, col = _pos(node)
        if line == 0:  # a tagged scalar keeps no position: use its key's (or item's)
            line, col, _, _ = _resolve(tree, path)
        if line == 0:  # the document itself is the tagged scalar: it starts the file
            line, col = 1, 1
        raise ScenarioError(
            [Problem(name, line, col, _fmt_path(path), f"explicit YAML tag {tag!r} not allowed")]
        )
    return tree


def _find_tag(node: Any, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any, str] | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    if isinstance(value, str) and value and not value.startswith("tag:yaml.org,2002:"):
        return path, node, value
    if isinstance(value, str) and value.startswith("tag:yaml.org,2002:python"):
        return path, node, value
    if isinstance(node, Mapping):
        for k, v in node.items():
            found = _find_tag(v, (*path, k))
            if found:
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found = _find_tag(v, (*path, i))
            if found:
                return found
    elif value is not None and not isinstance(node, str | int | float | bool):
        return path, node, value
    return None


def _plain(node: Any) -> Any:
    """ruamel's round-trip containers and scalars → plain Python values."""
    if isinstance(node, Mapping):
        return {str(k) if not isinstance(k, int | float) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _pos(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and getattr(lc, "line", None) is not None:
        return int(lc.line) + 1, int(lc.col) + 1
    return 0, 0


def _key_pos(node: Any, key: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    try:
        line, col = lc.key(key)  # type: ignore[union-attr]
        return int(line) + 1, int(col) + 1
    except Exception:
        return _pos(node)


def _value_pos(node: Any, key: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    try:
        if isinstance(node, list):
            line, col = lc.item(key)  # type: ignore[union-attr]
        else:
            line, col = lc.value(key)  # type: ignore[union-attr]
        return int(line) + 1, int(col) + 1
    except Exception:
        return _pos(node)


def _resolve(tree: Any, loc: Sequence[Any]) -> tuple[int, int, list[Any], bool]:
    """Walk ``loc`` through the parsed tree; return the best position, real path, found?"""
    node = tree
    line, col = _pos(tree)
    real: list[Any] = []
    found = True
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            line, col = _key_pos(node, part)
            real.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line, col = _value_pos(node, part)
            real.append(part)
            node = node[part]
        elif isinstance(part, str) and not isinstance(node, Mapping | list):
            found = False
            break
        else:
            # union tags (`commitment`, `Evidence`, …) or a missing key: stay where we are
            if (
                isinstance(node, Mapping)
                and isinstance(part, str)
                and part[:1].islower()
                and part not in _TAGS
                and not part.startswith("function-")
            ):
                real.append(part)
                found = False
            continue
    return line, col, real, found


_TAGS = {"claim", "commitment", "observation", "event"}


def _fmt_path(path: Sequence[Any]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _union_branch(loc: Sequence[Any]) -> int | None:
    """Index of a union-branch tag (a model class name such as ``Evidence``) in ``loc``."""
    for k, part in enumerate(loc):
        if isinstance(part, str) and (part[:1].isupper() or part.startswith("function-")):
            return k
    return None


def _collapse_unions(errors: list[Any]) -> list[Any]:
    """Keep, for each failed union, only the branch the user evidently meant.

    pydantic reports every branch of a failed union (``Evidence`` and ``ExpectedTrust``); the
    meant branch is the one whose keys fit best: the fewest missing or unknown fields.
    """
    groups: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
    for err in errors:
        k = _union_branch(err["loc"])
        if k is not None:
            groups.setdefault(tuple(err["loc"][:k]), {}).setdefault(err["loc"][k], []).append(err)
    drop: set[int] = set()
    for branches in groups.values():
        if len(branches) < 2:
            continue

        def misfit(errs: list[Any]) -> tuple[int, int]:
            structural = sum(e["type"] in {"missing", "extra_forbidden"} for e in errs)
            return structural, len(errs)

        best = min(branches, key=lambda b: misfit(branches[b]))
        for b, errs in branches.items():
            if b != best:
                drop.update(id(e) for e in errs)
    return [e for e in errors if id(e) not in drop]


def _from_pydantic(exc: ValidationError, tree: Any, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in _collapse_unions(list(exc.errors(include_url=False))):
        loc = list(err["loc"])
        line, col, real, _ = _resolve(tree, loc)
        path = _fmt_path(real)
        msg = _message(err, loc)
        key = (path, msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(name, line, col, path, msg))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _message(err: Mapping[str, Any], loc: Sequence[Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        names = sorted(_field_names() - {key})
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field {key!r}{hint}"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    text = str(err["msg"])
    if text.startswith("Value error, "):
        text = text[len("Value error, ") :]
    if kind in {"tuple_type", "list_type"}:  # YAML's words, not Python's (q18)
        return f"expected a list (lines '- item', or [a, b]), got {_kind_of(value)}"
    if kind in {"model_type", "dict_type"}:
        return f"expected a mapping of fields (lines 'field: value'), got {_kind_of(value)}"
    if kind.startswith("union_tag"):
        return f"{text}"
    return f"{text} (got {shown}){_closest_choice(err, value)}"


def _kind_of(value: Any) -> str:
    """What a YAML value is, in YAML's words, with the value when it is a scalar."""
    if value is None:
        return "nothing (null or an empty value)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    shown = repr(value)
    return f"{shown[:57]}..." if len(shown) > 60 else shown


def _closest_choice(err: Mapping[str, Any], value: Any) -> str:
    """For a value outside a closed vocabulary (an enum or literal field), the nearest
    allowed value as "; did you mean 'x'?" (empty when none is close)."""
    if err["type"] not in {"enum", "literal_error"} or not isinstance(value, str):
        return ""
    allowed = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if not close:
        lowered = {a.lower().replace("_", ""): a for a in allowed}
        hit = lowered.get(value.lower().replace("_", "").replace("-", ""))
        close = [hit] if hit else []
    return f"; did you mean {close[0]!r}?" if close else ""


@cache
def _field_names() -> frozenset[str]:
    names: set[str] = set()

    def visit(schema: Any) -> None:
        if isinstance(schema, dict):
            props = schema.get("properties")
            if isinstance(props, dict):
                names.update(props)
            for v in schema.values():
                visit(v)
        elif isinstance(schema, list):
            for v in schema:
                visit(v)

    visit(Scenario.model_json_schema())
    return frozenset(names)


def _locate(f: Finding, tree: Any, name: str) -> Problem:
    line, col, _, _ = _resolve(tree, f.path)
    path = _fmt_path(f.path)
    return Problem(name, line, col, path, f.message)


def locate_findings(path: str | Path, findings: Sequence[Finding]) -> ScenarioError:
    """A :class:`ScenarioError` placing each finding (for example those of a
    :class:`~detente.scenario.validate.NegotiationError`) at its file, line and column."""
    name = str(path)
    tree = _parse_yaml(read_scenario_bytes(path).decode("utf-8-sig"), name)
    return ScenarioError([_locate(f, tree, name) for f in findings])
