"""Score the development set: run detente with one global parameter set on every case and
score each expectation written for it (pass / miss / not_yet_scorable).

    .venv/bin/python validation/score.py            # rewrite docs/validation.md
    .venv/bin/python validation/score.py --check    # exit 1 if docs/validation.md is stale
    .venv/bin/python validation/score.py --json     # scores as JSON on stdout
    .venv/bin/python validation/score.py --simulate # rerun every simulation, rewrite the cache
    .venv/bin/python validation/score.py --cases DIR --json   # score cases in another folder
    .venv/bin/python validation/score.py --cases us_cuba_2014,aceh_2005 --json  # some cases

The case format and the check vocabulary are in validation/README.md. A malformed check is an
error (exit status 2), never a silent miss. The simulation-scored kinds are scored by
``validation/simscore.py`` through ``detente.simulate``, from the cache
``validation/simulated.json`` (``--check`` never simulates: a stale cache fails the check).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "validation.md"


def _sibling(name: str) -> ModuleType:
    """Load ``validation/<name>.py`` (this folder is not a package)."""
    if f"validation_{name}" in sys.modules:
        return sys.modules[f"validation_{name}"]
    spec = importlib.util.spec_from_file_location(f"validation_{name}", HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"validation_{name}"] = module
    spec.loader.exec_module(module)
    return module


simscore = _sibling("simscore")
RESERVED_KINDS: set[str] = set()  # every kind of the vocabulary is scorable now
KINDS = {
    "zone",
    "bundle_zone",
    "proposal_accepted",
    "distance",
    "distance_order",
    "blocking",
    "red_line_crossed",
    "outcome_in_zone",
    "cheapest_package_uses",
}
# The negotiations reserved for the independent check are refused by keyword and year (this
# list names them only to keep them out; nothing about them is encoded here).
RESERVED = (
    ("camp david", "1978"),
    ("lahore", "1999"),
    ("intermediate-range", "1987"),
    ("inf treaty", "1987"),
    ("minsk ii", "2015"),
    ("minsk_ii", "2015"),
    ("korean armistice", "195"),
    ("panmunjom", "195"),
    ("paris peace accords", "1973"),
    ("paris_1973", "1973"),
)


class CheckError(Exception):
    """A malformed expectation (unknown kind, missing field, unknown id)."""


@dataclass
class Score:
    case: str
    category: str
    expectation: str
    kind: str
    status: str  # pass | miss | not_yet_scorable
    detail: str


def _yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _op(value: float, op: str, target: Any) -> bool:
    if op == "between":
        lo, hi = target
        return bool(lo <= value <= hi)
    ops = {
        "<": value < target,
        "<=": value <= target,
        ">": value > target,
        ">=": value >= target,
    }
    if op not in ops:
        raise CheckError(f"unknown op {op!r}")
    return bool(ops[op])


class CaseModel:
    """One case's scenario and analysis, with bundle results computed on demand."""

    def __init__(self, scenario: Any) -> None:
        from detente.bargaining.analysis import analyze
        from detente.bargaining.distrust import base_state

        self.scenario = scenario
        self.analysis = analyze(scenario, samples=200)
        self.problem = self.analysis.problem
        self.state_nd = base_state(self.problem, None)
        self._cache: dict[str, Any] = {}

    def agreement(self, spec: Any) -> Any:
        from detente.bargaining.bundles import agreement_from
        from detente.scenario.schema import Deferral

        p = self.problem
        if isinstance(spec, str):
            for r in self.analysis.bundles:
                if r.agreement.id == spec:
                    return r.agreement
            return None
        if not isinstance(spec, dict) or "issues" not in spec:
            raise CheckError(f"bundle must be an id or a mapping with issues, got {spec!r}")
        for iid in spec["issues"]:
            if iid not in p.issues:
                raise CheckError(f"unknown issue {iid!r} in inline bundle")
        defs = [Deferral.model_validate(d) for d in spec.get("deferrals", ())]
        return agreement_from(
            p, "inline", spec["issues"], ceasefire=bool(spec.get("ceasefire", False)),
            deferrals=defs,
        )  # fmt: skip

    def result(self, spec: Any, *, distrust: bool = True) -> Any:
        from detente.bargaining.packages import bundle_zone

        key = json.dumps([spec, distrust], sort_keys=True, default=str)
        if key not in self._cache:
            ag = self.agreement(spec)
            if ag is None:
                self._cache[key] = None
            else:
                a = self.analysis
                self._cache[key] = bundle_zone(
                    self.problem,
                    ag,
                    a.state if distrust else self.state_nd,
                    list(a.effects.values()),
                    a.payments,
                    fallback_gain=a.fallback_gain,
                    intervals=False,
                )
        return self._cache[key]


