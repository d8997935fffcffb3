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
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, H_COORDINATED, Tallies

DOMAIN_OF_PRODUCT = (PRODUCT_DOMAIN[:, None] == np.arange(len(DOMAINS))[None, :]).astype(float)  # (products, domains)
STAFF_OF_DOMAIN = DOMAIN_OF_PRODUCT * np.array([p.name in STAFF_PRODUCTS for p in PRODUCTS])[:, None]


class Ledger(NamedTuple):
    """Monthly euros: spending and national revenue per budget line, co-payments received."""

    spending: np.ndarray  # (months, lines)
    revenue: np.ndarray  # (months, lines)
    copayments: np.ndarray  # (months, lines) the Wmo co-payment, on the line of the trajectory that makes a household pay
    care: np.ndarray  # (months, products) care euros per product (included in ``spending``)
    frontline: np.ndarray  # (months, domains) general provisions, intake staff and the teams' own help per domain (in ``spending``)


def paying_instalments(started: np.ndarray, instalments: np.ndarray) -> np.ndarray:
    """(months, providers, products) provisions paying an instalment: started in the last ``instalments[p]`` months."""
    total = np.cumsum(started, axis=0)
    paying = total.copy()
    for p, n in enumerate(instalments):
        paying[n:, :, p] -= total[:-n, :, p]
    return paying


def book(tallies: Tallies, compiled: CompiledScenario, first_month: int = 0) -> Ledger:
    """Price every tally and put it on its budget line (``first_month``: month index of row 0).

    Care is paid per provision (each person in care and each companion provision): p x q per
    provision-month (``tallies.provisions``); per trajectory a price per provision started
    (``tallies.commissioned``), paid in monthly instalments over today's months in care
    (``compiled.instalments``) whatever the months it lasts; by result the result price the same
    way, less its result part, and that part when the provision ends resolved
    (``tallies.resolved``); a lump sum monthly. The provisions in care on 1 January of the start
    year began under the run's own contracts after its own burn-in (``compiled.prior_starts``:
    their instalments and results run on), or, in a run begun from another scenario's state, under
    that scenario's p x q: they are paid p x q until they end (``tallies.inherited``), their results
    not. Instalments count the starts from month 0: book from there.

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
    per_start = (model == PAY_TRAJECTORY) | (model == PAY_RESULT)
    result = compiled.result_price * (model == PAY_RESULT)[:, None]
    instalment = (
        compiled.trajectory_price * (model == PAY_TRAJECTORY)[:, None] + result * (1.0 - compiled.result_part)
    ) / compiled.instalments
    prior = compiled.prior_starts  # the burn-in's starts under the same contracts, or None: begun from another scenario's state
    if prior is None:
        paying, inherited, results = paying_instalments(tallies.commissioned, compiled.instalments), tallies.inherited, tallies.resolved
        results = results - tallies.resolved_inherited
    else:
        paying = paying_instalments(np.concatenate((prior, tallies.commissioned)), compiled.instalments)[len(prior) :]
        inherited, results = 0, tallies.resolved
    care = (
        tallies.provisions * (compiled.unit_price * (model == PAY_PXQ)[:, None])
        + inherited * (compiled.unit_price * per_start[:, None])
        + paying * instalment
        + results * (result * compiled.result_part)
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
    coordinators = tallies.house[:, H_COORDINATED] * extra.coordinator_fte * prices["access.wage_fte_year"] / 12.0
    other = np.zeros_like(spending)  # start-year euros of the lines that are not care, and what the levers cost
    other[:, LINE["algemene_voorzieningen"]] = general.sum(axis=1)
    other[:, LINE["participatie_bijstand"]] = tallies.house[:, H_BENEFIT_MONTHS] * prices["benefit.monthly"]
    other[:, LINE["toegang"]] = intake.sum() + coordinators
    other[:, LINE["overhead"]] = compiled.contract_overhead * prices["overhead.per_contract_year"] / 12.0
    other += compiled.lever_costs[None, :]
    spending += other * index
    revenue = np.zeros_like(spending)
    for line, amount in profile.revenue.items():
        revenue[:, LINE[line]] = amount / 12.0
    revenue *= index
    price = index_factors(months, params[TARIFF_INDEX], first_month)
    copayments = np.zeros_like(spending)
    for p in np.flatnonzero(tallies.copay.any(axis=(0, 2))):
        copayments[:, PRODUCT_LINE[p]] += tallies.copay[:, p] @ compiled.copay * price
    return Ledger(spending=spending, revenue=revenue, copayments=copayments, care=care, frontline=frontline)


__all__ = ["Ledger", "book", "index_factors", "paying_instalments"]
