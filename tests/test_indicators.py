"""The metric table: every series declared once, derived metrics and period summaries by their definition."""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.experiments.runner import replicate_engine
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario
from sdsim.simulation.indicators import (
    DEFAULT_METRICS,
    FAMILY,
    METRICS,
    SERIES,
    UNITS,
    derived,
    label,
    metric,
    metric_kind,
    metric_names,
    over_period,
    parts,
    unit,
    yearly,
)
from sdsim.simulation.schema import DOMAINS


def test_the_table_declares_exactly_the_series_monthly_indicators_writes():
    declared = {f"{m.name}.{x}" for m in FAMILY.values() for x in m.over} | {m.name for m in SERIES.values() if not m.num}
    assert set(metric_names()) == declared
    for m in METRICS:
        assert m.kind in ("stock", "flow", "ratio") and m.nl and m.en and m.unit in UNITS, m
        assert all(head in FAMILY for head in m.num + m.den), m
        assert (m.kind == "ratio") == bool(m.den), m


def test_default_metrics_follow_from_stored_stock_and_flow_series():
    written = set(metric_names())
    for name in DEFAULT_METRICS:
        assert label(name, "nl") and label(name, "en"), name
        assert set(parts((name,))) <= written and all(metric_kind(p) != "ratio" for p in parts((name,))), name
    assert label("spending.total") == "spending, total" and unit("waiting_time.access", "nl") == "weken"
    with pytest.raises(KeyError):
        metric("spending.nowhere")


def _toy(years: int = 2) -> dict[str, np.ndarray]:
    """Monthly series of two replicates: every stored series 1 per month, the jeugd access served 2 and waiting 6."""
    series = {name: np.ones((2, 12 * years)) for name in metric_names() if metric_kind(name) != "ratio"}
    series["access_served.jeugd"] = np.full((2, 12 * years), 2.0)
    series["access_wait_days.jeugd"] = np.full((2, 12 * years), 6.0)
    series["hidden_need.wmo"] = np.linspace(0, 1, 24 * years).reshape(2, 12 * years)
    return series


def test_derived_metrics_by_their_definition():
    per_year = yearly(_toy())
    n = len(DOMAINS)
    np.testing.assert_allclose(per_year["waiting_time.access.jeugd"], 3.0 / 7)  # member by member, days to weeks
    np.testing.assert_allclose(per_year["waiting_time.access"], (72 + 12 * (n - 1)) / (24 + 12 * (n - 1)) / 7)  # over all domains
    np.testing.assert_array_equal(per_year["escalations"], 2 * 12 * n)  # escalations and crises
    supported = len(FAMILY["clients"].over) + n
    in_need = supported + 4 * n + per_year["hidden_need.wmo"] - 1
    np.testing.assert_allclose(per_year["reach"], supported / in_need)
    assert set(derived(per_year)) == {m.name for m in METRICS if m.num and not m.over}


def test_over_period_by_kind():
    per_year = yearly(_toy())
    np.testing.assert_array_equal(over_period(per_year, "escalations", 2), per_year["escalations"].mean(axis=-1))  # per year
    np.testing.assert_array_equal(over_period(per_year, "escalations", 2, total=True), per_year["escalations"].sum(axis=-1))
    np.testing.assert_array_equal(over_period(per_year, "households.bijstand", 2, total=True), 1.0)  # a stock: the mean
    np.testing.assert_array_equal(over_period(per_year, "reach", 2), per_year["reach"].mean(axis=-1))  # ratio of stocks
    per_year["access_served.jeugd"][:, 1] = 0  # ratio of flows: the ratio of the period's sums, not the mean of the years
    per_year["access_wait_days.jeugd"][:, 1] = 0
    np.testing.assert_allclose(over_period(per_year, "waiting_time.access.jeugd", 2), 3.0 / 7)


def test_a_shared_start_with_other_providers_is_refused():
    """L8 changes the provider contracts: the baseline's households would point at providers that do not exist."""
    base, fewer = load_scenario(BASELINE), load_scenario(SCENARIO_DIR / "minder-aanbieders.toml")
    with pytest.raises(ValueError, match="changes the provider contracts"):
        replicate_engine(fewer.profile, fewer.params, 0, 0, 12, start=base)
