"""Every lever's effect on its own target lies in the range its evidence states, and every difference is attributed in full.

Each lever module states the plausible range of its effect (``Lever.evidence``: a seed, a published
figure or an assumption, with its reasoning). Here each scenario named by an evidence runs against the
baseline on the default municipality, paired (common random numbers), five years from a burn-in
shared with the base (a scenario that changes the contracts burns in on its own). The effect is the
mean over replicates of the paired relative difference of the target's five-year sum; it must lie in
the stated range. The standard error of that mean is printed with a failure; the ranges are several
standard errors wide (measured: e.g. the budget cut's 14.7 % with an SE of 0.9 points at 8 replicates).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from sdsim.experiments.compare import attribution, run_comparison
from sdsim.experiments.runner import shared_start_problem
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario
from sdsim.simulation.indicators import over_period
from sdsim.simulation.levers import LEVERS

REPLICATES = 8
SEED = 0
YEARS = 5
EVIDENCE = [(lever, evidence) for lever in LEVERS for evidence in lever.evidence]


@functools.cache
def _comparison(name: str):
    base, alternative = load_scenario(BASELINE), load_scenario(SCENARIO_DIR / name)
    shared = shared_start_problem(base, alternative.profile, alternative.params) is None
    return run_comparison(base, [alternative], REPLICATES, SEED, YEARS, workers=2, shared_burn_in=shared)


@pytest.mark.parametrize(("lever", "evidence"), EVIDENCE, ids=[f"{lv.id} {ev.scenario} {ev.metrics[0]}" for lv, ev in EVIDENCE])
def test_effect_lies_in_its_evidence_range(lever, evidence):
    comparison = _comparison(evidence.scenario)
    base, alternative = comparison.base.per_year, comparison.alternatives[0].per_year

    def target(series):
        return sum(over_period(series, m, YEARS, total=True) for m in evidence.metrics)

    relative = (target(alternative) - target(base)) / target(base)
    mean, se = relative.mean(), relative.std(ddof=1) / np.sqrt(REPLICATES)
    assert evidence.low <= mean <= evidence.high, (
        f"{lever.id} {evidence.scenario}: effect on {'+'.join(evidence.metrics)} {mean:+.3f} (SE {se:.3f}) outside "
        f"[{evidence.low:+.2f}, {evidence.high:+.2f}] ({evidence.source})"
    )


@pytest.mark.parametrize("name", sorted({evidence.scenario for _, evidence in EVIDENCE}))
def test_attribution_covers_the_whole_difference(name):
    """The attribution's rows, over every budget line, sum to the paired difference of total spending."""
    comparison = _comparison(name)
    alternative = comparison.alternatives[0]
    parts = attribution(comparison, alternative, YEARS)
    total = (alternative.per_year["spending.total"] - comparison.base.per_year["spending.total"])[:, :YEARS].sum(axis=1).mean()
    lines = sum(v["total"] for line, v in parts.items() if line != "total")
    assert lines == pytest.approx(total, rel=1e-9, abs=1e-3)  # exact up to floating-point summation over lines
    assert parts["total"]["total"] == pytest.approx(total, rel=1e-9, abs=1e-3)


def test_every_lever_with_a_scenario_states_its_evidence():
    """A lever that a shipped scenario file exercises states the range of its effect."""
    exercised = {"L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"}
    assert exercised <= {lever.id for lever, _ in EVIDENCE}
