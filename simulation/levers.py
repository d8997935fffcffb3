"""Policy levers L1-L14 (DOMAIN.md §5): what each changes in the model, its seed and direction.

A lever is a group of ``lever.*`` parameters (``simulation.parameters``) whose defaults mean "as
today". Levers act through the model's own mechanisms, never as a multiplier on an output:

- on the municipality's structure (``policy_profile``: teams, GP practices, contracts, slots);
- on behavioural rates (``policy_rates``: requests, severity at discovery, durations, escalation);
- in the kernels where a decision changes (triage refusal and the shift to a general provision
  in the service pass, the case coordinator's plan in the household pass);
- on the ledger only for what a lever itself costs (``policy_costs``: a coordinator, a POH-jeugd,
  a prevention budget, a general provision's lump sum).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sdsim.simulation.inputs import Rates, S, survival_from_hazard
from sdsim.simulation.parameters import BY_NAME, SHIFTABLE, Parameters
from sdsim.simulation.profile import Profile
from sdsim.simulation.schema import (
    DOMAINS,
    INCOME_CLASSES,
    JEUGD,
    LINE,
    PAYMENT_MODELS,
    PRODUCT,
    PRODUCTS,
    T_FORCED,
    WERK,
    WMO,
)


class Lever(NamedTuple):
    """One policy lever: id, title, parameter name prefixes, mechanism, expected direction and seed."""

    id: str
    title: str
    prefixes: tuple[str, ...]
    mechanism: str
    direction: str
    seed: str


LEVERS: tuple[Lever, ...] = (
    Lever("L1", "maatwerk to general provision", ("lever.shift.",),
          "access sends a share of triaged maatwerk demand to a general provision with its own cost, effectiveness and residual "
          "escalation; it may attract new requests", "fewer maatwerk clients, more general users, lower spending if cheaper",
          "[SD] §4.9, [SW] Bijlage 1.3, [VS]"),
    Lever("L2", "integrated access", ("lever.access.integrated", "lever.access.triage_gain"),
          "one counter for all laws per team (capacity pooled), better triage", "shorter access waits, better triage",
          "[SD] §4.3, [ST] §4.1, [NK]"),
    Lever("L3", "prevention and early signalling", ("lever.prevention.",),
          "hidden light/moderate needs ask sooner; some moderate needs are found while light", "less escalation, more early users",
          "[SD] §2.2, [SW] §2.3.3, [VS] HD5"),
    Lever("L4", "GP cooperation / POH-jeugd", ("lever.poh.",),
          "every practice's POH-jeugd handles at least this share of GP jeugd requests at tier 1", "fewer GP-route jeugdhulp referrals",
          "[NK] §4"),
    Lever("L5", "budget cut with ceilings and eligibility", ("lever.budget.jeugd.",),
          "stricter eligibility refuses maatwerk at triage; provider ceilings cut voluntary youth-care slots; court orders and "
          "crises stay uncapped", "lower youth spending, longer waits, more escalation", "[SW] §4.6, [NK] §8"),
    Lever("L6", "provider payment model", ("lever.payment.",),
          "one payment model for all contracts; durations and effectiveness respond to it", "shorter durations under result pay",
          "[SD] §4.9, [NK] §4"),
    Lever("L7", "case coordination (1 gezin 1 plan 1 regisseur)", ("lever.casusregie.",),
          "coordinated multi-problem households escalate less; their new requests are handled within the plan",
          "fewer duplicate trajectories, less escalation, coordinator costs", "[SD] §4.4, [ST] §4.1, [VS] HD4 4.2"),
    Lever("L8", "provider consolidation", ("lever.providers.",),
          "fewer contracts with the same total slots", "lower contract overhead, pooled capacity", "[SD] §4.9, [NK] §4"),
    Lever("L9", "co-payment", ("copay.", "lever.copay."),
          "Wmo requests respond to the co-payment by income class (elasticity lever.copay.elasticity)",
          "higher co-payment, fewer Wmo requests from higher incomes", "national policy; row:wmo_abonnementstarief"),
    Lever("L10", "access staffing and skill mix", ("lever.access.",),
          "team FTE (intake capacity) and triage accuracy", "shorter queues with more staff", "[ST] §4.1-4.3, [NK] §8"),
    Lever("L11", "pooled budgets (ontschotting)", ("lever.budget.pooled",),
          "with pooled budgets a cut line draws on others before provider ceilings bite", "shorter waits under a cut",
          "[SD] §3.3, [SW] §4.6"),
    Lever("L12", "18-/18+ transition planning", ("lever.transition18.",),
          "youth with a perspectiefplan are handed over instead of dropping out at 18", "fewer gaps and crises at 18",
          "[VS] 18-/18+ canvas"),
    Lever("L13", "activation of benefit recipients", ("lever.activation.",),
          "hidden werk needs are called up for a trajectory; the employer channel raises outflow to work",
          "more outflow to work, fewer benefit months", "[NK] Voorwoord, [SD] §4.6-4.7"),
    Lever("L14", "exogenous drivers", ("lever.drivers.", "index."),
          "need onset per domain (growth, ageing, shocks); tariff and wage indexation (index.*)", "demand and price paths",
          "[SW] verzilvering, [NK] corona"),
)  # fmt: skip
VOLUNTARY_JEUGD = tuple(i for i, p in enumerate(PRODUCTS) if p.domain == JEUGD and p.tier != T_FORCED)


def lever_of(name: str) -> Lever | None:
    """The lever a parameter belongs to (longest matching prefix), or None for a behavioural parameter."""
    matches = [(len(prefix), lv) for lv in LEVERS for prefix in lv.prefixes if name.startswith(prefix)]
    return max(matches, key=lambda m: m[0])[1] if matches else None


def _on(params: Parameters, name: str) -> bool:
    return params[name] >= 0.5


PROFILE_LEVERS = ("lever.access.", "lever.poh.share", "lever.payment.model", "lever.budget.", "lever.providers.")


def policy_profile(profile: Profile, params: Parameters) -> Profile:
    """The municipality as the levers make it (L2, L4, L5, L6, L8, L10, L11); the same object when all are "as today"."""
    if not any(name.startswith(PROFILE_LEVERS) for name in params.changed()):
        return profile
    data = profile.model_dump()
    integrate, gain = _on(params, "lever.access.integrated"), params["lever.access.triage_gain"]
    for team in data["access_teams"]:
        accuracy = team["triage_accuracy"] + params["lever.access.triage_delta"]
        if integrate and not team["integrated"]:
            team["integrated"], accuracy = True, accuracy + gain
        team["triage_accuracy"] = float(np.clip(accuracy, 0.0, 1.0))
        team["fte"] = {d: f * params["lever.access.fte_factor"] for d, f in team["fte"].items()}
    for gp in data["gp_practices"]:
        gp["poh_jeugd_share"] = max(gp["poh_jeugd_share"], params["lever.poh.share"])
    model = round(params["lever.payment.model"])
    ceiling = 0.0 if _on(params, "lever.budget.pooled") else params["lever.budget.jeugd.cut"]
    contracts = params["lever.providers.contracts"]
    for group in data["providers"]:
        if model >= 0:
            group["payment_model"] = PAYMENT_MODELS[model]
        for name, slots in group["slots"].items():
            if PRODUCT[name] in VOLUNTARY_JEUGD and slots > 0:
                group["slots"][name] = max(1, int(slots * (1.0 - ceiling)))
        new_count = max(1, round(group["count"] * contracts))
        if new_count != group["count"]:  # same total slots and lump sum over fewer contracts
            factor = group["count"] / new_count
            group["slots"] = {p: int(np.ceil(n * factor)) for p, n in group["slots"].items()}
            group["lumpsum_year"] *= factor
            group["count"] = new_count
    return Profile.model_validate(data)


def policy_rates(rates: Rates, params: Parameters) -> Rates:
    """Behavioural rates as the levers change them (L1, L3, L5-L7, L9, L12-L14)."""
    ask = rates.ask.copy()
    shift = np.zeros(len(PRODUCTS))
    shift_resolve, shift_escalate, shift_stepup = np.ones(len(PRODUCTS)), np.ones(len(PRODUCTS)), np.ones(len(PRODUCTS))
    for name in SHIFTABLE:
        p = PRODUCT[name]
        shift[p] = params[f"lever.shift.{name}.share"]
        shift_resolve[p] = params[f"lever.shift.{name}.effectiveness"]
        shift_escalate[p] = params[f"lever.shift.{name}.escalation"]
        shift_stepup[p] = params[f"lever.shift.{name}.stepup"]
        ask[PRODUCTS[p].domain, 1] *= 1.0 + params[f"lever.shift.{name}.attraction"] * shift[p]  # light needs that would not apply
    ask[:, 1:3] *= 1.0 + params["lever.prevention.signalling"]
    if params["lever.activation.reach"] > 0:
        ask[WERK, 1:] = 1.0 - (1.0 - ask[WERK, 1:]) * (1.0 - params["lever.activation.reach"])
    severity = rates.severity_cdf.copy()
    severity[:, 0] += params["lever.prevention.earlier"] * (severity[:, 1] - severity[:, 0])
    ask_income = np.ones((len(DOMAINS), len(INCOME_CLASSES)))
    reference, elasticity = params["lever.copay.reference"], params["lever.copay.elasticity"]
    for c, cls in enumerate(INCOME_CLASSES):
        today = BY_NAME[f"copay.{cls}"].default
        ask_income[WMO, c] = ((reference + params[f"copay.{cls}"]) / (reference + today)) ** -elasticity
    refusal = np.zeros(len(DOMAINS))
    refusal[JEUGD] = min(1.0, params["lever.budget.jeugd.cut"] * params["lever.budget.jeugd.eligibility"])
    in_plan = np.full(len(DOMAINS), params["lever.casusregie.share"] * params["lever.casusregie.in_plan"])
    scalars = rates.scalars.copy()
    coordinated = params["lever.casusregie.share"] * params["lever.casusregie.escalation_cut"]
    if coordinated > 0:
        mult = S["multiproblem.escalation_mult"]
        scalars[mult] = 1.0 + (scalars[mult] - 1.0) * (1.0 - coordinated)
    plan = params["lever.transition18.plan"]
    if plan > 0:
        gap = scalars[S["transition18.gap"]]
        scalars[S["transition18.gap"]] = gap * (1.0 - plan)
        scalars[S["transition18.to_wmo"]] += gap * plan
    resolve_own = rates.resolve_own.copy()
    resolve_own[WERK] = min(1.0, resolve_own[WERK] * params["lever.activation.employer"])
    onset = rates.onset * np.array([params[f"lever.drivers.onset.{d}"] for d in DOMAINS])[:, None]
    hazard, effectiveness = rates.hazard, rates.effectiveness
    model = round(params["lever.payment.model"])
    if model > 0:  # durations respond to the payment model (p x q is today's reference)
        factor = params[f"lever.payment.duration.{PAYMENT_MODELS[model]}"]
        hazard = 1.0 - (1.0 - np.clip(hazard, 0.0, 1.0 - 1e-12)) ** (1.0 / factor)
        if PAYMENT_MODELS[model] == "result":
            effectiveness = np.clip(effectiveness + params["lever.payment.result_effectiveness"], 0.0, 1.0)
    survival = survival_from_hazard(hazard)
    return rates._replace(
        ask=ask,
        severity_cdf=severity,
        resolve_own=resolve_own,
        onset=onset,
        scalars=scalars,
        hazard=hazard,
        survival=survival,
        effectiveness=effectiveness,
        shift_share=shift,
        shift_resolve=shift_resolve,
        shift_escalate=shift_escalate,
        shift_stepup=shift_stepup,
        ask_income=ask_income,
        refusal=refusal,
        in_plan=in_plan,
    )


def policy_costs(profile: Profile, params: Parameters) -> dict[str, float]:
    """Fixed euros per month (start-year prices) that levers add per budget line (L1 lump sums, L3, L4)."""
    costs = dict.fromkeys(LINE, 0.0)
    costs["algemene_voorzieningen"] += sum(params[f"lever.shift.{n}.lumpsum_year"] for n in SHIFTABLE) / 12.0
    costs["algemene_voorzieningen"] += params["lever.prevention.budget_year"] / 12.0
    added_poh = sum(max(0.0, params["lever.poh.share"] - gp.poh_jeugd_share) for gp in profile.gp_practices)
    costs["jeugd_ambulant"] += added_poh * params["lever.poh.cost_fte_year"] / 12.0
    return costs


def shift_costs(params: Parameters) -> np.ndarray:
    """Euro per user-month of the general provision replacing each product (0 where none does)."""
    return np.array([params[f"lever.shift.{p.name}.cost_month"] if p.name in SHIFTABLE else 0.0 for p in PRODUCTS])
