"""Numba kernels that advance all households by one month.

Responsibilities
    ``household_pass`` (parallel over fixed chunks of households): demography, the 18-year
    transition, need onset, self-resolution, escalation and crises, requests through the doors
    (self → general provision, GP, judge, access team), general provisions, decisions (beschikking
    delay), care exits with duration-dependent hazards, escalation from maatwerk to specialist.
    ``service_pass`` (serial, over the few households waiting): access teams serve their queues
    first-come first-served up to capacity and triage; providers admit from their waiting lists
    up to their slots (crises and court orders always).
Inputs
    ``Households`` columns, ``Rates``, ``Structure``, the replicate key and the month.
Outputs
    Integer tallies only (``Scratch`` per chunk, summed into ``Tallies`` rows): counts are exact and
    independent of thread count because chunk boundaries are fixed and every draw is keyed by
    (replicate, household, month, decision). Euros are computed afterwards by ``simulation.ledger``.
Step behaviour
    A household-domain changes state at most once in ``household_pass``; ``months`` counts completed
    months in the state (reset to 0 on every transition, +1 otherwise).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit, prange

from simulation.inputs import HAZARD_MONTHS, S, Rates, Structure
from simulation.population import Households, draw_household
from simulation.rng import household_month_key, mix64, uniform
from simulation.schema import (
    CARE,
    D_ACCESS,
    D_CRISIS,
    D_GP,
    D_JUDGE,
    D_SELF,
    DECISION,
    EVENT,
    GENERAL,
    HEAVY_PRODUCT,
    HIDDEN,
    JEUGD,
    MONTHS_CAP,
    N_DOMAINS,
    NONE,
    PRODUCT_TIER,
    QUEUE,
    SCHULDEN,
    T_FORCED,
    T_MAATWERK,
    T_SPECIALIST,
    VEILIGHEID,
    WAITLIST,
    WERK,
    WMO,
)

# Decision kinds within a domain: decision id = domain * 32 + kind.
K_MAIN, K_SEVERITY, K_DOOR, K_POH, K_PRODUCT, K_EXIT, K_OUTCOME, K_TRIAGE, K_TIEBREAK, K_CARE_ESCALATE = range(10)
# Household-level decisions.
DEM_CHILD, DEM_YOUNG, DEM_ADULT, DEM_ELDERLY = 300, 312, 324, 336  # + person index (<= 10)
DEM_BIRTH, DEM_18 = 350, 351
NEWCOMER = np.uint64(0x5DEECE66D)

# Event columns used by the kernels.
E_ONSETS, E_REQUESTS, E_REPEAT = EVENT["onsets"], EVENT["requests"], EVENT["repeat_requests"]
E_ESC, E_CRISES, E_TO_SPEC = EVENT["escalations"], EVENT["crises"], EVENT["to_specialist"]
E_ACCESS, E_GP, E_JUDGE, E_GENERAL = EVENT["door_access"], EVENT["door_gp"], EVENT["door_judge"], EVENT["door_general"]
E_RES_OWN, E_RES_GEN, E_RES_CARE = EVENT["resolved_own"], EVENT["resolved_general"], EVENT["resolved_care"]
E_UNRESOLVED, E_SERVED, E_ACCESS_WAIT = EVENT["ended_unresolved"], EVENT["access_served"], EVENT["access_wait_months"]
E_TRIAGE_GEN, E_ADMISSIONS, E_ADM_WAIT = EVENT["triage_general"], EVENT["admissions"], EVENT["admission_wait_months"]
E_CARE_MONTHS, E_CARE_EXITS, E_WORK = EVENT["care_exit_months"], EVENT["care_exits"], EVENT["exits_to_work"]
E_TURNED_18, E_GAP_18 = EVENT["turned_18"], EVENT["gap_18"]

# Household-level tally columns.
H_SELF_RELIANT, H_MULTI_PROBLEM, H_BENEFIT_MONTHS, H_COPAY_LOW = 0, 1, 2, 3  # copay low/middle/high = 3, 4, 5
N_HOUSE = 6
REPEAT_WINDOW = 12  # months

# Indices into Rates.scalars (global ints are compile-time constants for numba).
P_BENEFIT_MULT_SCHULDEN = S["benefit_mult.schulden"]
P_DEMOGRAPHY_ADULT_AGES_OUT = S["demography.adult_ages_out"]
P_DEMOGRAPHY_BIRTH = S["demography.birth"]
P_DEMOGRAPHY_CHILD_AGES_OUT = S["demography.child_ages_out"]
P_DEMOGRAPHY_ELDERLY_DEATH = S["demography.elderly_death"]
P_DEMOGRAPHY_YOUNG_AGES_OUT = S["demography.young_ages_out"]
P_GENERAL_HIGHER_FACTOR = S["general_higher_factor"]
P_GENERAL_MITIGATION = S["general_mitigation"]
P_MULTIPROBLEM_ESCALATION_MULT = S["multiproblem.escalation_mult"]
P_NETWORK_PROTECTION = S["network_protection"]
P_TRANSITION18_GAP = S["transition18.gap"]
P_TRANSITION18_TO_WMO = S["transition18.to_wmo"]


class Scratch(NamedTuple):
    """Per-chunk tallies of ``household_pass`` (summed in fixed order afterwards)."""

    events: np.ndarray  # (chunks, domains, events)
    occupancy: np.ndarray  # (chunks, domains, states, severities) at the end of the pass
    billed: np.ndarray  # (chunks, providers, products) client-months in care this month
    resolved: np.ndarray  # (chunks, providers, products) care ended resolved (result payment)
    stock: np.ndarray  # (chunks, providers, products) in care at the end of the pass
    exits: np.ndarray  # (chunks, products, 2) care exits and their months in care
    house: np.ndarray  # (chunks, N_HOUSE)
    general: np.ndarray  # (chunks, domains) general-provision user-months
    arrivals: np.ndarray  # (chunks, teams * domains) arrivals per access counter
    pending: np.ndarray  # (chunks, 2) households in queue / on a waiting list


class Tallies(NamedTuple):
    """Monthly integer results of a run (leading axis: month index)."""

    events: np.ndarray  # (months, domains, events)
    occupancy: np.ndarray  # (months, domains, states, severities), end of month
    billed: np.ndarray  # (months, providers, products)
    admitted: np.ndarray  # (months, providers, products)
    resolved: np.ndarray  # (months, providers, products)
    stock: np.ndarray  # (months, providers, products), end of month
    exits: np.ndarray  # (months, products, 2)
    house: np.ndarray  # (months, N_HOUSE)
    general: np.ndarray  # (months, domains)
    queue: np.ndarray  # (months, teams * domains, 3): length at month end, arrivals, served


@njit(cache=True, nogil=True, inline="always")
def _pick_product(rt: Rates, d: int, tier: int, u: float) -> int:
    for p in range(rt.product_cdf.shape[2]):
        if u < rt.product_cdf[d, tier, p]:
            return p
    return HEAVY_PRODUCT[d]


@njit(cache=True, nogil=True, inline="always")
def _counter(hh: Households, st: Structure, h: int, d: int) -> int:
    team = hh.team[h]
    return team * N_DOMAINS + (0 if st.team_integrated[team] else d)


@njit(cache=True, nogil=True, inline="always")
def _enter(hh: Households, h: int, d: int, state: int, product: int, door: int) -> None:
    hh.state[h, d] = state
    hh.months[h, d] = 0
    hh.product[h, d] = product
    hh.door[h, d] = door
    if state != CARE:
        hh.provider[h, d] = -1


@njit(cache=True, nogil=True, inline="always")
def _close(hh: Households, h: int, d: int, month: int, ended_trajectory: bool) -> None:
    _enter(hh, h, d, NONE, -1, 0)
    hh.severity[h, d] = 0
    if ended_trajectory:
        hh.last_end[h, d] = month


@njit(cache=True, nogil=True, inline="always")
def _to_access(hh: Households, st: Structure, sc: Scratch, c: int, h: int, d: int) -> None:
    _enter(hh, h, d, QUEUE, -1, D_ACCESS)
    sc.events[c, d, E_ACCESS] += 1
    sc.arrivals[c, _counter(hh, st, h, d)] += 1


@njit(cache=True, nogil=True, inline="always")
def _escalate(hh: Households, sc: Scratch, c: int, h: int, d: int) -> None:
    """Severity rises; from severe it is a crisis: straight to the heaviest product, priority door."""
    if hh.severity[h, d] >= 3:
        _enter(hh, h, d, WAITLIST, HEAVY_PRODUCT[d], D_CRISIS)
        sc.events[c, d, E_CRISES] += 1
    else:
        hh.severity[h, d] += 1
        sc.events[c, d, E_ESC] += 1


@njit(cache=True, nogil=True, inline="always")
def _resolve_own(hh: Households, sc: Scratch, c: int, h: int, d: int, month: int) -> None:
    _close(hh, h, d, month, False)
    sc.events[c, d, E_RES_OWN] += 1
    if d == WERK:
        sc.events[c, d, E_WORK] += 1


@njit(cache=True, nogil=True, inline="always")
def _request(hh: Households, rt: Rates, st: Structure, sc: Scratch, c: int, h: int, d: int, hk: np.uint64, month: int) -> None:
    """A household asks for help (or is signalled): choose the door."""
    base = d * 32
    sc.events[c, d, E_REQUESTS] += 1
    if hh.last_end[h, d] > -32_000 and month - hh.last_end[h, d] <= REPEAT_WINDOW:
        sc.events[c, d, E_REPEAT] += 1
    v = hh.severity[h, d]
    if v == 1:
        _enter(hh, h, d, GENERAL, -1, D_SELF)
        sc.events[c, d, E_GENERAL] += 1
        return
    u = uniform(hk, base + K_DOOR)
    judge = rt.door_judge[d]
    gp = rt.door_gp[d] * st.gp_referral[hh.gp[h]]
    if u < judge:
        product = _pick_product(rt, d, T_FORCED, 0.0)
        _enter(hh, h, d, WAITLIST, product, D_JUDGE)
        sc.events[c, d, E_JUDGE] += 1
    elif u < judge + gp:
        sc.events[c, d, E_GP] += 1
        if uniform(hk, base + K_POH) < st.gp_poh[hh.gp[h]]:
            _enter(hh, h, d, GENERAL, -1, D_GP)  # POH-jeugd handles it at tier 1
        else:
            _enter(hh, h, d, WAITLIST, _pick_product(rt, d, v, uniform(hk, base + K_PRODUCT)), D_GP)
    else:
        _to_access(hh, st, sc, c, h, d)


@njit(cache=True, nogil=True, inline="always")
def _competing(u: float, p1: float, p2: float, p3: float) -> int:
    """Which of three competing monthly events happens for draw ``u`` (0 = none).

    Probabilities are taken in order and clipped so that they never sum above 1.
    """
    p1 = min(p1, 1.0)
    if u < p1:
        return 1
    p2 = min(p2, 1.0 - p1)
    if u < p1 + p2:
        return 2
    if u < p1 + p2 + min(p3, 1.0 - p1 - p2):
        return 3
    return 0


@njit(cache=True, nogil=True, inline="always")
def _demography(hh: Households, rt: Rates, st: Structure, sc: Scratch, c: int, h: int, hk: np.uint64, month: int) -> None:
    """Ageing, births, deaths; the 18-year transition; an emptied household is replaced."""
    s = rt.scalars
    had_children = hh.children[h] > 0
    aged = 0
    for i in range(hh.children[h]):
        if uniform(hk, DEM_CHILD + i) < s[P_DEMOGRAPHY_CHILD_AGES_OUT]:
            aged += 1
    young_out = 0
    for i in range(hh.young[h]):
        if uniform(hk, DEM_YOUNG + i) < s[P_DEMOGRAPHY_YOUNG_AGES_OUT]:
            young_out += 1
    adult_out = 0
    for i in range(hh.adults[h]):
        if uniform(hk, DEM_ADULT + i) < s[P_DEMOGRAPHY_ADULT_AGES_OUT]:
            adult_out += 1
    deaths = 0
    for i in range(hh.elderly[h]):
        if uniform(hk, DEM_ELDERLY + i) < s[P_DEMOGRAPHY_ELDERLY_DEATH]:
            deaths += 1
    born = 1 if (hh.adults[h] + hh.young[h] > 0 and hh.children[h] < 4 and uniform(hk, DEM_BIRTH) < s[P_DEMOGRAPHY_BIRTH]) else 0
    hh.children[h] += born - aged
    hh.young[h] += aged - young_out
    hh.adults[h] += young_out - adult_out
    hh.elderly[h] += adult_out - deaths
    if had_children and hh.children[h] == 0:
        if hh.state[h, JEUGD] != NONE:
            sc.events[c, JEUGD, E_TURNED_18] += 1
            if hh.state[h, JEUGD] == CARE:
                u = uniform(hk, DEM_18)
                if hh.state[h, WMO] == NONE:
                    if u < s[P_TRANSITION18_TO_WMO]:
                        hh.severity[h, WMO] = 2
                        _to_access(hh, st, sc, c, h, WMO)
                    elif u < s[P_TRANSITION18_TO_WMO] + s[P_TRANSITION18_GAP]:
                        hh.severity[h, WMO] = 3
                        _enter(hh, h, WMO, HIDDEN, -1, 0)
                        sc.events[c, JEUGD, E_GAP_18] += 1
            _close(hh, h, JEUGD, month, True)
        if hh.state[h, VEILIGHEID] != NONE:
            sc.events[c, VEILIGHEID, E_TURNED_18] += 1
            _close(hh, h, VEILIGHEID, month, True)
    if hh.children[h] + hh.young[h] + hh.adults[h] + hh.elderly[h] == 0:
        draw_household(hh, h, mix64(hk ^ NEWCOMER), st)


@njit(cache=True, nogil=True, inline="always")
def _household_month(hh: Households, rt: Rates, st: Structure, sc: Scratch, c: int, h: int, key: np.uint64, month: int) -> None:
    hk = household_month_key(key, h, month)
    _demography(hh, rt, st, sc, c, h, hk, month)
    s = rt.scalars
    active = 0
    for d in range(N_DOMAINS):
        if hh.state[h, d] != NONE:
            active += 1
    mult = s[P_MULTIPROBLEM_ESCALATION_MULT] if active >= 2 else 1.0
    on_benefit = hh.state[h, WERK] != NONE
    if on_benefit:
        sc.house[c, H_BENEFIT_MONTHS] += 1
    income_class = 0 if on_benefit else hh.income[h]
    network = hh.network[h]
    for d in range(N_DOMAINS):
        base = d * 32
        state = hh.state[h, d]
        m = hh.months[h, d]
        moved = True
        if state == NONE:
            exposure = (
                rt.onset[d, 0] * hh.children[h]
                + rt.onset[d, 1] * hh.young[h]
                + rt.onset[d, 2] * hh.adults[h]
                + rt.onset[d, 3] * hh.elderly[h]
            ) * rt.onset_income[d, hh.income[h]]
            if d == SCHULDEN and on_benefit:
                exposure *= s[P_BENEFIT_MULT_SCHULDEN]
            if uniform(hk, base + K_MAIN) < exposure:
                u = uniform(hk, base + K_SEVERITY)
                hh.severity[h, d] = 1 if u < rt.severity_cdf[d, 0] else (2 if u < rt.severity_cdf[d, 1] else 3)
                _enter(hh, h, d, HIDDEN, -1, 0)
                sc.events[c, d, E_ONSETS] += 1
            continue
        v = hh.severity[h, d]
        escalate = rt.escalate[d] * (1.0 - s[P_NETWORK_PROTECTION] * network) * mult
        u = uniform(hk, base + K_MAIN)
        if state == HIDDEN:
            event = _competing(u, rt.resolve_own[d] * network, escalate, rt.ask[d, v])
            if event == 1:
                _resolve_own(hh, sc, c, h, d, month)
            elif event == 2:
                _escalate(hh, sc, c, h, d)
                moved = hh.state[h, d] != HIDDEN
            elif event == 3:
                _request(hh, rt, st, sc, c, h, d, hk, month)
            else:
                moved = False
        elif state == GENERAL:
            sc.general[c, d] += 1
            resolve = rt.general_resolve[d] * (1.0 if v == 1 else s[P_GENERAL_HIGHER_FACTOR])
            stepup = rt.general_stepup[d] if v >= 2 else 0.0
            event = _competing(u, resolve, escalate * (1.0 - s[P_GENERAL_MITIGATION]), stepup)
            if event == 1:
                _close(hh, h, d, month, True)
                sc.events[c, d, E_RES_GEN] += 1
            elif event == 2:
                _escalate(hh, sc, c, h, d)
                moved = hh.state[h, d] != GENERAL
            elif event == 3:
                _to_access(hh, st, sc, c, h, d)
            else:
                moved = False
        elif state == QUEUE or state == DECISION or state == WAITLIST:
            event = _competing(u, rt.resolve_own[d] * network, escalate, 0.0)
            if event == 1:
                _resolve_own(hh, sc, c, h, d, month)
            elif event == 2:
                if v >= 3 and state == WAITLIST and hh.product[h, d] == HEAVY_PRODUCT[d]:
                    hh.door[h, d] = D_CRISIS  # already waiting for the heaviest care: now a priority
                    sc.events[c, d, E_CRISES] += 1
                    moved = False
                else:
                    _escalate(hh, sc, c, h, d)
                    moved = hh.state[h, d] != state
            elif state == DECISION and m + 1 >= st.team_delay[hh.team[h]]:
                _enter(hh, h, d, WAITLIST, hh.product[h, d], hh.door[h, d])  # beschikking issued
            else:
                moved = False
        else:  # CARE
            p = hh.product[h, d]
            prov = hh.provider[h, d]
            sc.billed[c, prov, p] += 1
            if rt.copay_product[p]:
                sc.house[c, H_COPAY_LOW + income_class] += 1
            duration = m + 1
            if PRODUCT_TIER[p] == T_MAATWERK and uniform(hk, base + K_CARE_ESCALATE) < rt.care_escalate[p] * mult:
                sc.exits[c, p, 0] += 1
                sc.exits[c, p, 1] += duration
                sc.events[c, d, E_TO_SPEC] += 1
                _enter(hh, h, d, WAITLIST, _pick_product(rt, d, T_SPECIALIST, uniform(hk, base + K_PRODUCT)), hh.door[h, d])
            elif u < rt.hazard[p, min(m, HAZARD_MONTHS - 1)]:
                sc.exits[c, p, 0] += 1
                sc.exits[c, p, 1] += duration
                sc.events[c, d, E_CARE_MONTHS] += duration
                sc.events[c, d, E_CARE_EXITS] += 1
                if uniform(hk, base + K_OUTCOME) < rt.effectiveness[p]:
                    sc.resolved[c, prov, p] += 1
                    sc.events[c, d, E_RES_CARE] += 1
                    if d == WERK:
                        sc.events[c, d, E_WORK] += 1
                    _close(hh, h, d, month, True)
                else:
                    sc.events[c, d, E_UNRESOLVED] += 1
                    hh.severity[h, d] = max(1, v - 1)
                    hh.last_end[h, d] = month
                    _enter(hh, h, d, HIDDEN, -1, 0)
            else:
                moved = False
        if not moved:
            hh.months[h, d] = min(m + 1, MONTHS_CAP)
    # end-of-pass tallies
    active = 0
    for d in range(N_DOMAINS):
        state = hh.state[h, d]
        sc.occupancy[c, d, state, hh.severity[h, d]] += 1
        if state != NONE:
            active += 1
        if state == CARE:
            sc.stock[c, hh.provider[h, d], hh.product[h, d]] += 1
        elif state == QUEUE:
            sc.pending[c, 0] += 1
        elif state == WAITLIST:
            sc.pending[c, 1] += 1
    if active == 0:
        sc.house[c, H_SELF_RELIANT] += 1
    elif active >= 2:
        sc.house[c, H_MULTI_PROBLEM] += 1


@njit(cache=True, nogil=True)
def _chunk(hh: Households, rt: Rates, st: Structure, sc: Scratch, bounds: np.ndarray, key: np.uint64, month: int, c: int) -> None:
    sc.events[c] = 0
    sc.occupancy[c] = 0
    sc.billed[c] = 0
    sc.resolved[c] = 0
    sc.stock[c] = 0
    sc.exits[c] = 0
    sc.house[c] = 0
    sc.general[c] = 0
    sc.arrivals[c] = 0
    sc.pending[c] = 0
    for h in range(bounds[c], bounds[c + 1]):
        _household_month(hh, rt, st, sc, c, h, key, month)


@njit(cache=True, nogil=True, parallel=True)
def household_pass(hh: Households, rt: Rates, st: Structure, sc: Scratch, bounds: np.ndarray, key: np.uint64, month: int) -> None:
    """Advance every household by one month (parallel over fixed chunks; see module docstring)."""
    for c in prange(bounds.shape[0] - 1):
        _chunk(hh, rt, st, sc, bounds, key, month, c)


@njit(cache=True, nogil=True)
def _tiebreak(key: np.uint64, h: int, d: int, month: int) -> int:
    return int(uniform(household_month_key(key, h, month), d * 32 + K_TIEBREAK) * 16_777_216.0)


@njit(cache=True, nogil=True)
def _gather(hh: Households, sc: Scratch, bounds: np.ndarray, which: int, state: int) -> tuple[np.ndarray, np.ndarray]:
    n = 0
    for c in range(bounds.shape[0] - 1):
        n += sc.pending[c, which]
    households = np.empty(n, np.int64)
    domains = np.empty(n, np.int64)
    i = 0
    for c in range(bounds.shape[0] - 1):
        if sc.pending[c, which] == 0:
            continue
        for h in range(bounds[c], bounds[c + 1]):
            for d in range(N_DOMAINS):
                if hh.state[h, d] == state:
                    households[i] = h
                    domains[i] = d
                    i += 1
    return households, domains


@njit(cache=True, nogil=True)
def _triage(hh: Households, rt: Rates, st: Structure, h: int, d: int, key: np.uint64, month: int) -> int:
    """The access team clarifies the question and routes it; returns the new state."""
    hk = household_month_key(key, h, month)
    base = d * 32
    v = hh.severity[h, d]
    tier = v  # light -> general (1), moderate -> maatwerk (2), severe -> specialist (3)
    if uniform(hk, base + K_TRIAGE) >= st.team_triage[hh.team[h]]:
        tier = v - 1 if v >= 2 else T_MAATWERK  # under-served, or a light need over-served
    if tier <= 1:
        _enter(hh, h, d, GENERAL, -1, D_ACCESS)
        return GENERAL
    state = DECISION if st.team_delay[hh.team[h]] > 0 else WAITLIST
    _enter(hh, h, d, state, _pick_product(rt, d, tier, uniform(hk, base + K_PRODUCT)), D_ACCESS)
    return state


@njit(cache=True, nogil=True)
def service_pass(hh: Households, rt: Rates, st: Structure, sc: Scratch, bounds: np.ndarray, out: Tallies, t: int, key: np.uint64, month: int) -> None:
    """Reduce the chunk tallies into row ``t``, then serve access queues and provider waiting lists."""
    for c in range(bounds.shape[0] - 1):
        out.events[t] += sc.events[c]
        out.occupancy[t] += sc.occupancy[c]
        out.billed[t] += sc.billed[c]
        out.resolved[t] += sc.resolved[c]
        out.stock[t] += sc.stock[c]
        out.exits[t] += sc.exits[c]
        out.house[t] += sc.house[c]
        out.general[t] += sc.general[c]
        out.queue[t, :, 1] += sc.arrivals[c]
    events, occupancy, stock = out.events[t], out.occupancy[t], out.stock[t]
    # --- access teams: first come, first served, up to capacity per counter -----------------
    qh, qd = _gather(hh, sc, bounds, 0, QUEUE)
    keys = np.empty(qh.shape[0], np.int64)
    for i in range(qh.shape[0]):
        h, d = qh[i], qd[i]
        keys[i] = (_counter(hh, st, h, d) << 40) | ((32_767 - np.int64(hh.months[h, d])) << 24) | _tiebreak(key, h, d, month)
    capacity = st.counter_capacity.ravel()
    served = np.zeros(capacity.shape[0], np.int64)
    wh, wd = _gather(hh, sc, bounds, 1, WAITLIST)
    n_w = wh.shape[0]
    wh = np.concatenate((wh, np.empty(qh.shape[0], np.int64)))
    wd = np.concatenate((wd, np.empty(qh.shape[0], np.int64)))
    for i in np.argsort(keys, kind="mergesort"):
        h, d = qh[i], qd[i]
        counter = _counter(hh, st, h, d)
        if served[counter] >= capacity[counter]:
            out.queue[t, counter, 0] += 1
            continue
        served[counter] += 1
        v = hh.severity[h, d]
        events[d, E_SERVED] += 1
        events[d, E_ACCESS_WAIT] += hh.months[h, d]
        new_state = _triage(hh, rt, st, h, d, key, month)
        occupancy[d, QUEUE, v] -= 1
        occupancy[d, new_state, v] += 1
        if new_state == GENERAL:
            events[d, E_TRIAGE_GEN] += 1
        elif new_state == WAITLIST:
            wh[n_w] = h
            wd[n_w] = d
            n_w += 1
    out.queue[t, :, 2] = served
    # --- providers: crises and court orders first, then longest waiting, up to free slots ----
    wh, wd = wh[:n_w], wd[:n_w]
    keys = np.empty(n_w, np.int64)
    for i in range(n_w):
        h, d = wh[i], wd[i]
        priority = 0 if (hh.door[h, d] == D_CRISIS or hh.door[h, d] == D_JUDGE) else 1
        keys[i] = (priority << 40) | ((32_767 - np.int64(hh.months[h, d])) << 24) | _tiebreak(key, h, d, month)
    slots = st.provider_slots
    for i in np.argsort(keys, kind="mergesort"):
        h, d = wh[i], wd[i]
        p = hh.product[h, d]
        priority = hh.door[h, d] == D_CRISIS or hh.door[h, d] == D_JUDGE
        best, best_free = -1, -(1 << 62)
        for prov in range(slots.shape[0]):
            if slots[prov, p] > 0:
                free = slots[prov, p] - stock[prov, p]
                if free > best_free:
                    best, best_free = prov, free
        if best < 0 or (best_free <= 0 and not priority):
            continue
        v = hh.severity[h, d]
        events[d, E_ADMISSIONS] += 1
        events[d, E_ADM_WAIT] += hh.months[h, d]
        out.admitted[t, best, p] += 1
        stock[best, p] += 1
        occupancy[d, WAITLIST, v] -= 1
        occupancy[d, CARE, v] += 1
        _enter(hh, h, d, CARE, p, hh.door[h, d])
        hh.provider[h, d] = best
