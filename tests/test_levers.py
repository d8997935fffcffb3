"""Every policy lever moves its own mechanism in the direction the seed documents expect.

Each lever runs against the baseline with common random numbers (same seed and replicates), so
the per-replicate difference of a metric's mean over the recorded months is a paired difference.
The effect must exceed 3 standard errors of the mean paired difference (SE over replicates) in
the documented direction; a lever that did nothing, or the opposite, fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import monthly_indicators
from sdsim.simulation.ledger import book
from sdsim.simulation.levers import LEVERS, lever_of
from sdsim.simulation.parameters import NAMES

from tests.conftest import small_profile

REPLICATES = 8
MONTHS = 36


def _run(profile, params, replicate: int) -> dict[str, np.ndarray]:
    engine = Engine(profile, params, seed=11, replicate=replicate, horizon_months=MONTHS)
    tallies = engine.run()
    return monthly_indicators(tallies, book(tallies, engine.rates, params, profile))


def _sum(series: dict[str, np.ndarray], names: list[str]) -> float:
    return float(sum(series[n] for n in names).mean())


@pytest.fixture(scope="module")
def setting(baseline):
    profile = small_profile(baseline.profile, baseline.profile.households, burn_in_years=1)
    return profile, baseline.params, [_run(profile, baseline.params, r) for r in range(REPLICATES)]


JEUGD_PRODUCTS = ["jeugd_ambulant", "jeugd_verblijf"]
CASES = {
    # lever: (changes, metrics summed, direction: +1 up, -1 down)
    "L1 maatwerk HbH stock": ({"lever.shift.wmo_hbh.share": 0.75}, ["clients.wmo_hbh"], -1),
    "L1 general-provision users": ({"lever.shift.wmo_hbh.share": 0.75}, ["shift_users.wmo_hbh", "general_users.wmo"], +1),
    "L2 access queues": ({"lever.access.integrated": 1.0}, [f"queue.{d}" for d in ("jeugd", "wmo", "werk", "schulden", "veiligheid")], -1),
    "L3 requests": ({"lever.prevention.signalling": 0.3}, ["requests.jeugd", "requests.wmo"], +1),
    "L4 GP-route jeugdhulp": ({"lever.poh.share": 0.5}, [f"client_months_uncontrolled.{p}" for p in JEUGD_PRODUCTS], -1),
    "L5 youth spending": ({"lever.budget.jeugd.cut": 0.15}, ["spending.jeugd_ambulant", "spending.jeugd_verblijf"], -1),
    "L5 refusals": ({"lever.budget.jeugd.cut": 0.15}, ["refused_eligibility.jeugd"], +1),
    "L6 care exits under result pay": ({"lever.payment.model": 2.0}, ["outflow.wmo_hbh", "outflow.wmo_begeleiding"], +1),
    "L7 duplicate trajectories": ({"lever.casusregie.share": 1.0}, ["households.duplicate_trajectories"], -1),
    "L8 contract overhead": ({"lever.providers.contracts": 0.5}, ["spending.overhead"], -1),
    "L9 Wmo requests": ({"copay.high": 80.0, "copay.middle": 40.0}, ["requests.wmo"], -1),
    "L10 access queues": ({"lever.access.fte_factor": 1.3}, ["queue.werk", "queue.wmo", "queue.jeugd"], -1),
    "L11 youth waiting list under a cut": ({"lever.budget.jeugd.cut": 0.15, "lever.budget.pooled": 1.0}, ["waitlist.jeugd"], -1),
    "L12 gaps at 18": ({"lever.transition18.plan": 1.0}, ["gap_18.jeugd"], -1),
    "L13 re-integration inflow": ({"lever.activation.reach": 0.1}, ["inflow.reintegratie"], +1),
    "L13 outflow to work": ({"lever.activation.employer": 1.3}, ["exits_to_work.werk"], +1),
    "L14 youth onsets": ({"lever.drivers.onset.jeugd": 1.2}, ["onsets.jeugd"], +1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_lever_moves_its_mechanism(setting, case):
    profile, params, base_runs = setting
    changes, metrics, direction = CASES[case]
    reference = base_runs
    if case.startswith("L11"):  # pooled budgets against the same cut without pooling
        cut = params.replace({"lever.budget.jeugd.cut": 0.15})
        reference = [_run(profile, cut, r) for r in range(REPLICATES)]
    lever = params.replace(changes)
    diffs = np.array([_sum(_run(profile, lever, r), metrics) - _sum(reference[r], metrics) for r in range(REPLICATES)])
    se = diffs.std(ddof=1) / np.sqrt(REPLICATES)
    assert direction * diffs.mean() > 3 * se, f"{case}: paired difference {diffs.mean():.3g} (SE {se:.2g}), expected sign {direction:+d}"


def test_every_lever_has_parameters_and_a_seed():
    for lever in LEVERS:
        members = [n for n in NAMES if lever_of(n) == lever]
        assert members, f"{lever.id} has no parameters"
        assert lever.seed and lever.mechanism and lever.direction
    covered = {case.split()[0] for case in CASES}
    assert covered == {lever.id for lever in LEVERS}  # a direction test for every lever


def test_levers_at_defaults_change_nothing(baseline):
    """Defaults mean "as today": the lever-adjusted profile equals the profile."""
    from sdsim.simulation.levers import policy_profile

    assert policy_profile(baseline.profile, baseline.params) == baseline.profile
