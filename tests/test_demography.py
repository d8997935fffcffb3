"""Demography: each person's event rate, thinning of steered rates, moves, and the population path followed."""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.kernels import G_ADULT, G_BIRTH, G_DEPART, G_YOUNG
from sdsim.simulation.tallies import DEMOGRAPHY

from tests.conftest import small_profile

RATES = {"child": 0.02, "young": 0.05, "adult": 0.01, "death": 0.03, "birth": 0.02}


def test_ageing_births_and_deaths_match_their_rates(baseline):
    """Observed one-month changes vs their expectation, summed over 24 months.

    Rates are raised so counts are large; steering and moves are off, so the rates are the
    parameters. Only households with someone under 75 are counted (an all-75+ household can empty). Each change is a sum of independent
    Bernoulli trials, so its variance is sum n p (1 - p); we allow 3 standard errors.
    """
    params = baseline.params.replace(
        {
            "demography.child_ages_out": RATES["child"],
            "demography.young_ages_out": RATES["young"],
            "demography.adult_ages_out": RATES["adult"],
            "demography.elderly_death": RATES["death"],
            "demography.birth": RATES["birth"],
            "demography.steer": 0.0,
            "demography.departure": 0.0,
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


def test_steered_rates_are_realised_through_thinning(baseline):
    """Candidates drawn at the bounds and thinned must happen at the rates ``steer_population`` set for the year.

    Over the first recorded year (its rates fixed in January), the young adults turning 23, the
    adults turning 75, births and households moving out are compared with sum over months of (persons
    at risk at the start of the month) x (rate); each is a sum of Bernoulli trials, 3 standard errors allowed.
    """
    profile = small_profile(baseline.profile, 40_000, burn_in_years=1)
    engine = Engine(profile, baseline.params, seed=12, horizon_months=12)
    engine.run(0)
    hh = engine.households
    checks = {"turned_23": ("young", G_YOUNG), "turned_75": ("adults", G_ADULT), "births": ("birth", G_BIRTH)}
    expected = dict.fromkeys(checks, 0.0)
    variance = dict.fromkeys(checks, 0.0)
    observed = dict.fromkeys(checks, 0)
    moved, moved_expected = 0, 0.0
    rates = None
    for _ in range(12):
        c, y, a = hh.children.astype(int), hh.young.astype(int), hh.adults.astype(int)
        at_risk = {"young": y.sum(), "adults": a.sum(), "birth": (((a + y) > 0) & (c < 4)).sum()}
        households = hh.occupied.sum()
        engine.step()
        rates = engine._scratch.demography.copy() if rates is None else rates  # set in January, by the step
        month = engine.last_month().demography[0]
        for event, (group, g) in checks.items():
            expected[event] += at_risk[group] * rates[g]
            variance[event] += at_risk[group] * rates[g] * (1 - rates[g])
            observed[event] += month[DEMOGRAPHY.index(event)]
        moved += month[DEMOGRAPHY.index("departed_households")]
        moved_expected += households * rates[G_DEPART]
    assert np.allclose(engine._scratch.demography[:6], rates[:6])  # rates change only in January
    for event in checks:
        assert abs(observed[event] - expected[event]) <= 3 * np.sqrt(variance[event]), (
            f"{event}: {observed[event]} vs {expected[event]:.1f}"
        )
    assert abs(moved - moved_expected) <= 3 * np.sqrt(moved_expected), f"moved out: {moved} vs {moved_expected:.1f}"


def test_population_follows_the_projection(baseline):
    """The default municipality's persons per age group at the end of each year are the path's next 1 January.

    ``steer_population`` aims each January at the next target, so the error at year end is one
    year's chance plus the error of a linear year: each age group turns over less than half its
    persons in a year (births, ageing, moves; 18-22 the most), so its sampling SD is below
    sqrt(0.5 N); allowed 4 such SD plus 0.5 % of N. No arriving household may lack a row.
    """
    years = 10
    targets = baseline.profile.population_targets()
    for replicate in range(2):
        engine = Engine(baseline.profile, baseline.params, seed=3, replicate=replicate, horizon_months=12 * years)
        tallies = engine.run()
        assert tallies.demography[:, DEMOGRAPHY.index("arrivals_refused")].sum() == 0
        for year in range(years):
            realised, target = tallies.population[12 * year + 11, :4], targets[year + 1]
            allowed = 4 * np.sqrt(0.5 * target) + 0.005 * target
            assert (np.abs(realised - target) <= allowed).all(), f"{2026 + year}: {realised} vs {target.round()}"
    growth = targets[years, 3] / targets[0, 3] - 1
    assert growth > 0.3  # the projection ages: 75+ grows by more than 30 % in ten years (so the test is not trivial)
