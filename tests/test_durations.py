"""Durations of ended jeugdhulp trajectories in CBS's bands (issue 12: a fit target and a validation line).

The band of an ended provision follows from its whole months in care; every ended provision falls in
one band; the months in care tallied apart (``ended_months``) lie within the bands' bounds; and the
default municipality's shares lie within issue 10's 5 points of CBS 2021.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.calibration.targets import POINTS_BAND, TARGETS, figure_value
from sdsim.experiments.runner import replicate_engine
from sdsim.experiments.validate import measure_value
from sdsim.simulation.indicators import shares
from sdsim.simulation.schema import DURATION_BAND_MONTHS, DURATION_BANDS, JEUGDHULP
from sdsim.simulation.transitions import duration_band

from tests.conftest import REPLICATES, small_profile

BAND_TARGETS = {t.model.items[0]: t for t in TARGETS if t.model is not None and t.model.kind == "duration_share"}


def test_a_provision_falls_in_the_first_band_whose_bound_is_at_least_its_months():
    """As the durations drawn count (``inputs.cbs_duration_pmf``: the 0-3 months bin holds stays of 1, 2 and 3 months)."""
    expected = {0: 0, 3: 0, 4: 1, 6: 1, 7: 2, 12: 2, 13: 3, 24: 3, 25: 4, 36: 4, 37: 5, 48: 5, 49: 6, 600: 6}
    assert {m: duration_band(m) for m in expected} == expected
    assert set(BAND_TARGETS) == set(DURATION_BANDS) and len(DURATION_BAND_MONTHS) == len(DURATION_BANDS) - 1


def test_every_ended_provision_has_one_band_within_its_months_in_care(baseline):
    """Per product and month: the bands sum to the provisions ended, and their months in care (tallied apart) lie
    within each band's months: above the bound before it (0 for the first), at most its own (the open band: no upper)."""
    profile = small_profile(baseline.profile, 4_000, burn_in_years=5)
    engine = replicate_engine(profile, baseline.params, 3, 0, 36)
    engine.run()
    tallies = engine.recorded()
    bands = tallies.ended_bands.astype(np.int64)  # (months, products, bands)
    assert bands.sum() > 1_000
    np.testing.assert_array_equal(bands.sum(axis=2), tallies.ended)
    lower = np.array((0, *(b + 1 for b in DURATION_BAND_MONTHS)))
    upper = np.array((*DURATION_BAND_MONTHS, 0))
    months = tallies.ended_months.astype(np.int64)
    assert np.all(months >= bands @ lower)
    closed = bands[:, :, -1].sum(axis=0) == 0  # products with no provision in the open band have an upper bound too
    assert np.all(months[:, closed] <= (bands @ upper)[:, closed])


def test_the_bands_share_out_every_ended_jeugdhulp_trajectory(default_year):
    for year in default_year:
        ind = year.indicators
        ended = sum(ind[f"ended_duration.{b}"].sum() for b in DURATION_BANDS)
        assert ended == sum(ind[f"ended.{p}"].sum() for p in JEUGDHULP) > 0
        assert sum(
            shares({f"ended_duration.{b}": ind[f"ended_duration.{b}"].sum() for b in DURATION_BANDS}, "ended_duration").values()
        ) == (pytest.approx(100.0, abs=1e-9))


@pytest.mark.parametrize("band", DURATION_BANDS)
def test_duration_band_within_5_points_of_cbs(default_year, band):
    target = BAND_TARGETS[band]
    values = np.array([measure_value(target.model, year) for year in default_year])
    mean, se = values.mean(), values.std(ddof=1) / np.sqrt(REPLICATES)
    # Issue 10's band for shares, 5 points of CBS 2021 (a band on the mean, not a statistical tolerance);
    # the standard error over the replicates (about 0.5-1 point: some 700 ended trajectories a year) is
    # well below it, so a pass is not the seed's luck.
    assert se < POINTS_BAND / 4, f"{band}: standard error {se:.2f} points"
    assert abs(mean - figure_value(target)) <= POINTS_BAND, f"{band}: model {mean:.1f} % vs CBS {figure_value(target)} %"
