"""``analyze(..., packages=False)``: the what-if sliders' analysis without the package search.

Its document equals the full analysis's, zones and all, except the closed bundles' package
search (distance, cheapest package, blocking moves), for many random slider edits.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.bargaining.packages import SKIPPED_NOTE
from detente.scenario import Scenario, load_scenario
from detente.web.store import default_dir
from detente.web.whatif import apply_edits, knobs

PACKAGE_KEYS = ("distance", "distance_note", "cheapest_package", "blocking", "search")


def _scenario(sid: str) -> Scenario:
    return load_scenario(default_dir() / f"{sid}.yaml")


TEACHING = _scenario("teaching")
UKRAINE = _scenario("ukraine-2026-06")


def _ranges(s: Scenario) -> list[tuple[str, float, float]]:
    """Every slider with the values the format accepts (a red line keeps the ideal point)."""
    out = []
    for k in knobs(s):
        lo, hi = k.low, k.high
        if re.fullmatch(r"p\d+\.(lo|hi)", k.key):
            ideal = s.positions[int(k.key[1:].split(".")[0])].ideal
            lo, hi = (k.low, ideal) if k.key.endswith(".lo") else (ideal, k.high)
        out.append((k.key, lo, hi))
    return out


def _edits(s: Scenario) -> st.SearchStrategy[dict[str, str]]:
    one = st.sampled_from(_ranges(s)).flatmap(
        lambda r: st.tuples(st.just(r[0]), st.floats(r[1], r[2]).map(lambda v: f"{v:.4g}"))
    )
    return st.lists(one, min_size=1, max_size=3).map(dict)


def _split(doc: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The document without its closed bundles' package search, and that search."""
    rest = copy.deepcopy({k: v for k, v in doc.items() if k != "manifest"})
    searched = []
    for b in rest["bundles"]:
        searched.append({k: b.pop(k) for k in PACKAGE_KEYS})
    return rest, searched


def _check(s: Scenario, seed: int = 7) -> bool:
    """Zone-only equals full apart from the package search; True if a bundle was closed."""
    full = detente.analyze(s, seed=seed).to_dict()
    cheap = detente.analyze(s, seed=seed, packages=False).to_dict()
    rest_f, search_f = _split(full)
    rest_c, search_c = _split(cheap)
    assert rest_c == rest_f
    closed = False
    for b, f, c in zip(full["bundles"], search_f, search_c, strict=True):
        if c["search"]["method"] != "skipped":
            assert c == f  # open (or open on its issues): nothing to search
            assert f["distance_note"] in ("open", "open on its issues; closed by linkage")
        else:
            closed = True
            assert not b["zone_exists"] and f["distance_note"] not in ("open", "")
            assert c["search"]["method"] == "skipped" and c["distance"] is None
            assert c["cheapest_package"] is None and c["blocking"] == []
            assert c["distance_note"].startswith(SKIPPED_NOTE)
    assert cheap["manifest"]["parameters"]["packages"] is False
    assert "packages" not in full["manifest"]["parameters"]
    return closed


@settings(max_examples=30, deadline=None, derandomize=True)
@given(_edits(TEACHING))
def test_zone_only_equals_the_full_analysis_teaching(params: dict[str, str]) -> None:
    edited, _, problems = apply_edits(TEACHING, params)
    assert not problems
    _check(edited)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(_edits(UKRAINE))
def test_zone_only_equals_the_full_analysis_ukraine(params: dict[str, str]) -> None:
    edited, _, problems = apply_edits(UKRAINE, params)
    assert not problems
    _check(edited)


@pytest.mark.parametrize(
    ("sid", "params"),
    [("teaching", {"p0.lo": "70"}), ("ukraine-2026-06", {})],
)
def test_closed_bundles_skip_only_their_package_search(sid: str, params: dict[str, str]) -> None:
    edited, _, problems = apply_edits(_scenario(sid), params)
    assert not problems
    assert _check(edited)  # a closed bundle was compared
