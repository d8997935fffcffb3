"""No start-up artefact: with the population held and no indexation, every volume and euro is flat for ten years.

``scenarios/stationary.toml`` holds the default municipality's population at its start-year
composition and switches indexation off. If the burn-in left stocks still filling (or emptying), the
yearly means would trend. For each series, every replicate gives its least-squares trend over the
ten years; the mean trend over replicates is compared with its standard error (replicates are
independent): |mean| <= 4 SE. Forty-odd series are tested at once, so 4 SE (a two-sided 6e-5 false
alarm each, under 0.3 % for all) rather than 3. The burn-in is what makes this pass: with the
0.4 burn-in of 5 years the wmo_hbh, wmo_hulpmiddelen and beschermingsbewind stocks grow 11-21 % in ten
years and the wmo waiting list 44 % (8-18 SE).

Persons per age group and households are both tested: households hold because young adults leave
home (``demography.leave_home``, fitted to that); without it they fall 13 % in 25 years. The burn-in
is 40 years because the household composition settles on the time scale of moving (about 20 years):
after 25 the bijstand and beschut werk stocks still fall 3 % and 12 % in ten years (3 SE).
"""

from __future__ import annotations

import numpy as np
from sdsim.scenarios.loader import SCENARIO_DIR, Scenario, load_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.ledger import book
from sdsim.simulation.schema import DOMAINS, PRODUCTS, WAITLIST
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, POPULATION

REPLICATES, YEARS = 8, 10
Z = 4.0  # standard errors allowed for a trend (see the module docstring)


def _yearly(monthly: np.ndarray) -> np.ndarray:
    return monthly.reshape(YEARS, 12, *monthly.shape[1:]).mean(axis=1)


def _series(scenario: Scenario, seed: int, replicate: int) -> dict[str, np.ndarray]:
    engine = Engine(scenario.profile, scenario.params, seed=seed, replicate=replicate, horizon_months=12 * YEARS)
    tallies = engine.run()
    out = {f"in care: {p.name}": v for p, v in zip(PRODUCTS, _yearly(tallies.stock.sum(axis=1)).T, strict=True)}
    out |= {f"waiting list: {d}": v for d, v in zip(DOMAINS, _yearly(tallies.occupancy[:, :, WAITLIST].sum(axis=2)).T, strict=True)}
    out |= {f"population: {g}": v for g, v in zip(POPULATION, _yearly(tallies.population).T, strict=True)}
    out["benefit months"] = _yearly(tallies.house[:, H_BENEFIT_MONTHS])
    out["access queues"] = _yearly(tallies.queue[:, :, 0].sum(axis=1))
    out["spending"] = book(tallies, engine.compiled).spending.sum(axis=1).reshape(YEARS, 12).sum(axis=1)
    return out


def test_stationary_scenario_is_flat_for_ten_years():
    scenario = load_scenario(SCENARIO_DIR / "stationary.toml")
    runs = [_series(scenario, seed=3, replicate=r) for r in range(REPLICATES)]
    years = np.arange(YEARS) - (YEARS - 1) / 2
    failures = []
    for name in runs[0]:
        trends = np.array([np.dot(years, run[name]) / np.dot(years, years) for run in runs]) * (YEARS - 1)  # change over the decade
        level = np.mean([run[name].mean() for run in runs])
        se = trends.std(ddof=1) / np.sqrt(REPLICATES)
        if abs(trends.mean()) > Z * se:
            failures.append(
                f"{name}: {trends.mean():+.2f} over ten years ({trends.mean() / max(level, 1e-9):+.1%} of {level:.1f}), SE {se:.2f}"
            )
    assert not failures, "\n".join(failures)
