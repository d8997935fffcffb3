"""Every policy lever moves its own mechanism in the direction the seed documents expect.

The checks are the levers' own (``Lever.checks`` in each lever module), so a new lever module is
tested without editing this file. Each check runs against its reference (the baseline unless the
check names one) with common random numbers (same seed and replicates), so the per-replicate
difference of a metric's mean over the recorded months is a paired difference. The effect must
exceed 3 standard errors of the mean paired difference (SE over replicates) in the documented
direction; a lever that did nothing, or the opposite, fails.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from sdsim.simulation.compiled import compile_scenario, policy_profile
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import monthly_indicators
from sdsim.simulation.ledger import book
from sdsim.simulation.levers import LEVERS, in_hook_order, lever_of, profile_as_today
from sdsim.simulation.parameters import NAMES
from sdsim.simulation.schema import EVENTS
from sdsim.simulation.streams import DOMAIN_STREAMS

from tests.conftest import small_profile

REPLICATES = 8
MONTHS = 36
CHECKS = [(lever, check) for lever in LEVERS for check in lever.checks]


def _run(profile, params, replicate: int) -> dict[str, np.ndarray]:
    engine = Engine(profile, params, seed=11, replicate=replicate, horizon_months=MONTHS)
    tallies = engine.run()
    return monthly_indicators(tallies, book(tallies, engine.compiled))


def _sum(series: dict[str, np.ndarray], names: tuple[str, ...]) -> float:
    return float(sum(series[n] for n in names).mean())


@pytest.fixture(scope="module")
def setting(baseline):
    profile = small_profile(baseline.profile, baseline.profile.households, burn_in_years=1)

    @functools.cache
    def runs(reference: tuple[tuple[str, float], ...]) -> list[dict[str, np.ndarray]]:
        params = baseline.params.replace(dict(reference))
        return [_run(profile, params, r) for r in range(REPLICATES)]

    return profile, baseline.params, runs


@pytest.mark.parametrize(("lever", "check"), CHECKS, ids=[f"{lever.id} {check.what}" for lever, check in CHECKS])
def test_lever_moves_its_mechanism(setting, lever, check):
    profile, params, runs = setting
    reference = runs(tuple(sorted(check.reference.items())))
    changed = params.replace(check.changes)
    diffs = np.array([_sum(_run(profile, changed, r), check.metrics) - _sum(reference[r], check.metrics) for r in range(REPLICATES)])
    se = diffs.std(ddof=1) / np.sqrt(REPLICATES)
    assert check.direction * diffs.mean() > 3 * se, (
        f"{lever.id} {check.what}: paired difference {diffs.mean():.3g} (SE {se:.2g}), expected sign {check.direction:+d}"
    )


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.id)
def test_every_lever_is_documented_and_checked(lever):
    members = [n for n in NAMES if lever_of(n) == lever]
    assert members, f"{lever.id} has no parameters"
    assert lever.seed and lever.mechanism and lever.direction and lever.title
    assert lever.checks, f"{lever.id} has no expected direction"
    assert set(lever.kernel_events) <= set(EVENTS)
    assert set(lever.kernel_decisions) <= set(DOMAIN_STREAMS)
    for check in lever.checks:
        assert check.direction in (-1, +1)
        assert all(lever_of(name) is not None for name in check.changes), "a check changes levers only"


def test_levers_are_unique_and_in_a_hook_order():
    assert len({lever.id for lever in LEVERS}) == len(LEVERS)
    order = [lever.id for lever in in_hook_order(LEVERS)]
    assert sorted(order) == sorted(lever.id for lever in LEVERS)
    for lever in LEVERS:
        assert all(order.index(first) < order.index(lever.id) for first in lever.after if first in order)


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.id)
def test_every_hook_at_defaults_changes_nothing(baseline, lever):
    """Defaults mean "as today": each lever's profile hook leaves the profile as it is."""
    data = baseline.profile.model_dump()
    lever.profile(data, baseline.params)
    assert data == baseline.profile.model_dump()


def test_levers_at_defaults_change_nothing(baseline):
    """The lever-adjusted profile is the profile itself, and no lever costs anything."""
    assert policy_profile(baseline.profile, baseline.params) is baseline.profile
    compiled = compile_scenario(baseline.profile, baseline.params)
    assert not compiled.lever_costs.any() and compiled.lever_prices.coordinator_fte == 0.0


@pytest.mark.parametrize("lever", [lv for lv in LEVERS if lv.profile is not profile_as_today], ids=lambda lever: lever.id)
def test_no_profile_lever_is_dropped(baseline, lever):
    """The lever's first check changes the municipality: every profile hook runs, none is skipped by a list."""
    assert policy_profile(baseline.profile, baseline.params.replace(lever.checks[0].changes)) != baseline.profile


def test_skill_mix_then_integration_gain_clipped_once(baseline):
    """L10 and L2 both move a team's triage accuracy: skill mix first, then the gain of a team made integrated, clipped once."""
    changes = {"lever.access.integrated": 1.0, "lever.access.triage_delta": -0.3, "lever.access.triage_gain": 0.5}
    teams = policy_profile(baseline.profile, baseline.params.replace(changes)).access_teams
    for before, after in zip(baseline.profile.access_teams, teams, strict=True):
        gain = 0.0 if before.integrated else 0.5
        assert after.integrated and after.triage_accuracy == float(np.clip(before.triage_accuracy - 0.3 + gain, 0.0, 1.0))
