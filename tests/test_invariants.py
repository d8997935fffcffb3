"""(d) conservation of households and euros, no negative stocks; (e) thread-count independence;
(f) a lever on wmo leaves every jeugd trajectory identical (common random numbers); the tallies carried
for sleeping households equal a recount of every household."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
from sdsim.simulation.compiled import tariffs
from sdsim.simulation.engine import Engine
from sdsim.simulation.inputs import provider_payment
from sdsim.simulation.ledger import book, index_factors
from sdsim.simulation.population import population_counts
from sdsim.simulation.schema import (
    CARE,
    JEUGD,
    LINE,
    N_SEVERITY,
    N_STATES,
    NONE,
    PRODUCT,
    PRODUCT_DOMAIN,
    PRODUCT_LINE,
    PRODUCTS,
    QUEUE,
    STAFF_PRODUCTS,
    STATES,
    WERK,
)
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, H_DUPLICATE, H_MULTI_PROBLEM, H_SELF_RELIANT, P_HOUSEHOLDS, TALLIES

from tests.conftest import small_profile


def _run(baseline, households=6000, months=48, **kw):
    profile = small_profile(baseline.profile, households, burn_in_years=1)
    engine = Engine(profile, baseline.params, seed=2, horizon_months=months, **kw)
    return engine, engine.run()


def test_households_conserved_and_no_negative_stocks(baseline):
    engine, t = _run(baseline)
    households = t.population[:, P_HOUSEHOLDS][:, None]
    np.testing.assert_array_equal(t.occupancy.sum(axis=(2, 3)), households.repeat(5, axis=1))  # every household in one state per domain
    np.testing.assert_array_equal(t.population[-1], population_counts(engine.households))  # the tally is the population
    for tally, array in zip(TALLIES, t, strict=True):
        assert array.min() >= 0, f"negative {tally.name}"
    assert ((engine.households.children >= 0) & (engine.households.elderly >= 0)).all()
    # stock flow: stock_t = stock_{t-1} + admissions_t - exits_t, per product
    stock = t.stock.sum(axis=1)
    np.testing.assert_array_equal(stock[1:] - stock[:-1], t.admitted.sum(axis=1)[1:] - t.exits[1:, :, 0])
    # care per domain in the state tallies equals the product stocks of that domain
    for d in range(5):
        np.testing.assert_array_equal(t.occupancy[:, d, STATES.index("care")].sum(axis=1), stock[:, d == PRODUCT_DOMAIN].sum(axis=1))


def _in_care(rows, households: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Clients in care per (provider, product) among the selected households."""
    in_care = (rows.state == CARE) & households[:, None]
    count = np.zeros(shape, np.int64)
    np.add.at(count, (rows.provider[in_care], rows.product[in_care]), 1)
    return count


