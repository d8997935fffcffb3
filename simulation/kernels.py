"""Numba kernels that advance all households by one month.

Responsibilities
    ``household_pass`` (parallel over fixed chunks of households): demography, the 18-year
    transition, need onset, self-resolution, escalation and crises, requests through the doors
    (self → general provision, GI, judge, doctors, straight to a provider, access team; the GI also
    as a protection measure starts), general provisions, decisions (beschikking delay), care exits
    with duration-dependent hazards, escalation from maatwerk to specialist.
    ``reduce_chunks`` sums the chunks' counts into the month's row; ``settle_population`` forms the
    households of young adults who left home and sets the population at month end. ``serve_access_queues`` and
    ``admit_from_waiting_lists`` (serial, over the few households waiting): access teams serve their
    queues first-come first-served up to capacity and triage; providers admit from their waiting
    lists up to their slots (crises and court orders always). ``advance`` runs them in order.
Inputs
    ``Households`` columns, ``Rates``, ``Structure``, the replicate key and the month.
Outputs
    Integer counts only, in the layout of ``simulation.tallies`` (one vector per chunk, summed into
    one row per month): counts are exact and independent of thread count because chunk boundaries
    are fixed and every draw is keyed by (replicate, household, month, decision). Euros are computed
    afterwards by ``simulation.ledger``.
Step behaviour
    A household-domain changes state at most once in ``household_pass``; ``entered`` is the month its
    state was entered, so in month t it has completed t - entered - 1 months there before this one.
Rules
    One function per arrow of DOMAIN.md §3 (``simulation.transitions`` unless named here):

    ==========================================  =========================================
    rule                                        function
    ==========================================  =========================================
    ageing, births, deaths, moving out          ``_demography``, ``_vacate``
    moving in                                   ``arrive`` (serial, into spare rows)
    following the population path              ``steer_population`` (serial, each January)
    the last child turns 18                     ``turn_18``
    a need arises                               ``onset`` (scheduled by ``schedule_next_onset``)
    resolved by own strength / general          ``resolve``
    escalation, crisis (heaviest or maatwerk)   ``escalate`` (``crisis.heavy_share``)
    request and its door (schema.DOORS)         ``request`` (which doctor: ``medical_referrer``)
    the tier a severe need is indicated to      ``indicated_tier`` (``specialist_share``)
    GI refers a youth under a measure           ``under_measure``, then ``gi_refers`` and
                                                ``refer_by_gi`` as it starts, ``request`` later
    general provision not enough                ``step_up``
    an unmet need's month (which event)         ``_unmet_event``, then ``_unmet_transition``
    access queue, triage, decision gate         ``serve_access_queues``, ``_triage``
    waits in days within the month              ``wait_days``, ``arrived_in_month``
    decision term (Wmo eight weeks) exceeded    ``_serve_in_order``
    beschikking issued                          ``_unmet_transition`` (no event, term passed)
    admission from a waiting list               ``admit_from_waiting_lists``, ``_admit``
    end of care (resolved or not), to work      ``end_care``
    re-assessment when a beschikking ends       ``end_care`` (``access.reassess``), then the queue
    maatwerk escalates to specialist            ``escalate_care``
    what a household counts in a month          ``count_state`` and its parts
    ==========================================  =========================================
Sleeping households
    Only households with something to do are visited. Every event of a household outside a queue,
    decision or waiting list is scheduled: need onsets and demographic events (geometric waiting
    times; onsets only up to the next demographic event, which draws them anew), the next event of a
    hidden need or general provision (resolution, escalation, request or step-up, from their summed
    monthly probability, which one in proportion), the end of care (drawn at admission from the
    duration law) and the escalation from maatwerk to specialist care. Until the earliest of them
    the household sleeps: its month's counts (``transitions.count_state``, the same functions that
    count an awake household) are carried per chunk (``Scratch.asleep``). A change of what the
    probabilities depend on (``Households.context``: multi-problem, benefit) redraws them; by
    memorylessness every schedule has the law of drawing the event month by month. A household in
    a queue, decision or waiting list is visited every month.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange
from sdsim.simulation.inputs import Rates, S, Structure
from sdsim.simulation.population import NEVER, Households, birth_eligible, draw_household
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
    uniform,
)
from sdsim.simulation.schema import (
    CARE,
    D_ACCESS,
    D_CRISIS,
    D_JUDGE,
    D_NONE,
    DECISION,
    EVENT,
    GENERAL,
    HIDDEN,
    HOLD_PROVISIONS,
    JEUGD,
    MISTRIAGE_TIER,
    MONTHS_CAP,
    N_DOMAINS,
    N_SEVERITY,
    N_STATES,
    NONE,
    PRODUCT_TIER,
    QUEUE,
    SCHULDEN,
    T_GENERAL,
    T_MAATWERK,
    TRIAGE_TIER,
    V_NONE,
    VEILIGHEID,
    WAITLIST,
    WERK,
    WMO,
)
from sdsim.simulation.streams import DOMAIN_STREAM, HOUSEHOLD_STREAMS
from sdsim.simulation.tallies import (
    DG_ARRIVALS_REFUSED,
    DG_ARRIVED_HOUSEHOLDS,
    DG_ARRIVED_PERSONS,
    DG_BIRTHS,
    DG_DEATHS,
    DG_DEPARTED_HOUSEHOLDS,
    DG_DEPARTED_PERSONS,
    DG_LEFT_HOME,
    DG_TURNED_18,
    DG_TURNED_23,
    DG_TURNED_75,
    H_COORDINATED,
    H_DUPLICATE,
    H_SELF_RELIANT,
    P_BIRTH_ELIGIBLE,
    P_HOUSEHOLDS,
    Q_LENGTH,
    Q_SERVED,
    W_ACCESS,
    W_ADMISSION,
    X_ADMITTED,
    X_DEMOGRAPHY,
    X_HOUSE,
    X_POPULATION,
    X_STOCK,
    add_into,
    add_ranges,
    at,
    care_at,
    event_at,
    occupancy_at,
    offsets,
    persons_at,
    queue_at,
    wait_at,
    zero_ranges,
)
from sdsim.simulation.transitions import (
    ASKED,
    ESCALATED,
    NO_EVENT,
    RESOLVED,
    UNSCHEDULED,
    any_event,
    care_duration,
    care_month,
    coordinated,
    count_at_month_end,
    count_care_exit,
    count_household_at_month_end,
    count_household_in_service,
    count_in_service,
    count_persons,
    count_state,
    counter_of,
    eligible_members,
    enter,
    escalate,
    flat,
    gi_refers,
    indicated_tier,
    onset,
    onset_probability,
    pick_product,
    refer_by_gi,
    request,
    resolve,
    schedule_next_onset,
    start_trajectories,
    step_up,
    stream,
    turn_18,
    under_measure,
    unmet_event,
)

# ``population.draw_household`` inlined without reference counting into ``arrive`` and ``settle_population`` (``_nrt=False``,
# see ``_chunk``): called as a function with reference counting, each column it touches cost an atomic update (measured:
# 0.56 of its 0.15 us per arriving household). The same rule, compiled for this caller.
_draw_household = njit(nogil=True, _nrt=False, inline="always")(draw_household.py_func)

K_ONSET_NOW, K_EXIT, K_TRIAGE, K_TIEBREAK = (
    DOMAIN_STREAM["onset_now"],
    DOMAIN_STREAM["exit"],
    DOMAIN_STREAM["triage"],
    DOMAIN_STREAM["tiebreak"],
)
K_REFUSE, K_SHIFT, K_PRODUCT = DOMAIN_STREAM["refuse"], DOMAIN_STREAM["shift"], DOMAIN_STREAM["product"]
K_SCHEDULE, K_ESCALATION = DOMAIN_STREAM["schedule"], DOMAIN_STREAM["escalation"]
DEM_ALL, DEM_18 = HOUSEHOLD_STREAMS["demography"], HOUSEHOLD_STREAMS["turned_18"]
DEM_NOW, DEM_NEXT = HOUSEHOLD_STREAMS["demography_now"], HOUSEHOLD_STREAMS["demography_next"]
DEM_THIN = HOUSEHOLD_STREAMS["demography_thin"]
ARRIVAL = np.uint64(0x5DEECE66D)  # an arriving household's draws: a key of its own, apart from its visits' draws
FORMED = np.uint64(0x2545F4914F6CDD1D)  # ... and a household formed by a young adult leaving home
# Demographic events of a household, in the order of ``_demography_max`` and the rows of ``demography_tables``.
G_CHILD, G_YOUNG, G_ADULT, G_DEATH, G_BIRTH, G_DEPART = range(6)
# ... then, in ``_demography_chains``, the acceptance of a steered candidate and leaving home.
C_ACCEPT_YOUNG, C_ACCEPT_ADULT, C_ACCEPT_BIRTH, C_LEAVE_HOME = range(6, 10)
# Scratch.demography: this year's monthly probabilities (G_*), then arrivals per month and the carried fraction.
DM_ARRIVALS, DM_CARRY = 6, 7
STEER_HEADROOM = 0.5  # steered rates may reach (1 + headroom) x their parameter: the bound of the thinning. Each
# candidate at the bound costs a visit; the default's rates are 0.6-0.9 of their bounds (1.0 wasted twice the visits)

E_SERVED, E_ACCESS_WAIT, E_TRIAGE_GEN = EVENT["access_served"], EVENT["access_wait_days"], EVENT["triage_general"]
E_ADMISSIONS, E_ADM_WAIT = EVENT["admissions"], EVENT["admission_wait_days"]
E_DECISIONS, E_DECISIONS_LATE, E_JOINT_INTAKE = EVENT["decisions"], EVENT["decisions_late"], EVENT["joint_intakes"]
DAYS_PER_MONTH = 365.25 / 12.0  # 30.44 days, 4.35 weeks
E_REFUSED, E_SHIFTED = EVENT["refused_eligibility"], EVENT["shifted_general"]

SERVE_AHEAD = 16  # queue entries served: the rows of the entry this many entries ahead are prefetched
AHEAD = 6  # visits: the rows of the household this many visits ahead are prefetched

# Households.context bits: what the scheduled events of hidden needs, general provisions and
# maatwerk escalation depend on besides the domain's own state (a change redraws them: multi-problem,
# on benefit, with a case coordinator), and whether the household is asleep (its month's counts are
# carried in Scratch.asleep).
CTX_MULTI, CTX_BENEFIT, CTX_ASLEEP, CTX_COORDINATED = 1, 2, 4, 8

# Indices into Rates.scalars (global ints are compile-time constants for numba).
P_BENEFIT_MULT_SCHULDEN = S["benefit_mult.schulden"]
P_DEMOGRAPHY_ADULT_AGES_OUT = S["demography.adult_ages_out"]
P_DEMOGRAPHY_BIRTH = S["demography.birth"]
P_DEMOGRAPHY_CHILD_AGES_OUT = S["demography.child_ages_out"]
P_DEMOGRAPHY_DEPARTURE = S["demography.departure"]
P_DEMOGRAPHY_ELDERLY_DEATH = S["demography.elderly_death"]
P_DEMOGRAPHY_LEAVE_HOME = S["demography.leave_home"]
P_DEMOGRAPHY_STEER = S["demography.steer"]
P_DEMOGRAPHY_YOUNG_AGES_OUT = S["demography.young_ages_out"]
P_GENERAL_HIGHER_FACTOR = S["general_higher_factor"]
P_GENERAL_MITIGATION = S["general_mitigation"]
P_MULTIPROBLEM_ESCALATION_MULT = S["multiproblem.escalation_mult"]
P_COORDINATED_SHARE, P_COORDINATED_ESCALATION_CUT = S["lever.casusregie.share"], S["lever.casusregie.escalation_cut"]
P_NETWORK_PROTECTION = S["network_protection"]
P_TRANSITION18_GAP = S["transition18.gap"]
P_TRANSITION18_TO_WMO = S["transition18.to_wmo"]
P_DOOR_SPECIALIST = S["door_medical.specialist"]
P_DOOR_JEUGDARTS = S["door_medical.jeugdarts"]
P_DOOR_GI = S["door_gi.jeugd"]
P_DECISION_TERM = S["access.decision_term_weeks"]
P_REASSESS = S["access.reassess"]
P_SPECIALIST_SHARE = S["specialist_share.jeugd"]  # + domain
P_CRISIS_HEAVY = S["crisis.heavy_share.jeugd"]  # + domain


class Scratch(NamedTuple):
    """Per-chunk work space of ``household_pass`` (its counts summed in fixed order afterwards)."""

    layout: np.ndarray  # tally offsets in a count vector (``simulation.tallies.tally_layout``); kernels read it as a tuple
    carried: np.ndarray  # (ranges, 2) the parts of a count vector that a sleeping household carries
    counts: np.ndarray  # (chunks, counts) this month's counts of the chunk's households
    asleep: np.ndarray  # (chunks, counts) a month of the households asleep, carried over
    fell_asleep: np.ndarray  # (chunks, counts) a month of those falling asleep this month
    sleepers: np.ndarray  # (chunks,) households in ``asleep`` (the others not visited sleep since the start, without a need)
    vacant: np.ndarray  # (chunks,) vacant rows (never visited) at the start of the month's pass
    vacated: np.ndarray  # (chunks, chunk size) rows vacated this month, in visit order
    n_vacated: np.ndarray  # (chunks,)
    free: np.ndarray  # (rows,) stack of vacant rows an arriving household takes (the top last)
    n_free: np.ndarray  # (1,)
    population: np.ndarray  # (6,) the population now (``tallies.POPULATION``)
    demography: np.ndarray  # (8,) this year's demographic probabilities (G_*), arrivals a month, carried fraction
    pending: np.ndarray  # (chunks, 2) households in queue / on a waiting list
    waiting: np.ndarray  # (chunks, chunk size * domains) flat(h, d): queue entries from the front, waiting list from the back
    awake: np.ndarray  # (chunks, chunk size) households with something to do this month
    intake: np.ndarray  # (rows,) month of a household's last intake at an integrated counter (joint intakes, L2)


@njit(cache=True, nogil=True, inline="always")
def _quiet(stay: np.ndarray, nc, ny, na, ne) -> float:
    """Probability that nobody in the household is a candidate for ageing out, birth, death or moving out this month."""
    birth = stay[0, G_BIRTH, 1] if birth_eligible(nc, ny, na) else 1.0
    return stay[0, G_CHILD, nc] * stay[0, G_YOUNG, ny] * stay[0, G_ADULT, na] * stay[0, G_DEATH, ne] * birth * stay[0, G_DEPART, 1]


@njit(cache=True, nogil=True, inline="always")
def _log_quiet(stay: np.ndarray, nc, ny, na, ne) -> float:
    """The logarithm of ``_quiet``, as a sum of tabulated logarithms."""
    birth = stay[1, G_BIRTH, 1] if birth_eligible(nc, ny, na) else 0.0
    return stay[1, G_CHILD, nc] + stay[1, G_YOUNG, ny] + stay[1, G_ADULT, na] + stay[1, G_DEATH, ne] + birth + stay[1, G_DEPART, 1]


@njit(cache=True, nogil=True)
def demography_tables(rt: Rates) -> np.ndarray:
    """stay[0, g, k] = P(none of k persons has candidate event g this month) at the bounds ``_demography_max``; stay[1]: its log."""
    stay = np.empty((2, 6, 128))
    probs = _demography_max(rt.scalars)
    for g in range(6):
        for k in range(128):
            stay[0, g, k] = (1.0 - probs[g]) ** k
            stay[1, g, k] = k * math.log1p(-probs[g])
    return stay


@njit(cache=True, nogil=True, inline="always")
def _demography_base(s: np.ndarray) -> tuple[float, float, float, float, float, float]:
    """The parameters' monthly probabilities, in the order G_*: ageing out of 0-17, 18-22, 23-74; death 75+; birth; moving out."""
    return (
        s[P_DEMOGRAPHY_CHILD_AGES_OUT],
        s[P_DEMOGRAPHY_YOUNG_AGES_OUT],
        s[P_DEMOGRAPHY_ADULT_AGES_OUT],
        s[P_DEMOGRAPHY_ELDERLY_DEATH],
        s[P_DEMOGRAPHY_BIRTH],
        s[P_DEMOGRAPHY_DEPARTURE],
    )