def _need(check: dict[str, Any], *fields: str) -> None:
    missing = [f for f in fields if f not in check]
    if missing:
        raise CheckError(f"missing field(s) {', '.join(missing)}")


def outcome_values(m: CaseModel, spec: Any, check: dict[str, Any]) -> dict[str, Any] | str:
    """The figures an ``outcome_in_zone`` check reads: the recorded outcome (settled issues;
    the others at the status quo), each actor's value of it (``v``, with the priced crossings
    ``extra`` when ``red_lines: priced``), the bundle's thresholds and veto parties, and the
    points by which each actor's stated red lines are crossed (``over``); or a note saying why
    the check is not yet scorable."""
    from detente.bargaining.bundles import settled_loss, value_model

    r = m.result(spec, distrust=check.get("distrust", True))
    if r is None:
        return f"bundle {spec!r} not declared"
    p, ag = m.problem, r.agreement
    outcome = {i.id: i.outcome for i in m.scenario.issues}
    missing = [iid for k, iid in enumerate(p.issues) if ag.settled[k] and outcome[iid] is None]
    if missing:
        return f"no recorded outcome for {', '.join(missing)}"
    x = np.array([outcome[i] if outcome[i] is not None else np.nan for i in p.issues], float)
    x = np.where(ag.settled, x, p.status_quo)
    over = np.maximum(p.lo - x, 0) + np.maximum(x - p.hi, 0)
    over = np.where(ag.settled[None, :], over, 0.0)
    priced = check.get("red_lines", "stated") == "priced"
    extra = (p.crossing * over / 100.0).sum(axis=1) if priced else np.zeros(p.n_actors)
    v = value_model(p, ag).value(settled_loss(p, ag, x) + extra)
    veto = r.veto if r.veto.size else p.veto  # the bundle's veto parties (issue-specific vetoes)
    return {"x": x, "over": over, "priced": priced, "extra": extra, "v": v,
            "thresholds": r.thresholds, "veto": veto}  # fmt: skip


def _outcome_inside(m: CaseModel, spec: Any, check: dict[str, Any]) -> tuple[str, str]:
    f = outcome_values(m, spec, check)
    if isinstance(f, str):
        return "not_yet_scorable", f
    veto = f["veto"]
    ok_u = bool(np.all(f["v"][veto] >= f["thresholds"][veto] - 1e-9))
    ok_r = f["priced"] or bool(np.all(f["over"][veto] <= 1e-9))
    inside = ok_u and ok_r
    return ("pass" if inside == check["inside"] else "miss"), f"outcome inside: {inside}"


