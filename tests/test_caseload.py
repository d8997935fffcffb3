"""Starting from today's caseload: month 0 holds it exactly, and each client's remaining care follows the law given its months.

* ``apply_caseload`` gives every product of the caseload exactly its trajectories in care and on the
  waiting list, with months in care within their bands; the engine starts from that state.
* Without new inflow, the clients of a product with a duration law whose hazard depends on the
  months in care (the CBS law of ambulant youth care) stay in care as the law's survival *given*
  their months: at month end t, client i is in care with probability S(m_i + t + 1) / S(m_i), m_i
  its months before the start. The count is a sum of independent Bernoullis; the test allows 4
  standard deviations, and checks that the memoryless answer S(t + 1) lies far outside that (most
  clients have been in care two to four years, where the hazard is about half the first year's).
* Bad caseload files stop with one line naming file, row and column.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.experiments.runner import replicate_engine
from sdsim.scenarios.caseload import read_caseload
from sdsim.scenarios.files import ScenarioError
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, Scenario, load_scenario
from sdsim.simulation.caseload import Band, apply_caseload
from sdsim.simulation.compiled import compile_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.schema import CARE, DOMAINS, PRODUCT, WAITLIST

from tests.conftest import decoupled, small_profile

AMBULANT, VERBLIJF, HBH = PRODUCT["jeugd_ambulant"], PRODUCT["jeugd_verblijf"], PRODUCT["wmo_hbh"]
BANDS = [
    Band(AMBULANT, 30, 0, 2),
    Band(AMBULANT, 20, 3, 11),
    Band(AMBULANT, 10, 12, 35),
    Band(VERBLIJF, 2, 0, 11),  # fewer than the burn-in leaves: some end
    Band(HBH, 7, 0, 3, waiting=True),
]


def _count(households, product: int, state: int) -> int:
    d = DOMAINS.index(("jeugd", "jeugd", "wmo")[[AMBULANT, VERBLIJF, HBH].index(product)])
    return int(np.count_nonzero((households.state[:, d] == state) & (households.product[:, d] == product)))


def test_month_zero_holds_the_caseload_exactly():
    base = load_scenario(BASELINE)
    scenario = Scenario(**{**base.__dict__, "profile": small_profile(base.profile, 3000, burn_in_years=5)})
    engine = replicate_engine(scenario.profile, scenario.params, 3, 0, 12, scenario, BANDS)
    for product, state, expected in ((AMBULANT, CARE, 60), (VERBLIJF, CARE, 2), (HBH, WAITLIST, 7)):
        assert _count(engine.households, product, state) == expected
    d = DOMAINS.index("jeugd")
    care = (engine.households.state[:, d] == CARE) & (engine.households.product[:, d] == AMBULANT)
    months = -engine.households.entered[care, d] - 1
    assert months.min() >= 0 and months.max() <= 35
    assert np.count_nonzero(months <= 2) >= 30  # the first band (others may not fall below 3)
    tallies = engine.run(1)
    assert tallies.stock[0, :, AMBULANT].sum() <= 60 + tallies.admitted[0, :, AMBULANT].sum()  # month 0 starts from it


def test_remaining_care_follows_the_law_given_the_months_in_care(baseline):
    profile = small_profile(baseline.profile, 4000, unlimited=True)
    quiet = {f"onset.{d}.{g}": 0.0 for d in DOMAINS for g in ("children", "young", "adults", "elderly")}
    params = decoupled(baseline.params, **quiet, **{"ask.jeugd.light": 0.0, "ask.jeugd.moderate": 0.0, "ask.jeugd.severe": 0.0},
                       **{"escalate.jeugd": 0.0, "care.jeugd_ambulant.escalate": 0.0})  # fmt: skip
    compiled = compile_scenario(profile, params)
    empty = Engine(profile, params, seed=1, replicate=0, horizon_months=0).households
    bands = [Band(AMBULANT, 100, 0, 2), Band(AMBULANT, 400, 24, 48)]  # long-running clients leave at the tail's lower hazard
    households = apply_caseload(empty, bands, compiled.structure, seed=7)
    d = DOMAINS.index("jeugd")
    care = (households.state[:, d] == CARE) & (households.product[:, d] == AMBULANT)
    months = -households.entered[care, d] - 1
    engine = Engine(profile.model_copy(update={"burn_in_years": 0}), params, seed=1, replicate=0, households=households, horizon_months=30)
    stock = engine.run().stock[:, :, AMBULANT].sum(axis=1)
    survival = _survival(compiled.rates.survival[AMBULANT], compiled.rates.hazard[AMBULANT, -1], 200)
    for t in (0, 5, 11, 23, 29):
        p = survival[months + t + 1] / survival[months]
        expected, sd = p.sum(), np.sqrt((p * (1 - p)).sum())
        memoryless = survival[t + 1] * months.size
        assert abs(stock[t] - expected) < 4 * sd, (t, stock[t], expected, sd)
        if t in (11, 23):
            assert abs(memoryless - expected) > 5 * sd  # the test tells the two apart


def _survival(table: np.ndarray, tail: float, n: int) -> np.ndarray:
    """P(D > k) for k = 0..n-1: the table, then the constant tail hazard."""
    extra = table[-1] * (1 - tail) ** np.arange(1, n - table.size + 1)
    return np.concatenate((table, extra))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("product,count,months\njeugd_ambulant,3,1\n", "row 1"),
        ("product,count,months_min,months_max\njeugdhulp,3,0,2\n", "row 2, column product"),
        ("product,count,months_min,months_max\njeugd_ambulant,-3,0,2\n", "row 2, column count"),
        ("product,count,months_min,months_max\njeugd_ambulant,3,5,2\n", "row 2, column months_max"),
        ("product,count,months_min,months_max,status\njeugd_ambulant,3,0,2,queue\n", "row 2, column status"),
        ("product,start\njeugd_ambulant,2026-03\n", "row 2, column start"),
        ("product,start\njeugd_ambulant,march\n", "row 2, column start"),
        ("# comment\nproduct,start\njeugd_ambulant,2025-06,x\n", "row 3"),
    ],
)
def test_a_bad_caseload_names_file_row_and_column(tmp_path, text, where):
    path = tmp_path / "caseload.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError) as error:
        read_caseload(path, 2026)
    assert str(error.value).startswith(f"{path}: {where}:")


def test_both_forms_read(tmp_path):
    path = tmp_path / "caseload.csv"
    path.write_text("product,start,status\njeugd_ambulant,2025-12,care\nwmo_hbh,2024-01,waiting\n")
    assert read_caseload(path, 2026) == [Band(AMBULANT, 1, 0, 0, False), Band(HBH, 1, 23, 23, True)]
    path.write_text("product,count,months_min,months_max\njeugd_ambulant,4,0,2\n")
    assert read_caseload(path, 2026) == [Band(AMBULANT, 4, 0, 2, False)]


def test_the_example_caseload_reads():
    bands = read_caseload(SCENARIO_DIR / "caseloads" / "default.csv", 2026)
    assert sum(b.count for b in bands if b.product == AMBULANT and not b.waiting) > 300
