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
    A household-domain changes state at most once in ``household_pass``; ``entered`` is the month its
    state was entered, so in month t it has completed t - entered - 1 months there before this one.
Sleeping households
    Only households with something to do are visited. Every event of a household outside a queue,
    decision or waiting list is scheduled: need onsets and demographic events (geometric waiting
    times; onsets only up to the next demographic event, which draws them anew), the next event of a
    hidden need or general provision (resolution, escalation, request or step-up, from their summed
    monthly probability, which one in proportion), the end of care (drawn at admission from the
    duration law) and the escalation from maatwerk to specialist care. Until the earliest of them
    the household sleeps: its monthly tallies (occupancy, care and general-provision months,
    benefit, co-payment, multi-problem and duplicate months) are carried per chunk
    (``Scratch.asleep``). A change of what the probabilities depend on (``Households.context``:
    multi-problem, benefit) redraws them; by memorylessness every schedule has the law of drawing
    the event month by month. A household in a queue, decision or waiting list is visited every month.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange, uint64
from sdsim.simulation.inputs import Rates, S, Structure
from sdsim.simulation.population import NEVER, Households, draw_household
from sdsim.simulation.prefetch import prefetch
from sdsim.simulation.rng import (
    NEVER_MONTH,
    binomial_chain,
    geometric_month,
    geometric_month_before,
    geometric_month_log,
    household_key,
    mix64,
    month_key,
    screened_below,
    screened_uniform,
    uniform,
)
from sdsim.simulation.schema import (
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
    N_PRODUCTS,
    N_SEVERITY,
    N_STATES,
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
K_REFUSE, K_SHIFT, K_PLAN = 12, 13, 14  # lever decisions: eligibility refusal (L5), shift to general (L1), in plan (L7)
K_ONSET_NOW, K_ONSET_NEXT = 10, 11  # schedule the next onset from this month / from next month
K_SCHEDULE = 15  # schedule the next event of a hidden need or a general provision
K_ESCALATION = 16  # schedule the escalation from maatwerk to specialist care
UNSCHEDULED = -(1 << 30)  # next_onset of a hidden need or general provision whose next event is not drawn yet
# Household-level decisions.
DEM_ALL, DEM_18 = 350, 351  # all ageing, birth and death outcomes come from one draw (bernoulli_chain)
DEM_NOW, DEM_NEXT = 352, 353  # schedule the next demographic event from this month / from next month
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
E_REFUSED, E_SHIFTED, E_IN_PLAN = EVENT["refused_eligibility"], EVENT["shifted_general"], EVENT["handled_in_plan"]

# Household-level tally columns.
H_SELF_RELIANT, H_MULTI_PROBLEM, H_BENEFIT_MONTHS, H_COPAY_LOW = 0, 1, 2, 3  # copay low/middle/high = 3, 4, 5
H_DUPLICATE = 6  # households in two or more formal trajectories (queue, decision, waiting list or care) at month end
N_HOUSE = 7
REPEAT_WINDOW = 12  # months
AHEAD = 6  # visits: the rows of the household this many visits ahead are prefetched

# Households.context bits: what the scheduled events of hidden needs, general provisions and
# maatwerk escalation depend on besides the domain's own state (a change redraws them), and whether
# the household is asleep (its monthly tallies are carried in Scratch.asleep).
CTX_MULTI, CTX_BENEFIT, CTX_ASLEEP = 1, 2, 4
# Scratch.asleep columns: monthly tallies of the asleep households: occupancy | general | shifted |
# uncontrolled | house (multi-problem, benefit, duplicate, copay by income, with a need) | care (provider, product).
SLEEP_GENERAL = N_DOMAINS * N_STATES * N_SEVERITY
SLEEP_SHIFTED = SLEEP_GENERAL + N_DOMAINS
SLEEP_UNCONTROLLED = SLEEP_SHIFTED + N_PRODUCTS
SLEEP_MULTI = SLEEP_UNCONTROLLED + N_PRODUCTS
SLEEP_BENEFIT, SLEEP_DUPLICATE, SLEEP_COPAY = SLEEP_MULTI + 1, SLEEP_MULTI + 2, SLEEP_MULTI + 3  # copay: 3 classes
SLEEP_WITH_NEED = SLEEP_COPAY + 3
SLEEP_CARE = SLEEP_WITH_NEED + 1  # + provider * N_PRODUCTS + product: client-months in care (billed and stock)

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
    shifted: np.ndarray  # (chunks, products) user-months of the general provision replacing a product (L1)
    uncontrolled: np.ndarray  # (chunks, products) client-months of clients who came through the GP or the judge
    arrivals: np.ndarray  # (chunks, teams * domains) arrivals per access counter
    pending: np.ndarray  # (chunks, 2) households in queue / on a waiting list
    waiting: np.ndarray  # (chunks, chunk size * domains) h * 8 + d: queue entries from the front, waiting list from the back
    awake: np.ndarray  # (chunks, chunk size) households with something to do this month
    asleep: np.ndarray  # (chunks, SLEEP_CARE + providers * products) tallies of the asleep households, carried over
    fell_asleep: np.ndarray  # (chunks, SLEEP_CARE + providers * products) tallies of those falling asleep this month


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
    shifted: np.ndarray  # (months, products) user-months of the general provision replacing a product (L1)
    uncontrolled: np.ndarray  # (months, products) client-months of clients who came through the GP or the judge
    queue: np.ndarray  # (months, teams * domains, 3): length at month end, arrivals, served


@njit(cache=True, nogil=True, inline="always")
def _pick_product(product_cdf: np.ndarray, d: int, tier: int, u: float) -> int:
    for p in range(product_cdf.shape[2]):
        if u < product_cdf[d, tier, p]:
            return p
    return HEAVY_PRODUCT[d]


@njit(cache=True, nogil=True, inline="always")
def _counter(team: int, integrated: np.ndarray, d: int) -> int:
    return team * N_DOMAINS + (0 if integrated[team] else d)


@njit(cache=True, nogil=True, inline="always")
def _flat(h: int, d: int) -> np.uint64:
    """Index of (household h, domain d) in the flat view of an (N, domains) column.

    The kernels index flat views: the row stride is then the constant N_DOMAINS, and an unsigned
    index needs no negative-index check, which keeps the hot loop's live values in registers.
    """
    return uint64(h * N_DOMAINS + d)


@njit(cache=True, nogil=True, inline="always")
def _enter(state, entered, product, door, provider, next_onset, hd: np.uint64, month: int, new_state: int, p: int, door_code: int) -> None:
    """Move household-domain ``hd`` (a flat index) into ``new_state`` in ``month`` (no event drawn yet)."""
    state[hd] = new_state
    entered[hd] = month
    next_onset[hd] = UNSCHEDULED
    product[hd] = p
    door[hd] = door_code
    if new_state != CARE:
        provider[hd] = -1


@njit(cache=True, nogil=True, inline="always")
def _onset_probability(onset, onset_income, nc, ny, na, ne, income: int, on_benefit: bool, benefit_mult: float, d: int) -> float:
    """Monthly probability that a need arises in domain d for this composition and income."""
    p = (onset[d, 0] * nc + onset[d, 1] * ny + onset[d, 2] * na + onset[d, 3] * ne) * onset_income[d, income]
    return p * benefit_mult if (d == SCHULDEN and on_benefit) else p


@njit(cache=True, nogil=True, inline="always")
def _quiet(stay: np.ndarray, nc, ny, na, ne) -> float:
    """Probability that nobody in the household ages out, is born or dies this month."""
    birth = stay[0, 4, 1] if (na + ny > 0 and nc < 4) else 1.0
    return stay[0, 0, nc] * stay[0, 1, ny] * stay[0, 2, na] * stay[0, 3, ne] * birth


@njit(cache=True, nogil=True, inline="always")
def _log_quiet(stay: np.ndarray, nc, ny, na, ne) -> float:
    """The logarithm of ``_quiet``, as a sum of tabulated logarithms."""
    birth = stay[1, 4, 1] if (na + ny > 0 and nc < 4) else 0.0
    return stay[1, 0, nc] + stay[1, 1, ny] + stay[1, 2, na] + stay[1, 3, ne] + birth


@njit(cache=True, nogil=True)
def demography_tables(rt: Rates) -> np.ndarray:
    """stay[0, g, k] = P(none of k persons of group g has a demographic event this month), g = 4: birth; stay[1]: its log."""
    s = rt.scalars
    probs = (
        s[P_DEMOGRAPHY_CHILD_AGES_OUT],
        s[P_DEMOGRAPHY_YOUNG_AGES_OUT],
        s[P_DEMOGRAPHY_ADULT_AGES_OUT],
        s[P_DEMOGRAPHY_ELDERLY_DEATH],
        s[P_DEMOGRAPHY_BIRTH],
    )
    stay = np.empty((2, 5, 128))
    for g in range(5):
        for k in range(128):
            stay[0, g, k] = (1.0 - probs[g]) ** k
            stay[1, g, k] = k * math.log1p(-probs[g])
    return stay


@njit(cache=True, nogil=True, inline="always")
def _schedule(hh: Households, rt: Rates, stay: np.ndarray, h: int, hk: np.uint64, month: int, after_event: bool) -> None:
    """Schedule every onset and the next demographic event (at the start; after a composition change).

    Onsets may happen from ``month`` on; the next demographic event too, or from the next month
    when ``after_event`` (one just happened this month).
    """
    nc, ny, na, ne = hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h]
    on_benefit = hh.state[h, WERK] != NONE
    mult = rt.scalars[P_BENEFIT_MULT_SCHULDEN]
    first, decision = (month + 1, DEM_NEXT) if after_event else (month, DEM_NOW)
    log_quiet = _log_quiet(stay, nc, ny, na, ne)
    next_demography = NEVER_MONTH
    if log_quiet < 0.0:  # an if, not a conditional expression, around an inlined call (see the maatwerk escalation)
        next_demography = geometric_month_log(first, log_quiet, uniform(hk, decision))
    hh.next_demography[h] = next_demography
    wake = next_demography
    for d in range(N_DOMAINS):
        if hh.state[h, d] == NONE:  # onsets are drawn anew at the next demographic event
            p = _onset_probability(rt.onset, rt.onset_income, nc, ny, na, ne, hh.income[h], on_benefit, mult, d)
            hh.next_onset[h, d] = geometric_month_before(month, p, uniform(hk, d * 32 + K_ONSET_NOW), next_demography)
            wake = min(wake, hh.next_onset[h, d])
        else:
            wake = min(wake, month)  # a household with a need is awake every month
    hh.wake[h] = wake