def score_check(
    m: CaseModel, check: dict[str, Any], sim: tuple[Any, str] | None = None
) -> tuple[str, str]:
    """(status, detail) of one check on one case; ``sim`` is (simulation cache, case id), needed
    by the simulation-scored kinds."""
    kind = check.get("kind")
    if kind in RESERVED_KINDS:
        return "not_yet_scorable", f"{kind}: reserved for a later issue"
    if kind in simscore.SIM_KINDS:
        if sim is None:
            return "not_yet_scorable", f"{kind}: scored by the simulation (no cache given)"
        cache, case = sim
        status, detail = simscore.score_sim_check(cache, case, m.scenario, check, _op)
        return str(status), str(detail)  # simscore is loaded by path: typed Any to mypy
    if kind not in KINDS:
        raise CheckError(f"unknown kind {kind!r}")
    a = m.analysis
    if kind in ("zone", "bundle_zone"):
        _need(check, "exists")
        spec = "settlement" if kind == "zone" else check.get("bundle")
        if spec is None:
            raise CheckError("bundle_zone needs a bundle")
        r = m.result(spec, distrust=check.get("distrust", True))
        if r is None:
            return "not_yet_scorable", f"bundle {spec!r} not declared by the scenario"
        priced = check.get("red_lines", "stated") == "priced"
        got = r.priced_exists if priced else r.exists
        return ("pass" if got == check["exists"] else "miss"), f"zone exists: {got}"
    if kind == "proposal_accepted":
        _need(check, "proposal", "accepted")
        card = next((c for c in a.cards if c.id == check["proposal"]), None)
        if card is None:
            raise CheckError(f"unknown proposal {check['proposal']!r}")
        d = check.get("with_distrust", True)
        by = check.get("by")
        rows = [r for r in card.rows if (r.actor == by if by else r.veto)]
        if by and not rows:
            raise CheckError(f"unknown actor {by!r}")
        got = all(r.accept_distrust if d else r.accept for r in rows)
        return ("pass" if got == check["accepted"] else "miss"), f"accepted: {got}"
    if kind == "distance":
        _need(check, "bundle", "op", "value")
        r = m.result(check["bundle"])
        if r is None:
            return "not_yet_scorable", f"bundle {check['bundle']!r} not declared"
        if r.distance is None:
            return "miss", f"no package opens it ({r.distance_note})"
        ok = _op(r.distance, check["op"], check["value"])
        return ("pass" if ok else "miss"), f"distance {r.distance:.4f}"
    if kind == "distance_order":
        _need(check, "less")
        ds = []
        for spec in check["less"]:
            r = m.result(spec)
            if r is None:
                return "not_yet_scorable", f"bundle {spec!r} not declared"
            ds.append(np.inf if r.distance is None else r.distance)
        strict = check.get("strict", True)
        ok = all((x < y) if strict else (x <= y) for x, y in itertools.pairwise(ds))
        return ("pass" if ok else "miss"), "distances " + ", ".join(f"{d:.4f}" for d in ds)
    if kind == "blocking":
        _need(check, "bundle", "issue", "blocked")
        r = m.result(check["bundle"])
        if r is None:
            return "not_yet_scorable", f"bundle {check['bundle']!r} not declared"
        if check["issue"] not in m.problem.issues:
            raise CheckError(f"unknown issue {check['issue']!r}")
        issues = {mv.issue for mv in r.blocking} | {c.split(":")[0] for c in r.conflicts}
        got = (not r.exists) and check["issue"] in issues
        return ("pass" if got == check["blocked"] else "miss"), f"blocked by: {sorted(issues)}"
    if kind == "red_line_crossed":
        _need(check, "proposal", "actor", "issue", "crossed")
        card = next((c for c in a.cards if c.id == check["proposal"]), None)
        if card is None:
            raise CheckError(f"unknown proposal {check['proposal']!r}")
        row = next((r for r in card.rows if r.actor == check["actor"]), None)
        if row is None:
            raise CheckError(f"unknown actor {check['actor']!r}")
        got = check["issue"] in row.red_lines_broken
        return ("pass" if got == check["crossed"] else "miss"), f"crossed: {got}"
    if kind == "outcome_in_zone":
        _need(check, "inside")
        return _outcome_inside(m, check.get("bundle", "settlement"), check)
    _need(check, "bundle", "lever", "uses")
    r = m.result(check["bundle"])
    if r is None:
        return "not_yet_scorable", f"bundle {check['bundle']!r} not declared"
    if r.exists or not r.packages:
        got = False
    else:
        pk = r.packages[0]
        items = {
            "red_line": [mv.issue for mv in pk.moves],
            "payment": list(pk.payments),
            "mechanism": list(pk.mechanisms),
            "compensation": list(pk.compensation),
        }
        if check["lever"] not in items:
            raise CheckError(f"unknown lever {check['lever']!r}")
        used = items[check["lever"]]
        got = (check["id"] in used) if "id" in check else bool(used)
    return ("pass" if got == check["uses"] else "miss"), f"uses: {got}"


