"""Kernel inputs: parameters and municipality structure compiled to typed arrays.

The kernels see only these NamedTuples of numpy arrays; ``compile_rates`` and
``compile_structure`` are the single place where names become indices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from sdsim.simulation.profile import UNLIMITED, Profile
from sdsim.simulation.schema import (
    AGE_GROUPS,
    DOMAINS,
    DURATION_BAND_MONTHS,
    HEAVY_PRODUCT,
    INCOME_CLASSES,
    N_DOMAINS,
    PAYMENT_MODELS,
    PRODUCT,
    PRODUCT_DOMAIN,
    PRODUCT_TIER,
    PRODUCTS,
    STAFF_PRODUCTS,
    WMO_COPAY_PRODUCTS,
)

if TYPE_CHECKING:  # at run time the registry imports the lever modules, which import this module
    from sdsim.simulation.parameters import Parameters

HAZARD_MONTHS = 61  # duration tables cover months 0..59; month 60+ has a constant hazard
N_TIERS = 5

# CBS 85096NED, ended jeugdhulp trajectories 2021* by duration (rows ended_jh_traj_share_*, quality U):
# (first month, last month exclusive, share in percent); the open bin 48+ has an assumed mean tail.
CBS_ENDED_BINS = tuple(zip((0, *DURATION_BAND_MONTHS[:-1]), DURATION_BAND_MONTHS, (16.1, 17.2, 29.6, 23.3, 6.7, 3.1), strict=True))
CBS_OPEN_BIN_SHARE = 3.9


class Rates(NamedTuple):
    """Behavioural parameters as arrays (see ``simulation.parameters`` for meaning and sources)."""

    onset: np.ndarray  # (domain, age group) per person per month
    onset_income: np.ndarray  # (domain, income class)
    severity_cdf: np.ndarray  # (domain, 2): P(light), P(light or moderate)
    resolve_own: np.ndarray  # (domain,)
    escalate: np.ndarray  # (domain,)
    ask: np.ndarray  # (domain, severity); severity 0 unused
    door_gp: np.ndarray  # (domain,)
    door_judge: np.ndarray  # (domain,)
    door_direct: np.ndarray  # (domain,) requests straight to a provider, no referrer
    general_resolve: np.ndarray  # (domain,)
    general_stepup: np.ndarray  # (domain,)
    scalars: np.ndarray  # see SCALARS
    hazard: np.ndarray  # (product, HAZARD_MONTHS) exit probability by months in care
    survival: np.ndarray  # (product, HAZARD_MONTHS) P(care lasts more than n months), n = 0..60
    effectiveness: np.ndarray  # (product,)
    care_escalate: np.ndarray  # (product,)
    product_cdf: np.ndarray  # (domain, tier, product) cumulative choice probability
    copay_product: np.ndarray  # (product,) 1 if Wmo co-payment applies
    # policy levers (their ``rates`` hooks, ``simulation.levers``); the defaults here mean "as today"
    shift_share: np.ndarray  # (product,) share of triaged demand sent to a general provision instead (L1)
    shift_resolve: np.ndarray  # (product,) its resolution rate relative to the general provision
    shift_escalate: np.ndarray  # (product,) its residual escalation relative to the general provision
    shift_stepup: np.ndarray  # (product,) its step-up back to access relative to the general provision
    ask_income: np.ndarray  # (domain, income class) request-rate factor (co-payment response, L9)
    refusal: np.ndarray  # (domain,) probability that triage refuses maatwerk (stricter eligibility, L5)
    in_plan: np.ndarray  # (domain,) probability a new request of a household in care is handled in its plan (L7)
    persons_share: np.ndarray  # (domain,) probability that each other eligible member is in the trajectory (0: a household measure)
    companion_share: np.ndarray  # (product,) share of persons in care holding a companion provision (schema.COMPANIONS)
    budget_products: np.ndarray  # (product,) 1 for the products held to the care budget (L5)
    budget: np.ndarray  # (2,) the care budget: fraction cut from its level at the start, ceiling (start-year euros a month; inf: none)


SCALARS = (
    "network_protection",
    "general_mitigation",
    "general_higher_factor",
    "multiproblem.escalation_mult",
    "benefit_mult.schulden",
    "transition18.to_wmo",
    "transition18.gap",
    "demography.child_ages_out",
    "demography.young_ages_out",
    "demography.adult_ages_out",
    "demography.birth",
    "demography.elderly_death",
    "demography.departure",
    "demography.leave_home",
    "demography.steer",
    "door_medical.specialist",
    "door_medical.jeugdarts",
    "door_gi.jeugd",
    "access.decision_term_weeks",
    "access.reassess",
    "lever.casusregie.share",
    "lever.casusregie.escalation_cut",
    *(f"specialist_share.{d}" for d in DOMAINS),  # consecutive, in domain order: index + d
    *(f"crisis.heavy_share.{d}" for d in DOMAINS),
)
S = {name: i for i, name in enumerate(SCALARS)}


def with_onset_factors(rates: Rates, factors: np.ndarray) -> Rates:
    """``rates`` with each domain's onsets times its factor (``factors``: (domains,))."""
    return rates._replace(onset=rates.onset * np.asarray(factors)[:, None])