@njit(cache=True, nogil=True)
def schedule_all(hh: Households, rt: Rates, stay: np.ndarray, key: np.uint64, month: int) -> None:
    """Schedule every household's next events from ``month`` (engine start).

    Domains already in care (a population initialised to a caseload) get the end of their care
    drawn from the duration law given the months they have been in care.
    """
    mk = month_key(key, month)
    for h in range(hh.children.shape[0]):
        hk = household_key(mk, h)
        _schedule(hh, rt, stay, h, hk, month, False)
        hh.context[h] = 0  # awake, with hidden needs and general provisions drawn at the first visit
        for d in range(N_DOMAINS):
            if hh.state[h, d] == HIDDEN or hh.state[h, d] == GENERAL:
                hh.next_onset[h, d] = UNSCHEDULED
            if hh.state[h, d] == CARE:
                hh.escalation[h, d] = UNSCHEDULED if PRODUCT_TIER[hh.product[h, d]] == T_MAATWERK else NEVER_MONTH
                p, m = hh.product[h, d], month - hh.entered[h, d] - 1
                u = uniform(hk, d * 32 + K_EXIT) * rt.survival[p, min(m, rt.survival.shape[1] - 1)]
                hh.next_onset[h, d] = month + max(1, care_duration(rt.survival, rt.hazard, p, u) - m) - 1


@njit(cache=True, nogil=True, inline="always")
def care_duration(survival: np.ndarray, hazard: np.ndarray, p: int, u: float) -> int:
    """Months in care (>= 1) by inversion of product p's survival curve with uniform u in [0, 1).

    D = the smallest n with u >= P(D > n): the same law as exiting each month with the hazard
    ``hazard[p, min(m, 60)]``, drawn once at admission.
    """
    last = survival.shape[1] - 1
    if u >= survival[p, last]:  # survival is non-increasing in n: bisect for the smallest n
        lo, hi = 1, last  # invariant: u < survival[p, lo - 1] and u >= survival[p, hi]
        while lo < hi:
            mid = (lo + hi) >> 1
            if u >= survival[p, mid]:
                hi = mid
            else:
                lo = mid + 1
        return lo
    tail = hazard[p, last]
    if tail <= 0.0 or u <= 0.0:
        return MONTHS_CAP
    extra = math.ceil(math.log(u / survival[p, last]) / math.log1p(-tail))
    return last + max(1, min(extra, MONTHS_CAP))


