"""(a) With unlimited capacities the engine's mean occupancy of every state matches the mean-field
Markov recursion of the same rates (tests/oracles.py) within 3 standard errors."""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.population import synthesize
from sdsim.simulation.rng import stream_key
from sdsim.simulation.schema import CARE, DECISION, DOMAINS, GENERAL, HIDDEN, NONE, PRODUCTS, STATES

from tests.conftest import decoupled, small_profile
from tests.oracles import mean_field

HOUSEHOLDS = 4000
MONTHS = 36
REPLICATES = 40


def test_occupancy_matches_mean_field_recursion(baseline):
    profile = small_profile(baseline.profile, HOUSEHOLDS, unlimited=True)
    params = decoupled(baseline.params)
    first = Engine(profile, params, seed=11, replicate=0, horizon_months=MONTHS)
    start = first.households.copy()  # one population; replicates differ only in their draws
    expected_occ, expected_stock = mean_field(start, first.rates, first.structure, MONTHS)
    occ = np.empty((REPLICATES, MONTHS, len(DOMAINS), len(STATES)))
    stock = np.empty((REPLICATES, MONTHS, len(PRODUCTS)))
    for r in range(REPLICATES):
        engine = Engine(profile, params, seed=11, replicate=r, households=start.copy(), horizon_months=MONTHS)
        tallies = engine.run()
        occ[r] = tallies.occupancy.sum(axis=3)
        stock[r] = tallies.stock.sum(axis=1)
    # Compare time averages over months 1..36 of each replicate: one number per replicate and
    # state, so the standard error is the replicate-to-replicate spread / sqrt(R).
    checked = 0
    for d, domain in enumerate(DOMAINS):
        for state in (NONE, HIDDEN, GENERAL, DECISION, CARE):
            sim = occ[:, :, d, state].mean(axis=1)
            want = expected_occ[:, d, state].mean()
            se = sim.std(ddof=1) / np.sqrt(REPLICATES)
            if want < 1.0 and sim.mean() < 1.0:
                continue  # an (almost) empty state: nothing to compare
            assert abs(sim.mean() - want) <= 3 * se, (
                f"{domain}/{STATES[state]}: engine {sim.mean():.2f} vs recursion {want:.2f} (SE {se:.2f})"
            )
            checked += 1
    for p, prod in enumerate(PRODUCTS):
        sim = stock[:, :, p].mean(axis=1)
        want = expected_stock[:, p].mean()
        if want < 1.0:
            continue
        se = sim.std(ddof=1) / np.sqrt(REPLICATES)
        assert abs(sim.mean() - want) <= 3 * se, f"{prod.name}: engine {sim.mean():.2f} vs recursion {want:.2f} (SE {se:.2f})"
        checked += 1
    assert checked >= 30  # the comparison covered the model, not just empty states
    # With unlimited capacity nobody waits at month end.
    assert occ[:, :, :, 3].max() == 0 and occ[:, :, :, 5].max() == 0


def test_population_is_keyed_by_replicate(baseline):
    profile = small_profile(baseline.profile, 500)
    from sdsim.simulation.inputs import compile_structure

    st = compile_structure(profile, baseline.params)
    a = synthesize(500, int(stream_key(1, 0)), st)
    b = synthesize(500, int(stream_key(1, 0)), st)
    c = synthesize(500, int(stream_key(1, 1)), st)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a.network, c.network)
