"""``validation/durability_why.py`` (helper v17a) decomposes a case's simulated one-year
breakdown with the scorer's own rules: its pooled figure is ``simscore.pooled_breakdown`` of
the bundles it lists, each bundle's factors multiply to its hazard ratio, the factor a check
needs is the one that puts ``1 − (1 − b)^f`` on the threshold, and a red line is crossed by
the runs' terms at the resolution the results report them."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    """``validation/durability_why.py``, loaded once (it imports ``simscore`` from beside it)."""
    key = "validation_durability_why"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "validation" / "durability_why.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("b", "op", "value", "direction"),
    [(0.343, "<", 0.2, "<="), (0.325, ">", 0.5, ">="), (0.1, ">=", 0.05, ">=")],
)
def test_needed_factor_puts_the_figure_on_the_threshold(
    b: float, op: str, value: float, direction: str
) -> None:
    need = _tool().needed_factor(b, op, value)
    assert need is not None and need["op"] == direction
    assert 1.0 - (1.0 - b) ** need["factor"] == pytest.approx(value, abs=1e-12)


def test_needed_factor_is_none_where_no_factor_exists() -> None:
    tool = _tool()
    assert tool.needed_factor(0.0, "<", 0.2) is None
    assert tool.needed_factor(0.3, "<", 1.0) is None
    assert tool.needed_factor(0.3, "==", 0.2) is None


def test_crossed_reads_terms_at_the_histogram_resolution() -> None:
    """Quantiles 30.005–30.095 are the bin [30, 30.1): a deal at the red line keeps it."""
    crossed = _tool().crossed
    assert crossed(0.0, 30.0, 30.005, 30.095) == "none"
    assert crossed(0.0, 29.9, 30.005, 30.095) == "all"
    assert crossed(75.0, 100.0, 75.005, 75.095) == "none"
    assert crossed(0.0, 50.0, 75.005, 75.095) == "all"
    assert crossed(0.0, 50.0, 10.1, 57.6) == "some"
    assert crossed(90.0, 100.0, 28.2, 45.1) == "all"


def test_red_lines_are_the_latest_stated_at_as_of() -> None:
    from detente.scenario import load_scenario

    tool = _tool()
    aceh = load_scenario(ROOT / "validation" / "cases" / "aceh_2005" / "scenario.yaml")
    assert tool.red_lines(aceh, "TNI") == {"security": (0.0, 50.0), "status": (0.0, 40.0)}
    assert tool.red_lines(aceh, "GAM") == {"status": (90.0, 100.0)}
    late = aceh.model_copy(
        update={"meta": aceh.meta.model_copy(update={"as_of": aceh.meta.as_of.replace(year=2004)})}
    )
    assert tool.red_lines(late, "TNI") == {}  # positions dated 2005-01-27: not yet stated


def test_decompose_uses_the_scorers_rules() -> None:
    """A short run (60 runs): the pooled figure is the scorer's, the factors multiply to each
    bundle's hazard ratio, and the check's needed factor is computed from the pooled figure."""
    tool = _tool()
    import simscore

    from detente.scenario import load_scenario
    from detente.simulate.durability_covariates import spoiler_factions

    row = tool.decompose("minsk_i_2014", runs=60)
    assert row["runs"] == 60 and row["periods"] == simscore.SIM_HORIZON
    pooled = simscore.pooled_breakdown({"agreements": row["bundles"]})
    assert row["pooled"] == pooled and pooled is not None
    for b in row["bundles"]:
        assert b["factor_product"] == pytest.approx(b["hazard_ratio"], rel=1e-9)
    (check,) = row["checks"]
    assert check["id"] == "breakdown_high" and check["value"] == pooled
    assert check["needs"]["factor"] == pytest.approx(math.log(0.5) / math.log(1.0 - pooled))
    scenario = load_scenario(ROOT / "validation" / "cases" / "minsk_i_2014" / "scenario.yaml")
    assert [s["faction"] for s in row["spoilers"]] == [f for f, *_ in spoiler_factions(scenario)]
    dnr = next(s for s in row["spoilers"] if s["faction"] == "DNR_LNR")
    assert dnr["red_lines"]["special_status"]["signed_terms_cross"] is True  # the protocol's 50
    ua = next(s for s in row["sides"] if s["actor"] == "UA")
    assert ua["red_lines"]["special_status"]["signed_terms_cross"] is False