def cbs_duration_pmf(tail_mean: float) -> np.ndarray:
    """Monthly duration pmf (months 1..) from the CBS bins, uniform within each bin.

    Index k is the probability that care lasts exactly k+1 months. The open 48+ bin gets a
    geometric tail with mean ``tail_mean`` months beyond 48, truncated at 600 months.
    """
    pmf = np.zeros(600)
    for first, last, share in CBS_ENDED_BINS:
        pmf[first:last] = share / (last - first)
    q = 1.0 / tail_mean
    tail = q * (1.0 - q) ** np.arange(600 - 48)
    pmf[48:] = CBS_OPEN_BIN_SHARE * tail / tail.sum()
    return pmf / pmf.sum()


def hazard_from_pmf(pmf: np.ndarray) -> np.ndarray:
    """Discrete hazard h[k] = P(D = k+1 | D > k) for k < HAZARD_MONTHS; last entry holds for the rest."""
    survival = 1.0 - np.concatenate(([0.0], np.cumsum(pmf)[:-1]))
    h = np.divide(pmf, survival, out=np.ones_like(pmf), where=survival > 1e-12)
    out = h[:HAZARD_MONTHS].copy()
    rest = pmf[HAZARD_MONTHS - 1 :]
    if rest.sum() > 0:
        mean_rest = (rest * np.arange(1, rest.size + 1)).sum() / rest.sum()
        out[-1] = 1.0 / mean_rest  # geometric continuation with the same conditional mean
    else:  # no one stays that long (a tail mean at its bound): the last month ends every trajectory
        out[-1] = 1.0
    return np.clip(out, 0.0, 1.0)


def survival_from_hazard(hazard: np.ndarray) -> np.ndarray:
    """P(care lasts more than n months), n = 0..60, per product, from the monthly exit hazards."""
    return np.concatenate((np.ones((hazard.shape[0], 1)), np.cumprod(1.0 - hazard[:, :-1], axis=1)), axis=1)


def _product_cdf(params: Parameters) -> np.ndarray:
    """Cumulative product choice within each (domain, tier); empty tiers fall to the nearest heavier one."""
    cdf = np.zeros((N_DOMAINS, N_TIERS, len(PRODUCTS)))
    for d in range(N_DOMAINS):
        for tier in range(N_TIERS):
            effective = tier
            while effective < N_TIERS and not np.any((d == PRODUCT_DOMAIN) & (effective == PRODUCT_TIER)):
                effective += 1
            if effective == N_TIERS:
                effective = PRODUCT_TIER[HEAVY_PRODUCT[d]]
            members = [i for i, p in enumerate(PRODUCTS) if p.domain == d and p.tier == effective]
            shares = np.array([params[f"care.{PRODUCTS[i].name}.share"] for i in members])
            shares = shares / shares.sum() if shares.sum() > 0 else np.full(len(members), 1.0 / len(members))
            running = 0.0
            for i, s in zip(members, shares, strict=True):
                running += s
                cdf[d, tier, i] = running
            cdf[d, tier, members[-1]] = 1.0
    return cdf


