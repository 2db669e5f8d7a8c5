"""Property tests on the measures and the count model (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.monitor.claims import Claim, ClaimParams, check_claim, compare_rates, decide
from detente.monitor.measures import dyad_measures
from detente.monitor.store import EventStore

from .conftest import gdelt_row, write

counts = st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=60)


@given(counts, counts)
def test_rate_ratio_interval_contains_estimate(base: list[int], post: list[int]) -> None:
    c = compare_rates(base, post)
    assert c.dispersion >= 1.0
    assert 0 < c.ci_low <= c.rate_ratio <= c.ci_high
    assert c.baseline_total >= 0 and c.post_total >= 0


@given(counts, counts, st.integers(min_value=2, max_value=10))
def test_scaling_counts_scales_rates_not_ratio(base: list[int], post: list[int], k: int) -> None:
    a = compare_rates(base, post)
    b = compare_rates([k * x for x in base], [k * x for x in post])
    assert b.baseline_rate == pytest.approx(k * a.baseline_rate)
    assert b.post_rate == pytest.approx(k * a.post_rate)
    if a.baseline_total > 0 and a.post_total > 0:
        # continuity correction aside, the ratio is scale-free
        raw = a.post_rate / a.baseline_rate
        assert b.rate_ratio == pytest.approx(
            raw, rel=0.5 / min(a.post_total, a.baseline_total) + 1e-9
        )


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=5, max_size=40))
def test_identical_windows_never_broken_or_kept_for_maintain(x: list[int]) -> None:
    c = compare_rates(x, x)
    assert math.isclose(c.rate_ratio, 1.0)
    assert decide("maintain", c, 1.0, ClaimParams()) != "broken"
    assert decide("cease", c, 0.1, ClaimParams()) != "kept"


def test_rejects_empty_windows() -> None:
    with pytest.raises(InputError):
        compare_rates([], [1.0])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 59),
            st.sampled_from(["190", "036", "057", "120"]),
            st.sampled_from(["RUS", "UKR"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_window_sums_add_up(
    tmp_path_factory: pytest.TempPathFactory, events: list[tuple[int, str, str]]
) -> None:
    tmp: Path = tmp_path_factory.mktemp("m")
    day0 = dt.date(2020, 1, 6)  # a Monday
    lines = [
        gdelt_row(
            2,
            i + 1,
            date=(day0 + dt.timedelta(days=d)).strftime("%Y%m%d"),
            code=code,
            a1=a1,
            a2="UKR" if a1 == "RUS" else "RUS",
        )
        for i, (d, code, a1) in enumerate(events)
    ]
    with EventStore(tmp / "s.duckdb") as store:
        rep = store.ingest(write(tmp / "e.export.CSV", lines))
        assert rep.balanced and rep.rows_loaded == len(events)
        total = {"day": 0.0, "week": 0.0, "month": 0.0}
        for window in total:
            recs = dyad_measures(store, window=window)
            for r in recs:
                for k in ("vcoop_n", "mcoop_n", "vconf_n", "mconf_n"):
                    assert r[k] >= 0
                total[window] += r["vcoop_n"] + r["mcoop_n"] + r["vconf_n"] + r["mconf_n"]
        assert total["day"] == total["week"] == total["month"] == len(events)
        daily = store.daily(
            start=day0, end=day0 + dt.timedelta(days=60), event_class="verbal_cooperation"
        )
        assert sum(daily) == sum(1 for _, c, _ in events if c in ("036", "057"))


def test_say_do_gap(store: EventStore, tmp_path: Path) -> None:
    lines = [
        gdelt_row(2, 1, code="057", date="20200106"),  # sign agreement, +8.0
        gdelt_row(2, 2, code="190", date="20200107"),
    ]  # fight, -10.0
    store.ingest(write(tmp_path / "e.export.CSV", lines))
    (rec,) = dyad_measures(store, window="week", by_region=False)
    assert rec["actor1"] == "RU" and rec["actor2"] == "UA"
    assert rec["say_do_gap"] == pytest.approx(18.0)
    assert rec["vcoop_g"] == pytest.approx(8.0) and rec["mconf_g"] == pytest.approx(-10.0)
    with pytest.raises(InputError):
        dyad_measures(store, window="fortnight")


def test_claim_on_synthetic_counts(store: EventStore, tmp_path: Path) -> None:
    """A monitor's daily violation counts: 100/day before, 2/day after -> kept; 90 -> broken."""
    start = dt.date(2020, 7, 27)
    rows = ["date,actor,region,indicator,value,source"]
    for i in range(-90, 28):
        d = start + dt.timedelta(days=i)
        rows.append(f"{d},RU,Donetsk oblast,ceasefire_violations,{100 if i < 0 else 2},SMM")
    store.ingest(write(tmp_path / "c.csv", rows))
    kept = check_claim(store, Claim("RU", start, "cease", "Donetsk"))
    assert kept.outcome == "kept" and kept.measure == "events"
    broken = check_claim(store, Claim("RU", start, "decrease", "Donetsk", size=0.99))
    assert broken.outcome == "broken"
    other = check_claim(store, Claim("RU", start, "complete", "Donetsk"))
    assert other.outcome == "inconclusive" and other.comparison is None
