"""A scenario compiled once: the municipality as the levers make it, the kernels' arrays and the prices.

``compile_scenario`` runs the hooks of every lever (``simulation.levers``) once, in lever order, on a
profile and its parameters. The engine simulates with the result and the ledger prices the engine's
tallies with the same object, so no lever is applied twice.

Money parameters are in euros of their source year (``Parameter.price_year``); this is where they are
indexed to the profile's start year, once (``simulation.prices.at_start_year``). Every price the
compiled scenario holds is in start-year euros; the ledger indexes them on over the horizon.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from sdsim.simulation.inputs import Rates, Structure, compile_rates, compile_structure, provider_payment, with_onset_factors
from sdsim.simulation.levers import LEVERS, Lever, LeverPrices, in_hook_order, no_lever_prices
from sdsim.simulation.parameters import REGISTRY, Parameters
from sdsim.simulation.prices import at_start_year
from sdsim.simulation.profile import Profile
from sdsim.simulation.schema import (
    BUDGET_LINES,
    DOMAINS,
    INCOME_CLASSES,
    LINE,
    N_PRODUCTS,
    PAY_LUMPSUM,
    PAY_RESULT,
    PAY_TRAJECTORY,
    PAYMENT_MODELS,
    PRODUCTS,
    STAFF_PRODUCTS,
)


class CompiledScenario(NamedTuple):
    """Everything the engine and the ledger need of one scenario, with every lever applied once.

    Prices are euros of the profile's start year (indexed from each parameter's price year); the
    ledger indexes them on from month 0.
    """

    params: Parameters
    scenario_profile: Profile  # the municipality as the scenario gives it
    profile: Profile  # ... and as the levers make it (teams, practices, contracts, slots)
    rates: Rates  # behavioural rates as the levers make them
    structure: Structure  # the lever-adjusted profile as arrays
    payment_model: np.ndarray  # (providers,) code in PAYMENT_MODELS
    unit_price: np.ndarray  # (providers, products) euro per client-month: tariff x the contract's tariff factor
    trajectory_price: np.ndarray  # (providers, products) euro per provision started: unit price x today's expected months in care
    result_price: np.ndarray  # (providers, products) euro per provision under result pay (its part ``result_part`` on the result)
    result_part: float  # share of the result price paid only when the need is resolved
    instalments: np.ndarray  # (products,) months over which a trajectory or result price is paid, from its start
    lumpsum_care: np.ndarray  # (lump-sum providers, products) monthly lump sum spread over the provider's slots
    contract_overhead: float  # contracts weighted by the administrative cost of their payment model (p x q = 1)
    general_cost: np.ndarray  # (domains,) euro per general-provision user-month
    copay: np.ndarray  # (income classes,) euro per co-paying household-month
    start_prices: dict[str, float]  # every money parameter (tariffs, benefit, wage, ...) in start-year euros
    lever_prices: LeverPrices  # euros of what levers add per unit of a tally
    lever_costs: np.ndarray  # (budget lines,) fixed euros per month the levers themselves cost
    expected_terms: tuple[np.ndarray, np.ndarray]  # (products,) x 2: months in care and P(resolved) by the law (contract_terms)
    prior_starts: np.ndarray | None = None  # (months, providers, products) provisions started in the burn-in's last months, under
    # per-start pay: their instalments run on (``Engine``); None for a run begun from another scenario's state

    @property
    def prices_trajectories(self) -> bool:
        """Whether a contract pays per trajectory or by result: its price needs today's cost of a trajectory."""
        return bool(np.isin(self.payment_model, (PAY_TRAJECTORY, PAY_RESULT)).any())

    def priced(self, months: np.ndarray, resolved: np.ndarray) -> CompiledScenario:
        """The scenario with trajectory and result prices for ``months`` in care and a probability ``resolved`` per product.

        A trajectory costs the unit price times its months, paid in ``instalments`` (its months,
        rounded, at least one); a result price is set so that at ``resolved`` its expected payment
        is that of a trajectory (a provider prices its risk in).
        """
        trajectory = self.unit_price * months[None, :]
        return self._replace(
            trajectory_price=trajectory,
            result_price=trajectory / (1.0 - self.result_part * (1.0 - resolved))[None, :],
            instalments=np.clip(np.round(months), 1, 120).astype(np.int64),
        )


def contract_terms(rates: Rates) -> tuple[np.ndarray, np.ndarray]:
    """What a contract expects of a trajectory per product: its months in care and the probability it ends resolved.

    Care ends when its drawn duration D is over (resolved with probability ``effectiveness``), or
    earlier when a maatwerk client escalates (each month with probability ``care_escalate``; the
    multi-problem excess, turning 18 and moving away are left out). With q = 1 - ``care_escalate``,
    E[months] = sum over n >= 0 of P(D > n) q^n and P(D ends it) = sum over n >= 1 of P(D = n) q^n;
    the survival table covers n <= 60, beyond it the hazard is constant: a geometric remainder.
    """
    s, h = rates.survival, rates.hazard[:, -1:]
    q = 1.0 - rates.care_escalate[:, None]
    kept = q ** np.arange(s.shape[1])[None, :]  # P(no escalation in the first n months)
    beyond = s[:, -1:] * kept[:, -1:] / (1.0 - (1.0 - h) * q)  # the remainder after the table, up to a factor
    months = (s * kept).sum(axis=1) + (beyond * (1.0 - h) * q)[:, 0]
    ended = ((s[:, :-1] - s[:, 1:]) * kept[:, 1:]).sum(axis=1) + (beyond * h * q)[:, 0]
    return months, rates.effectiveness * ended


