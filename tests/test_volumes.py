"""The default municipality's volumes against the published figures (issue 10, "what it must show").

One seeded run of the default (``sdsim validate``'s comparable year: the profile's burn-in, then one
year) and, per volume the behavioural parameters were fitted to, a test that the model / national
ratio lies in issue 10's band 0.8-1.25 (``calibration.targets.RATIO_BAND``). The band is a band on
the model's mean over the replicates, not a statistical tolerance: the test also checks that the
mean's standard error is well below the band's width, so a pass is not the luck of the seed.

What was fitted to what (``simulation.parameters``): youth onset to the youth with jeugdhulp (persons),
the companion trajectories to CBS's 1.38 trajectories per youth, so that trajectories active and
started follow; Wmo onset to the clients (persons), the product shares and the companion provisions
to the clients by type and the provisions per client; the Wmo durations to how long a provision is
held (clients in a year over clients in its first half); the jeugdbescherming duration to Little's
law on the measures in force and started; the youth tariffs to CBS 2019 spending per trajectory-month.
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
    "wmo_clients": "all Wmo maatwerk clients (persons); onset fitted",
    "wmo_provisions_per_client": "Wmo provisions per client (CBS 2017: 1.31); companion.wmo_* fitted (not a criterion)",
    "wmo_hbh_clients": "HbH clients per 1,000 inhabitants (2019); product shares fitted",
    "wmo_begeleiding_clients": "begeleiding clients per 1,000 inhabitants (2017); onset and held months (47) fitted",
    "wmo_hulpmiddelen_clients": "hulpmiddelen clients per 1,000 inhabitants (2017); onset and held months (50) fitted",
    "wmo_spending_excl_verblijf": "follows the volumes: tariffs are spending per client at the held months",
    "wmo_spending_total": "follows the volumes, beschermd wonen included",
    "jh_youth": "youth with jeugdhulp in the year (persons) per youth 0-22; youth onset fitted",
    "jh_active": "jeugdhulp trajectories active in the year per youth 0-22; companion.jeugd_* fitted to 1.38 per youth",
    "jh_started": "jeugdhulp trajectories started per youth 0-22; follows",
    "jeugd_spending_individual": "youth spending on individual provisions (2019); tariffs per trajectory-month of 2019",
    "jeugd_spending_total": "youth spending including access and voorliggend veld (2019); follows",
    "jh_wijkteam_share": "the local teams' own jeugdhulp among started (2021*; not a criterion); its product share fitted",
    "bijstand_spending": "bijstand benefits spending (2019 BUIG); follows the households on bijstand",
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
