"""Parameter recovery as simulation-based calibration (Talts et al. 2018): is the fit's posterior honest?

Each round draws the truth from the prior, simulates the figures with another replicate's random numbers
plus the stated error (what the fit assumes the world does), fits them, and records where the truth fell:
its rank among the posterior draws (uniform on [0, 1] if the posterior is calibrated) and whether the
central 90 % interval holds it (90 % of the time). ``tests/test_calibration.py`` runs a small
configuration; ``benchmarks/sbc.py`` a larger one.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sdsim.calibration.fit import FitSetup, run_fit, simulate, to_values
from sdsim.calibration.series import BY_KEY, Observation
from sdsim.experiments.sensitivity import Problem
from sdsim.scenarios.loader import Scenario

ERROR = 0.05  # the figures' stated error in these rounds (log scale)


def small_scenario(national: Scenario, households: int = 2000, burn_in_years: int = 8, years: int = 3) -> Scenario:
    """The national sample cut to ``households`` households, a short burn-in, ``years`` years, no timeline."""
    profile = national.profile.scaled(households).model_copy(update={"burn_in_years": burn_in_years})
    return dataclasses.replace(national, profile=profile, years=years, timeline=())


@dataclass(frozen=True)
class Recovery:
    """Where the truth fell in each fit: ranks (fits, parameters) in [0, 1] and whether the 90 % interval held it."""

    ranks: np.ndarray
    covered: np.ndarray


def recover(scenario: Scenario, problem: Problem, series: Sequence[str], fits: int, seed: int = 0, waves: int = 2) -> Recovery:
    """``fits`` rounds of draw, simulate, fit (see the module docstring); every figure is a count with error ``ERROR``."""
    rng = np.random.default_rng(seed)
    years = range(scenario.profile.start_year, scenario.profile.start_year + scenario.years)
    ranks, covered = [], []
    for k in range(fits):
        truth = to_values(problem, rng.standard_normal(len(problem.names)))[0]
        params = scenario.params.replace(dict(zip(problem.names, truth, strict=True)))
        sim = simulate(scenario, params, seed, 1000 + k, years[-1], [BY_KEY[s] for s in series])
        figures = tuple(Observation(BY_KEY[s], str(y), y, sim[s, y] * math.exp(rng.normal(0, ERROR)), ERROR) for s in series for y in years)
        posterior = run_fit(FitSetup(scenario, problem, figures, seed=seed + k), waves=waves, workers=1, log=lambda _: None)
        low, high = posterior.quantiles([0.05, 0.95])
        covered.append((low <= truth) & (truth <= high))
        ranks.append([float(posterior.weights[posterior.draws[:, j] < truth[j]].sum()) for j in range(len(truth))])
    return Recovery(np.array(ranks), np.array(covered))


__all__ = ["ERROR", "Recovery", "recover", "small_scenario"]