@njit(cache=True, nogil=True, inline="always")
def _count_care_exit(state, entered, product, exits, hd: np.uint64, month: int) -> None:
    """Count an outflow from care that is not a care decision (age 18, household gone); ``hd`` a flat index."""
    if state[hd] == CARE:
        exits[product[hd], 0] += 1
        exits[product[hd], 1] += month - entered[hd]


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
def _any_event(p1: float, p2: float, p3: float) -> float:
    """Probability that one of the three competing events of ``_competing`` happens."""
    p1 = min(p1, 1.0)
    p2 = min(p2, 1.0 - p1)
    return p1 + p2 + min(p3, 1.0 - p1 - p2)


@njit(cache=True, nogil=True, inline="always")
def _need_rates(
    resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve, shift_escalate, shift_stepup,
    scalars, d: int, v: int, current: int, replaced: int, net: float, mult: float, income_class: int
) -> tuple[float, float, float]:  # fmt: skip
    """Monthly probabilities of resolution, escalation and asking for help (HIDDEN) or stepping up (GENERAL)."""
    escalate = escalate_rate[d] * (1.0 - scalars[P_NETWORK_PROTECTION] * net) * mult
    if current == HIDDEN:
        return resolve_own[d] * net, escalate, ask[d, v] * ask_income[d, income_class]
    p1 = general_resolve[d] * (1.0 if v == 1 else scalars[P_GENERAL_HIGHER_FACTOR])
    p2 = escalate * (1.0 - scalars[P_GENERAL_MITIGATION])
    p3 = general_stepup[d] if v >= 2 else 0.0
    if replaced >= 0:  # the general provision that replaces a maatwerk product (L1)
        p1 *= shift_resolve[replaced]
        p2 *= shift_escalate[replaced]
        p3 *= shift_stepup[replaced]
    return p1, p2, p3


@njit(cache=True, nogil=True, inline="always")
def _asleep_tally(tally: np.ndarray, sign: int, state, severity, product, provider, door, copay_product, income_class: int, h: int) -> None:
    """Add (``sign`` 1) or remove (-1) household h's monthly tallies as an asleep household.

    An asleep household is in no queue, decision or waiting list, so nothing about it changes until
    its next scheduled event: its occupancy, general-provision and care months, multi-problem,
    benefit, duplicate and co-payment months are the same every month and are carried as a running
    total per chunk.
    """
    active = 0
    formal = 0
    for d in range(N_DOMAINS):
        hd = _flat(h, d)
        now = state[hd]
        if now == NONE:
            continue
        active += 1
        tally[(d * N_STATES + now) * N_SEVERITY + severity[hd]] += sign
        if now == GENERAL:
            replaced = product[hd]
            if replaced >= 0:
                tally[SLEEP_SHIFTED + replaced] += sign
            else:
                tally[SLEEP_GENERAL + d] += sign
        elif now == CARE:
            formal += 1
            p = product[hd]
            tally[SLEEP_CARE + provider[hd] * N_PRODUCTS + p] += sign
            if door[hd] == D_GP or door[hd] == D_JUDGE:
                tally[SLEEP_UNCONTROLLED + p] += sign
            if copay_product[p]:
                tally[SLEEP_COPAY + income_class] += sign
    if active >= 2:
        tally[SLEEP_MULTI] += sign
    if state[_flat(h, WERK)] != NONE:
        tally[SLEEP_BENEFIT] += sign
    if formal >= 2:
        tally[SLEEP_DUPLICATE] += sign
    if active > 0:
        tally[SLEEP_WITH_NEED] += sign