def policy_profile(profile: Profile, params: Parameters, levers: tuple[Lever, ...] = LEVERS) -> Profile:
    """The municipality as the levers make it: every lever's profile hook; the same object when all are as today."""
    today, data = profile.model_dump(), profile.model_dump()
    for lever in in_hook_order(levers):
        lever.profile(data, params)
    for team in data["access_teams"]:  # levers may move the triage accuracy out of [0, 1]: clipped once, after all of them
        team["triage_accuracy"] = float(np.clip(team["triage_accuracy"], 0.0, 1.0))
    return profile if data == today else Profile.model_validate(data)


def policy_rates(rates: Rates, params: Parameters, levers: tuple[Lever, ...] = LEVERS) -> Rates:
    """Behavioural rates as the levers make them: every lever's rates hook."""
    for lever in in_hook_order(levers):
        rates = lever.rates(rates, params)
    return rates


def lever_prices(params: Parameters, levers: tuple[Lever, ...] = LEVERS) -> LeverPrices:
    """Unit prices of what the levers add: every lever's prices hook."""
    prices = no_lever_prices()
    for lever in in_hook_order(levers):
        prices = lever.prices(prices, params)
    return prices


def lever_costs(profile: Profile, params: Parameters, levers: tuple[Lever, ...] = LEVERS) -> np.ndarray:
    """Fixed euros per month per budget line that the levers themselves cost (``profile``: the scenario's)."""
    costs = np.zeros(len(BUDGET_LINES))
    for lever in in_hook_order(levers):
        for line, euros in lever.costs(profile, params).items():
            costs[LINE[line]] += euros
    return costs


def tariffs(prices: Mapping[str, float], params: Parameters) -> np.ndarray:
    """Start-year euros per client-month of every product (``prices``: start-year money parameters).

    A contracted product has its tariff; what the municipality's staff deliver (``schema.STAFF_PRODUCTS``)
    costs their wage over their caseload.
    """
    staff = prices["access.wage_fte_year"] / 12.0 / params["access.caseload_per_fte"]
    return np.array([staff if p.name in STAFF_PRODUCTS else prices[f"tariff.{p.name}"] for p in PRODUCTS])


def compile_scenario(profile: Profile, params: Parameters, levers: tuple[Lever, ...] = LEVERS) -> CompiledScenario:
    """Apply every lever once and compile the profile, rates and prices to arrays."""
    adjusted = policy_profile(profile, params, levers)
    today = compile_rates(params)  # behaviour before any lever: what contracts price a trajectory by
    rates = policy_rates(today, params, levers)
    if profile.need:  # the municipality's need level (Profile.need): its onsets relative to the national rates
        rates = with_onset_factors(rates, profile.need_factors())
    terms = contract_terms(today)
    structure = compile_structure(adjusted, params)
    model, factor, lumpsum = provider_payment(adjusted)
    prices = at_start_year(params, REGISTRY, profile.start_year)
    unit = factor[:, None] * tariffs(prices, params)[None, :]
    structure = structure._replace(budget_weight=tariffs(prices, params) * rates.budget_products)
    slots = structure.provider_slots.astype(float)
    # a lump-sum contract without a lump sum of its own buys its slots, occupied or not, at the unit price
    lumpsum = np.where(lumpsum > 0, lumpsum, 12.0 * (slots * unit).sum(axis=1) * params["lever.payment.lumpsum.provisions_per_slot"])
    spread = [lumpsum[prov] / 12.0 * (slots[prov] / slots[prov].sum()) for prov in np.flatnonzero(model == PAY_LUMPSUM)]
    admin = {name: 1.0 if name == "pxq" else params[f"lever.payment.admin.{name}"] for name in PAYMENT_MODELS}
    return CompiledScenario(
        params=params,
        scenario_profile=profile,
        profile=adjusted,
        rates=rates,
        structure=structure,
        payment_model=model,
        unit_price=unit,
        trajectory_price=np.zeros_like(unit),  # set by ``priced``, below
        result_price=np.zeros_like(unit),
        result_part=params["lever.payment.result.part"],
        instalments=np.ones(N_PRODUCTS, np.int64),
        lumpsum_care=np.array(spread).reshape(len(spread), N_PRODUCTS),
        contract_overhead=sum(g.count * admin[g.payment_model] for g in adjusted.providers if not g.own_team),
        general_cost=np.array([prices[f"general_cost.{d}"] for d in DOMAINS]),
        copay=np.array([prices[f"copay.{c}"] for c in INCOME_CLASSES]),
        start_prices=prices,
        lever_prices=lever_prices(params, levers),
        lever_costs=lever_costs(profile, params, levers),
        expected_terms=terms,
    ).priced(*terms)  # the law's expectation; the engine measures today's cost where it can (``Engine``)


__all__ = [
    "CompiledScenario",
    "compile_scenario",
    "contract_terms",
    "lever_costs",
    "lever_prices",
    "policy_profile",
    "policy_rates",
    "tariffs",
]
