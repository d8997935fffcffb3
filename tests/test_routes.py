"""Referral routes of started jeugdhulp trajectories as CBS records them (issue 10 item 4).

The default municipality's route shares lie within 5 points of CBS 2021; the shares sum to 100; the
GI refers only youth under a protection measure; and the doors outside municipal control are
counted by one predicate, for sleeping households too.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sdsim.calibration.targets import POINTS_BAND, TARGETS, figure_value
from sdsim.experiments.validate import measure_value, run_year
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import route_shares
from sdsim.simulation.schema import (
    CARE,
    D_GI,
    DOORS,
    JEUGD,
    JEUGDHULP,
    PRODUCT,
    PRODUCT_TIER,
    PRODUCTS,
    ROUTE,
    ROUTE_OF_DOOR,
    ROUTES,
    T_FORCED,
    UNCONTROLLED,
    VEILIGHEID,
)

from tests.conftest import REPLICATES, small_profile  # REPLICATES: of the default_year fixture (conftest)

ROUTE_TARGETS = {t.model.items[0]: t for t in TARGETS if t.model is not None and t.model.kind == "route_share"}


def test_every_route_is_a_target_and_every_door_has_a_route():
    assert set(ROUTE_TARGETS) == set(ROUTES)
    for door in DOORS[1:]:  # "none" is no trajectory
        assert ROUTE_OF_DOOR[door] in ROUTES, door
    assert ROUTE[DOORS.index("none")] == -1


@pytest.mark.parametrize("route", ROUTES)
def test_route_share_within_5_points_of_cbs(default_year, route):
    target = ROUTE_TARGETS[route]
    shares = np.array([measure_value(target.model, year) for year in default_year])
    mean, se = shares.mean(), shares.std(ddof=1) / np.sqrt(REPLICATES)
    cbs = figure_value(target)
    # Issue 10's band: within 5 percentage points of CBS 2021 (a band on the model's mean, not a
    # statistical tolerance). The mean must be that close by more than sampling error: its standard
    # error over the replicates (0.4-0.9 points at seed 5; about 500 starts a year each) is well
    # below the band, so a pass is not luck of the seed.
    assert se < POINTS_BAND / 4, f"{route}: standard error {se:.2f} points"
    assert abs(mean - cbs) <= POINTS_BAND, f"{route}: model {mean:.1f} % vs CBS {cbs} % (SE {se:.2f})"


def test_route_shares_sum_to_100_and_count_every_jeugdhulp_start(default_year):
    for year in default_year:
        ind = year.indicators
        started = sum(ind[f"started_route.{r}"].sum() for r in ROUTES)
        assert started == sum(ind[f"started.{p}"].sum() for p in JEUGDHULP) >= sum(ind[f"inflow.{p}"].sum() for p in JEUGDHULP) > 0
        shares = route_shares({f"started_route.{r}": ind[f"started_route.{r}"].sum() for r in ROUTES})
        assert sum(shares.values()) == pytest.approx(100.0, abs=1e-9)
        # the census's admissions by door, mapped to routes, give the same counts
        by_door = year.census.admissions[[PRODUCT[p] for p in JEUGDHULP]].sum(axis=0)
        for r, route in enumerate(ROUTES):
            assert by_door[r == ROUTE].sum() == ind[f"started_route.{route}"].sum(), route


def _measure(hh) -> np.ndarray:
    return (hh.state[:, VEILIGHEID] == CARE) & (PRODUCT_TIER[np.maximum(hh.product[:, VEILIGHEID], 0)] == T_FORCED)


def test_gi_refers_only_youth_under_a_protection_measure(baseline):
    profile = small_profile(baseline.profile, 8000, burn_in_years=0)
    engine = Engine(profile, baseline.params, seed=9, horizon_months=48)
    hh = engine.households
    referred = 0
    for _ in range(48):
        under = _measure(hh)  # at the start of the month: what the GI's rules read
        engine.step()
        month = engine.month - 1
        gi = (hh.door == D_GI) & (hh.entered == month)
        assert not gi[:, [d for d in range(gi.shape[1]) if d != JEUGD]].any(), "the GI refers jeugdhulp only"
        assert under[gi[:, JEUGD]].all(), "a GI referral without a protection measure"
        referred += gi[:, JEUGD].sum()
    assert referred >= 20  # the rule was exercised
    started = engine.recorded().started  # admissions by product and door
    others = [p for p, prod in enumerate(PRODUCTS) if prod.domain != JEUGD]
    assert started[:, others, D_GI].sum() == 0 and started[:, :, D_GI].sum() > 0


def test_uncontrolled_months_are_the_uncontrolled_doors_of_sleeping_and_awake_households(baseline):
    profile = small_profile(baseline.profile, 6000, burn_in_years=0)
    engine = Engine(profile, baseline.params, seed=6, horizon_months=36)
    hh = engine.households
    seen = set()
    for _ in range(36):
        before = hh.copy()
        engine.step()
        counted = engine.last_month().uncontrolled[0]
        quiet = before.next_demography > engine.month - 1  # no departure or 18th birthday this month
        in_care = before.state == CARE
        outside = in_care & UNCONTROLLED[before.door]
        for p in range(counted.shape[0]):
            of_p = outside & (before.product == p)
            assert of_p[quiet].sum() <= counted[p] <= of_p.sum(), p
        seen |= set(np.unique(before.door[outside]).tolist())
    assert {DOORS.index(d) for d in ("gp", "specialist", "jeugdarts", "direct", "gi", "judge")} <= seen


def test_no_gi_route_without_protection_measures(baseline):
    """Without protection measures (no veiligheid needs) there is no GI route and the others share its part."""
    params = baseline.params.replace({"onset.veiligheid.children": 0.0})
    small = dataclasses.replace(baseline, profile=small_profile(baseline.profile, 6000, burn_in_years=2), params=params)
    year = run_year(small, 3, 0)
    assert year.indicators["started_route.GI"].sum() == 0