@njit(cache=True, nogil=True, inline="always")
def _demography_max(s: np.ndarray) -> tuple[float, float, float, float, float, float]:
    """The most each probability can be: the steered ones (young and adult ageing, birth) up to (1 + headroom) x the parameter.

    Candidate events are scheduled at these bounds and accepted with probability (this year's rate) /
    (bound): thinning, exact for rates that change over time (Lewis and Shedler 1979), so a sleeping
    household's schedule stays valid when ``steer_population`` changes the rates in January.
    """
    base = _demography_base(s)
    f = 1.0 + STEER_HEADROOM * s[P_DEMOGRAPHY_STEER]
    return (base[0], min(base[1] * f, 1.0), min(base[2] * f, 1.0), base[3], min(base[4] * f, 1.0), base[5])


@njit(cache=True, nogil=True, inline="always")
def _acceptance(rate: float, bound: float) -> float:
    """Probability that a candidate event at ``bound`` happens at this year's ``rate`` (thinning)."""
    return rate / bound if bound > 0 else 0.0


@njit(cache=True, nogil=True, inline="always")
def _chain(p: float) -> tuple[float, float, float]:
    """p, 1 / p and 1 / (1 - p): a probability ready for ``rng.binomial_chain``."""
    return p, 1.0 / max(p, 1e-300), 1.0 / max(1.0 - p, 1e-300)


@njit(cache=True, nogil=True, inline="always")
def _demography_chains(s: np.ndarray, rates: np.ndarray) -> tuple[tuple[float, float, float], ...]:
    """The month's demographic probabilities with their inverses, made once per chunk (indexed by G_* and C_*).

    The candidate bounds (``_demography_max``), the acceptance of the steered candidates (this
    year's rate / bound) and leaving home.
    """
    bound = _demography_max(s)
    return (
        _chain(bound[0]), _chain(bound[1]), _chain(bound[2]), _chain(bound[3]), _chain(bound[4]), _chain(bound[5]),
        _chain(_acceptance(rates[G_YOUNG], bound[G_YOUNG])), _chain(_acceptance(rates[G_ADULT], bound[G_ADULT])),
        _chain(_acceptance(rates[G_BIRTH], bound[G_BIRTH])), _chain(s[P_DEMOGRAPHY_LEAVE_HOME]),
    )  # fmt: skip


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
    if log_quiet < 0.0:  # an if, not a conditional expression, around an inlined call (see transitions.care_month)
        next_demography = geometric_month_log(first, log_quiet, uniform(hk, decision))
    hh.next_demography[h] = next_demography
    wake = next_demography
    for d in range(N_DOMAINS):
        if hh.state[h, d] == NONE:  # onsets are drawn anew at the next demographic event
            p = onset_probability(rt.onset, rt.onset_income, nc, ny, na, ne, hh.income[h], on_benefit, mult, d)
            hh.next_onset[h, d] = geometric_month_before(month, p, uniform(hk, stream(d, K_ONSET_NOW)), next_demography)
            wake = min(wake, hh.next_onset[h, d])
        else:
            wake = min(wake, month)  # a household with a need is awake every month
    hh.wake[h] = wake


