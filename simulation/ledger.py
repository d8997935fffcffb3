"""The money ledger: every euro on a budget line in the month it is spent (DOMAIN.md §4).

Euros are computed from the kernels' integer tallies and the prices of the scenario, so the
kernels stay free of money and the ledger is exact and cheap to recompute (e.g. for another price
path). Prices are in euros of the profile's start year and indexed yearly (``index.tariff`` for
care, general provisions and benefits, ``index.wage`` for access staff and contract overhead).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sdsim.simulation.inputs import Rates, compile_structure, provider_payment
from sdsim.simulation.kernels import H_BENEFIT_MONTHS, H_COPAY_LOW, H_MULTI_PROBLEM, Tallies
from sdsim.simulation.levers import policy_costs, policy_profile, shift_costs
from sdsim.simulation.parameters import Parameters
from sdsim.simulation.profile import Profile
from sdsim.simulation.schema import (
    BUDGET_LINES,
    DOMAINS,
    INCOME_CLASSES,
    LINE,
    PAY_LUMPSUM,
    PAY_PXQ,
    PAY_RESULT,
    PAY_TRAJECTORY,
    PRODUCT_LINE,
    PRODUCTS,
)


class Ledger(NamedTuple):
    """Monthly euros: spending and national revenue per budget line, co-payments received."""

    spending: np.ndarray  # (months, lines)
    revenue: np.ndarray  # (months, lines)
    copayments: np.ndarray  # (months,)
    care: np.ndarray  # (months, products) care euros per product (included in ``spending``)


def mean_care_months(rates: Rates) -> np.ndarray:
    """Expected months in care per product (trajectory prices): sum over n of P(D > n).

    The table covers n < 60; beyond it the hazard is constant, a geometric remainder S(60) / h.
    """
    return rates.survival[:, :-1].sum(axis=1) + rates.survival[:, -1] / rates.hazard[:, -1]


def index_factors(months: int, yearly: float, first_month: int = 0) -> np.ndarray:
    """Price index per recorded month: (1 + yearly) ** calendar-year offset from the start year."""
    return (1.0 + yearly) ** ((first_month + np.arange(months)) // 12)


def book(tallies: Tallies, rates: Rates, params: Parameters, profile: Profile, first_month: int = 0) -> Ledger:
    """Price every tally and put it on its budget line (``first_month``: month index of row 0).

    ``profile`` is the scenario's municipality; the levers' changes to it (contracts, staff,
    payment models) and what the levers themselves cost are applied here.
    """
    scenario_profile, profile = profile, policy_profile(profile, params)
    months = tallies.events.shape[0]
    price = index_factors(months, params["index.tariff"], first_month)
    wage = index_factors(months, params["index.wage"], first_month)
    spending = np.zeros((months, len(BUDGET_LINES)))
    model, factor, lumpsum = provider_payment(profile)
    tariff = np.array([params[f"tariff.{p.name}"] for p in PRODUCTS])
    unit = factor[:, None] * tariff[None, :]  # (providers, products) euros per client-month
    per_trajectory = unit * mean_care_months(rates)[None, :]
    care = (
        tallies.billed * (unit * (model == PAY_PXQ)[:, None])
        + tallies.admitted * (per_trajectory * (model == PAY_TRAJECTORY)[:, None])
        + tallies.resolved * (per_trajectory * (model == PAY_RESULT)[:, None])
    ).sum(axis=1)  # (months, products)
    slots = compile_structure(profile, params).provider_slots.astype(float)
    for prov in np.flatnonzero(model == PAY_LUMPSUM):
        weights = slots[prov] / slots[prov].sum()
        care += lumpsum[prov] / 12.0 * weights[None, :]
    care = care * price[:, None]
    for p in range(len(PRODUCTS)):
        spending[:, PRODUCT_LINE[p]] += care[:, p]
    general_cost = np.array([params[f"general_cost.{d}"] for d in DOMAINS])
    subsidy = sum(profile.general_subsidy_year.values()) / 12.0
    shifted = tallies.shifted @ shift_costs(params)
    spending[:, LINE["algemene_voorzieningen"]] = (tallies.general @ general_cost + shifted + subsidy) * price
    spending[:, LINE["participatie_bijstand"]] = tallies.house[:, H_BENEFIT_MONTHS] * params["benefit.monthly"] * price
    fte = sum(sum(team.fte.values()) for team in profile.access_teams)
    coordinators = tallies.house[:, H_MULTI_PROBLEM] * params["lever.casusregie.share"] * params["lever.casusregie.cost_month"]
    spending[:, LINE["toegang"]] = (fte * params["access.wage_fte_year"] / 12.0 + coordinators) * wage
    spending[:, LINE["overhead"]] = profile.n_providers * params["overhead.per_contract_year"] / 12.0 * wage
    for line, euros in policy_costs(scenario_profile, params).items():
        spending[:, LINE[line]] += euros * price
    revenue = np.zeros_like(spending)
    for line, amount in profile.revenue.items():
        revenue[:, LINE[line]] = amount / 12.0 * price
    copay = np.array([params[f"copay.{c}"] for c in INCOME_CLASSES])
    copayments = tallies.house[:, H_COPAY_LOW : H_COPAY_LOW + 3] @ copay * price
    return Ledger(spending=spending, revenue=revenue, copayments=copayments, care=care)


__all__ = ["Ledger", "book", "index_factors", "mean_care_months"]