def _reserved(case_dir: Path, case: dict[str, Any]) -> bool:
    text = f"{case_dir.name} {case.get('name', '')} {case.get('period', '')}".lower()
    return any(k in text and y in text for k, y in RESERVED)


def score_cases(
    cases_dir: Path, cache: Any = None, only: set[str] | None = None
) -> tuple[list[Score], list[dict[str, Any]]]:
    """Scores of every expectation of every case in ``cases_dir``, and case summaries.

    ``cache`` is a :class:`simscore.Cache` (default: read ``simulated.json`` beside
    ``cases_dir`` and simulate what it lacks, without writing it). ``only``: score these
    cases (folder names) alone, without the cross-case orderings."""
    from detente.scenario import load_scenario

    if cache is None:
        cache = simscore.Cache(cases_dir, cases_dir.parent / "simulated.json", allow_run=True)
    scores: list[Score] = []
    summaries: list[dict[str, Any]] = []
    models: dict[str, CaseModel] = {}
    for case_dir in sorted(p for p in cases_dir.iterdir() if (p / "case.yaml").exists()):
        if only is not None and case_dir.name not in only:
            continue
        case = _yaml(case_dir / "case.yaml")
        if _reserved(case_dir, case):
            raise CheckError(f"{case_dir.name}: a negotiation reserved for the independent check")
        if case.get("id") != case_dir.name:
            raise CheckError(f"{case_dir.name}/case.yaml: id {case.get('id')!r} != folder name")
        m = CaseModel(load_scenario(case_dir / "scenario.yaml"))
        models[case_dir.name] = m
        summaries.append({"case": case_dir.name, "name": case.get("name", ""),
                          "category": case.get("category", "")})  # fmt: skip
        for e in case.get("expectations") or []:
            where = f"{case_dir.name}/case.yaml expectation {e.get('id')!r}"
            try:
                status, detail = score_check(m, dict(e["check"]), (cache, case_dir.name))
            except (CheckError, KeyError, TypeError, ValueError) as exc:
                raise CheckError(f"{where}: {exc}") from exc
            scores.append(Score(case_dir.name, case.get("category", ""), str(e.get("id")),
                                str(e["check"].get("kind")), status, detail))  # fmt: skip
    orderings = cases_dir.parent / "orderings.yaml"
    if orderings.exists() and _is_dev_set(cases_dir) and only is None:
        for e in (_yaml(orderings) or {}).get("orderings") or []:
            scores.append(_score_ordering(e, models, cache))
    return scores, summaries


def _score_ordering(e: dict[str, Any], models: dict[str, CaseModel], cache: Any) -> Score:
    check = e["check"]
    kind = check.get("kind")
    ident = str(e.get("id"))
    if kind in RESERVED_KINDS:
        return Score("(orderings)", "", ident, kind, "not_yet_scorable", "reserved kind")
    if kind in simscore.SIM_ORDER_KINDS:
        try:
            scenarios = {c: m.scenario for c, m in models.items()}
            status, detail = simscore.score_sim_ordering(cache, check, scenarios)
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckError(f"orderings.yaml {ident!r}: {exc}") from exc
        return Score("(orderings)", "", ident, kind, status, detail)
    if kind != "distance_order":
        raise CheckError(f"orderings.yaml {ident!r}: unknown kind {kind!r}")
    ds = []
    for item in check["less"]:
        m = models.get(item["case"])
        if m is None:
            return Score("(orderings)", "", ident, kind, "not_yet_scorable",
                         f"case {item['case']!r} not present")  # fmt: skip
        r = m.result(item.get("bundle", "settlement"))
        if r is None:
            return Score("(orderings)", "", ident, kind, "not_yet_scorable", "bundle missing")
        ds.append(np.inf if r.distance is None else r.distance)
    ok = all(x < y for x, y in itertools.pairwise(ds))
    return Score("(orderings)", "", ident, kind, "pass" if ok else "miss",
                 "distances " + ", ".join(f"{d:.4f}" for d in ds))  # fmt: skip