@njit(cache=True, nogil=True, inline="always")
def _remaining_care(rt: Rates, p: int, m: int, u: float) -> int:
    """Months of care left (>= 1) for a client of product p who has been in care ``m`` months, by uniform ``u``.

    The duration law given D > m: within the survival table by inversion of u x S(m); beyond it the
    hazard is constant, so what is left is geometric with the tail hazard whatever m is (drawing it
    from u x S(last) instead ended every client in care longer than the table at once).
    """
    last = rt.survival.shape[1] - 1
    if m < last:
        return max(1, care_duration(rt.survival, rt.hazard, p, u * rt.survival[p, m]) - m)
    tail = rt.hazard[p, last]
    if tail <= 0.0 or u <= 0.0:
        return MONTHS_CAP
    return max(1, min(math.ceil(math.log(u) / math.log1p(-tail)), MONTHS_CAP))


@njit(cache=True, nogil=True)
def schedule_all(hh: Households, rt: Rates, stay: np.ndarray, key: np.uint64, month: int) -> None:
    """Schedule every household's next events from ``month`` (engine start).

    Domains already in care (a population initialised to a caseload) get the end of their care
    drawn from the duration law given the months they have been in care.
    """
    mk = month_key(key, month)
    for h in range(hh.children.shape[0]):
        hh.context[h] = 0
        if hh.children[h] + hh.young[h] + hh.adults[h] + hh.elderly[h] == 0:  # a vacant row
            hh.next_demography[h] = NEVER_MONTH
            hh.wake[h] = NEVER_MONTH
            continue
        hk = household_key(mk, h)
        _schedule(hh, rt, stay, h, hk, month, False)  # awake, with hidden needs and general provisions drawn at the first visit
        for d in range(N_DOMAINS):
            if hh.state[h, d] == HIDDEN or hh.state[h, d] == GENERAL:
                hh.next_onset[h, d] = UNSCHEDULED
            if hh.state[h, d] == CARE:
                hh.escalation[h, d] = UNSCHEDULED if PRODUCT_TIER[hh.product[h, d]] == T_MAATWERK else NEVER_MONTH
                p, m = hh.product[h, d], month - hh.entered[h, d] - 1
                hh.next_onset[h, d] = month + _remaining_care(rt, p, m, uniform(hk, stream(d, K_EXIT))) - 1


@njit(cache=True, nogil=True, inline="always")
def _need_rates(
    resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve, shift_escalate, shift_stepup,
    scalars, d: int, v: int, current: int, replaced: int, net: float, mult: float, income_class: int
) -> tuple[float, float, float]:  # fmt: skip
    """Monthly probabilities of resolution, escalation and asking for help (HIDDEN) or stepping up (GENERAL)."""
    escalate_p = escalate_rate[d] * (1.0 - scalars[P_NETWORK_PROTECTION] * net) * mult
    if current == HIDDEN:
        return resolve_own[d] * net, escalate_p, ask[d, v] * ask_income[d, income_class]
    p1 = general_resolve[d] * (1.0 if v == 1 else scalars[P_GENERAL_HIGHER_FACTOR])
    p2 = escalate_p * (1.0 - scalars[P_GENERAL_MITIGATION])
    p3 = general_stepup[d] if v >= 2 else 0.0
    if replaced >= 0:  # the general provision that replaces a maatwerk product (L1)
        p1 *= shift_resolve[replaced]
        p2 *= shift_escalate[replaced]
        p3 *= shift_stepup[replaced]
    return p1, p2, p3


@njit(cache=True, nogil=True, inline="always")
def _candidates(u: float, n: int, chain: tuple[float, float, float]) -> tuple[int, float]:
    """Events among ``n`` persons at the probability of ``chain`` (``_chain``), and the uniform left (``rng.binomial_chain``)."""
    return binomial_chain(u, n, chain[0], chain[1], chain[2])


@njit(cache=True, nogil=True, inline="always")
def _count_population(counts, off, sign: int, nc: int, ny: int, na: int, ne: int) -> None:
    """Add (``sign`` 1) or remove (-1) a household's persons, the household and its birth eligibility from the population."""
    counts[at(off, X_POPULATION, 0)] += sign * nc
    counts[at(off, X_POPULATION, 1)] += sign * ny
    counts[at(off, X_POPULATION, 2)] += sign * na
    counts[at(off, X_POPULATION, 3)] += sign * ne
    counts[at(off, X_POPULATION, P_HOUSEHOLDS)] += sign if nc + ny + na + ne > 0 else 0
    counts[at(off, X_POPULATION, P_BIRTH_ELIGIBLE)] += sign * birth_eligible(nc, ny, na)


@njit(cache=True, nogil=True, inline="always")
def _demography(
    hh: Households, rt: Rates, st: Structure, stay, state, entered, product, door, provider, next_onset, severity, last_end,
    persons, companions, counts, off, chains, h: int, hk, month: int,
) -> bool:  # fmt: skip
    """Ageing, births, deaths and moving out (a candidate event is due); True if the household is gone.

    Candidates are drawn at the bounds (``_demography_max``) given that one is due, and each steered
    one is accepted with probability (this year's rate / bound) (``_demography_chains``). A youth
    trajectory closes when the last child turns 18.
    """
    children, young, adults, elderly = hh.children, hh.young, hh.adults, hh.elderly
    had_children = children[h] > 0
    nc, ny, na, ne = children[h], young[h], adults[h], elderly[h]
    u = (1.0 - _quiet(stay, nc, ny, na, ne)) * uniform(hk, DEM_ALL)  # uniform given a candidate
    aged, u = _candidates(u, nc, chains[G_CHILD])
    young_out, u = _candidates(u, ny, chains[G_YOUNG])
    adult_out, u = _candidates(u, na, chains[G_ADULT])
    deaths, u = _candidates(u, ne, chains[G_DEATH])
    born, u = _candidates(u, birth_eligible(nc, ny, na), chains[G_BIRTH])
    departs, u = _candidates(u, 1, chains[G_DEPART])
    v = uniform(hk, DEM_THIN)  # thinning: accept each steered candidate with this year's rate / bound
    young_out, v = _candidates(v, young_out, chains[C_ACCEPT_YOUNG])
    adult_out, v = _candidates(v, adult_out, chains[C_ACCEPT_ADULT])
    born, v = _candidates(v, born, chains[C_ACCEPT_BIRTH])
    leavers = 0
    if young_out > 0 and nc + ny + na + ne > young_out:  # someone stays behind: leaving home forms a household
        leavers, v = _candidates(v, young_out, chains[C_LEAVE_HOME])
    _count_population(counts, off, -1, nc, ny, na, ne)
    if departs:
        counts[at(off, X_DEMOGRAPHY, DG_DEPARTED_HOUSEHOLDS)] += 1
        counts[at(off, X_DEMOGRAPHY, DG_DEPARTED_PERSONS)] += nc + ny + na + ne
        return True
    children[h] += born - aged
    young[h] += aged - young_out
    adults[h] += young_out - leavers - adult_out
    elderly[h] += adult_out - deaths
    counts[at(off, X_DEMOGRAPHY, DG_BIRTHS)] += born
    counts[at(off, X_DEMOGRAPHY, DG_DEATHS)] += deaths
    counts[at(off, X_DEMOGRAPHY, DG_TURNED_18)] += aged
    counts[at(off, X_DEMOGRAPHY, DG_TURNED_23)] += young_out
    counts[at(off, X_DEMOGRAPHY, DG_LEFT_HOME)] += leavers
    counts[at(off, X_DEMOGRAPHY, DG_TURNED_75)] += adult_out
    _count_population(counts, off, 1, children[h], young[h], adults[h], elderly[h])
    if had_children and children[h] == 0:
        for d in (JEUGD, VEILIGHEID):
            if state[flat(h, d)] != NONE:
                handover = d == JEUGD and state[flat(h, d)] == CARE and state[flat(h, WMO)] == NONE
                u18 = 1.0
                if handover:
                    u18 = uniform(hk, DEM_18)
                turn_18(
                    state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, h, d, month,
                    handover, u18,
                    rt.scalars[P_TRANSITION18_TO_WMO], rt.scalars[P_TRANSITION18_GAP], counter_of(hh.team[h], st.team_integrated, WMO),
                )  # fmt: skip
    if children[h] + young[h] + adults[h] + elderly[h] == 0:
        return True
    _schedule(hh, rt, stay, h, hk, month, True)  # next demographic event from next month, onsets from this month
    return False


@njit(cache=True, nogil=True, inline="always")
def _vacate(
    hh: Households, state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, h: int,
    month: int,
) -> None:  # fmt: skip
    """The household has left (moved out, or its last member died): its care ends, the row is vacant and never visited."""
    for d in range(N_DOMAINS):
        hd = flat(h, d)
        count_care_exit(counts, off, state, entered, product, persons, companions, hd, month)
        enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, D_NONE)
        severity[hd] = V_NONE
        last_end[hd] = NEVER
        hh.escalation[h, d] = NEVER_MONTH
    hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h] = 0, 0, 0, 0
    hh.next_demography[h] = NEVER_MONTH
    hh.wake[h] = NEVER_MONTH
    hh.context[h] = 0


