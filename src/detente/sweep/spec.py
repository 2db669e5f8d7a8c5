"""Sweep files: which scenario(s), which uncertain inputs, which design, commands and outputs.

A sweep file is YAML (or JSON) validated like a scenario file: every problem is reported with
its file, line and column (the scenario loader's machinery). Paths to scenario values are
dotted, with list items picked by ``id`` (actors, issues, mechanisms, proposals …), by
``actor`` and ``issue`` (positions) and ``[n]`` for a position in a sequence::

    actors.UA.cost_of_fighting
    positions.RU.donetsk.acceptable[0]     # the latest-dated RU position on donetsk
    simulation.strategies.RU
    war.stalemate
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from detente.core import DEFAULT_SEED
from detente.errors import InputError
from detente.scenario.load import MAX_BYTES, Problem, ScenarioError

__all__ = [
    "Commands",
    "Design",
    "Discovery",
    "Input",
    "SimulateCommand",
    "SweepSpec",
    "load_sweep",
    "parse_sweep",
]

SWEEP_VERSION = 1
_PATH = re.compile(r"^[A-Za-z0-9_\-]+(\[\d+\])*(\.[A-Za-z0-9_\-]+(\[\d+\])*)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Input(_Strict):
    """One uncertain input: a scenario path with a range (continuous) or choices (discrete)."""

    path: str = Field(description="Dotted path of the value in the scenario.")
    label: str | None = Field(None, description="Readable name used in tables and rules.")
    range: tuple[float, float] | None = Field(None, description="[low, high] (continuous).")
    choices: tuple[bool | int | float | str, ...] | None = Field(
        None, description="Discrete values."
    )

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        if not _PATH.match(v):
            raise ValueError(f"not a dotted path like 'actors.UA.cost_of_fighting': {v!r}")
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> Input:
        if (self.range is None) == (self.choices is None):
            raise ValueError("give exactly one of `range: [low, high]` or `choices: [...]`")
        if self.range is not None:
            lo, hi = self.range
            if not (lo < hi) or any(x != x or abs(x) == float("inf") for x in self.range):
                raise ValueError(f"range must be finite with low < high, got [{lo}, {hi}]")
        if self.choices is not None:
            if len(self.choices) < 2:
                raise ValueError("choices needs at least two values")
            if len(set(map(repr, self.choices))) != len(self.choices):
                raise ValueError("choices must be distinct")
        return self

    @property
    def name(self) -> str:
        """The label, or the path when no label is given."""
        return self.label or self.path

    @property
    def discrete(self) -> bool:
        return self.choices is not None


class Design(_Strict):
    """The experimental design (samplers from SALib and scipy.stats.qmc)."""

    kind: Literal["sobol", "lhs", "factorial", "oat"] = Field(
        description="sobol (Saltelli/Jansen design for Sobol indices), lhs (Latin hypercube), "
        "factorial (full grid), oat (one at a time: the tornado)."
    )
    samples: int = Field(
        8,
        ge=1,
        le=1_000_000,
        description="sobol: base sample N (points = N·(D+2)); lhs: number of points.",
    )
    levels: int = Field(3, ge=2, le=101, description="factorial: levels per continuous input.")


class SimulateCommand(_Strict):
    runs: int = Field(200, ge=1, le=1_000_000)
    periods: int = Field(104, ge=1, le=100_000)
    until: Literal["horizon", "settlement"] = Field(
        "horizon",
        description="horizon: every run to the last period (the default); settlement: each run "
        "stops when it signs its full settlement (detente.simulate.engine.UNTIL): P(agreement), "
        "its interval, the time to agreement and the terms as by default; the outputs it does "
        "not simulate (breakdown, costs, partial bundles) are refused in `outputs`.",
    )


class Commands(_Strict):
    """What runs at each point: the bargaining analysis and/or the simulation."""

    analyze: dict[str, Any] | None = Field(None, description="Run the analysis ({} = defaults).")
    simulate: SimulateCommand | None = None

    @field_validator("analyze")
    @classmethod
    def _analyze(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v:
            raise ValueError("analyze takes no options yet; write `analyze: {}`")
        return v

    @model_validator(mode="after")
    def _some(self) -> Commands:
        if self.analyze is None and self.simulate is None:
            raise ValueError("name at least one command: `analyze: {}` or `simulate: {...}`")
        return self


class Discovery(_Strict):
    """Scenario discovery target: points where ``output`` is above (or below) a threshold."""

    output: str
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Discovery:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of `above:` or `below:`")
        return self


class SweepSpec(_Strict):
    """A sweep file."""

    sweep_version: Literal[1]
    name: str = "sweep"
    scenarios: tuple[str, ...] = Field(
        min_length=1, description="Scenario files, relative to the sweep file."
    )
    inputs: tuple[Input, ...] = Field(min_length=1)
    design: Design
    commands: Commands
    outputs: tuple[str, ...] = Field(min_length=1, description="Outputs to keep (names).")
    discovery: tuple[Discovery, ...] = ()
    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63)
    random_numbers: Literal["common", "independent"] = Field(
        "common",
        description="common: every point simulates with the same seed (common random numbers, "
        "less noise in comparisons); independent: one named child seed per point.",
    )

    @model_validator(mode="after")
    def _unique(self) -> SweepSpec:
        paths = [i.path for i in self.inputs]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(f"input paths repeated: {', '.join(dup)}")
        names = [i.name for i in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError("input labels must be distinct")
        if self.design.kind == "factorial":
            n = 1
            for i in self.inputs:
                n *= len(i.choices) if i.choices is not None else self.design.levels
            if len(self.scenarios) > 1:
                n *= len(self.scenarios)
            if n > 1_000_000:
                raise ValueError(f"factorial design has {n:,} points; the limit is 1,000,000")
        return self


def parse_sweep(text: str, *, name: str = "<string>") -> tuple[SweepSpec, Any]:
    """Validate sweep text; return the spec and the YAML tree (for locating later problems)."""
    from detente.scenario.load import _from_pydantic, _parse_yaml, _plain, _pos

    if not text.strip():
        raise ScenarioError([Problem(name, 0, 0, "", "file is empty; expected a sweep")])
    tree = _parse_yaml(text, name)
    if not isinstance(tree, dict):
        line, col = _pos(tree) if tree is not None else (0, 0)
        raise ScenarioError([Problem(name, line, col, "", "expected a mapping at the top level")])
    if "sweep_version" not in tree:
        raise ScenarioError(
            [Problem(name, 1, 1, "sweep_version", "missing; add `sweep_version: 1`")]
        )
    try:
        spec = SweepSpec.model_validate(_plain(tree))
    except ValidationError as exc:
        raise ScenarioError(_from_pydantic(exc, tree, name)) from None
    return spec, tree


def load_sweep(path: str | Path) -> tuple[SweepSpec, Any]:
    """Read and validate a sweep file (see :func:`parse_sweep`)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: sweep file not found")
    data = p.read_bytes()
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save as UTF-8") from None
    return parse_sweep(text, name=str(path))


def located(tree: Any, name: str, loc: Sequence[Any], message: str) -> ScenarioError:
    """A :class:`ScenarioError` at ``loc`` (a path in the sweep file's tree)."""
    from detente.scenario.load import _fmt_path, _resolve

    line, col, real, _ = _resolve(tree, list(loc))
    return ScenarioError([Problem(name, line, col, _fmt_path(real), message)])