def compile_rates(params: Parameters) -> Rates:
    """Turn named parameters into the arrays the kernels read."""

    def per_domain(prefix: str) -> np.ndarray:
        return np.array([params[f"{prefix}.{d}"] for d in DOMAINS])

    hazard = np.empty((len(PRODUCTS), HAZARD_MONTHS))
    cbs = hazard_from_pmf(cbs_duration_pmf(params["duration.cbs_tail_mean"]))
    for i, prod in enumerate(PRODUCTS):
        key = f"care.{prod.name}.mean_duration"
        hazard[i] = np.full(HAZARD_MONTHS, 1.0 / params[key]) if key in params else cbs
    sev = np.array([[params[f"severity.{d}.light"], params[f"severity.{d}.light"] + params[f"severity.{d}.moderate"]] for d in DOMAINS])
    return Rates(
        onset=np.array([[params[f"onset.{d}.{g}"] for g in AGE_GROUPS] for d in DOMAINS]),
        onset_income=np.array([[params[f"onset_income.{d}.{c}"] for c in INCOME_CLASSES] for d in DOMAINS]),
        severity_cdf=np.minimum(sev, 1.0),
        resolve_own=per_domain("resolve_own"),
        escalate=per_domain("escalate"),
        ask=np.array([[0.0] + [params[f"ask.{d}.{s}"] for s in ("light", "moderate", "severe")] for d in DOMAINS]),
        door_gp=per_domain("door_gp"),
        door_judge=per_domain("door_judge"),
        door_direct=per_domain("door_direct"),
        general_resolve=per_domain("general_resolve"),
        general_stepup=per_domain("general_stepup"),
        scalars=np.array([params[name] for name in SCALARS]),
        hazard=hazard,
        survival=survival_from_hazard(hazard),
        effectiveness=np.array([params[f"care.{p.name}.effectiveness"] for p in PRODUCTS]),
        care_escalate=np.array([params[f"care.{p.name}.escalate"] for p in PRODUCTS]),
        product_cdf=_product_cdf(params),
        copay_product=np.array([1 if p.name in WMO_COPAY_PRODUCTS else 0 for p in PRODUCTS], dtype=np.int64),
        shift_share=np.zeros(len(PRODUCTS)),
        shift_resolve=np.ones(len(PRODUCTS)),
        shift_escalate=np.ones(len(PRODUCTS)),
        shift_stepup=np.ones(len(PRODUCTS)),
        ask_income=np.ones((N_DOMAINS, len(INCOME_CLASSES))),
        refusal=np.zeros(N_DOMAINS),
        in_plan=np.zeros(N_DOMAINS),
        persons_share=np.array([params.get(f"persons.{d}", 0.0) for d in DOMAINS]),
        companion_share=np.array([params.get(f"companion.{p.name}", 0.0) for p in PRODUCTS]),
        budget_products=np.zeros(len(PRODUCTS)),
        budget=np.array([0.0, np.inf]),
    )


class Structure(NamedTuple):
    """The municipality's structure as arrays: household types, teams, practices, providers."""

    type_cdf: np.ndarray  # (types,) cumulative share
    type_members: np.ndarray  # (types, 5): adults, young, elderly, children_min, children_max
    income_cdf: np.ndarray  # (3,)
    benefit_share: float
    network_ab: np.ndarray  # (2,) Kumaraswamy shape parameters
    wijk_team: np.ndarray  # (wijken,)
    counter_capacity: np.ndarray  # (teams, domains) intakes per month; integrated teams use column 0
    team_integrated: np.ndarray  # (teams,) 1 if one door for all domains
    team_triage: np.ndarray  # (teams,)
    team_delay: np.ndarray  # (teams,) months
    gp_cdf: np.ndarray  # (practices,)
    gp_referral: np.ndarray  # (practices,)
    gp_poh: np.ndarray  # (practices,)
    provider_slots: np.ndarray  # (providers, products)
    offer_start: np.ndarray  # (products + 1,) offsets into offer_provider
    offer_provider: np.ndarray  # providers offering each product, grouped by product
    population_target: np.ndarray  # (years + 1, 4) persons per age group on 1 January of start_year + k
    arrival_mix: np.ndarray  # (4,) expected persons per age group of an arriving household (the household types)
    budget_weight: np.ndarray  # (products,) start-year euros per provision held to the care budget (0: not held; L5)
    budget_cap: np.ndarray  # (1,) start-year euros a month the provisions held to the care budget may cost (inf: no budget)