@njit(cache=True, nogil=True, inline="always")
def _collect_awake(wake: np.ndarray, awake: np.ndarray, first: int, rows: int, month: int) -> int:
    """Write the chunk's households due a visit into ``awake``; return how many.

    Without branches, so that the random mix of sleeping and awake households does not cost a
    mispredicted branch each (measured: ~55 ns per awake household).
    """
    n_awake = 0
    for i in range(rows):
        awake[n_awake] = first + i
        n_awake += np.int64(wake[first + i] <= month)
    return n_awake


@njit(cache=True, nogil=True, inline="always")
def _needs_now(state, h: int) -> tuple[int, int]:
    """Domains of household h with a need, and of those in a formal trajectory (queue, decision, waiting list, care)."""
    active = 0
    formal = 0
    for d in range(N_DOMAINS):
        now = state[flat(h, d)]
        active += now != NONE
        formal += now >= QUEUE
    return active, formal


@njit(cache=True, nogil=True, inline="always")
def _unmet_event(
    hk, d: int, current: int, due: int, month: int, v: int, replaced: int, resolve_own, escalate_rate, ask, ask_income,
    general_resolve, general_stepup, shift_resolve, shift_escalate, shift_stepup, s, net: float, mult: float, income_class: int,
) -> int:  # fmt: skip
    """This month's event of an unmet need (hidden, general provision, queue, decision, waiting list), or ``NO_EVENT``.

    A hidden need or general provision has its next event scheduled (``due``; drawn here when not yet
    drawn); in a queue, decision or waiting list the month's own draw decides.
    """
    if current > GENERAL:  # QUEUE, DECISION, WAITLIST: the month's draw, computed only when some event is possible
        p1 = resolve_own[d] * net
        p2 = escalate_rate[d] * (1.0 - s[P_NETWORK_PROTECTION] * net) * mult
        return unmet_event(hk, d, UNSCHEDULED, p1, p2, 0.0)
    if due > month:
        return NO_EVENT
    p1, p2, p3 = _need_rates(
        resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve, shift_escalate, shift_stepup,
        s, d, v, current, replaced, net, mult, income_class,
    )  # fmt: skip
    return unmet_event(hk, d, due, p1, p2, p3)


@njit(cache=True, nogil=True, inline="always")
def _unmet_transition(
    event: int, state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d: int, current: int, hk,
    month: int, judge: float, gp_door: float, direct: float, s, poh: float, plan: float,
    counter: int, delay: int, in_trajectory: int, gi: float, product_cdf,
) -> None:  # fmt: skip
    """What an unmet need's event does: resolution, escalation, a step-up or request; without one, a decision due is issued.

    ``s`` is ``Rates.scalars`` (the doctors' shares, the specialist and crisis shares of domain ``d``).
    """
    if event == RESOLVED:
        resolve(state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d, current, month)
    elif event == ESCALATED:
        escalate(
            state, entered, product, door, provider, next_onset, severity, counts, off, hd, d, current, hk, month,
            s[P_CRISIS_HEAVY + d], product_cdf,
        )  # fmt: skip
    elif event == ASKED and current == GENERAL:
        step_up(state, entered, product, door, provider, next_onset, counts, off, hd, d, counter, month)
    elif event == ASKED:
        request(
            state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d, hk, month,
            counter, judge, gp_door, direct, s[P_DOOR_SPECIALIST], s[P_DOOR_JEUGDARTS], poh, plan, in_trajectory, gi, product_cdf,
            s[P_SPECIALIST_SHARE + d],
        )  # fmt: skip
    elif current == DECISION and month - entered[hd] >= delay:  # beschikking issued
        enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, product[hd], door[hd])


@njit(cache=True, nogil=True, inline="always")
def _next_scheduled(now: int, hd, next_onset, escalation) -> int:
    """The month of the next scheduled event of a hidden need, general provision or care.

    ``UNSCHEDULED`` if not drawn yet; ``NEVER_MONTH`` in a queue, decision or waiting list (visited every month).
    """
    if now > GENERAL and now != CARE:
        return NEVER_MONTH
    if now != CARE:
        return next_onset[hd]
    if escalation[hd] == UNSCHEDULED:
        return UNSCHEDULED
    return min(next_onset[hd], escalation[hd])


@njit(cache=True, nogil=True, inline="always")
def _earliest_scheduled(earliest: int, due: int) -> int:
    """The earlier of two scheduled months, ignoring one not drawn yet."""
    return earliest if due == UNSCHEDULED else min(earliest, due)


@njit(cache=True, nogil=True, inline="always")
def _register_waiting(waiting, pending, back: int, now: int, hd) -> int:
    """Record a queue entry (from the front) or a waiting-list entry (from the back) for the serial passes.

    Returns 1 in a queue, decision or waiting list (the household stays awake), else 0.
    """
    if now == QUEUE:
        waiting[pending[0]] = hd
        pending[0] += 1
    elif now == WAITLIST:
        waiting[back - pending[1]] = hd
        pending[1] += 1
    return 1 if QUEUE <= now < CARE else 0


@njit(cache=True, nogil=True, inline="always")
def _next_onset(
    state, next_onset, hd, h: int, d: int, current: int, on_benefit: bool, onset_rate, onset_income, benefit_mult: float,
    nc: int, ny: int, na: int, ne: int, income: int, next_demography: int, hk, month: int,
) -> int:  # fmt: skip
    """The month of the next onset of a domain without need: drawn anew when its need just ended or the benefit changed."""
    werk = state[flat(h, WERK)] != NONE
    if current != NONE or (d == SCHULDEN and werk != on_benefit):
        p = onset_probability(onset_rate, onset_income, nc, ny, na, ne, income, werk, benefit_mult, d)
        schedule_next_onset(next_onset, hd, p, hk, d, month, next_demography)
    return next_onset[hd]


@njit(cache=True, nogil=True, inline="always")
def _escalation_mult(active: int, plan: bool, multi_mult: float, coordinated_mult: float) -> float:
    """The escalation multiplier of a household with ``active`` needs: multi-problem, less with a coordinator (``plan``, L7)."""
    if active < 2:
        return 1.0
    return coordinated_mult if plan else multi_mult


@njit(cache=True, nogil=True, inline="always")
def _sleep_or_wait(
    state, severity, entered, product, provider, door, persons, companions, wake, context, counts, fell_asleep, off, copay_product,
    h: int, month: int, ctx: int, active: int, formal: int, queued: int, wake_month: int, income_class: int,
) -> int:  # fmt: skip
    """End the visit: asleep until ``wake_month`` without a formal trajectory, else awake next month; 1 if it fell asleep."""
    with_coordinator = (ctx & CTX_COORDINATED) != 0
    count_household_at_month_end(counts, off, 1, active, formal, with_coordinator)
    if queued > 0:  # a queue, decision or waiting list moves every month
        wake[h] = month + 1
        context[h] = ctx
        return 0
    wake[h] = wake_month
    context[h] = ctx | CTX_ASLEEP
    count_state(
        fell_asleep, off, 1, state, severity, entered, product, provider, door, persons, companions, copay_product, income_class, h,
        with_coordinator,
    )  # fmt: skip
    return 1


