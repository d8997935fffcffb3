"""Prices over time: every amount of money from its source year to the start year, and on over the horizon.

A money parameter (``Parameter.price_year`` set: tariffs, general-provision costs, co-payments, the bijstand
benefit, the access wage, contract overhead) is in euros of its source's year, because it is derived from a
published figure of that year (or, for an assumption, the year it was made). One yearly index carries each kind
of amount; the index rates are parameters themselves:

* ``index.tariff``: care tariffs, general provisions, co-payments;
* ``index.benefit``: bijstand benefits (the norms follow the net minimum wage);
* ``index.wage``: access staff, case coordinators, contract overhead.

An amount ``a`` of year ``Y`` is worth ``a (1 + r) ** (S - Y)`` in the start year ``S`` (``at_start_year``,
applied once, when the scenario is compiled), and ``(1 + r) ** (m // 12)`` times that in month ``m`` counted from
1 January of ``S`` (``index_factors``, applied by the ledger). So money is reported in nominal euros of each
calendar year, with the start year's prices in month 0.

A budget line is indexed as what it pays for (``LINE_INDEX``), and so is its national revenue. Amounts that a
profile or a lever states (revenue, general subsidies, lump sums, lever costs) are in start-year prices already:
the ledger indexes them from the start year on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from sdsim.simulation.parameter import Parameter
from sdsim.simulation.schema import BUDGET_LINES

TARIFF_INDEX = "index.tariff"
BENEFIT_INDEX = "index.benefit"
WAGE_INDEX = "index.wage"
INDICES: tuple[str, ...] = (TARIFF_INDEX, BENEFIT_INDEX, WAGE_INDEX)

# The index of every budget line: its spending and its national revenue follow it.
LINE_INDEX: dict[str, str] = {
    line: BENEFIT_INDEX if line == "participatie_bijstand" else WAGE_INDEX if line in ("toegang", "overhead") else TARIFF_INDEX
    for line in BUDGET_LINES
}


def index_factor(yearly: float, from_year: int, to_year: int) -> float:
    """Price level of ``to_year`` relative to ``from_year`` at a constant yearly rate: ``(1 + yearly) ** (to_year - from_year)``."""
    return float((1.0 + yearly) ** (to_year - from_year))


def index_factors(months: int, yearly: float, first_month: int = 0) -> np.ndarray:
    """Price level per recorded month relative to the start year: ``(1 + yearly) ** (calendar years since the start year)``.

    Args:
        months: number of months recorded.
        yearly: the yearly index rate.
        first_month: month index of the first recorded month (0 = January of the start year).
    """
    return (1.0 + yearly) ** ((first_month + np.arange(months)) // 12)


def line_index_factors(months: int, values: Mapping[str, float], first_month: int = 0) -> np.ndarray:
    """(months, budget lines) price level of every budget line relative to the start year (``LINE_INDEX``)."""
    by_index = {name: index_factors(months, values[name], first_month) for name in INDICES}
    return np.stack([by_index[LINE_INDEX[line]] for line in BUDGET_LINES], axis=1)


def at_start_year(values: Mapping[str, float], declarations: Iterable[Parameter], start_year: int) -> dict[str, float]:
    """Every money parameter in euros of ``start_year``: its value indexed from its price year with its index rate.

    Args:
        values: parameter values (a ``Parameters``), including the index rates.
        declarations: the registry; those with a ``price_year`` are amounts of money.
        start_year: the profile's start year.

    Returns:
        ``{name: euros of the start year}`` for every money parameter.
    """
    prices = {}
    for p in declarations:
        if p.price_year is not None:
            prices[p.name] = values[p.name] * index_factor(values[p.index], p.price_year, start_year)
    return prices


__all__ = [
    "BENEFIT_INDEX",
    "INDICES",
    "LINE_INDEX",
    "TARIFF_INDEX",
    "WAGE_INDEX",
    "at_start_year",
    "index_factor",
    "index_factors",
    "line_index_factors",
]