def _counter_capacity(profile: Profile, per_fte: float) -> np.ndarray:
    """Intakes per month of every access counter (team, domain); an integrated team uses column 0."""
    capacity = np.zeros((len(profile.access_teams), N_DOMAINS), dtype=np.int64)
    for t, team in enumerate(profile.access_teams):
        if team.unlimited:
            capacity[t] = UNLIMITED
        elif team.integrated:
            capacity[t, 0] = round(sum(team.fte.values()) * per_fte)
        else:
            for d, name in enumerate(DOMAINS):
                capacity[t, d] = round(team.fte.get(name, 0.0) * per_fte)
    return capacity


def _provider_slots(profile: Profile, caseload: float) -> np.ndarray:
    """Slots per (provider, product): each group's ``count`` contracts, one row each; an own team's casework FTE x caseload."""
    slots = np.zeros((profile.n_providers, len(PRODUCTS)), dtype=np.int64)
    row = 0
    for group in profile.providers:
        for _ in range(group.count):
            for name, n in group.slots.items():
                slots[row, PRODUCT[name]] = n
            for name in STAFF_PRODUCTS if group.own_team else ():
                slots[row, PRODUCT[name]] = round(group.casework_fte * caseload)
            row += 1
    return slots


def compile_structure(profile: Profile, params: Parameters) -> Structure:
    """Arrays of the profile; access capacity = FTE x intakes per FTE (a parameter)."""
    types = profile.household_types
    teams = profile.access_teams
    capacity = _counter_capacity(profile, params["access.intakes_per_fte"])
    wijk_team = np.empty(profile.wijken, dtype=np.int64)
    for t, team in enumerate(teams):
        wijk_team[team.wijken] = t
    slots = _provider_slots(profile, params["access.caseload_per_fte"])
    weights = np.array([g.weight for g in profile.gp_practices])
    offering = [np.flatnonzero(slots[:, p] > 0) for p in range(len(PRODUCTS))]
    return Structure(
        type_cdf=np.cumsum([t.share for t in types]) / sum(t.share for t in types),
        type_members=np.array([[t.adults, t.young, t.elderly, t.children_min, t.children_max] for t in types], dtype=np.int64),
        income_cdf=np.cumsum([profile.income_shares[c] for c in INCOME_CLASSES]),
        benefit_share=profile.benefit_share,
        network_ab=np.array([profile.network_a, profile.network_b]),
        wijk_team=wijk_team,
        counter_capacity=capacity,
        team_integrated=np.array([int(t.integrated) for t in teams], dtype=np.int64),
        team_triage=np.array([t.triage_accuracy for t in teams]),
        team_delay=np.array([t.decision_delay_months for t in teams], dtype=np.int64),
        gp_cdf=np.cumsum(weights) / weights.sum(),
        gp_referral=np.array([g.referral_propensity for g in profile.gp_practices]),
        gp_poh=np.array([g.poh_jeugd_share for g in profile.gp_practices]),
        provider_slots=slots,
        offer_start=np.cumsum([0] + [len(o) for o in offering]).astype(np.int64),
        offer_provider=np.concatenate(offering).astype(np.int64),
        population_target=profile.population_targets(params["demography.projection"]),
        arrival_mix=np.array(profile.implied_population()) / profile.households,
        budget_weight=np.zeros(len(PRODUCTS)),
        budget_cap=np.array([np.inf]),
    )


def provider_payment(profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per provider: payment model code, tariff factor, yearly lump sum (for the ledger)."""
    model, factor, lump = [], [], []
    for group in profile.providers:
        for _ in range(group.count):
            model.append(PAYMENT_MODELS.index(group.payment_model))
            factor.append(group.tariff_factor)
            lump.append(group.lumpsum_year)
    return np.array(model, dtype=np.int64), np.array(factor), np.array(lump)