@njit(cache=True, nogil=True, _nrt=False)
def _chunk(
    hh: Households, state, severity, entered, product, provider, door, last_end, next_onset, escalation, persons, companions,
    rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int, c: int,
) -> None:  # fmt: skip
    """Advance households bounds[c]..bounds[c+1] by one month, counting into row ``c`` of ``sc``.

    Compiled without numba's reference counting (``_nrt=False``): the rules are small inlined
    functions taking the columns they change, and every array passed to one would otherwise cost an
    atomic reference-count update per call (measured: 4x slower). Nothing here allocates; every array
    lives in ``Households``, ``Rates``, ``Structure`` or ``Scratch`` for the whole run.
    """
    children, young, adults, elderly = hh.children, hh.young, hh.adults, hh.elderly
    income, network, team, gp = hh.income, hh.network, hh.team, hh.gp
    next_demography, wake, context = hh.next_demography, hh.wake, hh.context
    onset_rate, onset_income, severity_cdf = rt.onset, rt.onset_income, rt.severity_cdf
    resolve_own, escalate_rate, ask, ask_income = rt.resolve_own, rt.escalate, rt.ask, rt.ask_income
    door_gp, door_judge, general_resolve, general_stepup = rt.door_gp, rt.door_judge, rt.general_resolve, rt.general_stepup
    door_direct = rt.door_direct
    shift_resolve, shift_escalate, shift_stepup = rt.shift_resolve, rt.shift_escalate, rt.shift_stepup
    effectiveness, care_escalate, in_plan, s = rt.effectiveness, rt.care_escalate, rt.in_plan, rt.scalars
    product_cdf, copay_product = rt.product_cdf, rt.copay_product
    integrated, team_delay, gp_referral, gp_poh = st.team_integrated, st.team_delay, st.gp_referral, st.gp_poh
    off, counts, asleep, fell_asleep = offsets(sc.layout), sc.counts[c], sc.asleep[c], sc.fell_asleep[c]
    pending, waiting = sc.pending[c], sc.waiting[c]
    back = waiting.shape[0] - 1
    counts[:] = 0
    zero_ranges(fell_asleep, sc.carried)  # counted by count_state: carried tallies only
    pending[:] = 0
    multi_mult, benefit_mult = s[P_MULTIPROBLEM_ESCALATION_MULT], s[P_BENEFIT_MULT_SCHULDEN]
    coordinated_share = s[P_COORDINATED_SHARE]  # L7: a coordinator removes part of the multi-problem excess
    coordinated_mult = 1.0 + (multi_mult - 1.0) * (1.0 - s[P_COORDINATED_ESCALATION_CUT])
    gi_share = s[P_DOOR_GI]
    reassess = s[P_REASSESS]
    chains = _demography_chains(s, sc.demography)
    vacant_at_start, vacated, n_vacated = sc.vacant[c], sc.vacated[c], sc.n_vacated[c : c + 1]
    n_vacated[0] = 0

    awake, sleepers, fell = sc.awake[c], sc.sleepers[c : c + 1], 0
    rows = bounds[c + 1] - bounds[c]
    n_awake = _collect_awake(wake, awake, bounds[c], rows, month)
    mk = month_key(key, month)
    for i in range(n_awake):
        h = awake[i]
        hk = household_key(mk, h)
        if i + AHEAD < n_awake:  # the rows of the household AHEAD visits on (see simulation.prefetch)
            ahead = awake[i + AHEAD]
            row = flat(ahead, 0)
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
        if context[h] & CTX_ASLEEP:  # woken: this month it is counted by its visit
            income_class = 0 if state[flat(h, WERK)] != NONE else income[h]
            count_state(
                asleep, off, -1, state, severity, entered, product, provider, door, persons, companions, copay_product, income_class, h,
                (context[h] & CTX_COORDINATED) != 0,  # as counted when it fell asleep
            )  # fmt: skip
            sleepers[0] -= 1
        if next_demography[h] <= month:
            gone = _demography(
                hh, rt, st, stay, state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts,
                off, chains, h, hk, month,
            )  # fmt: skip
            if gone:
                _vacate(
                    hh, state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, h,
                    month,
                )  # fmt: skip
                vacated[n_vacated[0]] = h
                n_vacated[0] += 1
                continue
        # --- needs in every domain ------------------------------------------------------------
        on_benefit = state[flat(h, WERK)] != NONE
        active, in_trajectory = _needs_now(state, h)
        plan = coordinated(key, h, in_trajectory, coordinated_share)  # one plan, one coordinator (L7)
        mult = _escalation_mult(active, plan, multi_mult, coordinated_mult)
        active = 0  # from here: domains with a need at the end of the month
        formal = 0  # ... and of those, in a formal trajectory
        earliest = next_demography[h]  # the next onset or demographic event
        next_event = NEVER_MONTH  # the next scheduled event of a hidden need, general provision or care
        unscheduled = False  # a hidden need, general provision or maatwerk care has no event drawn yet
        queued = 0  # domains in a queue, decision or waiting list at the end of the month
        income_class = 0 if on_benefit else income[h]
        count_household_in_service(counts, off, 1, on_benefit)
        net = network[h]
        measure = under_measure(state, product, h)  # the GI may refer the youth (jeugd) to jeugdhulp
        gi = measure and gi_refers(entered, hk, h, month, gi_share)
        for d in range(N_DOMAINS):
            hd = flat(h, d)
            current = state[hd]
            count_in_service(
                counts, off, 1, d, current, hd, entered, product, provider, door, persons, companions, copay_product, income_class
            )
            if gi and d == JEUGD and current <= GENERAL:
                refer_by_gi(
                    state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d, hk, month, product_cdf,
                    s[P_SPECIALIST_SHARE + d],
                )  # fmt: skip
            elif current == NONE:
                if next_onset[hd] <= month:  # the scheduled onset is due
                    onset(state, entered, product, door, provider, next_onset, severity, severity_cdf, counts, off, hd, d, hk, month)
            elif current == CARE:
                care_month(
                    state, entered, product, door, provider, next_onset, severity, last_end, escalation, persons, companions, counts, off,
                    hd, d, hk,
                    month, care_escalate, effectiveness, product_cdf, mult, counter_of(team[h], integrated, d), reassess,
                )  # fmt: skip
            else:
                event = _unmet_event(
                    hk, d, current, next_onset[hd], month, severity[hd], product[hd], resolve_own, escalate_rate, ask, ask_income,
                    general_resolve, general_stepup, shift_resolve, shift_escalate, shift_stepup, s, net, mult, income_class,
                )  # fmt: skip
                g, t = gp[h], team[h]
                _unmet_transition(
                    event, state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d, current, hk,
                    month, door_judge[d], door_gp[d] * gp_referral[g], door_direct[d], s, gp_poh[g], in_plan[d] if plan else 0.0,
                    counter_of(t, integrated, d), team_delay[t], in_trajectory, gi_share if measure and d == JEUGD else 0.0, product_cdf,
                )  # fmt: skip
            now = state[hd]
            if now == NONE:
                earliest = min(
                    earliest,
                    _next_onset(
                        state, next_onset, hd, h, d, current, on_benefit, onset_rate, onset_income, benefit_mult, children[h],
                        young[h], adults[h], elderly[h], income[h], next_demography[h], hk, month,
                    ),
                )  # fmt: skip
                continue
            active += 1
            formal += now >= QUEUE
            count_at_month_end(counts, off, 1, d, now, severity[hd], hd, product, provider, persons, companions)
            due = _next_scheduled(now, hd, next_onset, escalation)
            unscheduled |= due == UNSCHEDULED
            next_event = _earliest_scheduled(next_event, due)
            queued += _register_waiting(waiting, pending, back, now, hd)
        # --- schedule what is not drawn yet (all of it when the probabilities changed); sleep or wait ---
        werk = state[flat(h, WERK)] != NONE
        income_class = 0 if werk else income[h]
        plan = coordinated(key, h, formal, coordinated_share)
        mult = _escalation_mult(active, plan, multi_mult, coordinated_mult)
        ctx = (CTX_MULTI if mult != 1.0 else 0) | (CTX_BENEFIT if werk else 0) | (CTX_COORDINATED if plan else 0)
        redraw = (ctx ^ context[h]) & (CTX_MULTI | CTX_BENEFIT | CTX_COORDINATED) != 0  # the escalation draws depend on them
        next_event = _schedule_unmet(
            state, severity, product, next_onset, escalation, resolve_own, escalate_rate, ask, ask_income, general_resolve,
            general_stepup, shift_resolve, shift_escalate, shift_stepup, care_escalate, s, h, hk, month, redraw, unscheduled,
            next_event, net, mult, income_class,
        )  # fmt: skip
        fell += _sleep_or_wait(
            state, severity, entered, product, provider, door, persons, companions, wake, context, counts, fell_asleep, off,
            copay_product, h, month, ctx, active, formal, queued, min(earliest, next_event), income_class,
        )  # fmt: skip
    add_ranges(counts, asleep, sc.carried)  # the households asleep all month
    counts[at(off, X_HOUSE, H_SELF_RELIANT)] += rows - n_awake - sleepers[0] - vacant_at_start  # not visited since arriving
    sc.vacant[c] += n_vacated[0]
    add_ranges(asleep, fell_asleep, sc.carried)
    sleepers[0] += fell


@njit(cache=True, nogil=True, inline="always")
def _schedule_unmet(
    state, severity, product, next_onset, escalation, resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup,
    shift_resolve, shift_escalate, shift_stepup, care_escalate, s, h: int, hk, month: int, redraw: bool, unscheduled: bool,
    next_event: int, net: float, mult: float, income_class: int,
) -> int:  # fmt: skip
    """Draw the next event of every hidden need and general provision, and maatwerk escalation, not drawn yet.

    All of them when ``redraw`` (their probabilities changed); nothing when every one is drawn
    (``unscheduled`` false). Returns the earliest scheduled event (``next_event`` when nothing is drawn).
    """
    if not (redraw or unscheduled):
        return next_event
    next_event = NEVER_MONTH
    for d in range(N_DOMAINS):
        hd = flat(h, d)
        now = state[hd]
        if HIDDEN <= now <= GENERAL:
            if redraw or next_onset[hd] == UNSCHEDULED:
                p1, p2, p3 = _need_rates(
                    resolve_own, escalate_rate, ask, ask_income, general_resolve, general_stepup, shift_resolve,
                    shift_escalate, shift_stepup, s, d, severity[hd], now, product[hd], net, mult, income_class,
                )  # fmt: skip
                next_onset[hd] = geometric_month(month + 1, any_event(p1, p2, p3), uniform(hk, stream(d, K_SCHEDULE)))
            next_event = min(next_event, next_onset[hd])
        elif now == CARE:
            if (redraw or escalation[hd] == UNSCHEDULED) and escalation[hd] != NEVER_MONTH:
                p = care_escalate[product[hd]] * mult
                escalation[hd] = geometric_month(month + 1, p, uniform(hk, stream(d, K_ESCALATION)))
            next_event = min(next_event, next_onset[hd], escalation[hd])
    return next_event


@njit(cache=True, nogil=True, parallel=True)
def household_pass(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int
) -> None:
    """Advance every household by one month (parallel over fixed chunks; see module docstring).

    ``stay`` is ``demography_tables(rt)``. Rare events (need onsets, ageing, births, deaths) are
    scheduled: ``next_onset`` and ``next_demography`` hold the month they happen, drawn from a
    geometric law when the spell starts, so a household without needs costs one comparison a month.
    """
    # (N, domains) columns as flat views, indexed by hd = flat(h, d) (made here: _chunk cannot make a view)
    state, severity, entered, product = hh.state.ravel(), hh.severity.ravel(), hh.entered.ravel(), hh.product.ravel()
    provider, door, last_end, next_onset = hh.provider.ravel(), hh.door.ravel(), hh.last_end.ravel(), hh.next_onset.ravel()
    escalation, persons, companions = hh.escalation.ravel(), hh.persons.ravel(), hh.companions.ravel()
    for c in prange(bounds.shape[0] - 1):  # c is int64 here and uint64 in the parallel region: one type, one compilation of _chunk
        _chunk(
            hh, state, severity, entered, product, provider, door, last_end, next_onset, escalation, persons, companions, rt, st, sc,
            stay, bounds, key, month, np.int64(c),
        )  # fmt: skip