def test_tallies_match_a_recount_of_the_households(baseline):
    """Most households sleep between scheduled events, their monthly tallies carried per chunk.

    Every month the tallies must equal a count over all rows: end-of-month occupancy, stock,
    self-reliant, multi-problem and duplicate households from the rows after the step;
    client-months billed, benefit and co-payment months from the rows before it. A need that ends at
    age 18 or with the household's departure is not counted in that month, so those lie between
    the count over households without a demographic event and the count over all.
    """
    profile = small_profile(baseline.profile, 6000, burn_in_years=1)
    engine = Engine(profile, baseline.params, seed=6, horizon_months=24)
    copay = engine.rates.copay_product
    hh = engine.households
    for _ in range(12 * profile.burn_in_years + 24):
        before = hh.copy()
        engine.step()
        t = engine.last_month()
        active, formal = (hh.state != NONE).sum(axis=1), (hh.state >= QUEUE).sum(axis=1)
        occupancy = np.zeros((5, N_STATES, N_SEVERITY), np.int64)
        occupied = hh.occupied
        np.add.at(occupancy, (np.arange(5)[None, :].repeat(hh.size, 0), hh.state, hh.severity), 1)
        occupancy[:, NONE] = 0
        occupancy[:, NONE, 0] = occupied.sum() - occupancy.sum(axis=(1, 2))
        np.testing.assert_array_equal(t.population[0], population_counts(hh))
        np.testing.assert_array_equal(t.occupancy[0], occupancy)
        everyone = np.ones(hh.size, bool)
        quiet = before.next_demography > engine.month - 1  # no demographic event this month
        np.testing.assert_array_equal(t.stock[0], _in_care(hh, everyone, t.stock[0].shape))
        billed = t.billed[0]
        assert (_in_care(before, quiet, billed.shape) <= billed).all() and (billed <= _in_care(before, everyone, billed.shape)).all()
        assert t.house[0, H_SELF_RELIANT] == ((active == 0) & occupied).sum()
        assert t.house[0, H_MULTI_PROBLEM] == (active >= 2).sum()
        assert t.house[0, H_DUPLICATE] == (formal >= 2).sum()
        on_benefit = before.state[:, WERK] != NONE
        assert on_benefit[quiet].sum() <= t.house[0, H_BENEFIT_MONTHS] <= on_benefit.sum()
        income_class = np.where(on_benefit, 0, before.income)
        for p in np.flatnonzero(copay):  # a household pays on the product of the trajectory that makes it pay
            paying = ((before.state == CARE) & (before.product == p)).sum(axis=1)
            for k in range(3):
                assert paying[quiet & (income_class == k)].sum() <= t.copay[0, p, k] <= paying[income_class == k].sum()
        assert not t.copay[0, copay == 0].any()


def test_ledger_equals_sum_over_provisions(baseline):
    """Every euro of care is price x provision-months on its line: contracts at their tariff, the teams' own help at its staff cost."""
    engine, t = _run(baseline)
    params, profile = baseline.params, engine.profile
    ledger = book(t, engine.compiled)
    model, factor, _ = provider_payment(profile)
    assert (model == 0).all()  # default contracts are p x q
    prices = engine.compiled.start_prices  # start-year euros, indexed from each amount's price year
    unit = tariffs(prices, params)
    months = t.events.shape[0]
    price, wage = index_factors(months, params["index.tariff"]), index_factors(months, params["index.wage"])
    contracted = [p for p, prod in enumerate(PRODUCTS) if prod.name not in STAFF_PRODUCTS]
    euros = {p: (t.provisions[:, :, p] * factor[None, :]).sum(axis=1) * unit[p] for p in range(len(PRODUCTS))}
    for p in contracted:
        if sum(PRODUCT_LINE[q] == PRODUCT_LINE[p] for q in range(len(PRODUCTS))) == 1:
            np.testing.assert_allclose(ledger.spending[:, PRODUCT_LINE[p]], euros[p] * price, rtol=1e-12)
    care_lines = sorted({PRODUCT_LINE[p] for p in contracted})
    np.testing.assert_allclose(ledger.spending[:, care_lines].sum(axis=1), sum(euros[p] for p in contracted) * price, rtol=1e-12)
    intake = sum(sum(team.fte.values()) for team in profile.access_teams) * prices["access.wage_fte_year"] / 12
    own_help = sum(euros[PRODUCT[name]] for name in STAFF_PRODUCTS)
    np.testing.assert_allclose(ledger.spending[:, LINE["toegang"]], (intake + own_help) * wage, rtol=1e-12)
    assert own_help.sum() > 0, "the default's teams give jeugdhulp themselves"
    benefit = t.house[:, 2] * prices["benefit.monthly"] * index_factors(months, params["index.benefit"])
    np.testing.assert_allclose(ledger.spending[:, LINE["participatie_bijstand"]], benefit, rtol=1e-12)
    assert ledger.spending.min() >= 0 and np.isfinite(ledger.spending).all()


_DIGEST = """
import hashlib, numpy as np, numba
from sdsim.scenarios.loader import BASELINE, load_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, H_DUPLICATE, H_MULTI_PROBLEM, H_SELF_RELIANT
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
        ever_wmo = np.zeros(a.households.size, bool)
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
