"""Demography: one screened draw per household-month must give each person its own event rate."""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine

from tests.conftest import small_profile

RATES = {"child": 0.02, "young": 0.05, "adult": 0.01, "death": 0.03, "birth": 0.02}


def test_ageing_births_and_deaths_match_their_rates(baseline):
    """Observed one-month changes vs their expectation, summed over 24 months.

    Rates are raised so counts are large. Only households with someone under 75 are counted (an
    all-75+ household can empty and be replaced by newcomers). Each change is a sum of independent
    Bernoulli trials, so its variance is sum n p (1 - p); we allow 3 standard errors.
    """
    params = baseline.params.replace(
        {
            "demography.child_ages_out": RATES["child"],
            "demography.young_ages_out": RATES["young"],
            "demography.adult_ages_out": RATES["adult"],
            "demography.elderly_death": RATES["death"],
            "demography.birth": RATES["birth"],
        }
    )
    engine = Engine(small_profile(baseline.profile, 20_000), params, seed=8, horizon_months=24)
    hh = engine.households
    surplus = {"children": 0.0, "young": 0.0, "elderly": 0.0}
    variance = dict.fromkeys(surplus, 0.0)
    for _ in range(24):
        c, y, a, e = (x.astype(float) for x in (hh.children, hh.young, hh.adults, hh.elderly))
        keep = (c + y + a) > 0
        births = (((a + y) > 0) & (c < 4)).astype(float)
        trials = {  # group: [(persons at risk, probability, +1 in / -1 out)]
            "children": [(births, RATES["birth"], 1), (c, RATES["child"], -1)],
            "young": [(c, RATES["child"], 1), (y, RATES["young"], -1)],
            "elderly": [(a, RATES["adult"], 1), (e, RATES["death"], -1)],
        }
        before = {"children": c, "young": y, "elderly": e}
        engine.step()
        after = {"children": hh.children, "young": hh.young, "elderly": hh.elderly}
        for group, parts in trials.items():
            observed = (after[group].astype(float) - before[group])[keep].sum()
            surplus[group] += observed - sum(sign * n[keep].sum() * p for n, p, sign in parts)
            variance[group] += sum(n[keep].sum() * p * (1 - p) for n, p, _ in parts)
    for group, value in surplus.items():
        assert abs(value) <= 3 * np.sqrt(variance[group]), f"{group}: observed - expected = {value:.1f} (SE {np.sqrt(variance[group]):.1f})"