@njit(cache=True, nogil=True)
def reduce_chunks(sc: Scratch, bounds: np.ndarray, row: np.ndarray) -> None:
    """Sum the chunks' counts into the month's ``row``.

    Rows vacated this month join the free rows, chunk by chunk (so arrivals do not depend on threads).
    """
    for c in range(bounds.shape[0] - 1):
        add_into(row, sc.counts[c])
        for i in range(sc.n_vacated[c]):
            sc.free[sc.n_free[0]] = sc.vacated[c, i]
            sc.n_free[0] += 1


@njit(cache=True, nogil=True, inline="always")
def arrived_in_month(key: np.uint64, entered: int, h: int, d: int) -> float:
    """When in its month of entry a queue or waiting-list entry arrived, as a fraction of that month.

    A draw keyed by the month of entry (not the month now), so it stays the same while the entry
    waits: entries of one month are served in the order they arrived (first come, first served
    within the month too), and their waits can be measured from that moment.
    """
    return uniform(household_key(month_key(key, entered), h), stream(d, K_TIEBREAK))


@njit(cache=True, nogil=True)
def _tiebreak(key: np.uint64, entered: int, h: int, d: int) -> int:
    """A 24-bit rank for ties in months waited: the moment of arrival within the month of entry (``arrived_in_month``)."""
    return int(arrived_in_month(key, entered, h, d) * 16_777_216.0)


@njit(cache=True, nogil=True, inline="always")
def wait_days(month: int, slot: float, entered: int, arrived: float) -> int:
    """Days waited (rounded) by an entry that arrived at ``entered + arrived`` and is served at ``month + slot``.

    Waits in weeks, not whole months (issue 10 item 5). Time runs continuously within a month: an
    entry arrives at a moment of its month of entry (``arrived_in_month``) and a counter or provider
    serves this month's k-th entry no earlier than ``month + k / capacity`` (its capacity spread
    evenly over the month: a team with c intakes a month does one every 1/c month), nor before the
    entry arrived. Which entries are served each month is unchanged (first come, first served up to
    capacity: the Lindley recursion of the queue holds as before); only the moment within the month
    is resolved. 4.35 weeks (30.44 days) a month.
    """
    start = max(month + slot, entered + arrived)
    return int((start - entered - arrived) * DAYS_PER_MONTH + 0.5)


@njit(cache=True, nogil=True)
def _bits(n: int) -> int:
    """Number of bits needed to write 0..n."""
    bits = 1
    while (1 << bits) <= n:
        bits += 1
    return bits


RADIX_BITS = 11  # digits of ``_radix_sort``: 2,048 buckets, five passes for the queue's 55-bit keys


@njit(cache=True, nogil=True)
def _radix_sort(values: np.ndarray) -> None:
    """Sort non-negative integers in place: least significant digit first, over the bits the largest one uses.

    Sorting the month's few thousand queue and waiting-list keys this way takes a fifth of the time
    of ``np.sort`` (a quicksort in numba). A short array is sorted by ``np.sort``; the result is the same.
    """
    n = values.shape[0]
    if n < 256:
        values.sort()
        return
    top = 0
    for i in range(n):
        top = max(top, values[i])
    buckets = 1 << RADIX_BITS
    mask = buckets - 1
    start = np.empty(buckets, np.int64)
    source, target = values, np.empty(n, np.int64)
    shift = 0
    while shift < 63 and (top >> shift) > 0:
        start[:] = 0
        for i in range(n):
            start[(source[i] >> shift) & mask] += 1
        total = 0
        for b in range(buckets):
            count = start[b]
            start[b] = total
            total += count
        for i in range(n):
            b = (source[i] >> shift) & mask
            target[start[b]] = source[i]
            start[b] += 1
        source, target = target, source
        shift += RADIX_BITS
    if source is not values:
        values[:] = source


@njit(cache=True, nogil=True)
def _key_order(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """Positions of ``keys`` (non-negative, below 2**key_bits) in increasing key order, ties by position.

    Sorting the keys with the position in their low bits is a plain integer sort (``_radix_sort``), far
    faster than an argsort; a stable argsort gives the same order when they do not fit in 63 bits.
    """
    n = keys.shape[0]
    position_bits = _bits(n)
    if key_bits + position_bits > 63:
        return np.argsort(keys, kind="mergesort")
    packed = np.empty(n, np.int64)
    for i in range(n):
        packed[i] = (keys[i] << position_bits) | i
    _radix_sort(packed)
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
            hd = sc.waiting[c, k if which == 0 else last - k]
            households[i] = hd // N_DOMAINS
            domains[i] = hd - households[i] * N_DOMAINS
            i += 1
    return households, domains, n


@njit(cache=True, nogil=True, inline="always")
def _prefetch_entry(h: int, d: int, state, severity, entered, product, door, provider, next_onset) -> None:
    """Prefetch what serving a queue or waiting-list entry (h, d) reads and writes (see ``simulation.prefetch``)."""
    hd = flat(h, d)
    prefetch(state, hd)
    prefetch(severity, hd)
    prefetch(entered, hd)
    prefetch(product, hd)
    prefetch(door, hd)
    prefetch(provider, hd)
    prefetch(next_onset, hd)


@njit(cache=True, nogil=True, inline="always")
def _triage(
    state, entered, product, door, provider, next_onset, row, off, hd, d: int, hk, month: int, v: int,
    accuracy: float, delay: int, refusal: float, shift_share, product_cdf, specialist_share: float,
) -> int:  # fmt: skip
    """The access team triages a served request and routes it; returns the new state.

    Light → general provision, moderate → maatwerk, severe → specialist (``schema.TRIAGE_TIER``),
    or wrongly (``MISTRIAGE_TIER``). Under stricter eligibility maatwerk may be refused (L5); a
    share of maatwerk goes to the general provision replacing it (L1); the rest awaits the
    beschikking (``delay`` months) or goes straight onto the waiting list.
    """
    tier = TRIAGE_TIER[v]
    if uniform(hk, stream(d, K_TRIAGE)) >= accuracy:
        tier = MISTRIAGE_TIER[v]
    tier = indicated_tier(tier, d, hk, specialist_share)  # a severe need: the specialist tier or maatwerk
    if tier == T_MAATWERK and refusal > 0 and uniform(hk, stream(d, K_REFUSE)) < refusal:
        tier = T_GENERAL  # stricter eligibility: maatwerk refused, a general provision instead (L5)
        row[event_at(off, d, E_REFUSED)] += 1
    returning = product[hd]  # >= 0: stepped up from the general provision replacing this product (L1)
    if tier <= T_GENERAL:
        row[event_at(off, d, E_TRIAGE_GEN)] += 1
        enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_ACCESS)
        return GENERAL
    choice = pick_product(product_cdf, d, tier, uniform(hk, stream(d, K_PRODUCT)))
    if returning >= 0 and tier == T_MAATWERK:
        choice = returning  # the general provision was not enough: the maatwerk it replaced
    if returning < 0 and shift_share[choice] > 0 and uniform(hk, stream(d, K_SHIFT)) < shift_share[choice]:
        row[event_at(off, d, E_SHIFTED)] += 1  # the general provision that replaces this product, no beschikking (L1)
        enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, choice, D_ACCESS)
        return GENERAL
    new_state = DECISION if delay > 0 else WAITLIST
    enter(state, entered, product, door, provider, next_onset, hd, month, new_state, choice, D_ACCESS)
    return new_state


