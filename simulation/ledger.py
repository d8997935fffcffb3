"""The money ledger: every euro on a budget line in the month it is spent (DOMAIN.md §4).

Euros are computed from the kernels' integer tallies and the prices of the scenario, so the
kernels stay free of money and the ledger is exact and cheap to recompute (e.g. for another price
path). Prices are in euros of the profile's start year and indexed yearly (``index.tariff`` for
care, general provisions and benefits, ``index.wage`` for access staff and contract overhead).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sdsim.simulation.compiled import CompiledScenario
from sdsim.simulation.schema import BUDGET_LINES, LINE, PAY_PXQ, PAY_RESULT, PAY_TRAJECTORY, PRODUCT_LINE, PRODUCTS
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, H_COPAY_LOW, H_MULTI_PROBLEM, Tallies


class Ledger(NamedTuple):
    """Monthly euros: spending and national revenue per budget line, co-payments received."""

    spending: np.ndarray  # (months, lines)
    revenue: np.ndarray  # (months, lines)
    copayments: np.ndarray  # (months,)
    care: np.ndarray  # (months, products) care euros per product (included in ``spending``)


def index_factors(months: int, yearly: float, first_month: int = 0) -> np.ndarray:
    """Price index per recorded month: (1 + yearly) ** calendar-year offset from the start year."""
    return (1.0 + yearly) ** ((first_month + np.arange(months)) // 12)


def book(tallies: Tallies, compiled: CompiledScenario, first_month: int = 0) -> Ledger:
    """Price every tally and put it on its budget line (``first_month``: month index of row 0).

    ``compiled`` is the scenario the engine ran (``Engine.compiled``): the municipality as the levers
    made it, its prices, and what the levers themselves cost.
    """
    params, profile = compiled.params, compiled.profile
    months = tallies.events.shape[0]
    price = index_factors(months, params["index.tariff"], first_month)
    wage = index_factors(months, params["index.wage"], first_month)
    spending = np.zeros((months, len(BUDGET_LINES)))
    model = compiled.payment_model
    care = (
        tallies.billed * (compiled.unit_price * (model == PAY_PXQ)[:, None])
        + tallies.admitted * (compiled.trajectory_price * (model == PAY_TRAJECTORY)[:, None])
        + tallies.resolved * (compiled.trajectory_price * (model == PAY_RESULT)[:, None])
    ).sum(axis=1)  # (months, products)
    for lumpsum in compiled.lumpsum_care:
        care += lumpsum[None, :]
    care = care * price[:, None]
    for p in range(len(PRODUCTS)):
        spending[:, PRODUCT_LINE[p]] += care[:, p]
    subsidy = sum(profile.general_subsidy_year.values()) / 12.0
    extra = compiled.lever_prices
    shifted = tallies.shifted @ extra.shifted
    spending[:, LINE["algemene_voorzieningen"]] = (tallies.general @ compiled.general_cost + shifted + subsidy) * price
    spending[:, LINE["participatie_bijstand"]] = tallies.house[:, H_BENEFIT_MONTHS] * params["benefit.monthly"] * price
    fte = sum(sum(team.fte.values()) for team in profile.access_teams)
    coordinators = tallies.house[:, H_MULTI_PROBLEM] * extra.coordinated_share * extra.coordinator_month
    spending[:, LINE["toegang"]] = (fte * params["access.wage_fte_year"] / 12.0 + coordinators) * wage
    spending[:, LINE["overhead"]] = profile.n_providers * params["overhead.per_contract_year"] / 12.0 * wage
    for line, euros in enumerate(compiled.lever_costs):
        spending[:, line] += euros * price
    revenue = np.zeros_like(spending)
    for line, amount in profile.revenue.items():
        revenue[:, LINE[line]] = amount / 12.0 * price
    copayments = tallies.house[:, H_COPAY_LOW : H_COPAY_LOW + 3] @ compiled.copay * price
    return Ledger(spending=spending, revenue=revenue, copayments=copayments, care=care)


__all__ = ["Ledger", "book", "index_factors"]