def render(scores: list[Score], summaries: list[dict[str, Any]]) -> str:
    from detente.bargaining.bundles import MIN_GAIN
    from detente.bargaining.packages import EXACT_LIMIT
    from detente.bargaining.redlines import (
        DEFAULT_CROSSING_COST,
        LEADER_RELIEF,
        RELIEF_HALF,
        RIPENESS_HALF,
    )

    passed = sum(s.status == "pass" for s in scores)
    missed = sum(s.status == "miss" for s in scores)
    pending = sum(s.status == "not_yet_scorable" for s in scores)
    head = (
        f"{passed} / {passed + missed} scorable expectations pass"
        if passed + missed
        else "no scorable expectation yet"
    )
    sim_kinds = simscore.SIM_KINDS | simscore.SIM_ORDER_KINDS
    parts = []
    for label, sel in (
        ("analysis", [s for s in scores if s.kind not in sim_kinds]),
        ("simulation", [s for s in scores if s.kind in sim_kinds]),
    ):
        p = sum(s.status == "pass" for s in sel)
        m = sum(s.status == "miss" for s in sel)
        u = sum(s.status == "not_yet_scorable" for s in sel)
        parts.append(f"{label} {p} / {p + m}" + (f", {u} not yet scorable" if u else ""))
    lines = [
        "# Validation: the development set",
        "",
        "<!-- GENERATED by validation/score.py - do not edit by hand -->",
        "",
        "Every case in `validation/cases/` is run with one global parameter set (below, never "
        "tuned per case) and each expectation written before the model was run is scored "
        "(`validation/README.md` gives the format). Misses are listed like passes.",
        "",
        f"**Score: {head}** ({len(summaries)} cases; {pending} "
        f"expectation{'' if pending == 1 else 's'} not yet scorable: a bundle the engine "
        "does not simulate yet, or format not yet used by the case). By kind of model: "
        f"{'; '.join(parts)}.",
        "",
        "Parameters: default red-line crossing cost "
        f"{DEFAULT_CROSSING_COST} per 100 points; ripeness half-cost {RIPENESS_HALF}; relief "
        f"half-cost {RELIEF_HALF}; new-leader relief {LEADER_RELIEF}; minimum gain of a "
        f"partial deal {MIN_GAIN}; exact package search up to {EXACT_LIMIT} items; compliance "
        "from the trust engine (kind military); zones with distrust unless a check says not.",
        "",
        "Simulation-scored kinds (`p_agreement`, `agreement_period`, `breakdown_1y` and their "
        f"orderings): `detente.simulate` with {simscore.SIM_RUNS} runs, seed "
        f"{simscore.sim_seed()}, a horizon of {simscore.SIM_HORIZON} weeks (the check's own "
        "`periods` for `p_agreement`), the engine's default parameters and each scenario's "
        "`simulation:` block as written; the rules (which bundle, pooled breakdown, no "
        "simulated agreement = miss) are in `validation/README.md`. Figures are cached in "
        "`validation/simulated.json`; `.venv/bin/python validation/score.py --simulate` "
        "recomputes them.",
        "",
    ]
    if summaries:
        lines += ["| case | name | category |", "|---|---|---|"]
        lines += [f"| {c['case']} | {c['name']} | {c['category']} |" for c in summaries]
        lines += [""]
    if scores:
        lines += ["| case | expectation | kind | result | detail |", "|---|---|---|---|---|"]
        lines += [
            f"| {s.case} | {s.expectation} | {s.kind} | {s.status} | {s.detail} |" for s in scores
        ]
    else:
        lines += ["No case has been added to `validation/cases/` yet."]
    return "\n".join(lines) + "\n"