@njit(cache=True, nogil=True)
def serve_access_queues(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, row: np.ndarray, key: np.uint64, month: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Access teams serve their queues first come, first served, up to capacity per counter, and triage.

    Returns the waiting-list entries (households, domains, count), those triaged onto a waiting list this month included.
    """
    state, severity, entered, product = hh.state.ravel(), hh.severity.ravel(), hh.entered.ravel(), hh.product.ravel()
    provider, door, next_onset, team = hh.provider.ravel(), hh.door.ravel(), hh.next_onset.ravel(), hh.team
    integrated, capacity = st.team_integrated, st.counter_capacity.ravel()
    off = offsets(sc.layout)
    mk = month_key(key, month)
    qh, qd, n_q = _gather(sc, 0, 0)
    wh, wd, n_w = _gather(sc, 1, n_q)
    keys = np.empty(n_q, np.int64)
    counters = np.empty(n_q, np.int64)  # each entry's counter, at hand when serving (most entries wait: no row is read)
    for i in range(n_q):
        h, d = qh[i], qd[i]
        if i + 2 * AHEAD < n_q:  # entries in household order: in a large population their rows are far apart
            prefetch(entered, flat(qh[i + 2 * AHEAD], qd[i + 2 * AHEAD]))
            prefetch(team, qh[i + 2 * AHEAD])
        came = entered[flat(h, d)]
        counters[i] = counter_of(team[h], integrated, d)
        keys[i] = (counters[i] << 40) | ((32_767 - np.int64(month - came)) << 24) | _tiebreak(key, came, h, d)
    served = np.zeros(capacity.shape[0], np.int64)
    queued = _key_order(keys, 40 + _bits(capacity.shape[0]))
    n_w = _serve_in_order(
        state, severity, entered, product, door, provider, next_onset, team, capacity, rt, st, row, off, qh, qd, counters, queued, served,
        wh, wd, n_w, key, mk, month, sc.intake,
    )  # fmt: skip
    for counter in range(capacity.shape[0]):
        row[queue_at(off, counter, Q_SERVED)] = served[counter]
    return wh, wd, n_w


@njit(cache=True, nogil=True, _nrt=False)
def _serve_in_order(
    state, severity, entered, product, door, provider, next_onset, team, capacity, rt: Rates, st: Structure, row, off, qh, qd,
    counters, queued, served, wh, wd, n_w: int, key, mk, month: int, intake,
) -> int:  # fmt: skip
    """Serve the queue entries in ``queued`` order up to capacity per counter (``counters``: each entry's); returns the waiting-list length.

    An integrated counter (one door for all laws, L2) takes all the requests of a household that
    are in its queue in one intake: a request of a household whose intake was this month (``intake``)
    is served with it, using no capacity (a joint intake), where separate counters each hold one.

    The wait of each intake is counted in days (``wait_days``, the counter's k-th intake of the month
    at k / capacity of the month). A need triaged to maatwerk awaits a beschikking: the decision comes
    ``team_delay`` months after the intake, so the term from arrival at the team to the decision is
    the wait plus that delay; a decision after ``access.decision_term_weeks`` (the Wmo's eight weeks:
    six for the investigation after the melding, art. 2.3.2, two for the decision on the
    application, art. 2.3.5) is counted late. Without reference counting (see ``_chunk``); the
    arrays are the caller's.
    """
    term_days = rt.scalars[P_DECISION_TERM] * 7.0
    n_q = queued.shape[0]
    for r in range(n_q):
        i = queued[r]
        h, d = qh[i], qd[i]
        hd = flat(h, d)
        if r + SERVE_AHEAD < n_q:  # in queue order the rows are scattered: fetch ahead those that may be served
            ahead = queued[r + SERVE_AHEAD]
            if served[counters[ahead]] < capacity[counters[ahead]]:  # a counter full now stays full this month
                _prefetch_entry(qh[ahead], qd[ahead], state, severity, entered, product, door, provider, next_onset)
                prefetch(team, qh[ahead])
        counter = counters[i]
        integrated = st.team_integrated[counter // N_DOMAINS] == 1  # the counters of a team are its row of (teams, domains)
        joint = integrated and intake[h] == month
        if served[counter] >= capacity[counter] and not joint:
            row[queue_at(off, counter, Q_LENGTH)] += 1
            continue
        came = entered[hd]
        days = wait_days(month, min(served[counter], capacity[counter] - 1) / capacity[counter], came, arrived_in_month(key, came, h, d))
        if joint:
            row[event_at(off, d, E_JOINT_INTAKE)] += 1
        else:
            served[counter] += 1
            if integrated:
                intake[h] = month
        v = severity[hd]
        row[event_at(off, d, E_SERVED)] += 1
        row[event_at(off, d, E_ACCESS_WAIT)] += days
        row[wait_at(off, d, W_ACCESS, days)] += 1
        delay = st.team_delay[team[h]]
        new_state = _triage(
            state, entered, product, door, provider, next_onset, row, off, hd, d, household_key(mk, h), month, v,
            st.team_triage[team[h]], delay, rt.refusal[d] if month >= 0 else 0.0, rt.shift_share, rt.product_cdf,
            rt.scalars[P_SPECIALIST_SHARE + d],
        )  # fmt: skip
        if new_state in (DECISION, WAITLIST):  # a maatwerk beschikking
            row[event_at(off, d, E_DECISIONS)] += 1
            row[event_at(off, d, E_DECISIONS_LATE)] += days + delay * DAYS_PER_MONTH > term_days
        if new_state == WAITLIST:
            wh[n_w] = h
            wd[n_w] = d
            n_w += 1
        row[occupancy_at(off, d, QUEUE, v)] -= 1
        row[occupancy_at(off, d, new_state, v)] += 1
        if new_state == GENERAL and _needs_now(state, h)[1] == 1:  # no longer in two formal trajectories (nor coordinated, L7)
            row[at(off, X_HOUSE, H_DUPLICATE)] -= 1
            row[at(off, X_HOUSE, H_COORDINATED)] -= coordinated(key, h, 2, rt.scalars[P_COORDINATED_SHARE])
    return n_w


@njit(cache=True, nogil=True, inline="always")
def _best_provider(offer_start, offer_provider, slots, row, off, p: int) -> tuple[int, int]:
    """The provider of product p with the most free slots, and how many (the first of equals)."""
    best, best_free = -1, -(1 << 62)
    for k in range(offer_start[p], offer_start[p + 1]):
        prov = offer_provider[k]
        free = slots[prov, p] - row[care_at(off, X_STOCK, prov, p)]
        if free > best_free:
            best, best_free = prov, free
    return best, best_free


@njit(cache=True, nogil=True, inline="always")
def _admit(
    state, entered, product, door, provider, next_onset, escalation, persons, companions, row, off, rt: Rates, hd, h: int, d: int,
    v: int, eligible: int, prov: int, mk, month: int, days: int,
) -> None:  # fmt: skip
    """Admit household-domain ``hd`` to its product at provider ``prov`` after ``days`` on its waiting list.

    Draws who the care concerns (of ``eligible`` members) and when it ends.
    """
    p = product[hd]
    hk = household_key(mk, h)
    row[event_at(off, d, E_ADMISSIONS)] += 1
    row[event_at(off, d, E_ADM_WAIT)] += days
    row[wait_at(off, d, W_ADMISSION, days)] += 1
    row[care_at(off, X_ADMITTED, prov, p)] += 1
    start_trajectories(row, off, persons, companions, hd, p, prov, door[hd], eligible, hk, d, rt.persons_share, rt.companion_share)
    row[care_at(off, X_STOCK, prov, p)] += 1
    count_persons(row, off, p, persons[hd], companions[hd])
    row[occupancy_at(off, d, WAITLIST, v)] -= 1
    row[occupancy_at(off, d, CARE, v)] += 1
    enter(state, entered, product, door, provider, next_onset, hd, month, CARE, p, door[hd])
    provider[hd] = prov
    exit_draw = uniform(hk, stream(d, K_EXIT))
    next_onset[hd] = month + care_duration(rt.survival, rt.hazard, p, exit_draw)  # while in care: the exit month
    escalation[hd] = UNSCHEDULED if PRODUCT_TIER[p] == T_MAATWERK else NEVER_MONTH  # drawn at the next visit


@njit(cache=True, nogil=True)
def admit_from_waiting_lists(
    hh: Households,
    rt: Rates,
    st: Structure,
    sc: Scratch,
    row: np.ndarray,
    key: np.uint64,
    month: int,
    wh: np.ndarray,
    wd: np.ndarray,
    n_w: int,
) -> None:
    """Providers admit from their waiting lists: crises and court orders first, then the longest waiting, up to free slots."""
    state, severity, entered, product = hh.state.ravel(), hh.severity.ravel(), hh.entered.ravel(), hh.product.ravel()
    provider, door, next_onset, escalation = hh.provider.ravel(), hh.door.ravel(), hh.next_onset.ravel(), hh.escalation.ravel()
    persons, companions = hh.persons.ravel(), hh.companions.ravel()
    slots, offer_start, offer_provider = st.provider_slots, st.offer_start, st.offer_provider
    off = offsets(sc.layout)
    mk = month_key(key, month)
    free = np.zeros(slots.shape[1], np.int64)  # free slots per product over all its providers
    for p in range(slots.shape[1]):
        for k in range(offer_start[p], offer_start[p + 1]):
            free[p] += max(0, slots[offer_provider[k], p] - row[care_at(off, X_STOCK, offer_provider[k], p)])
    weight, cap = st.budget_weight, st.budget_cap[0]
    spent = _held_to_budget(row, off, weight) if cap < np.inf else 0.0
    keys = np.empty(n_w, np.int64)
    order = np.empty(n_w, np.int64)  # entries that can be admitted this month (others just wait)
    n_sort = 0
    for i in range(n_w):
        h, d = wh[i], wd[i]
        hd = flat(h, d)
        if i + 2 * AHEAD < n_w:  # entries are in household order: their rows are far apart in a large population
            ahead = flat(wh[i + 2 * AHEAD], wd[i + 2 * AHEAD])
            prefetch(door, ahead)
            prefetch(product, ahead)
            prefetch(entered, ahead)
        priority = 0 if (door[hd] == D_CRISIS or door[hd] == D_JUDGE) else 1
        if priority == 1 and (free[product[hd]] == 0 or (weight[product[hd]] > 0 and spent >= cap)):
            continue
        waited = np.int64(month - entered[hd])
        keys[n_sort] = (priority << 40) | ((32_767 - waited) << 24) | _tiebreak(key, entered[hd], h, d)
        order[n_sort] = i
        n_sort += 1
    ranked = _key_order(keys[:n_sort], 41)
    full = np.zeros(slots.shape[1], np.bool_)  # no free slot left for the product this month
    taken = np.zeros(slots.shape[1], np.int64)  # free slots taken this month per product (the moment of an admission)
    _admit_in_order(
        hh, state, severity, entered, product, door, provider, next_onset, escalation, persons, companions, rt, st, row, off, wh, wd,
        order, ranked, full, free, taken, spent, cap, key, mk, month,
    )  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def _held_to_budget(row, off, weight) -> float:
    """Start-year euros a month of the provisions held now at ``weight`` per provision: the care budget's spending (L5)."""
    spent = 0.0
    for p in range(weight.shape[0]):
        spent += weight[p] * row[persons_at(off, p, HOLD_PROVISIONS)]
    return spent


@njit(cache=True, nogil=True, _nrt=False)
def _admit_in_order(
    hh: Households, state, severity, entered, product, door, provider, next_onset, escalation, persons, companions, rt: Rates,
    st: Structure, row, off, wh, wd, order, ranked, full, free, taken, spent: float, cap: float, key, mk, month: int,
) -> None:  # fmt: skip
    """Admit the waiting-list entries in ``ranked`` order while their product has a free slot (priority entries always).

    A product held to the care budget (L5: ``Structure.budget_weight``) is admitted only while the
    provisions held to it cost less than ``cap`` a month (``spent``, read again from the persons tally
    after every admission to it, priority ones included).

    The moment of an admission within the month (``wait_days``): the k-th of a product's ``free``
    slots at the start of the month is taken at k / free of the month (slots free up through the
    month); a crisis or court order is admitted as it arrives. Without reference counting (see
    ``_chunk``); the arrays are the caller's.
    """
    slots, offer_start, offer_provider = st.provider_slots, st.offer_start, st.offer_provider
    n_sort = ranked.shape[0]
    for r in range(n_sort):
        i = order[ranked[r]]
        h, d = wh[i], wd[i]
        hd = flat(h, d)
        if r + AHEAD < n_sort:  # in waiting order the rows are scattered: fetch ahead
            ahead = order[ranked[r + AHEAD]]
            _prefetch_entry(wh[ahead], wd[ahead], state, severity, entered, product, door, provider, next_onset)
        p = product[hd]
        priority = door[hd] == D_CRISIS or door[hd] == D_JUDGE
        budgeted = st.budget_weight[p] > 0
        if not priority and (full[p] or (budgeted and spent >= cap)):
            continue
        best, best_free = _best_provider(offer_start, offer_provider, slots, row, off, p)
        if best < 0 or (best_free <= 0 and not priority):
            full[p] = True
            continue
        slot = 0.0
        if not priority:
            slot = taken[p] / max(free[p], 1)
            taken[p] += 1
        days = wait_days(month, slot, entered[hd], arrived_in_month(key, entered[hd], h, d))
        eligible = eligible_members(hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h], d)
        _admit(
            state, entered, product, door, provider, next_onset, escalation, persons, companions, row, off, rt, hd, h, d, severity[hd],
            eligible, best, mk, month, days,
        )  # fmt: skip
        if budgeted and cap < np.inf:
            spent = _held_to_budget(row, off, st.budget_weight)


@njit(cache=True, nogil=True)
def steer_population(rt: Rates, st: Structure, sc: Scratch, month: int) -> None:
    """This year's demographic probabilities and arrivals (in January): the population path reached next January.

    Ageing out of 0-17, death at 75+ and moving out keep their parameters. Births, ageing out of
    18-22 and 23-74 and the arrivals a month solve the expected change of the four age groups over
    the year, from the population now to the target of next January (``Structure.population_target``;
    in a burn-in, month < 0, the start population is held): children, young, elderly and total give
    arrivals, births, young and adult ageing in turn. Each stays within [0, its bound]; an arrival
    rate below 0 is 0 (the path then falls short, as the tests would show). With ``demography.steer``
    0 the parameters hold and arrivals replace the households moving out.
    """
    base = _demography_base(rt.scalars)
    bound = _demography_max(rt.scalars)
    for g in range(6):
        sc.demography[g] = base[g]
    pop = sc.population
    households = float(pop[P_HOUSEHOLDS])
    sc.demography[DM_ARRIVALS] = base[G_DEPART] * households
    if rt.scalars[P_DEMOGRAPHY_STEER] <= 0.0:
        return
    target = st.population_target
    k = 0 if month < 0 else min(month // 12 + 1, target.shape[0] - 1)
    c, y, a, e = float(pop[0]), float(pop[1]), float(pop[2]), float(pop[3])
    n = c + y + a + e
    dc, dy, de = (target[k, 0] - c) / 12.0, (target[k, 1] - y) / 12.0, (target[k, 3] - e) / 12.0
    dn = (target[k, 0] + target[k, 1] + target[k, 2] + target[k, 3] - n) / 12.0
    mix = st.arrival_mix
    kc, m, o = base[G_CHILD], base[G_DEATH], base[G_DEPART]
    non_children = mix[1] + mix[2] + mix[3]
    arrivals = 0.0
    if non_children > 0.0:
        arrivals = max(0.0, (dn - dc + m * e + o * (n - c) - kc * c) / non_children)
    sc.demography[DM_ARRIVALS] = arrivals
    eligible = float(pop[P_BIRTH_ELIGIBLE])
    if eligible > 0.0:
        sc.demography[G_BIRTH] = min(max((dc + kc * c + o * c - arrivals * mix[0]) / eligible, 0.0), bound[G_BIRTH])
    if y > 0.0:
        sc.demography[G_YOUNG] = min(max((kc * c - o * y + arrivals * mix[1] - dy) / y, 0.0), bound[G_YOUNG])
    if a > 0.0:
        sc.demography[G_ADULT] = min(max((de + m * e + o * e - arrivals * mix[3]) / a, 0.0), bound[G_ADULT])


@njit(cache=True, nogil=True, inline="always")
def _move_in(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, mk: np.uint64, salt: np.uint64,
    month: int, row: np.ndarray, off, single_adult: bool,
) -> int:  # fmt: skip
    """A household takes the top vacant row (drawn from the household types, or one adult); its persons, or -1 if refused.

    Its draws use a key of its own, (month, row, ``salt``), apart from the draws of its visits.
    """
    if sc.n_free[0] == 0:
        row[at(off, X_DEMOGRAPHY, DG_ARRIVALS_REFUSED)] += 1
        return -1
    sc.n_free[0] -= 1
    h = sc.free[sc.n_free[0]]
    hk = mix64(household_key(mk, h) ^ salt)
    _draw_household(hh, h, hk, st)
    if single_adult:
        hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h] = 0, 0, 1, 0
    _schedule(hh, rt, stay, h, hk, month, False)
    hh.context[h] = 0
    sc.vacant[h // (bounds[1] - bounds[0])] -= 1
    _count_population(row, off, 1, hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h])
    return hh.children[h] + hh.young[h] + hh.adults[h] + hh.elderly[h]


@njit(cache=True, nogil=True, _nrt=False)
def arrive(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int,
    row: np.ndarray,
) -> None:  # fmt: skip
    """Households moving in this month take vacant rows (the expected number, its fraction carried to next month).

    An arriving household is drawn from the household types, without needs.
    """
    expected = sc.demography[DM_ARRIVALS] + sc.demography[DM_CARRY]
    n = int(expected)
    sc.demography[DM_CARRY] = expected - n
    off = offsets(sc.layout)
    mk = month_key(key, month)
    for _ in range(n):
        persons = _move_in(hh, rt, st, sc, stay, bounds, mk, ARRIVAL, month, row, off, False)
        if persons >= 0:
            row[at(off, X_DEMOGRAPHY, DG_ARRIVED_HOUSEHOLDS)] += 1
            row[at(off, X_DEMOGRAPHY, DG_ARRIVED_PERSONS)] += persons


@njit(cache=True, nogil=True, _nrt=False)
def settle_population(
    hh: Households, rt: Rates, st: Structure, sc: Scratch, stay: np.ndarray, bounds: np.ndarray, key: np.uint64, month: int,
    row: np.ndarray,
) -> None:  # fmt: skip
    """After the month's pass: young adults who left home form one-adult households; the population at month end.

    The population tally holds the month's changes until here; it becomes the population at month
    end, and household-domains with no need are the rest of the households. A formed household's
    events are scheduled from next month.
    """
    off = offsets(sc.layout)
    mk = month_key(key, month)
    for _ in range(row[at(off, X_DEMOGRAPHY, DG_LEFT_HOME)]):
        if _move_in(hh, rt, st, sc, stay, bounds, mk, FORMED, month + 1, row, off, True) > 0:
            row[at(off, X_HOUSE, H_SELF_RELIANT)] += 1  # at month end, without a need (the pass has counted the others)
    for i in range(sc.population.shape[0]):
        sc.population[i] += row[at(off, X_POPULATION, i)]
        row[at(off, X_POPULATION, i)] = sc.population[i]
    for d in range(N_DOMAINS):
        counted = 0
        for s in range(N_STATES):
            for v in range(N_SEVERITY):
                counted += row[occupancy_at(off, d, s, v)]
        row[occupancy_at(off, d, NONE, 0)] = sc.population[P_HOUSEHOLDS] - counted


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
    out: np.ndarray,
    row: int,
    reuse_row: bool,
) -> None:
    """Advance ``months`` months from ``month``, month i counted in row ``row + i`` of ``out`` (``Tallies.counts``).

    With ``reuse_row`` every month is counted in row ``row``, cleared first (burn-in). One call for
    many months: passing the arrays from Python to numba costs more than a month of a small
    municipality (~0.2 ms per call).
    """
    for i in range(months):
        counts = out[row if reuse_row else row + i]
        if reuse_row:
            counts[:] = 0
        if (month + i) % 12 == 0:
            steer_population(rt, st, sc, month + i)
        arrive(hh, rt, st, sc, stay, bounds, key, month + i, counts)
        household_pass(hh, rt, st, sc, stay, bounds, key, month + i)
        reduce_chunks(sc, bounds, counts)
        settle_population(hh, rt, st, sc, stay, bounds, key, month + i, counts)
        wh, wd, n_w = serve_access_queues(hh, rt, st, sc, counts, key, month + i)
        admit_from_waiting_lists(hh, rt, st, sc, counts, key, month + i, wh, wd, n_w)
