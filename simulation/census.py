"""A census of the households year by year: who is counted as CBS counts, beside the monthly indicators.

The indicators count household trajectories per month; published figures count persons holding a
provision at some time in a year, trajectories active in a year (held on 1 January plus started) and
the population on 1 January. ``census_years`` steps an engine month by month and takes those counts
for each calendar year; ``calibration.targets.measure_value`` turns them into a figure's model value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import monthly_indicators
from sdsim.simulation.population import Households
from sdsim.simulation.schema import CARE, COMPANION, DOORS, N_DOMAINS, N_PRODUCTS, PRODUCT

MONTHS = 12


@dataclass(frozen=True)
class Census:
    """What one replicate's households show in one calendar year (beyond the indicators).

    Attributes:
        basis: persons on 1 January: inhabitants, youth_0_17, youth_0_22; and households.
        start: (products,) provisions (trajectories) held on 1 January per product.
        admissions: (products, doors) provisions started during the year by product and door.
        unique: persons holding a product of a group at some time in the year (per household the
            most at once: a household's members in care are the same persons all year).
    """

    basis: dict[str, float]
    start: np.ndarray
    admissions: np.ndarray
    unique: dict[tuple[str, ...], int]


@dataclass(frozen=True)
class CensusYear:
    """One replicate's calendar year: census and monthly indicators (``{metric: (12,)}``)."""

    census: Census
    indicators: dict[str, np.ndarray]


def _in_care(hh: Households) -> tuple[np.ndarray, ...]:
    """Every household-domain in care: its row, product, door, persons and companions."""
    rows, cols = np.nonzero(hh.state[:, :N_DOMAINS] == CARE)
    return (
        rows, cols, hh.product[rows, cols].astype(np.int64), hh.door[rows, cols].astype(np.int64),
        hh.persons[rows, cols].astype(np.int64), hh.companions[rows, cols].astype(np.int64),
    )  # fmt: skip


def _provisions(products: np.ndarray, persons: np.ndarray, companions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(product, provisions) pairs of trajectories: each person's product, and the companions' (``schema.COMPANION``)."""
    with_companion = companions > 0
    return (
        np.concatenate((products, COMPANION[products[with_companion]])),
        np.concatenate((persons, companions[with_companion])),
    )


def _hold(ever: np.ndarray, rows: np.ndarray, products: np.ndarray, persons: np.ndarray, companions: np.ndarray) -> None:
    """Raise ``ever[row, product]`` to the persons holding the product now (a companion of another product too)."""
    np.maximum.at(ever, (rows, products), persons)
    other = (companions > 0) & (COMPANION[products] != products)
    np.maximum.at(ever, (rows[other], COMPANION[products[other]]), companions[other])


def _basis(hh: Households) -> dict[str, float]:
    children, young = hh.children.astype(np.int64), hh.young.astype(np.int64)
    return {
        "inhabitants": float((children + young + hh.adults + hh.elderly).sum()),
        "youth_0_17": float(children.sum()),
        "youth_0_22": float((children + young).sum()),
        "households": float(hh.occupied.sum()),
    }


def census_years(engine: Engine, years: int, groups: Iterable[tuple[str, ...]]) -> list[CensusYear]:
    """Run ``engine``'s burn-in, then ``years`` calendar years month by month with a census of each.

    Args:
        engine: a fresh engine (its horizon at least ``years`` years).
        years: calendar years from the start year.
        groups: the product groups whose persons in care during a year are counted (``Census.unique``).

    Returns:
        One ``CensusYear`` per year; the indicators are those ``run_replicate`` returns (the same months).
    """
    groups = tuple(groups)
    engine.run(0)  # the burn-in: the state on 1 January of the start year
    hh = engine.households
    censuses = []
    for _ in range(years):
        basis = _basis(hh)
        ever = np.zeros((hh.size, N_PRODUCTS), dtype=np.int64)  # the most persons of a household holding a product in the year
        rows, _, products, _, persons, companions = _in_care(hh)
        _hold(ever, rows, products, persons, companions)
        start = np.bincount(*_provisions(products, persons, companions), minlength=N_PRODUCTS)
        admissions = np.zeros((N_PRODUCTS, len(DOORS)), dtype=np.int64)
        for _ in range(MONTHS):
            engine.step()
            month = engine.month - 1
            rows, cols, products, doors, persons, companions = _in_care(hh)
            _hold(ever, rows, products, persons, companions)
            new = hh.entered[rows, cols] == month  # admitted this month (care ends are decided in a later month)
            provided, count = _provisions(products[new], persons[new], companions[new])
            np.add.at(admissions, (provided, np.concatenate((doors[new], doors[new][companions[new] > 0]))), count)
        unique = {group: int(ever[:, [PRODUCT[p] for p in group]].max(axis=1).sum()) for group in groups}
        censuses.append(Census(basis, start, admissions, unique))
    indicators = monthly_indicators(engine.recorded(), engine.ledger())
    return [CensusYear(census, {m: v[MONTHS * y : MONTHS * (y + 1)] for m, v in indicators.items()}) for y, census in enumerate(censuses)]


__all__ = ["Census", "CensusYear", "census_years"]