def _is_dev_set(cases_dir: Path) -> bool:
    """Whether ``cases_dir`` is the development set's folder (however it is spelled)."""
    return cases_dir.resolve() == (HERE / "cases").resolve()


def _cases_option(parser: argparse.ArgumentParser, value: Path) -> tuple[Path, set[str] | None]:
    """``--cases``: a folder of cases, one case's folder, or case names of the development set
    (comma-separated): the folder to score and the cases kept (None: all). Anything else is a
    usage error (exit 2): it was read as a folder that does not exist and scored as no case at
    all, an empty result (``--cases us_cuba_2014 --json`` printed no score)."""
    if str(value) in ("", "."):
        parser.error("--cases: empty; give a folder of cases or case names")
    if value.is_dir():
        if (value / "case.yaml").is_file():  # one case's own folder
            return value.parent, {value.name}
        if not any(value.glob("*/case.yaml")):  # scored as no case: an empty result
            parser.error(f"--cases {value}: a folder holding no case (no */case.yaml)")
        return value, None
    names = [n.strip() for n in str(value).split(",") if n.strip()]
    dev = HERE / "cases"
    unknown = [n for n in names if not (dev / n / "case.yaml").is_file()]
    if not names or unknown:
        parser.error(
            f"--cases {value}: not a folder of cases, nor a case of the development set "
            f"({', '.join(unknown) or 'no name'} unknown; the cases are the folders of "
            f"{dev.relative_to(REPO)})"
        )
    return dev, set(names)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if docs/validation.md or the cache is stale (never simulates)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the scores as JSON (writes nothing)"
    )
    parser.add_argument(
        "--cases",
        type=Path,
        default=HERE / "cases",
        help="a folder of cases, one case's folder, or case names of the development set, "
        "comma-separated (with --json)",
    )
    parser.add_argument(
        "--simulate", action="store_true", help="rerun every simulation and rewrite the cache"
    )
    args = parser.parse_args(argv)
    cases, only = _cases_option(parser, args.cases)
    whole = _is_dev_set(cases) and only is None
    if args.check and args.simulate:
        parser.error("--check never simulates: run --simulate first, then --check")
    if not whole and not args.json:  # before any work: only the development set is written
        parser.error("only the development set's document is written or checked; use --json "
                     "with --cases")  # fmt: skip
    cache_path = cases.parent / "simulated.json"
    cache = simscore.Cache(cases, cache_path, allow_run=not args.check)
    if args.simulate:
        cache.entries = {}
    try:
        scores, summaries = score_cases(cases, cache, only)
    except CheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except simscore.Stale as exc:
        print(
            f"validation/simulated.json lacks or has a stale simulation ({exc}): run "
            "validation/score.py --simulate",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps({"scores": [s.__dict__ for s in scores], "cases": summaries,
                          "date": dt.date.today().isoformat()}, indent=1))  # fmt: skip
        return 0
    text = render(scores, summaries)
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/validation.md is out of date: run validation/score.py", file=sys.stderr)
            return 1
        if cache_path.exists() and cache_path.read_text(encoding="utf-8") != cache.document():
            print("validation/simulated.json holds unused simulations: run "
                  "validation/score.py --simulate", file=sys.stderr)  # fmt: skip
            return 1
        return 0
    cache_path.write_text(cache.document(), encoding="utf-8")
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO)} and {cache_path.relative_to(REPO)} "
          f"({cache.ran} simulations run)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
