"""The default municipality's volumes against the published figures (issue 10, "what it must show").

One seeded run of the default (``sdsim validate``'s comparable year: the profile's burn-in, then one
year) and, per volume the behavioural parameters were fitted to, a test that the model / national
ratio lies in issue 10's band 0.8-1.25 (``calibration.targets.RATIO_BAND``). The band is a band on
the model's mean over the replicates, not a statistical tolerance: the test also checks that the
mean's standard error is well below the band's width, so a pass is not the luck of the seed.

What was fitted to what (``simulation.parameters``): Wmo onset to the clients by provision type
(~0.9 x each, so that the clients in all, one provision per household, come out ~1.15 x; nationally a
client holds 1.34 provisions); the Wmo durations to how long a provision is held (clients in a year
over clients in its first half); youth onset to the trajectories active and started (~0.9 x, so that
the households in care, the proxy for youth in care, come out ~1.2 x: one trajectory per household at
a time); the jeugdbescherming duration to Little's law on the measures in force and started.

Not here: youth with jeugdhulp (persons), a proxy `sdsim validate` does not judge: the model counts
households in care (1.26 x), 1.07 trajectories each where CBS counts 1.38 per youth (issue 10 item 3).
Not here because it misses: youth spending on individual provisions (0.69 x since verblijf is reached
through access instead of crises: fewer and shorter verblijf client-months at the tariffs derived per
trajectory-month; `sdsim validate` shows it as FAIL).
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.calibration.targets import RATIO_BAND, TARGETS
from sdsim.experiments.validate import build_table, measure_value, run_year

SEED, REPLICATES = 5, 8
BY_KEY = {t.key: t for t in TARGETS}

# target key: why its band is issue 10's 0.8-1.25 here (all are acceptance criteria of issue 10, except where said)
FITTED = {
    "wmo_clients": "all Wmo maatwerk clients: households with any provision; ~1.15 x because a household holds one provision",
    "wmo_hbh_clients": "HbH clients per 1,000 inhabitants (2019); onset fitted to ~0.9 x by type",
    "wmo_begeleiding_clients": "begeleiding clients per 1,000 inhabitants (2017); onset and held months (47) fitted",
    "wmo_hulpmiddelen_clients": "hulpmiddelen clients per 1,000 inhabitants (2017); onset and held months (50) fitted",
    "wmo_spending_excl_verblijf": "follows the volumes: tariffs are spending per client at the held months",
    "wmo_spending_total": "follows the volumes, beschermd wonen included",
    "jh_active": "jeugdhulp trajectories active in the year per youth 0-22; youth onset fitted to ~0.9 x",
    "jh_started": "jeugdhulp trajectories started per youth 0-22; youth onset fitted to ~0.9 x",
    "jb_stock": "jeugdbescherming measures in force on 31 December; duration fitted to stock / inflow (Little's law)",
    "bijstand_households": "households with bijstand (not refitted: passes as before)",
}


@pytest.fixture(scope="module")
def default_table(baseline):
    years = [run_year(baseline, SEED, r) for r in range(REPLICATES)]
    return years, {line.target.key: line for line in build_table(baseline, years, SEED).lines}


@pytest.mark.parametrize("key", FITTED)
def test_default_volume_within_issue_10_band(default_table, key):
    years, lines = default_table
    line = lines[key]
    low, high = RATIO_BAND
    values = np.array([measure_value(BY_KEY[key].model, y) for y in years])
    se = values.std(ddof=1) / np.sqrt(len(values)) / line.figure
    assert se < (high - low) / 8, f"{key}: standard error {se:.3f} of the figure"
    assert low <= line.ratio <= high, f"{key} ({FITTED[key]}): model {line.mean:,.1f} vs figure {line.figure:,.1f}, ratio {line.ratio:.2f}"