@njit(cache=True, nogil=True)
def _chunk(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int, c: int
) -> None:
    """Advance households bounds[c]..bounds[c+1] by one month, tallying into row ``c`` of ``sc``.

    Every array is bound to a local name once, outside the household loop: attribute access on a
    NamedTuple inside a branchy loop costs numba a reference-count update each time.
    """
    children, young, adults, elderly = hh.children, hh.young, hh.adults, hh.elderly
    income, network, team, gp = hh.income, hh.network, hh.team, hh.gp
    # (N, domains) columns as flat views, indexed by hd = _flat(h, d)
    state, severity, entered, product = hh.state.ravel(), hh.severity.ravel(), hh.entered.ravel(), hh.product.ravel()
    provider, door, last_end, next_onset = hh.provider.ravel(), hh.door.ravel(), hh.last_end.ravel(), hh.next_onset.ravel()
    next_demography, wake, context, escalation = hh.next_demography, hh.wake, hh.context, hh.escalation.ravel()
    onset, onset_income, severity_cdf = rt.onset, rt.onset_income, rt.severity_cdf
    resolve_own, escalate_rate, ask = rt.resolve_own, rt.escalate, rt.ask
    door_gp, door_judge, general_resolve, general_stepup = rt.door_gp, rt.door_judge, rt.general_resolve, rt.general_stepup
    effectiveness, care_escalate = rt.effectiveness, rt.care_escalate
    shift_resolve, shift_escalate, shift_stepup = rt.shift_resolve, rt.shift_escalate, rt.shift_stepup
    ask_income, in_plan = rt.ask_income, rt.in_plan
    product_cdf, copay_product = rt.product_cdf, rt.copay_product
    integrated, team_delay, gp_referral, gp_poh = st.team_integrated, st.team_delay, st.gp_referral, st.gp_poh
    events, occupancy, billed, resolved, stock = sc.events[c], sc.occupancy[c], sc.billed[c], sc.resolved[c], sc.stock[c]
    exits, house, general, arrivals, pending = sc.exits[c], sc.house[c], sc.general[c], sc.arrivals[c], sc.pending[c]
    shifted, uncontrolled = sc.shifted[c], sc.uncontrolled[c]
    waiting = sc.waiting[c]
    back = waiting.shape[0] - 1
    asleep, fell_asleep = sc.asleep[c], sc.fell_asleep[c]
    fell_asleep[:] = 0
    events[:] = 0
    occupancy[:] = 0
    billed[:] = 0
    resolved[:] = 0
    stock[:] = 0
    exits[:] = 0
    house[:] = 0
    general[:] = 0
    shifted[:] = 0
    uncontrolled[:] = 0
    arrivals[:] = 0
    pending[:] = 0
    s = rt.scalars
    network_protection, multi_mult = s[P_NETWORK_PROTECTION], s[P_MULTIPROBLEM_ESCALATION_MULT]
    benefit_mult = s[P_BENEFIT_MULT_SCHULDEN]
    to_wmo, gap = s[P_TRANSITION18_TO_WMO], s[P_TRANSITION18_GAP]
    p_child, p_young, p_adult = s[P_DEMOGRAPHY_CHILD_AGES_OUT], s[P_DEMOGRAPHY_YOUNG_AGES_OUT], s[P_DEMOGRAPHY_ADULT_AGES_OUT]
    p_birth, p_death = s[P_DEMOGRAPHY_BIRTH], s[P_DEMOGRAPHY_ELDERLY_DEATH]
    rates5 = np.array([p_child, p_young, p_adult, p_death, p_birth])
    inv = 1.0 / np.maximum(rates5, 1e-300)
    inv_not = 1.0 / np.maximum(1.0 - rates5, 1e-300)

    # Households sleep until their wake month (see the module docstring). Collecting the awake
    # ones first, without branches, keeps the random mix of sleeping and awake households from
    # costing a mispredicted branch each (measured: ~55 ns per awake household).
    awake = sc.awake[c]
    first, rows = bounds[c], bounds[c + 1] - bounds[c]
    wake_rows = wake[first : first + rows]
    n_awake = 0
    for i in range(rows):
        awake[n_awake] = first + i
        n_awake += np.int64(wake_rows[i] <= month)
    mk = month_key(key, month)
    for i in range(n_awake):
        h = awake[i]
        hk = household_key(mk, h)
        # The rows a visit reads, of the household AHEAD visits on (see simulation.prefetch). Written
        # out: through a helper or a tuple of the columns, numba added reference counting in this loop (measured
        # 20-30 % slower at 200,000 households); for the same reason _asleep_tally takes the income class.
        if i + AHEAD < n_awake:
            ahead = awake[i + AHEAD]
            row = _flat(ahead, 0)
            prefetch(state, row)
            prefetch(severity, row)
            prefetch(entered, row)
            prefetch(product, row)
            prefetch(provider, row)
            prefetch(door, row)
            prefetch(last_end, row)
            prefetch(next_onset, row)
            prefetch(escalation, row)
            prefetch(context, ahead)
            prefetch(next_demography, ahead)
            prefetch(network, ahead)
            prefetch(income, ahead)
            prefetch(children, ahead)
            prefetch(young, ahead)
            prefetch(adults, ahead)
            prefetch(elderly, ahead)
        if context[h] & CTX_ASLEEP:  # woken: this month it is tallied by its visit
            income_class = 0 if state[_flat(h, WERK)] != NONE else income[h]
            _asleep_tally(asleep, -1, state, severity, product, provider, door, copay_product, income_class, h)
        # --- demography and the 18-year transition (scheduled: at least one event this month) ---
        if next_demography[h] <= month:
            had_children = children[h] > 0
            nc, ny, na, ne = children[h], young[h], adults[h], elderly[h]
            can_birth = na + ny > 0 and nc < 4
            u = (1.0 - _quiet(stay, nc, ny, na, ne)) * uniform(hk, DEM_ALL)  # uniform given an event
            aged, u = binomial_chain(u, nc, p_child, inv[0], inv_not[0])
            young_out, u = binomial_chain(u, ny, p_young, inv[1], inv_not[1])
            adult_out, u = binomial_chain(u, na, p_adult, inv[2], inv_not[2])
            deaths, u = binomial_chain(u, ne, p_death, inv[3], inv_not[3])
            born, u = binomial_chain(u, 1 if can_birth else 0, p_birth, inv[4], inv_not[4])
            children[h] += born - aged
            young[h] += aged - young_out
            adults[h] += young_out - adult_out
            elderly[h] += adult_out - deaths
            if had_children and children[h] == 0:
                if state[_flat(h, JEUGD)] != NONE:
                    events[JEUGD, E_TURNED_18] += 1
                    if state[_flat(h, JEUGD)] == CARE and state[_flat(h, WMO)] == NONE:
                        u = uniform(hk, DEM_18)
                        if u < to_wmo:  # handed over to Wmo support: an access request
                            severity[_flat(h, WMO)] = 2
                            _enter(state, entered, product, door, provider, next_onset, _flat(h, WMO), month, QUEUE, -1, D_ACCESS)
                            events[WMO, E_ACCESS] += 1
                            arrivals[_counter(team[h], integrated, WMO)] += 1
                        elif u < to_wmo + gap:  # drops out into a severe adult need
                            severity[_flat(h, WMO)] = 3
                            _enter(state, entered, product, door, provider, next_onset, _flat(h, WMO), month, HIDDEN, -1, 0)
                            events[JEUGD, E_GAP_18] += 1
                    _count_care_exit(state, entered, product, exits, _flat(h, JEUGD), month)
                    _enter(state, entered, product, door, provider, next_onset, _flat(h, JEUGD), month, NONE, -1, 0)
                    severity[_flat(h, JEUGD)] = 0
                    last_end[_flat(h, JEUGD)] = month
                if state[_flat(h, VEILIGHEID)] != NONE:
                    events[VEILIGHEID, E_TURNED_18] += 1
                    _count_care_exit(state, entered, product, exits, _flat(h, VEILIGHEID), month)
                    _enter(state, entered, product, door, provider, next_onset, _flat(h, VEILIGHEID), month, NONE, -1, 0)
                    severity[_flat(h, VEILIGHEID)] = 0
                    last_end[_flat(h, VEILIGHEID)] = month
            if children[h] + young[h] + adults[h] + elderly[h] == 0:
                for d in range(N_DOMAINS):
                    _count_care_exit(state, entered, product, exits, _flat(h, d), month)
                draw_household(hh, h, mix64(hk ^ NEWCOMER), st)  # a newcomer moves into the empty row
            # composition changed: next demographic event from next month, onsets from this month
            _schedule(hh, rt, stay, h, hk, month, True)
        # --- needs in every domain ------------------------------------------------------------
        on_benefit = state[_flat(h, WERK)] != NONE
        active = 0
        in_trajectory = 0  # domains in a formal trajectory (queue, decision, waiting list, care)
        for d in range(N_DOMAINS):
            hd = _flat(h, d)
            if state[hd] != NONE:
                active += 1
                in_trajectory += state[hd] >= QUEUE
        mult = multi_mult if active >= 2 else 1.0
        active = 0  # from here: domains with a need at the end of the month
        formal = 0  # ... and of those, in a formal trajectory
        earliest = next_demography[h]  # the next onset or demographic event
        next_event = NEVER_MONTH  # the next scheduled event of a hidden need or general provision
        unscheduled = False  # a hidden need, general provision or maatwerk care has no event drawn yet
        queued = 0  # domains in a queue, decision or waiting list at the end of the month
        if on_benefit:
            house[H_BENEFIT_MONTHS] += 1
        income_class = 0 if on_benefit else income[h]
        net = network[h]
        for d in range(N_DOMAINS):
            hd = _flat(h, d)
            base = d * 32
            current = state[hd]
            m = month - entered[hd] - 1  # months completed in the state before this one
            if current == NONE:
                if next_onset[hd] <= month:  # the scheduled onset is due
                    u = uniform(hk, base + K_SEVERITY)
                    severity[hd] = 1 if u < severity_cdf[d, 0] else (2 if u < severity_cdf[d, 1] else 3)
                    _enter(state, entered, product, door, provider, next_onset, hd, month, HIDDEN, -1, 0)
                    events[d, E_ONSETS] += 1
                    occupancy[d, HIDDEN, severity[hd]] += 1
                    active += 1
                    unscheduled = True
                else:  # NONE is not tallied: the service pass derives it from the total
                    if d == SCHULDEN and (state[_flat(h, WERK)] != NONE) != on_benefit:  # benefit status changed
                        p = _onset_probability(
                            onset, onset_income, children[h], young[h], adults[h], elderly[h], income[h], not on_benefit, benefit_mult, d
                        )
                        next_onset[hd] = geometric_month_before(month + 1, p, uniform(hk, base + K_ONSET_NEXT), next_demography[h])
                    earliest = min(earliest, next_onset[hd])
                continue
            v = severity[hd]
            event = 0
            if current <= GENERAL:  # HIDDEN or GENERAL: the next event is scheduled (see the end of the visit)
                replaced = product[hd]  # >= 0: the general provision that replaces this product (L1)
                if current == GENERAL:
                    if replaced >= 0:
                        shifted[replaced] += 1
                    else:
                        general[d] += 1
                due = next_onset[hd]
                if due <= month:
                    p1, p2, p3 = _need_rates(
                        resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve, shift_escalate,
                        shift_stepup, s, d, v, current, replaced, net, mult, income_class,
                    )  # fmt: skip
                    if due == UNSCHEDULED:  # entered since the last visit: this month's own draw
                        event = _competing(screened_uniform(hk, d, base + K_MAIN, p1 + p2 + p3), p1, p2, p3)
                    else:  # the scheduled event: which one, in proportion to the probabilities
                        event = _competing(uniform(hk, base + K_MAIN) * _any_event(p1, p2, p3), p1, p2, p3)
            elif current != CARE:  # QUEUE, DECISION, WAITLIST
                p1, p2 = resolve_own[d] * net, escalate_rate[d] * (1.0 - network_protection * net) * mult
                # the month's draw, computed only when some event is possible (screened on the key)
                event = _competing(screened_uniform(hk, d, base + K_MAIN, p1 + p2), p1, p2, 0.0)
            if current == CARE:
                p = product[hd]
                prov = provider[hd]
                billed[prov, p] += 1
                if door[hd] == D_GP or door[hd] == D_JUDGE:  # entered through a door the municipality does not control
                    uncontrolled[p] += 1
                if copay_product[p]:
                    house[H_COPAY_LOW + income_class] += 1
                duration = m + 1
                due = escalation[hd]  # NEVER_MONTH outside maatwerk care
                escalates = due <= month  # (an if, not `x if c else y`: numba 0.68 miscompiled the inlined call in that form)
                if due == UNSCHEDULED:  # admitted since the last visit: this month's own draw
                    escalates = screened_below(hk, d, base + K_CARE_ESCALATE, care_escalate[p] * mult)
                if escalates:
                    exits[p, 0] += 1
                    exits[p, 1] += duration
                    events[d, E_TO_SPEC] += 1
                    spec = _pick_product(product_cdf, d, T_SPECIALIST, uniform(hk, base + K_PRODUCT))
                    _enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, spec, door[hd])
                elif next_onset[hd] <= month:  # the care duration drawn at admission is over
                    exits[p, 0] += 1
                    exits[p, 1] += duration
                    events[d, E_CARE_MONTHS] += duration
                    events[d, E_CARE_EXITS] += 1
                    last_end[hd] = month
                    if uniform(hk, base + K_OUTCOME) < effectiveness[p]:
                        resolved[prov, p] += 1
                        events[d, E_RES_CARE] += 1
                        if d == WERK:
                            events[d, E_WORK] += 1
                        _enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, 0)
                        severity[hd] = 0
                    else:
                        events[d, E_UNRESOLVED] += 1
                        severity[hd] = max(1, v - 1)
                        _enter(state, entered, product, door, provider, next_onset, hd, month, HIDDEN, -1, 0)
            elif event == 1:  # resolved: by own strength, or in the general provision
                if current == GENERAL:
                    events[d, E_RES_GEN] += 1
                    last_end[hd] = month
                else:
                    events[d, E_RES_OWN] += 1
                    if d == WERK:
                        events[d, E_WORK] += 1
                _enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, 0)
                severity[hd] = 0
            elif event == 2:  # escalation; from severe it is a crisis
                if v < 3:
                    severity[hd] = v + 1
                    next_onset[hd] = UNSCHEDULED  # its event probabilities changed
                    events[d, E_ESC] += 1
                elif current == WAITLIST and product[hd] == HEAVY_PRODUCT[d]:
                    door[hd] = D_CRISIS  # already waiting for the heaviest care: now a priority
                    events[d, E_CRISES] += 1
                else:
                    _enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, HEAVY_PRODUCT[d], D_CRISIS)
                    events[d, E_CRISES] += 1
            elif event == 3 and current == GENERAL:  # not enough: step up to the access team
                # (from a general provision replacing a product, the product goes along: L1)
                _enter(state, entered, product, door, provider, next_onset, hd, month, QUEUE, product[hd], D_ACCESS)
                events[d, E_ACCESS] += 1
                arrivals[_counter(team[h], integrated, d)] += 1
            elif event == 3:  # HIDDEN: asks for help or is signalled; choose the door
                events[d, E_REQUESTS] += 1
                if last_end[hd] > NEVER and month - last_end[hd] <= REPEAT_WINDOW:
                    events[d, E_REPEAT] += 1
                if v == 1:
                    _enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_SELF)
                    events[d, E_GENERAL] += 1
                else:
                    u = uniform(hk, base + K_DOOR)
                    judge = door_judge[d]
                    if u < judge:
                        forced = _pick_product(product_cdf, d, T_FORCED, 0.0)
                        _enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, forced, D_JUDGE)
                        events[d, E_JUDGE] += 1
                    elif in_plan[d] > 0 and in_trajectory > 0 and uniform(hk, base + K_PLAN) < in_plan[d]:
                        # the case coordinator takes it into the household's existing plan (L7)
                        _enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_ACCESS)
                        events[d, E_IN_PLAN] += 1
                    elif u < judge + door_gp[d] * gp_referral[gp[h]]:
                        events[d, E_GP] += 1
                        if uniform(hk, base + K_POH) < gp_poh[gp[h]]:  # POH-jeugd handles it at tier 1
                            _enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_GP)
                        else:
                            choice = _pick_product(product_cdf, d, v, uniform(hk, base + K_PRODUCT))
                            _enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, choice, D_GP)
                    else:
                        _enter(state, entered, product, door, provider, next_onset, hd, month, QUEUE, -1, D_ACCESS)
                        events[d, E_ACCESS] += 1
                        arrivals[_counter(team[h], integrated, d)] += 1
            elif current == DECISION and m + 1 >= team_delay[team[h]]:  # beschikking issued
                _enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, product[hd], door[hd])
            now = state[hd]
            if now == NONE:  # the need ended this month: schedule the next onset from next month
                werk = state[_flat(h, WERK)] != NONE
                p = _onset_probability(onset, onset_income, children[h], young[h], adults[h], elderly[h], income[h], werk, benefit_mult, d)
                next_onset[hd] = geometric_month_before(month + 1, p, uniform(hk, base + K_ONSET_NEXT), next_demography[h])
                earliest = min(earliest, next_onset[hd])
                continue
            active += 1
            formal += now >= QUEUE
            queued += now >= QUEUE and now < CARE
            occupancy[d, now, severity[hd]] += 1
            if now <= GENERAL:
                if next_onset[hd] == UNSCHEDULED:
                    unscheduled = True
                else:
                    next_event = min(next_event, next_onset[hd])
            elif now == CARE:
                stock[provider[hd], product[hd]] += 1
                if escalation[hd] == UNSCHEDULED:
                    unscheduled = True
                else:
                    next_event = min(next_event, next_onset[hd], escalation[hd])
            elif now == QUEUE:
                waiting[pending[0]] = h * 8 + d
                pending[0] += 1
            elif now == WAITLIST:
                waiting[back - pending[1]] = h * 8 + d
                pending[1] += 1
        # --- schedule hidden needs and general provisions; fall asleep without a formal trajectory ----
        werk = state[_flat(h, WERK)] != NONE
        ctx = (CTX_MULTI if active >= 2 and multi_mult != 1.0 else 0) | (CTX_BENEFIT if werk else 0)
        redraw = ctx != (context[h] & (CTX_MULTI | CTX_BENEFIT))  # their probabilities changed
        if redraw or unscheduled:
            mult_next = multi_mult if active >= 2 else 1.0
            income_next = 0 if werk else income[h]  # income class for the ask rates
            next_event = NEVER_MONTH
            for d in range(N_DOMAINS):
                hd = _flat(h, d)
                now = state[hd]
                if HIDDEN <= now <= GENERAL:
                    if redraw or next_onset[hd] == UNSCHEDULED:
                        p1, p2, p3 = _need_rates(
                            resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve,
                            shift_escalate, shift_stepup, s, d, severity[hd], now, product[hd], net, mult_next, income_next,
                        )  # fmt: skip
                        u = uniform(hk, d * 32 + K_SCHEDULE)
                        next_onset[hd] = geometric_month(month + 1, _any_event(p1, p2, p3), u)
                    next_event = min(next_event, next_onset[hd])
                elif now == CARE:
                    if (redraw or escalation[hd] == UNSCHEDULED) and escalation[hd] != NEVER_MONTH:
                        p = care_escalate[product[hd]] * mult_next
                        escalation[hd] = geometric_month(month + 1, p, uniform(hk, d * 32 + K_ESCALATION))
                    next_event = min(next_event, next_onset[hd], escalation[hd])
        if queued == 0:  # in no queue, decision or waiting list: asleep until its next scheduled event
            wake[h] = min(earliest, next_event)
            context[h] = ctx | CTX_ASLEEP
            _asleep_tally(fell_asleep, 1, state, severity, product, provider, door, copay_product, 0 if werk else income[h], h)
        else:  # a queue, decision or waiting list moves every month
            wake[h] = month + 1
            context[h] = ctx
        if active == 0:
            house[H_SELF_RELIANT] += 1
        elif active >= 2:
            house[H_MULTI_PROBLEM] += 1
        if formal >= 2:
            house[H_DUPLICATE] += 1
    # households asleep all month: their carried tallies; then add those that fell asleep
    flat_occupancy = occupancy.ravel()
    for k in range(SLEEP_GENERAL):
        flat_occupancy[k] += asleep[k]
    for d in range(N_DOMAINS):
        general[d] += asleep[SLEEP_GENERAL + d]
    for p in range(N_PRODUCTS):
        shifted[p] += asleep[SLEEP_SHIFTED + p]
    for p in range(N_PRODUCTS):
        uncontrolled[p] += asleep[SLEEP_UNCONTROLLED + p]
    flat_billed, flat_stock = billed.ravel(), stock.ravel()
    for k in range(flat_billed.size):
        flat_billed[k] += asleep[SLEEP_CARE + k]
        flat_stock[k] += asleep[SLEEP_CARE + k]
    house[H_MULTI_PROBLEM] += asleep[SLEEP_MULTI]
    house[H_BENEFIT_MONTHS] += asleep[SLEEP_BENEFIT]
    house[H_DUPLICATE] += asleep[SLEEP_DUPLICATE]
    for k in range(3):
        house[H_COPAY_LOW + k] += asleep[SLEEP_COPAY + k]
    house[H_SELF_RELIANT] += rows - n_awake - asleep[SLEEP_WITH_NEED]
    for k in range(asleep.shape[0]):
        asleep[k] += fell_asleep[k]


