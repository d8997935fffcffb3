"""The money ledger: every euro on a budget line in the month it is spent (DOMAIN.md §4).

Euros are computed from the kernels' integer tallies and the prices of the scenario, so the
kernels stay free of money and the ledger is exact and cheap to recompute (e.g. for another price
path). The compiled scenario holds every price in euros of the profile's start year (each money
parameter indexed from its own price year, ``simulation.prices``); the ledger indexes them on, a
step each 1 January: every budget line with its own index (``prices.LINE_INDEX``: ``index.tariff``
for care, general provisions and co-payments, ``index.benefit`` for bijstand, ``index.wage`` for
access staff and contract overhead), and its national revenue with it. Money is reported in nominal
euros of each calendar year, with the start year's prices in month 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sdsim.simulation.compiled import CompiledScenario
from sdsim.simulation.prices import TARIFF_INDEX, index_factors, line_index_factors
from sdsim.simulation.schema import (
    BUDGET_LINES,
    DOMAINS,
    LINE,
    PAY_PXQ,
    PAY_RESULT,
    PAY_TRAJECTORY,
    PRODUCT_DOMAIN,
    PRODUCT_LINE,
    PRODUCTS,
    STAFF_PRODUCTS,
)
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, H_COPAY_LOW, H_MULTI_PROBLEM, Tallies

DOMAIN_OF_PRODUCT = (PRODUCT_DOMAIN[:, None] == np.arange(len(DOMAINS))[None, :]).astype(float)  # (products, domains)
STAFF_OF_DOMAIN = DOMAIN_OF_PRODUCT * np.array([p.name in STAFF_PRODUCTS for p in PRODUCTS])[:, None]


class Ledger(NamedTuple):
    """Monthly euros: spending and national revenue per budget line, co-payments received."""

    spending: np.ndarray  # (months, lines)
    revenue: np.ndarray  # (months, lines)
    copayments: np.ndarray  # (months,)
    care: np.ndarray  # (months, products) care euros per product (included in ``spending``)
    frontline: np.ndarray  # (months, domains) general provisions, intake staff and the teams' own help per domain (in ``spending``)


def book(tallies: Tallies, compiled: CompiledScenario, first_month: int = 0) -> Ledger:
    """Price every tally and put it on its budget line (``first_month``: month index of row 0).

    Care paid p x q is paid per provision-month: each person in care and each companion provision
    (``tallies.provisions``); per trajectory and by result, per household trajectory started or resolved.

    ``compiled`` is the scenario the engine ran (``Engine.compiled``): the municipality as the levers
    made it, its prices in start-year euros, and what the levers themselves cost. Row ``m`` is month
    ``first_month + m`` from 1 January of the start year, priced at ``(1 + rate) ** ((first_month + m) // 12)``
    times the start-year price, with each budget line's own index rate (``simulation.prices``).
    """
    params, profile, prices = compiled.params, compiled.profile, compiled.start_prices
    months = tallies.events.shape[0]
    index = line_index_factors(months, params, first_month)  # (months, lines)
    spending = np.zeros((months, len(BUDGET_LINES)))
    model = compiled.payment_model
    care = (
        tallies.provisions * (compiled.unit_price * (model == PAY_PXQ)[:, None])
        + tallies.admitted * (compiled.trajectory_price * (model == PAY_TRAJECTORY)[:, None])
        + tallies.resolved * (compiled.trajectory_price * (model == PAY_RESULT)[:, None])
    ).sum(axis=1)  # (months, products)
    for lumpsum in compiled.lumpsum_care:
        care += lumpsum[None, :]
    care = care * index[:, PRODUCT_LINE]
    for p in range(len(PRODUCTS)):
        spending[:, PRODUCT_LINE[p]] += care[:, p]
    extra = compiled.lever_prices
    # start-year euros per domain: general provisions (users, the provision replacing a product, subsidies) and intake staff
    general = tallies.general * compiled.general_cost + (tallies.shifted * extra.shifted) @ DOMAIN_OF_PRODUCT
    general += np.array([profile.general_subsidy_year.get(d, 0.0) for d in DOMAINS]) / 12.0
    intake = np.array([sum(team.fte.get(d, 0.0) for team in profile.access_teams) for d in DOMAINS]) * prices["access.wage_fte_year"] / 12.0
    general_line, access_line = index[:, [LINE["algemene_voorzieningen"]]], index[:, [LINE["toegang"]]]
    frontline = general * general_line + intake * access_line + care @ STAFF_OF_DOMAIN
    coordinators = tallies.house[:, H_MULTI_PROBLEM] * extra.coordinated_share * extra.coordinator_month
    other = np.zeros_like(spending)  # start-year euros of the lines that are not care, and what the levers cost
    other[:, LINE["algemene_voorzieningen"]] = general.sum(axis=1)
    other[:, LINE["participatie_bijstand"]] = tallies.house[:, H_BENEFIT_MONTHS] * prices["benefit.monthly"]
    other[:, LINE["toegang"]] = intake.sum() + coordinators
    other[:, LINE["overhead"]] = profile.n_contracts * prices["overhead.per_contract_year"] / 12.0
    other += compiled.lever_costs[None, :]
    spending += other * index
    revenue = np.zeros_like(spending)
    for line, amount in profile.revenue.items():
        revenue[:, LINE[line]] = amount / 12.0
    revenue *= index
    price = index_factors(months, params[TARIFF_INDEX], first_month)
    copayments = tallies.house[:, H_COPAY_LOW : H_COPAY_LOW + 3] @ compiled.copay * price
    return Ledger(spending=spending, revenue=revenue, copayments=copayments, care=care, frontline=frontline)


__all__ = ["Ledger", "book", "index_factors"]
