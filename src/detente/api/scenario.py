"""Front door to the scenario format: ``check`` files and ``describe`` a scenario's parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import as_scenario
from detente.api.results import Result
from detente.errors import InputError, OptionValueError
from detente.manifest import build_manifest, json_ready, scenario_sha256

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = ["PARTS", "CheckResult", "ScenarioTables", "check", "describe"]

PARTS = ("actors", "issues", "positions", "trust", "proposals", "ledger")


@dataclass(frozen=True)
class CheckResult(Result):
    """One record per valid file, one per problem of an invalid file (``detente check``)."""

    errors: tuple[str, ...] = field(default=(), kw_only=True)
    title = "Scenario check"

    @property
    def ok(self) -> bool:
        """Are all files valid?"""
        return all(r["valid"] for r in self.document)

    def records(self) -> list[dict[str, Any]]:
        return list(self.document)


def check(files: str | Path | Sequence[str | Path], *, strict: bool = False) -> CheckResult:
    """Validate scenario files: located problems (file, line, column, field path, message).
    A valid file may be followed by notes (records with ``valid`` true and a message starting
    ``note:``, such as a bundle only signature-only tracks list): facts the author may not
    intend, never errors, not even with ``strict``."""
    from detente.scenario import ScenarioError, load_scenario
    from detente.scenario.load import locate_findings
    from detente.scenario.validate import track_notes

    paths = [files] if isinstance(files, str | Path) else list(files)
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for path in paths:
        try:
            s = load_scenario(path, strict=strict)
        except ScenarioError as exc:
            errors.append(str(exc))
            records += [
                {
                    "file": str(path),
                    "valid": False,
                    "line": p.line,
                    "column": p.column,
                    "path": p.path,
                    "message": p.message,
                }
                for p in exc.problems
            ]
            continue
        records.append(
            {
                "file": str(path),
                "valid": True,
                "line": None,
                "column": None,
                "path": None,
                "message": f"valid: {s.meta.name} ({len(s.actors)} actors, {len(s.issues)} issues, "
                f"{len(s.ledger)} ledger entries)",
            }
        )
        notes = track_notes(s)  # never errors, not even with strict
        if notes:
            records += [
                {
                    "file": str(path),
                    "valid": True,
                    "line": p.line,
                    "column": p.column,
                    "path": p.path,
                    "message": p.message,
                }
                for p in locate_findings(path, notes).problems
            ]
    manifest = build_manifest(command="check", parameters={"strict": strict})
    return CheckResult(json_ready(records), manifest, errors=tuple(errors))


@dataclass(frozen=True)
class ScenarioTables(Result):
    """A scenario's parts as tables (``detente show``): ``to_dict()`` has the scenario's
    name, date and one list of records per part."""

    parts: tuple[str, ...] = field(kw_only=True)
    title = "Scenario"

    def records(self) -> list[dict[str, Any]]:
        """The first part shown (one table per DataFrame)."""
        return list(self.document[self.parts[0]])

    def table(self, part: str) -> list[dict[str, Any]]:
        """The records of one part."""
        if part not in self.parts:
            raise InputError(f"part must be one of {', '.join(self.parts)}; got {part!r}")
        return list(self.document[part])


def describe(scenario: Scenario | str | Path, *, part: str | None = None) -> ScenarioTables:
    """Actors, issues, positions, trust priors, proposals and ledger as records (one part
    with ``part``)."""
    from detente.scenario import describe as d

    if part is not None and part not in PARTS:
        # a value the option cannot take: a usage error naming it (exit 2 on the command line)
        raise OptionValueError("part", "--part", f"must be one of {', '.join(PARTS)}; got {part!r}")
    s = as_scenario(scenario)
    makers = {
        "actors": d.actor_rows,
        "issues": d.issue_rows,
        "positions": d.position_rows,
        "trust": d.trust_rows,
        "proposals": d.proposal_rows,
        "ledger": d.ledger_rows,
    }
    chosen = (part,) if part else PARTS
    doc: dict[str, Any] = {"scenario": s.meta.name, "as_of": s.meta.as_of.isoformat()}
    doc.update({k: makers[k](s) for k in chosen})
    manifest = build_manifest(
        command="show", scenario_hash=scenario_sha256(s), parameters={"part": part}
    )
    return ScenarioTables(json_ready(doc), manifest, parts=chosen)