@njit(cache=True, nogil=True, parallel=True)
def household_pass(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int
) -> None:
    """Advance every household by one month (parallel over fixed chunks; see module docstring).

    ``stay`` is ``demography_tables(rt)``. Rare events (need onsets, ageing, births, deaths) are
    scheduled: ``next_onset`` and ``next_demography`` hold the month they happen, drawn from a
    geometric law when the spell starts, so a household without needs costs one comparison a month.
    """
    for c in prange(bounds.shape[0] - 1):
        _chunk(hh, rt, st, sc, stay, bounds, key, month, c)


@njit(cache=True, nogil=True)
def _tiebreak(month_key_: np.uint64, h: int, d: int) -> int:
    """A random 24-bit rank for ties in waiting time (keyed by household, month and domain)."""
    return int(uniform(household_key(month_key_, h), d * 32 + K_TIEBREAK) * 16_777_216.0)


@njit(cache=True, nogil=True)
def _bits(n: int) -> int:
    """Number of bits needed to write 0..n."""
    bits = 1
    while (1 << bits) <= n:
        bits += 1
    return bits


@njit(cache=True, nogil=True)
def _key_order(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """Positions of ``keys`` (non-negative, below 2**key_bits) in increasing key order, ties by position.

    Sorting the keys with the position in their low bits is a plain integer sort, about twice as
    fast as an argsort; a stable argsort gives the same order when they do not fit in 63 bits.
    """
    n = keys.shape[0]
    position_bits = _bits(n)
    if key_bits + position_bits > 63:
        return np.argsort(keys, kind="mergesort")
    packed = np.empty(n, np.int64)
    for i in range(n):
        packed[i] = (keys[i] << position_bits) | i
    packed.sort()
    mask = (1 << position_bits) - 1
    for i in range(n):
        packed[i] &= mask
    return packed


@njit(cache=True, nogil=True)
def _gather(sc: Scratch, which: int, spare: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Households and domains recorded by the household pass (0: queue, 1: waiting list); ``spare`` extra slots."""
    n = 0
    for c in range(sc.pending.shape[0]):
        n += sc.pending[c, which]
    households = np.empty(n + spare, np.int64)
    domains = np.empty(n + spare, np.int64)
    i = 0
    last = sc.waiting.shape[1] - 1
    for c in range(sc.pending.shape[0]):
        for k in range(sc.pending[c, which]):
            code = sc.waiting[c, k if which == 0 else last - k]
            households[i] = code >> 3
            domains[i] = code & 7
            i += 1
    return households, domains, n


@njit(cache=True, nogil=True)
def _add_into(total: np.ndarray, part: np.ndarray) -> None:
    """Add ``part`` into ``total`` element by element (C-contiguous, one shape; numpy's += on views allocates)."""
    flat_total, flat_part = total.ravel(), part.ravel()
    for i in range(flat_total.size):
        flat_total[i] += flat_part[i]


@njit(cache=True, nogil=True, inline="always")
def _prefetch_entry(h: int, d: int, state, severity, entered, product, door, provider, next_onset) -> None:
    """Prefetch what serving a queue or waiting-list entry (h, d) reads and writes (see ``simulation.prefetch``)."""
    hd = _flat(h, d)
    prefetch(state, hd)
    prefetch(severity, hd)
    prefetch(entered, hd)
    prefetch(product, hd)
    prefetch(door, hd)
    prefetch(provider, hd)
    prefetch(next_onset, hd)


@njit(cache=True, nogil=True, inline="always")
def _formal(state, h: int) -> int:
    """Domains of household h in a formal trajectory (queue, decision, waiting list or care)."""
    formal = 0
    for d in range(N_DOMAINS):
        formal += state[_flat(h, d)] >= QUEUE
    return formal


@njit(cache=True, nogil=True)
def service_pass(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, bounds: np.ndarray, out: Tallies, t: int, key: np.uint64, month: int
) -> None:
    """Reduce the chunk tallies into row ``t``, then serve access queues and provider waiting lists."""
    for c in range(bounds.shape[0] - 1):
        _add_into(out.events[t], sc.events[c])
        _add_into(out.occupancy[t], sc.occupancy[c])
        _add_into(out.billed[t], sc.billed[c])
        _add_into(out.resolved[t], sc.resolved[c])
        _add_into(out.stock[t], sc.stock[c])
        _add_into(out.exits[t], sc.exits[c])
        _add_into(out.house[t], sc.house[c])
        _add_into(out.general[t], sc.general[c])
        _add_into(out.shifted[t], sc.shifted[c])
        _add_into(out.uncontrolled[t], sc.uncontrolled[c])
        for k in range(sc.arrivals.shape[1]):
            out.queue[t, k, 1] += sc.arrivals[c, k]
    for d in range(N_DOMAINS):  # households with no need in a domain: everyone not counted elsewhere
        out.occupancy[t, d, NONE, 0] = bounds[-1] - out.occupancy[t, d].sum()
    events, occupancy, stock, queue, admitted = out.events[t], out.occupancy[t], out.stock[t], out.queue[t], out.admitted[t]
    # (N, domains) columns as flat views, indexed by hd = _flat(h, d)
    state, severity, entered, product = hh.state.ravel(), hh.severity.ravel(), hh.entered.ravel(), hh.product.ravel()
    provider, door, team = hh.provider.ravel(), hh.door.ravel(), hh.team
    integrated, triage, delay, capacity = st.team_integrated, st.team_triage, st.team_delay, st.counter_capacity.ravel()
    slots, product_cdf = st.provider_slots, rt.product_cdf
    refusal, shift_share = rt.refusal, rt.shift_share
    offer_start, offer_provider = st.offer_start, st.offer_provider
    survival, hazard, next_onset, escalation = rt.survival, rt.hazard, hh.next_onset.ravel(), hh.escalation.ravel()
    mk = month_key(key, month)
    # --- access teams: first come, first served, up to capacity per counter -----------------
    qh, qd, n_q = _gather(sc, 0, 0)
    wh, wd, n_w = _gather(sc, 1, n_q)
    keys = np.empty(n_q, np.int64)
    for i in range(n_q):
        h, d = qh[i], qd[i]
        hd = _flat(h, d)
        if i + 2 * AHEAD < n_q:  # entries in household order: in a large population their rows are far apart
            prefetch(entered, _flat(qh[i + 2 * AHEAD], qd[i + 2 * AHEAD]))
            prefetch(team, qh[i + 2 * AHEAD])
        waited = np.int64(month - entered[hd])
        keys[i] = (_counter(team[h], integrated, d) << 40) | ((32_767 - waited) << 24) | _tiebreak(mk, h, d)
    served = np.zeros(capacity.shape[0], np.int64)
    queued = _key_order(keys, 40 + _bits(capacity.shape[0]))
    for r in range(n_q):
        i = queued[r]
        h, d = qh[i], qd[i]
        hd = _flat(h, d)
        if r + AHEAD < n_q:  # in queue order the rows are scattered: fetch ahead
            _prefetch_entry(qh[queued[r + AHEAD]], qd[queued[r + AHEAD]], state, severity, entered, product, door, provider, next_onset)
        counter = _counter(team[h], integrated, d)
        if served[counter] >= capacity[counter]:
            queue[counter, 0] += 1
            continue
        served[counter] += 1
        v = severity[hd]
        events[d, E_SERVED] += 1
        events[d, E_ACCESS_WAIT] += month - entered[hd]
        # triage: light -> general (tier 1), moderate -> maatwerk (2), severe -> specialist (3)
        hk = household_key(mk, h)
        tier = v
        if uniform(hk, d * 32 + K_TRIAGE) >= triage[team[h]]:
            tier = v - 1 if v >= 2 else T_MAATWERK  # under-served, or a light need over-served
        if tier == T_MAATWERK and refusal[d] > 0 and uniform(hk, d * 32 + K_REFUSE) < refusal[d]:
            tier = 1  # stricter eligibility: maatwerk refused, a general provision instead (L5)
            events[d, E_REFUSED] += 1
        returning = product[hd]  # >= 0: stepped up from the general provision replacing this product (L1)
        choice = _pick_product(product_cdf, d, tier, uniform(hk, d * 32 + K_PRODUCT)) if tier > 1 else -1
        if returning >= 0 and tier == T_MAATWERK:
            choice = returning  # the general provision was not enough: the maatwerk it replaced
        if tier <= 1:
            new_state = GENERAL
            events[d, E_TRIAGE_GEN] += 1
            _enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_ACCESS)
        elif returning < 0 and shift_share[choice] > 0 and uniform(hk, d * 32 + K_SHIFT) < shift_share[choice]:
            new_state = GENERAL  # the general provision that replaces this product, no beschikking (L1)
            events[d, E_SHIFTED] += 1
            _enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, choice, D_ACCESS)
        else:
            new_state = DECISION if delay[team[h]] > 0 else WAITLIST
            _enter(state, entered, product, door, provider, next_onset, hd, month, new_state, choice, D_ACCESS)
            if new_state == WAITLIST:
                wh[n_w] = h
                wd[n_w] = d
                n_w += 1
        occupancy[d, QUEUE, v] -= 1
        occupancy[d, new_state, v] += 1
        if new_state == GENERAL and _formal(state, h) == 1:  # no longer in two formal trajectories
            out.house[t, H_DUPLICATE] -= 1
    queue[:, 2] = served
    # --- providers: crises and court orders first, then longest waiting, up to free slots ----
    free = np.zeros(slots.shape[1], np.int64)  # free slots per product over all its providers
    for p in range(slots.shape[1]):
        for k in range(offer_start[p], offer_start[p + 1]):
            free[p] += max(0, slots[offer_provider[k], p] - stock[offer_provider[k], p])
    keys = np.empty(n_w, np.int64)
    order = np.empty(n_w, np.int64)  # entries that can be admitted this month (others just wait)
    n_sort = 0
    for i in range(n_w):
        h, d = wh[i], wd[i]
        hd = _flat(h, d)
        if i + 2 * AHEAD < n_w:  # entries are in household order: their rows are far apart in a large population
            ahead = _flat(wh[i + 2 * AHEAD], wd[i + 2 * AHEAD])
            prefetch(door, ahead)
            prefetch(product, ahead)
            prefetch(entered, ahead)
        priority = 0 if (door[hd] == D_CRISIS or door[hd] == D_JUDGE) else 1
        if priority == 1 and free[product[hd]] == 0:
            continue
        waited = np.int64(month - entered[hd])
        keys[n_sort] = (priority << 40) | ((32_767 - waited) << 24) | _tiebreak(mk, h, d)
        order[n_sort] = i
        n_sort += 1
    full = np.zeros(slots.shape[1], np.bool_)  # no free slot left for the product this month
    ranked = _key_order(keys[:n_sort], 41)
    for r in range(n_sort):
        i = order[ranked[r]]
        h, d = wh[i], wd[i]
        hd = _flat(h, d)
        if r + AHEAD < n_sort:  # in waiting order the rows are scattered: fetch ahead
            ahead = order[ranked[r + AHEAD]]
            _prefetch_entry(wh[ahead], wd[ahead], state, severity, entered, product, door, provider, next_onset)
        p = product[hd]
        priority = door[hd] == D_CRISIS or door[hd] == D_JUDGE
        if full[p] and not priority:
            continue
        best, best_free = -1, -(1 << 62)
        for k in range(offer_start[p], offer_start[p + 1]):
            prov = offer_provider[k]
            free = slots[prov, p] - stock[prov, p]
            if free > best_free:
                best, best_free = prov, free
        if best < 0 or (best_free <= 0 and not priority):
            full[p] = True
            continue
        v = severity[hd]
        events[d, E_ADMISSIONS] += 1
        events[d, E_ADM_WAIT] += month - entered[hd]
        admitted[best, p] += 1
        stock[best, p] += 1
        occupancy[d, WAITLIST, v] -= 1
        occupancy[d, CARE, v] += 1
        _enter(state, entered, product, door, provider, next_onset, hd, month, CARE, p, door[hd])
        provider[hd] = best
        exit_draw = uniform(household_key(mk, h), d * 32 + K_EXIT)
        next_onset[hd] = month + care_duration(survival, hazard, p, exit_draw)  # while in care: the exit month
        escalation[hd] = UNSCHEDULED if PRODUCT_TIER[p] == T_MAATWERK else NEVER_MONTH  # drawn at the next visit


@njit(cache=True, nogil=True)
def _clear_row(out: Tallies, t: int) -> None:
    out.events[t] = 0
    out.occupancy[t] = 0
    out.billed[t] = 0
    out.admitted[t] = 0
    out.resolved[t] = 0
    out.stock[t] = 0
    out.exits[t] = 0
    out.house[t] = 0
    out.general[t] = 0
    out.shifted[t] = 0
    out.uncontrolled[t] = 0
    out.queue[t] = 0


@njit(cache=True, nogil=True)
def advance(
    hh: Households,
    rt: Rates,
    st: Structure,
    sc: Scratch,
    stay: np.ndarray,
    bounds: np.ndarray,
    key: np.uint64,
    month: int,
    months: int,
    out: Tallies,
    row: int,
    reuse_row: bool,
) -> None:
    """Advance ``months`` months from ``month``, month i booked in row ``row + i`` of ``out``.

    With ``reuse_row`` every month is booked in row ``row``, cleared first (burn-in). One call for
    many months: passing the arrays from Python to numba costs more than a month of a small
    municipality (~0.2 ms per call).
    """
    for i in range(months):
        t = row if reuse_row else row + i
        if reuse_row:
            _clear_row(out, t)
        household_pass(hh, rt, st, sc, stay, bounds, key, month + i)
        service_pass(hh, rt, st, sc, bounds, out, t, key, month + i)
