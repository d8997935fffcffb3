"""(b) Little's law per provision and (c) the access queue against the Lindley recursion."""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.parameters import NAMES
from sdsim.simulation.schema import DOMAINS, PRODUCTS

from tests.conftest import decoupled, small_profile


def test_littles_law_per_provision(baseline):
    """Mean stock L = admissions per month x mean months in care, per product.

    Stationary set-up: no demography, unlimited capacity (a near-saturated waiting list relaxes too
    slowly to be stationary within decades), a 30-year burn-in, 20 recorded years; durations keep
    their long-tailed, duration-dependent hazards. In a stationary system the boundary terms
    of the finite window have mean zero, so the per-replicate difference L - lambda*W is noise with
    mean zero; we allow 3 standard errors of its replicate mean.
    """
    profile = small_profile(baseline.profile, 20_500, unlimited=True, burn_in_years=30)
    params = decoupled(baseline.params)
    replicates = 8
    diffs = np.empty((replicates, len(PRODUCTS)))
    levels = np.empty((replicates, len(PRODUCTS)))
    for r in range(replicates):
        tallies = Engine(profile, params, seed=5, replicate=r, horizon_months=240).run()
        stock = tallies.stock.sum(axis=1).mean(axis=0)  # L per product
        arrivals = tallies.admitted.sum(axis=1).mean(axis=0)  # lambda per month
        exits, exit_months = tallies.exits.sum(axis=0).T
        mean_duration = exit_months / np.maximum(exits, 1)  # W
        diffs[r] = stock - arrivals * mean_duration
        levels[r] = stock
    for p, prod in enumerate(PRODUCTS):
        se = diffs[:, p].std(ddof=1) / np.sqrt(replicates)
        assert levels[:, p].mean() > 5, f"{prod.name}: too few clients to test"
        assert abs(diffs[:, p].mean()) <= 3 * se, (
            f"{prod.name}: L - lambda*W = {diffs[:, p].mean():.2f} (SE {se:.2f}, L {levels[:, p].mean():.1f})"
        )


def test_access_queue_follows_lindley_recursion(baseline):
    """Q_t = max(0, Q_{t-1} + A_t - C) exactly, for every team and law counter.

    Nothing leaves a queue except service (no self-resolution, escalation or demography while
    waiting), so the engine's first-come-first-served queue must equal the recursion of a fixed
    capacity queue fed the engine's own arrivals, month by month, with no tolerance.
    """
    quiet = {n: 0.0 for n in NAMES if n.startswith(("resolve_own.", "escalate."))}
    params = decoupled(baseline.params, **quiet)
    profile = small_profile(baseline.profile, 20_500)
    engine = Engine(profile, params, seed=3, horizon_months=60)
    tallies = engine.run()
    capacity = engine.structure.counter_capacity.ravel()
    length, arrivals, served = tallies.queue[:, :, 0], tallies.queue[:, :, 1], tallies.queue[:, :, 2]
    q = np.zeros(capacity.shape[0], np.int64)
    for t in range(tallies.queue.shape[0]):
        expected_served = np.minimum(q + arrivals[t], capacity)
        q = q + arrivals[t] - expected_served
        np.testing.assert_array_equal(served[t], expected_served)
        np.testing.assert_array_equal(length[t], q)
    assert (length.max(axis=0) > 20).sum() >= 3, "the test needs congested counters"
    occupancy_queue = tallies.occupancy[:, :, 3, :].sum(axis=2)  # queue per domain
    np.testing.assert_array_equal(occupancy_queue, length.reshape(length.shape[0], -1, len(DOMAINS)).sum(axis=1))
