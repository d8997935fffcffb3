"""Payment models pay every trajectory what it costs today, a care budget binds month by month, coordinators cost what they do.

* Instalments: every provision started is paid its price exactly once, spread over its months.
* Without behaviour (durations, effectiveness and administration as under p x q), paying per
  trajectory or by result costs what p x q costs, in a steady state: on a stationary municipality
  with its own burn-in, the paired difference of care spending is within three standard errors of
  zero (replicates paired: common random numbers). A model that paid nothing for a trajectory that
  ended otherwise would save the unresolved trajectories' cost here (about half of all care).
* The youth budget: from the start year the provisions held to it cost no more than the budget a
  month, beyond what crises and court orders add (always admitted) and the one trajectory that may
  cross the line (admitted while the budget had room).
* Case coordinators (L7) are paid for the households they coordinate, at the access wage over the caseload.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.ledger import book, paying_instalments
from sdsim.simulation.prices import line_index_factors
from sdsim.simulation.schema import D_CRISIS, D_JUDGE, HOLD_PROVISIONS, LINE, PRODUCTS, STAFF_PRODUCTS
from sdsim.simulation.tallies import H_COORDINATED, H_DUPLICATE

from tests.conftest import small_profile

CONTRACTED = np.array([p.name not in STAFF_PRODUCTS for p in PRODUCTS])


def test_instalments_pay_each_start_its_price_once():
    rng = np.random.default_rng(3)
    started = rng.integers(0, 5, size=(40, 2, 3))
    instalments = np.array([1, 7, 40])
    paying = paying_instalments(started, instalments)
    for p, n in enumerate(instalments):  # a start in month k pays in months k .. k + n - 1
        for m in range(40):
            np.testing.assert_array_equal(paying[m, :, p], started[max(0, m - n + 1) : m + 1, :, p].sum(axis=0))
    whole = paying_instalments(np.concatenate((started, np.zeros((40, 2, 3), started.dtype))), instalments)
    np.testing.assert_array_equal(whole.sum(axis=0) / instalments, started.sum(axis=0))  # each start: n instalments of price / n


@pytest.mark.parametrize("model", [1.0, 2.0], ids=["trajectory", "result"])
def test_paying_per_trajectory_without_behaviour_costs_what_pxq_costs(model):
    stationary = load_scenario(SCENARIO_DIR / "stationary.toml")
    profile = small_profile(stationary.profile, 4000, burn_in_years=25)
    neutral = {
        "lever.payment.model": model,
        "lever.payment.duration.trajectory": 1.0,
        "lever.payment.duration.result": 1.0,
        "lever.payment.result_effectiveness": 0.0,
        "lever.payment.admin.trajectory": 1.0,
        "lever.payment.admin.result": 1.0,
    }
    diffs, levels = [], []
    for r in range(8):
        euros = []
        for params in (stationary.params, stationary.params.replace(neutral)):
            engine = Engine(profile, params, seed=4, replicate=r, horizon_months=36)
            euros.append(book(engine.run(), engine.compiled).care[:, CONTRACTED].sum())
        diffs.append(euros[1] - euros[0])
        levels.append(euros[0])
    diffs = np.array(diffs)
    se = diffs.std(ddof=1) / np.sqrt(len(diffs))
    print(f"paired difference {diffs.mean():.0f} (SE {se:.0f}) of {np.mean(levels):.0f}")
    assert abs(diffs.mean()) < 3 * se, f"{diffs.mean():.0f} (SE {se:.0f}) of {np.mean(levels):.0f}"
    assert abs(diffs.mean()) < 0.05 * np.mean(levels)  # and small: a wiring artefact was 20-50 % of care


def test_youth_budget_binds_month_by_month(baseline):
    params = baseline.params.replace({"lever.budget.jeugd.cut": 0.15})
    engine = Engine(baseline.profile, params, seed=2, replicate=0, horizon_months=24)
    tallies = engine.run()
    weight, cap = engine.structure.budget_weight, engine.structure.budget_cap[0]
    assert np.isfinite(cap) and cap > 0
    held = tallies.persons[:, :, HOLD_PROVISIONS] @ weight  # start-year euros a month of the provisions held at month end
    forced_in = tallies.started[:, :, [D_CRISIS, D_JUDGE]].sum(axis=2) @ weight  # what crises and court orders added in the month
    one_trajectory = weight.max() * 2 * 8  # a household's persons and companions, at most 8 each in the default municipality
    assert (held <= cap + forced_in + one_trajectory).all(), np.max(held - cap - forced_in)
    assert held.mean() > 0.9 * cap  # and it is used: the budget binds (a waiting list forms below it)


def test_coordinators_are_paid_for_the_households_they_coordinate(baseline):
    """L7's cost is its coordinated household-months at the access wage over the caseload, and nothing else on the line.

    Paired with the base (same replicate), the toegang line less the teams' own help differs by
    exactly that: the intake FTE do not change, and no coordinator is paid for a household that is
    not in two or more formal trajectories (0.4.0 paid for every multi-problem household).
    """
    profile = small_profile(baseline.profile, 6000, burn_in_years=10)
    params = baseline.params.replace({"lever.casusregie.share": 0.6})
    runs = []
    for p in (baseline.params, params):
        engine = Engine(profile, p, seed=3, replicate=0, horizon_months=24)
        tallies = engine.run()
        ledger = book(tallies, engine.compiled)
        staff = ledger.care[:, [i for i, prod in enumerate(PRODUCTS) if prod.name in STAFF_PRODUCTS]].sum(axis=1)
        runs.append((tallies, ledger.spending[:, LINE["toegang"]] - staff, engine.compiled))
    (_, base_line, _), (tallies, line, compiled) = runs
    coordinated = tallies.house[:, H_COORDINATED]
    assert coordinated.sum() > 0
    assert (coordinated <= tallies.house[:, H_DUPLICATE]).all()  # only households in two or more formal trajectories
    wage = compiled.start_prices["access.wage_fte_year"] * line_index_factors(24, compiled.params)[:, LINE["toegang"]]
    np.testing.assert_allclose(line - base_line, coordinated * wage / 12.0 / 20.0, rtol=1e-12, atol=1e-6)
