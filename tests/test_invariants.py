"""(d) conservation of households and euros, no negative stocks; (e) thread-count independence;
(f) a lever on wmo leaves every jeugd trajectory identical (common random numbers)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from simulation.engine import Engine
from simulation.inputs import provider_payment
from simulation.ledger import book, index_factors
from simulation.schema import JEUGD, LINE, PRODUCT_DOMAIN, PRODUCT_LINE, PRODUCTS, STATES
from tests.conftest import small_profile


def _run(baseline, households=6000, months=48, **kw):
    profile = small_profile(baseline.profile, households, burn_in_years=1)
    engine = Engine(profile, baseline.params, seed=2, horizon_months=months, **kw)
    return engine, engine.run()


def test_households_conserved_and_no_negative_stocks(baseline):
    engine, t = _run(baseline)
    n = engine.households.size
    np.testing.assert_array_equal(t.occupancy.sum(axis=(2, 3)), n)  # every household in one state per domain
    for name, array in zip(t._fields, t, strict=True):
        assert array.min() >= 0, f"negative {name}"
    assert ((engine.households.children >= 0) & (engine.households.elderly >= 0)).all()
    # stock flow: stock_t = stock_{t-1} + admissions_t - exits_t, per product
    stock = t.stock.sum(axis=1)
    np.testing.assert_array_equal(stock[1:] - stock[:-1], t.admitted.sum(axis=1)[1:] - t.exits[1:, :, 0])
    # care per domain in the state tallies equals the product stocks of that domain
    for d in range(5):
        np.testing.assert_array_equal(t.occupancy[:, d, STATES.index("care")].sum(axis=1), stock[:, d == PRODUCT_DOMAIN].sum(axis=1))


def test_ledger_equals_sum_over_provisions(baseline):
    engine, t = _run(baseline)
    params, profile = baseline.params, engine.profile
    ledger = book(t, engine.rates, params, profile)
    model, factor, _ = provider_payment(profile)
    assert (model == 0).all()  # default contracts are p x q
    price = index_factors(t.events.shape[0], params["index.tariff"])
    for p, prod in enumerate(PRODUCTS):
        euros = (t.billed[:, :, p] * factor[None, :]).sum(axis=1) * params[f"tariff.{prod.name}"] * price
        line_products = [q for q in range(len(PRODUCTS)) if PRODUCT_LINE[q] == PRODUCT_LINE[p]]
        if len(line_products) == 1:
            np.testing.assert_allclose(ledger.spending[:, PRODUCT_LINE[p]], euros, rtol=1e-12)
    care_lines = sorted(set(PRODUCT_LINE.tolist()))
    total_care = sum((t.billed[:, :, p] * factor).sum(axis=1) * params[f"tariff.{prod.name}"] for p, prod in enumerate(PRODUCTS)) * price
    np.testing.assert_allclose(ledger.spending[:, care_lines].sum(axis=1), total_care, rtol=1e-12)
    benefit = t.house[:, 2] * params["benefit.monthly"] * price
    np.testing.assert_allclose(ledger.spending[:, LINE["participatie_bijstand"]], benefit, rtol=1e-12)
    assert ledger.spending.min() >= 0 and np.isfinite(ledger.spending).all()


_DIGEST = """
import hashlib, numpy as np, numba
from scenarios.loader import BASELINE, load_scenario
from simulation.engine import Engine
from tests.conftest import small_profile
sc = load_scenario(BASELINE)
engine = Engine(small_profile(sc.profile, 30000, burn_in_years=1), sc.params, seed=9, horizon_months=24)
tallies = engine.run()
digest = hashlib.sha256()
for array in (*tallies, *engine.households):
    digest.update(np.ascontiguousarray(array).tobytes())
print(numba.get_num_threads(), digest.hexdigest())
"""


def test_identical_with_one_and_two_threads():
    digests = {}
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        out = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True).stdout.split()
        assert out[0] == threads
        digests[threads] = out[1]
    assert digests["1"] == digests["2"]


def test_wmo_lever_leaves_jeugd_trajectories_identical(baseline):
    """Common random numbers: change only wmo levers; every jeugd column is identical every month.

    Two channels lead from wmo to jeugd. The multi-problem escalation multiplier is set to 1 first,
    with the providers' real capacities. With the multiplier on (1.3), the jeugd care of a household
    with a wmo need may change, and through the shared jeugd slots so may the admissions of any other
    household, and the provider it is placed with (the one with most free slots). So that case runs
    with capacities that never bind and leaves the provider out: every other jeugd column may differ
    only in households with a wmo need.
    """
    for mult in (1.0, 1.3):
        profile = small_profile(baseline.profile, 8000, unlimited=mult != 1.0, burn_in_years=1)
        base = baseline.params.replace({"multiproblem.escalation_mult": mult})
        lever = base.replace({"ask.wmo.moderate": 0.4, "care.wmo_hbh.mean_duration": 20.0, "tariff.wmo_hbh": 300.0})
        a = Engine(profile, base, seed=4, horizon_months=36)
        b = Engine(profile, lever, seed=4, horizon_months=36)
        ever_wmo = np.zeros(profile.households, bool)
        wmo_differs = False
        for _ in range(12 * profile.burn_in_years + 36):
            a.step()
            b.step()
            ever_wmo |= (a.households.state[:, 1] != 0) | (b.households.state[:, 1] != 0)
            wmo_differs |= not np.array_equal(a.households.state[:, 1], b.households.state[:, 1])
            for column in ("state", "severity", "entered", "product", "provider", "door", "last_end"):
                x, y = getattr(a.households, column)[:, JEUGD], getattr(b.households, column)[:, JEUGD]
                if mult == 1.0:
                    np.testing.assert_array_equal(x, y, err_msg=f"jeugd {column} differs")
                elif column != "provider":
                    assert not (x != y)[~ever_wmo].any(), f"jeugd {column} differs in a household never in wmo"
        assert wmo_differs  # the lever did change wmo trajectories
